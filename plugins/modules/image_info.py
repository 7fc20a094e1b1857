#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: image_info
short_description: Inspect data of one image, a list of images, or all images matching filters
version_added: 0.1.0
description:
  - Returns C(docker image inspect) data for the images named in O(name), in that order, plus every image that matches
    O(filters), in one call. With neither, returns every tagged or dangling top-level image (as C(docker image ls)).
  - Same option and return names as M(community.docker.docker_image_info), so tasks move over by changing the FQCN.
    O(filters) and RV(missing) are additions.
options:
  name:
    description:
      - Image names (C(repo:tag), C(repo@digest)) or IDs. A name the engine does not have is listed in RV(missing);
        it is not an error.
    type: list
    elements: str
    aliases: [names]
  filters:
    description:
      - 'Engine filters, as for C(docker image ls --filter), for example C({label: [app=shop], dangling: false}).'
      - An unknown filter fails naming this option.
    type: dict
extends_documentation_fragment:
  - dockhand.docker.docker
  - dockhand.docker.attributes.info_module
seealso:
  - module: dockhand.docker.host_info
  - module: community.docker.docker_image_info
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: One image
  dockhand.docker.image_info:
    name: shop/web:1.4
  register: web

- name: Fail unless it is there
  ansible.builtin.assert:
    that: web.images | length == 1

- name: Every image of the shop
  dockhand.docker.image_info:
    filters:
      label: [app=shop]
  register: shop
"""

RETURN = r"""
images:
  description: Inspect data of every image found, named ones first in the order given.
  returned: always
  type: list
  elements: dict
  sample: [{"Id": "sha256:4f0e...", "RepoTags": ["shop/web:1.4"], "Size": 4400000}]
missing:
  description: Names from O(name) that the engine does not have.
  returned: always
  type: list
  elements: str
  sample: ["shop/web:0.9"]
"""

from ansible_collections.dockhand.docker.plugins.module_utils._info import NAMES_AND_FILTERS_SPEC, image_info
from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_info_module


def main():
    run_info_module(NAMES_AND_FILTERS_SPEC, image_info)


if __name__ == "__main__":
    main()
