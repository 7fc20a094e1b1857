#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: swarm_info
short_description: The swarm an engine is in, and its nodes, services and tasks
version_added: 0.2.0
description:
  - Says whether the engine of O(docker_host) is in a swarm and whether it is a manager; on a manager, returns the
    swarm's inspect data and, when asked, its nodes, services and tasks, optionally filtered.
  - Same options and result keys as M(community.docker.docker_swarm_info), so tasks move over by changing the FQCN
    (C(can_talk_to_docker) is not returned, since an engine that does not answer fails the task).
  - On a worker or an engine in no swarm, only RV(docker_swarm_active) and RV(docker_swarm_manager) say something;
    the lists are not returned, since only a manager answers for the swarm.
options:
  nodes:
    description: Return the swarm's nodes as RV(nodes).
    type: bool
    default: false
  nodes_filters:
    description: Engine filters for the nodes (C(id), C(label), C(membership), C(name), C(node.label), C(role)).
    type: dict
  services:
    description: Return the swarm's services as RV(services).
    type: bool
    default: false
  services_filters:
    description: Engine filters for the services (C(id), C(label), C(mode), C(name)).
    type: dict
  tasks:
    description: Return the swarm's tasks as RV(tasks).
    type: bool
    default: false
  tasks_filters:
    description: Engine filters for the tasks (C(desired-state), C(id), C(label), C(name), C(node), C(service)).
    type: dict
  unlock_key:
    description: Return the managers' unlock key as RV(swarm_unlock_key) (register the result with C(no_log)).
    type: bool
    default: false
  verbose_output:
    description:
      - Return each node, service and task as the engine reports it, instead of the short form of C(docker node ls),
        C(docker service ls) and C(docker service ps).
    type: bool
    default: false
extends_documentation_fragment:
  - dockhand.docker.docker
  - dockhand.docker.attributes.info_module
seealso:
  - module: dockhand.docker.swarm
  - module: community.docker.docker_swarm_info
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: Is this engine a swarm manager?
  dockhand.docker.swarm_info:
  register: swarm

- name: The swarm's workers and the tasks of one service
  dockhand.docker.swarm_info:
    nodes: true
    nodes_filters:
      role: worker
    tasks: true
    tasks_filters:
      service: web
"""

RETURN = r"""
can_talk_to_docker:
  description: Always V(true) on success (the module fails when it cannot reach the engine); as M(community.docker.docker_swarm_info).
  returned: success
  type: bool
docker_swarm_active:
  description: Whether the engine is in a swarm.
  returned: always
  type: bool
docker_swarm_manager:
  description: Whether the engine is a manager of its swarm.
  returned: always
  type: bool
swarm_facts:
  description: On a manager, the swarm's inspect data (C(docker swarm inspect)), with its C(JoinTokens); else empty.
  returned: always
  type: dict
swarm_unlock_key:
  description: The managers' unlock key (empty when the swarm is not autolocked).
  returned: when O(unlock_key=true) on a manager
  type: str
nodes:
  description: The nodes; each with C(ID), C(Hostname), C(Status), C(Availability), C(ManagerStatus) (C(Leader),
    C(reachable), C(unreachable) or null for a worker) and C(EngineVersion), unless O(verbose_output).
  returned: when O(nodes=true) on a manager
  type: list
  elements: dict
  sample: [{"ID": "ixhu2fbz4xmwoc2y0eqq7gnhw", "Hostname": "node1", "Status": "ready", "Availability": "active",
            "ManagerStatus": "Leader", "EngineVersion": "20.10.24"}]
services:
  description: The services; each with C(ID), C(Name), C(Mode), C(Replicas) (running tasks for a global service),
    C(Image) and C(Ports), unless O(verbose_output).
  returned: when O(services=true) on a manager
  type: list
  elements: dict
tasks:
  description: The tasks; each with C(ID), C(ContainerID), C(Image), C(Node) (its hostname when O(nodes) or O(tasks)
    listed it), C(DesiredState), C(CurrentState) and C(Error), unless O(verbose_output).
  returned: when O(tasks=true) on a manager
  type: list
  elements: dict
"""

from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_info_module
from ansible_collections.dockhand.docker.plugins.module_utils._swarm_info import swarm_info, SWARM_INFO_SPEC as ARGUMENT_SPEC


def main():
    run_info_module(ARGUMENT_SPEC, swarm_info)


if __name__ == "__main__":
    main()
