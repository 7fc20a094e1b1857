#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: volume_info
short_description: Inspect data of one volume, a list of volumes, or all volumes matching filters
version_added: 0.1.0
description:
  - Returns C(docker volume inspect) data for the volumes named in O(name), in that order, plus every volume that
    matches O(filters), in one call. With neither, returns every volume.
  - With exactly one name and no filters, also returns RV(exists) and RV(volume) as
    M(community.docker.docker_volume_info) does, so tasks move over by changing the FQCN. Several names, O(filters),
    RV(volumes) and RV(missing) are additions.
options:
  name:
    description:
      - Names of volumes. A name that does not exist is listed in RV(missing); it is not an error.
    type: list
    elements: str
    aliases: [names, volume_name]
  filters:
    description:
      - 'Engine filters, as for C(docker volume ls --filter), for example C({label: [app=shop], dangling: true}).'
      - An unknown filter fails naming this option.
    type: dict
extends_documentation_fragment:
  - dockhand.docker.docker
  - dockhand.docker.attributes.info_module
seealso:
  - module: dockhand.docker.volume
  - module: community.docker.docker_volume_info
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: One volume
  dockhand.docker.volume_info:
    name: app-data
  register: data

- name: Where its data is
  ansible.builtin.debug:
    msg: "{{ data.volume.Mountpoint }}"
  when: data.exists

- name: Volumes no container uses
  dockhand.docker.volume_info:
    filters:
      dangling: true
  register: unused
"""

RETURN = r"""
volumes:
  description: Inspect data of every volume found, named ones first in the order given.
  returned: always
  type: list
  elements: dict
  sample: [{"Name": "app-data", "Driver": "local", "Mountpoint": "/var/lib/docker/volumes/app-data/_data"}]
missing:
  description: Names from O(name) that no volume has.
  returned: always
  type: list
  elements: str
  sample: ["old-data"]
exists:
  description: Whether the one volume named exists.
  returned: when O(name) has exactly one entry and O(filters) is not set
  type: bool
  sample: true
volume:
  description: Inspect data of the one volume named; empty when it does not exist.
  returned: when O(name) has exactly one entry and O(filters) is not set
  type: dict
  sample: {"Name": "app-data", "Driver": "local", "Labels": {"app": "shop"}}
"""

from ansible_collections.dockhand.docker.plugins.module_utils._info import NAMES_AND_FILTERS_SPEC, volume_info
from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_info_module

ARGUMENT_SPEC = dict(NAMES_AND_FILTERS_SPEC, name=dict(type="list", elements="str", aliases=["names", "volume_name"]))


def main():
    run_info_module(ARGUMENT_SPEC, volume_info)


if __name__ == "__main__":
    main()
