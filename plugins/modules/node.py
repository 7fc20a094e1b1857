#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: node
short_description: Set a Docker Swarm node's availability, role and labels
version_added: 0.2.0
description:
  - Makes a node of the swarm match the task, through one plan that check mode, C(--diff) and C(changed) all share.
    The engine must be a swarm manager. Every change is made in place through the engine's node update endpoint, with
    the node spec's version index.
  - Same option names as M(community.docker.docker_node).
options:
  hostname:
    description: The node, by ID or hostname (an ID when several nodes share a hostname).
    type: str
    required: true
  availability:
    description:
      - V(active) runs tasks; V(pause) keeps its tasks but takes no new ones; V(drain) moves its tasks to other nodes.
    type: str
    choices: [active, pause, drain]
  role:
    description: Promote the node to a manager or demote it to a worker (the engine refuses to demote the last manager).
    type: str
    choices: [manager, worker]
  labels:
    description: Labels of the node (for placement constraints). Values must be strings.
    type: dict
  labels_state:
    description:
      - V(merge) sets the labels listed and keeps the others; V(replace) makes O(labels) the node's only labels
        (without O(labels), the node keeps none, as in M(community.docker.docker_node)).
    type: str
    choices: [merge, replace]
    default: merge
  labels_to_remove:
    description: Labels removed from the node, if it has them.
    type: list
    elements: str
extends_documentation_fragment:
  - dockhand.docker.docker
  - dockhand.docker.attributes
seealso:
  - module: dockhand.docker.swarm
  - module: dockhand.docker.swarm_info
  - module: community.docker.docker_node
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: Drain a node before maintenance (its tasks move to other nodes)
  dockhand.docker.node:
    hostname: node2
    availability: drain

- name: Label a node for placement, dropping an old label
  dockhand.docker.node:
    hostname: node2
    labels:
      disk: ssd
    labels_to_remove: [legacy]
"""

RETURN = r"""
node:
  description: The node as the engine reports it after the run (C(docker node inspect)). In check mode, as it is before the run.
  returned: always
  type: dict
actions:
  description: The plan, one readable line per action (or that would be applied in check mode).
  returned: always
  type: list
  elements: str
  sample: ["update node node2: availability: \"active\" -> \"drain\" (update)"]
changes:
  description: Every field that differs, with its actual (C(before)) and desired (C(after)) value.
  returned: always
  type: list
  elements: dict
actions_done:
  description: When an action fails, the actions applied before it.
  returned: failure
  type: list
  elements: str
"""

from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_module
from ansible_collections.dockhand.docker.plugins.module_utils._swarm_node import NodeKind, NODE_SPEC as ARGUMENT_SPEC


def main():
    run_module(NodeKind, ARGUMENT_SPEC)


if __name__ == "__main__":
    main()
