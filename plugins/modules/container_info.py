#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: container_info
short_description: Inspect data of one container, a list of containers, or all containers matching filters
version_added: 0.1.0
description:
  - Returns C(docker inspect) data for the containers named in O(name), in that order, plus every container (running or not)
    that matches O(filters), in one call. With neither, returns every container.
  - With exactly one name and no filters, also returns RV(exists) and RV(container) as
    M(community.docker.docker_container_info) does, so tasks move over by changing the FQCN.
options:
  name:
    description:
      - Names or IDs of containers. A name that does not exist is listed in RV(missing); it is not an error.
    type: list
    elements: str
    aliases: [names]
  filters:
    description:
      - 'Engine filters, as for C(docker ps --filter), for example C({label: [app=shop], status: [running]}).'
    type: dict
extends_documentation_fragment:
  - dockhand.docker.docker
  - dockhand.docker.attributes.info_module
seealso:
  - module: dockhand.docker.container
  - module: community.docker.docker_container_info
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: One container
  dockhand.docker.container_info:
    name: web
  register: web

- name: Fail unless it runs
  ansible.builtin.assert:
    that: web.exists and web.container.State.Running

- name: Every running container of the shop
  dockhand.docker.container_info:
    filters:
      label: [app=shop]
      status: [running]
  register: shop

- name: Show their addresses
  ansible.builtin.debug:
    msg: "{{ shop.containers | map(attribute='NetworkSettings.IPAddress') | list }}"
"""

RETURN = r"""
containers:
  description: Inspect data of every container found, named ones first in the order given.
  returned: always
  type: list
  elements: dict
  sample: [{"Id": "4f0e...", "Name": "/web", "State": {"Running": true}}]
missing:
  description: Names from O(name) that no container has.
  returned: always
  type: list
  elements: str
  sample: ["old-web"]
exists:
  description: Whether the one container named exists.
  returned: when O(name) has exactly one entry and O(filters) is not set
  type: bool
  sample: true
container:
  description: Inspect data of the one container named; empty when it does not exist.
  returned: when O(name) has exactly one entry and O(filters) is not set
  type: dict
  sample: {"Id": "4f0e...", "Name": "/web"}
"""

from ansible_collections.dockhand.docker.plugins.module_utils._container_info import container_info
from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_info_module

ARGUMENT_SPEC = dict(
    name=dict(type="list", elements="str", aliases=["names"]),
    filters=dict(type="dict"),
)


def main():
    run_info_module(ARGUMENT_SPEC, container_info)


if __name__ == "__main__":
    main()
