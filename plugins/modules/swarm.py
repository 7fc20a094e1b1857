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
  - O(state=remove), on a manager, takes the node O(node_id) out of the swarm's node list once it is down (it left
    the swarm, or its engine stopped); a node that is up fails the task, naming O(node_id).
  - Same option names as M(community.docker.docker_swarm) for the same meaning, every option of it taken. Unlike it,
    a O(data_path_port), O(default_addr_pool) or O(subnet_size) that differs from an existing swarm's fails the task
    rather than being ignored, and O(signing_ca_cert) is compared (with the swarm's root CA), so a second run changes nothing.
options:
  state:
    description:
      - V(present) - a manager of a swarm (initialised here when the engine is in no swarm), with the settings of the task.
      - V(join) - a member of the swarm of O(remote_addrs).
      - V(absent) - in no swarm.
      - V(remove) - the node O(node_id), which is down, is no longer in the swarm (run on a manager).
    type: str
    choices: [present, join, absent, remove]
    default: present
  node_id:
    description:
      - With O(state=remove), the ID (or host name) of the node to take out of the swarm. A node the swarm does not
        have is already removed (no change). A manager node needs O(force=true) (or a demotion first, with M(dockhand.docker.node)).
    type: str
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
      - With O(state=remove), remove a node that is a manager too.
    type: bool
    default: false
  data_path_port:
    description:
      - The UDP port of the overlay networks' data traffic (VXLAN, 4789 by default), from 1024 to 49151, when the swarm
        is initialised. Fixed for the life of a swarm, as O(default_addr_pool).
    type: int
  name:
    description:
      - The name of the swarm's spec. The engine keeps one, named V(default), and refuses any other name; so does this
        module, before anything is changed.
    type: str
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
  heartbeat_tick:
    description: Raft ticks (of one second) between two heartbeats of the leader (1 by default).
    type: int
  election_tick:
    description: Raft ticks without a leader before a new election (10 by default); more than O(heartbeat_tick).
    type: int
  dispatcher_heartbeat_period:
    description: Nanoseconds between two heartbeats of a node to the managers (5000000000, 5 seconds, by default).
    type: int
  node_cert_expiry:
    description: Nanoseconds the nodes' TLS certificates are valid for (7776000000000000, 90 days, by default).
    type: int
  ca_force_rotate:
    description:
      - A counter - a value other than the swarm's makes it generate a new root CA (unless O(signing_ca_cert) gives one)
        and rotate every node's certificate to it, as C(docker swarm ca --rotate) does. The module waits until the
        rotation completed.
    type: int
  signing_ca_cert:
    description:
      - The root CA certificate, in PEM form (the text, not a path), that signs the nodes' certificates. The swarm
        rotates to it (the module waits until every node has a certificate of it).
      - Compared with the swarm's root CA (C(TLSInfo.TrustRoot)), so give a root CA certificate, not an intermediate.
    type: str
  signing_ca_key:
    description: The key of O(signing_ca_cert), in PEM form; sent with it when it changes, never shown.
    type: str
  rotate_worker_token:
    description: Replace the worker join token by a new one; every run that sets it rotates (and reports a change).
    type: bool
    default: false
  rotate_manager_token:
    description: Replace the manager join token by a new one; every run that sets it rotates (and reports a change).
    type: bool
    default: false
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

- name: Keep fewer finished tasks, and slower raft heartbeats
  dockhand.docker.swarm:
    task_history_retention_limit: 1
    heartbeat_tick: 2
    election_tick: 20

- name: A new worker join token (the old one no longer joins)
  dockhand.docker.swarm:
    rotate_worker_token: true
  register: rotated
  no_log: true

- name: Take a node whose engine is gone out of the swarm
  dockhand.docker.swarm:
    state: remove
    node_id: worker-3

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
