#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: network
short_description: Create, check and remove Docker networks and connect containers to them
version_added: 0.1.0
description:
  - Makes a Docker network match the task, through one plan that check mode, C(--diff) and C(changed) all share.
  - Containers listed in O(connected) are connected in place. Containers the task does not list are left alone
    unless O(purge_connected=true). This differs from M(community.docker.docker_network), which detaches unlisted
    containers unless C(appends=true).
  - Any other difference cannot change in place. The module then fails and names the fields, unless
    O(recreate=options-changed) allows it to recreate the network; every container that was attached is then
    reconnected with its aliases and static addresses.
  - Removing a network that has containers attached fails and names them, unless O(force=true).
options:
  name:
    description: Name of the network.
    type: str
    required: true
    aliases: [network_name]
  state:
    description: Whether the network should exist.
    type: str
    choices: [present, absent]
    default: present
  driver:
    description:
      - Network driver, such as V(bridge), V(macvlan) or V(ipvlan). The engine's list of drivers is checked first.
      - When not set, an existing network's driver is not compared and a new network uses V(bridge).
        (community.docker always compares against V(bridge).)
    type: str
  driver_options:
    description: Driver options. Only the keys listed are compared; values must be strings.
    type: dict
    aliases: [driver_opts]
  ipam_driver:
    description: IPAM driver. Not compared when not set; a new network uses V(default).
    type: str
  ipam_driver_options:
    description: IPAM driver options. Only the keys listed are compared.
    type: dict
  ipam_config:
    description:
      - Address pools. When set, the network must have exactly these pools, in any order; within a pool only the keys given are compared.
      - Checked before anything is written. A gateway, range or auxiliary address must lie inside its subnet;
        an IPv6 subnet needs O(enable_ipv6=true).
    type: list
    elements: dict
    suboptions:
      subnet:
        description: Subnet in CIDR form, such as C(10.10.0.0/24).
        type: str
      gateway:
        description: Gateway address inside the subnet.
        type: str
      iprange:
        description: Range, in CIDR form inside the subnet, that the engine hands addresses out from.
        type: str
      aux_addresses:
        description: Addresses the engine must not hand out, as a mapping of host names to addresses.
        type: dict
  internal:
    description: Restrict external access to the network. Not compared when not set.
    type: bool
  attachable:
    description: Let standalone containers attach to a swarm-scoped network. Not compared when not set.
    type: bool
  enable_ipv6:
    description: Enable IPv6 on the network. Not compared when not set.
    type: bool
  labels:
    description: Labels of the network. Only the keys listed are compared; values must be strings.
    type: dict
  connected:
    description:
      - Containers (names or IDs) that must be connected to the network. They are connected in place, running or stopped.
      - Containers not listed are left alone, unless O(purge_connected=true).
    type: list
    elements: str
    aliases: [containers]
  purge_connected:
    description:
      - Disconnect every container not listed in O(connected). Needs O(connected) (an empty list detaches all).
    type: bool
    default: false
  recreate:
    description:
      - V(never) fails when the network differs from the task in anything but O(connected), naming the fields.
      - V(options-changed) recreates the network when it differs, reconnecting attached containers with their
        aliases and static addresses (community.docker's C(force=true) with O(state=present)).
      - V(always) recreates the network on every run (not idempotent).
    type: str
    choices: [never, options-changed, always]
    default: never
  force:
    description:
      - With O(state=absent), disconnect every attached container, then remove the network.
        Without it, removing a network with containers attached fails and names them.
    type: bool
    default: false
  appends:
    description:
      - community.docker's switch for O(connected). V(false), when the task writes it, makes O(connected) the exact list
        of attached containers (others are disconnected), as O(purge_connected=true) does; V(true) only adds.
      - Unset, this module only adds (community.docker's default, V(false), disconnects every container not listed; a
        migrated task that relied on that must write O(appends=false) or O(purge_connected=true)).
    type: bool
    aliases: [incremental]
  enable_ipv4:
    description:
      - V(false) makes a network without IPv4 (with O(enable_ipv6), an IPv6-only one). Needs Docker Engine 28 (API 1.47);
        on an older engine V(false) fails before anything is written, and V(true) is what every network has.
    type: bool
  scope:
    description:
      - The network's scope; V(swarm) for a network of Swarm services.
    type: str
    choices: [local, global, swarm]
  ingress:
    description:
      - Make the Swarm routing-mesh network (needs Swarm mode).
    type: bool
  config_only:
    description:
      - Make a configuration-only network, whose settings other networks take with O(config_from).
    type: bool
  config_from:
    description:
      - The configuration-only network this network takes its settings from.
    type: str
extends_documentation_fragment:
  - dockhand.docker.docker
  - dockhand.docker.attributes
seealso:
  - module: dockhand.docker.volume
  - module: community.docker.docker_network
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: A bridge network with a fixed subnet
  dockhand.docker.network:
    name: app-net
    ipam_config:
      - subnet: 10.42.0.0/24
        gateway: 10.42.0.1
    labels:
      app: shop

- name: Connect two containers, leaving others attached as they are
  dockhand.docker.network:
    name: app-net
    connected:
      - web-1
      - web-2

- name: Exactly these containers, and no others
  dockhand.docker.network:
    name: app-net
    connected: [web-1]
    purge_connected: true

- name: Move the network to a new subnet, reconnecting its containers
  dockhand.docker.network:
    name: app-net
    ipam_config:
      - subnet: 10.43.0.0/24
    recreate: options-changed

- name: Remove the network, disconnecting whatever is attached
  dockhand.docker.network:
    name: app-net
    state: absent
    force: true
"""

RETURN = r"""
network:
  description: The network as the engine reports it after the run (C(docker network inspect)); empty when it does not exist.
    In check mode, the network as it is before the run.
  returned: always
  type: dict
  sample: {"Name": "app-net", "Id": "0f3c...", "Driver": "bridge", "Internal": false, "EnableIPv6": false,
           "IPAM": {"Driver": "default", "Config": [{"Subnet": "10.42.0.0/24", "Gateway": "10.42.0.1"}]},
           "Containers": {}, "Labels": {"app": "shop"}}
actions:
  description: The plan, one readable line per action, in the order applied (or that would be applied in check mode).
  returned: always
  type: list
  elements: str
  sample: ["connect container web-2 to network app-net"]
changes:
  description: Every field that differs, with its actual (C(before)) and desired (C(after)) value and how it converges.
  returned: always
  type: list
  elements: dict
  sample: [{"field": "connected", "before": ["web-1"], "after": ["web-1", "web-2"], "how": "connect/disconnect"}]
actions_done:
  description: When an action fails, the actions applied before it.
  returned: failure
  type: list
  elements: str
"""

from ansible_collections.dockhand.docker.plugins.module_utils._network import NetworkKind, NETWORK_SPEC as ARGUMENT_SPEC
from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_module


def main():
    run_module(NetworkKind, ARGUMENT_SPEC)


if __name__ == "__main__":
    main()
