#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: network_info
short_description: Inspect data of one network, a list of networks, or all networks matching filters
version_added: 0.1.0
description:
  - Returns C(docker network inspect) data for the networks named in O(name), in that order, plus every network that
    matches O(filters), in one call. With neither, returns every network.
  - With exactly one name and no filters, also returns RV(exists) and RV(network) as
    M(community.docker.docker_network_info) does, so tasks move over by changing the FQCN. Several names, O(filters),
    RV(networks) and RV(missing) are additions.
options:
  name:
    description:
      - Names or IDs of networks. A name that does not exist is listed in RV(missing); it is not an error.
    type: list
    elements: str
    aliases: [names]
  filters:
    description:
      - 'Engine filters, as for C(docker network ls --filter), for example C({label: [app=shop], driver: bridge}).'
      - An unknown filter fails naming this option.
    type: dict
extends_documentation_fragment:
  - dockhand.docker.docker
  - dockhand.docker.attributes.info_module
seealso:
  - module: dockhand.docker.network
  - module: community.docker.docker_network_info
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: One network
  dockhand.docker.network_info:
    name: app-net
  register: net

- name: Its subnet
  ansible.builtin.debug:
    msg: "{{ net.network.IPAM.Config[0].Subnet }}"
  when: net.exists

- name: Every network of the shop
  dockhand.docker.network_info:
    filters:
      label: [app=shop]
  register: shop
"""

RETURN = r"""
networks:
  description: Inspect data of every network found, named ones first in the order given.
  returned: always
  type: list
  elements: dict
  sample: [{"Id": "5a1c...", "Name": "app-net", "Driver": "bridge"}]
missing:
  description: Names from O(name) that no network has.
  returned: always
  type: list
  elements: str
  sample: ["old-net"]
exists:
  description: Whether the one network named exists.
  returned: when O(name) has exactly one entry and O(filters) is not set
  type: bool
  sample: true
network:
  description: Inspect data of the one network named; empty when it does not exist.
  returned: when O(name) has exactly one entry and O(filters) is not set
  type: dict
  sample: {"Id": "5a1c...", "Name": "app-net", "IPAM": {"Config": [{"Subnet": "10.42.0.0/24"}]}}
"""

from ansible_collections.dockhand.docker.plugins.module_utils._info import NAMES_AND_FILTERS_SPEC, network_info
from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_info_module


def main():
    run_info_module(NAMES_AND_FILTERS_SPEC, network_info)


if __name__ == "__main__":
    main()
