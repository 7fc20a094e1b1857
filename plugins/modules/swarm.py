#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: swarm
short_description: Make an engine a Docker Swarm manager or worker, update the swarm's settings, or leave the swarm
version_added: 0.2.0
description:
  - Makes the engine of O(docker_host) a member of a Docker Swarm as the task says, through one plan that check mode,
    C(--diff) and C(changed) all share.
  - O(state=present) initialises a new swarm of one manager when the engine is in none, and otherwise updates the
    swarm's settings in place (on a manager) where they differ from the task.
  - O(state=join) joins the swarm whose managers are O(remote_addrs), as a worker or a manager as O(join_token) says.
    An engine already in that swarm is left as it is; one in another swarm fails, naming O(remote_addrs).
  - O(state=absent) leaves the swarm. A manager leaves only with O(force=true).
  - Same option names as M(community.docker.docker_swarm) for the same meaning. Not here (yet) - C(state=remote),
    C(node_id), token rotation, the CA and dispatcher settings, C(election_tick) and C(heartbeat_tick).
options:
  state:
    description:
      - V(present) - a manager of a swarm (initialised here when the engine is in no swarm), with the settings of the task.
      - V(join) - a member of the swarm of O(remote_addrs).
      - V(absent) - in no swarm.
    type: str
    choices: [present, join, absent]
    default: present
  advertise_addr:
    description:
      - The address (or interface) other nodes reach this one at, for O(state=present) when the swarm is initialised
        and for O(state=join). Not compared for an engine that is already in a swarm.
    type: str
  listen_addr:
    description:
      - The address the swarm listens on for the nodes' traffic (C(0.0.0.0:2377) by default); used when the swarm is
        initialised or joined only.
    type: str
  data_path_addr:
    description: The address (or interface) for the data traffic of overlay networks; used at init and join only.
    type: str
  default_addr_pool:
    description:
      - Subnets in CIDR form the swarm takes the subnets of overlay networks from, when it is initialised.
      - Fixed for the life of a swarm; a task that gives other pools for an existing swarm fails naming this option.
    type: list
    elements: str
  subnet_size:
    description:
      - The prefix length of the subnets taken from O(default_addr_pool) (24 by default), when the swarm is initialised.
      - Fixed for the life of a swarm, as O(default_addr_pool).
    type: int
  remote_addrs:
    description:
      - With O(state=join), addresses of managers of the swarm to join (C(host) or C(host:port), port 2377 by default).
    type: list
    elements: str
  join_token:
    description:
      - With O(state=join), the swarm's worker or manager join token (C(JoinTokens) in RV(swarm) of a manager). The token
        decides the role the engine joins with. Never shown in the output.
    type: str
  force:
    description:
      - With O(state=absent), leave the swarm even when this engine is a manager (the last manager's leaving ends the swarm).
    type: bool
    default: false
  labels:
    description:
      - Labels of the swarm. Only the keys listed are compared and set; others are left alone. Values must be strings.
    type: dict
  task_history_retention_limit:
    description: How many finished tasks the swarm keeps per service slot (5 when initialised without it).
    type: int
  snapshot_interval:
    description: Raft log entries between two snapshots of the swarm's state.
    type: int
  keep_old_snapshots:
    description: How many raft snapshots to keep besides the current one.
    type: int
  log_entries_for_slow_followers:
    description: Raft log entries kept after a snapshot for slow managers to catch up with.
    type: int
  autolock_managers:
    description:
      - Lock the managers' raft keys with a key needed after each engine restart (C(docker swarm unlock)).
      - When this run turns it on, the key is returned as RV(swarm_unlock_key); register the result with C(no_log).
    type: bool
notes:
  - The swarm's join tokens and its unlock key are returned so later tasks can join other engines. Set C(no_log) on
    a task that registers this module's result when the output is logged or shown.
extends_documentation_fragment:
  - dockhand.docker.docker
  - dockhand.docker.attributes
seealso:
  - module: dockhand.docker.swarm_info
  - module: community.docker.docker_swarm
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: A swarm whose first manager is this engine
  dockhand.docker.swarm:
    advertise_addr: 10.0.0.1
    default_addr_pool: [10.20.0.0/16]
    subnet_size: 26
    task_history_retention_limit: 3
  register: manager
  no_log: true

- name: Another engine joins as a worker
  dockhand.docker.swarm:
    docker_host: tcp://10.0.0.2:2376
    tls: true
    state: join
    remote_addrs: [10.0.0.1]
    advertise_addr: 10.0.0.2
    join_token: "{{ manager.swarm.JoinTokens.Worker }}"

- name: Keep fewer finished tasks
  dockhand.docker.swarm:
    task_history_retention_limit: 1

- name: The worker leaves the swarm
  dockhand.docker.swarm:
    docker_host: tcp://10.0.0.2:2376
    tls: true
    state: absent
"""

RETURN = r"""
swarm:
  description:
    - On a manager, the swarm as the engine reports it after the run (C(docker swarm inspect)), with its C(JoinTokens).
      On a worker, the node's swarm state from C(docker info) (C(NodeID), C(NodeAddr), C(RemoteManagers)).
      Empty when the engine is in no swarm. In check mode, as it is before the run.
  returned: always
  type: dict
  sample: {"ID": "q2lxmbykr4cbrhqvzmqzekv5f", "Spec": {"Name": "default", "Orchestration": {"TaskHistoryRetentionLimit": 3}},
           "JoinTokens": {"Worker": "SWMTKN-1-...", "Manager": "SWMTKN-1-..."}, "DefaultAddrPool": ["10.20.0.0/16"], "SubnetSize": 26}
swarm_facts:
  description: The same as RV(swarm), under M(community.docker.docker_swarm)'s name (its C(JoinTokens) included).
  returned: always
  type: dict
swarm_unlock_key:
  description: The key that unlocks the managers after a restart, when this run turned O(autolock_managers) on.
  returned: when autolock_managers was turned on
  type: str
actions:
  description: The plan, one readable line per action (or that would be applied in check mode).
  returned: always
  type: list
  elements: str
  sample: ["update swarm: task_history_retention_limit: 5 -> 1 (update)"]
changes:
  description: Every setting that differs, with its actual (C(before)) and desired (C(after)) value.
  returned: always
  type: list
  elements: dict
  sample: [{"field": "task_history_retention_limit", "before": 5, "after": 1, "how": "update"}]
actions_done:
  description: When an action fails, the actions applied before it.
  returned: failure
  type: list
  elements: str
"""

from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_module
from ansible_collections.dockhand.docker.plugins.module_utils._swarm import SwarmKind, SWARM_SPEC as ARGUMENT_SPEC


def main():
    run_module(SwarmKind, ARGUMENT_SPEC)


if __name__ == "__main__":
    main()
