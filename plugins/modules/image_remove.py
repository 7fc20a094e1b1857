#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: image_remove
short_description: Remove a Docker image or one of its names
version_added: 0.1.0
description:
  - Removing a name of an image that has other names only removes that name (untag); the image stays.
  - Removing the last name, or an image by ID, removes the image. When containers use it, the task fails and names
    them, unless O(force=true). The engine never removes the image of a running container.
  - Removing a name or image that does not exist changes nothing.
  - Same options as M(community.docker.docker_image_remove). Differences, the in-use check happens before anything is
    removed and names the containers, and C(changed)/C(diff) come from the plan, so check mode predicts them exactly.
options:
  name:
    description:
      - The image to remove, as C(repository[:tag]), C(repository@digest) or an image ID (C(sha256:...)).
    type: str
    required: true
  tag:
    description: Tag of O(name). A tag or digest in O(name) takes precedence.
    type: str
    default: latest
  force:
    description:
      - Remove the image even when stopped containers use it, or when an image ID has several names.
    type: bool
    default: false
  prune:
    description: Also remove the untagged parent images that only this image used.
    type: bool
    default: true
extends_documentation_fragment:
  - dockhand.docker.docker
  - dockhand.docker.attributes
seealso:
  - module: dockhand.docker.image_tag
  - module: community.docker.docker_image_remove
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: Remove an old build
  dockhand.docker.image_remove:
    name: shop/app:build-516

- name: Remove an image that stopped containers still use
  dockhand.docker.image_remove:
    name: shop/app:old
    force: true
"""

RETURN = r"""
deleted:
  description:
    - The IDs of the images deleted, as M(community.docker.docker_image_remove) returns them. In check mode, the image that would
      be deleted (the untagged parent images the engine deletes with it are known only once it has).
  returned: success
  type: list
  elements: str
  sample: ["sha256:3c1f..."]
untagged:
  description: The names removed from images (that would be, in check mode), as M(community.docker.docker_image_remove) returns them.
  returned: success
  type: list
  elements: str
  sample: ["registry.example.com/shop/app:1.3"]
image:
  description: The image named by O(name) after the run (C(docker image inspect)); empty when it no longer exists.
    In check mode, the image as it is before the run.
  returned: always
  type: dict
  sample: {}
actions:
  description: The plan, one readable line per action, in the order applied (or that would be applied in check mode).
  returned: always
  type: list
  elements: str
  sample: ["remove image shop/app:build-516"]
changes:
  description: Every field that differs (the names of the image, when a name is removed from an image that keeps others).
  returned: always
  type: list
  elements: dict
  sample: [{"field": "tags", "before": ["shop/app:1.4", "shop/app:latest"], "after": ["shop/app:1.4"], "how": "untag"}]
actions_done:
  description: When an action fails, the actions applied before it.
  returned: failure
  type: list
  elements: str
"""

from ansible_collections.dockhand.docker.plugins.module_utils._image_kinds import RemoveKind
from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_module

ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    tag=dict(type="str", default="latest"),
    force=dict(type="bool", default=False),
    prune=dict(type="bool", default=True),
)


def main():
    run_module(RemoveKind, ARGUMENT_SPEC)


if __name__ == "__main__":
    main()
