#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: image_tag
short_description: Give a Docker image more names
version_added: 0.1.0
description:
  - Points each name in O(repository) at the image O(name). Names that already point at it are left alone.
  - A name that points at another image is moved, unless O(existing_images=keep).
  - Same options as M(community.docker.docker_image_tag). Differences, a missing image named by O(name) fails with a
    message naming O(name), and the C(diff) shows each name's old and new image ID.
options:
  name:
    description:
      - The image to tag, as C(repository[:tag]), C(repository@digest) or an image ID (C(sha256:...)).
    type: str
    required: true
  tag:
    description: Tag of O(name), and the default tag of every name in O(repository). A tag in O(name) takes precedence.
    type: str
    default: latest
  repository:
    description: New names for the image, as C(repository[:tag]).
    type: list
    elements: str
    required: true
  existing_images:
    description:
      - V(overwrite) moves a name that points at another image. V(keep) leaves it where it is.
    type: str
    choices: [keep, overwrite]
    default: overwrite
extends_documentation_fragment:
  - dockhand.docker.docker
  - dockhand.docker.attributes
seealso:
  - module: dockhand.docker.image_push
  - module: community.docker.docker_image_tag
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: Name the tested build for the registry
  dockhand.docker.image_tag:
    name: shop/app:build-517
    repository:
      - registry.example.com/shop/app:1.4
      - registry.example.com/shop/app:latest
"""

RETURN = r"""
tagged_images:
  description: The names this run pointed at the image (that would be, in check mode), as M(community.docker.docker_image_tag) returns them.
  returned: success
  type: list
  elements: str
  sample: ["registry.example.com/shop/app:1.4"]
image:
  description: The image named by O(name) (C(docker image inspect)).
  returned: always
  type: dict
  sample: {"Id": "sha256:3c1f...", "RepoTags": ["shop/app:build-517", "registry.example.com/shop/app:1.4"]}
actions:
  description: The plan, one readable line per action, in the order applied (or that would be applied in check mode).
  returned: always
  type: list
  elements: str
  sample: ["tag image registry.example.com/shop/app:1.4: ... (tag) (from shop/app:build-517)"]
changes:
  description: Every name that moves, with the image ID it had (C(before), null when new) and will have (C(after)).
  returned: always
  type: list
  elements: dict
  sample: [{"field": "registry.example.com/shop/app:1.4", "before": null, "after": "sha256:3c1f...", "how": "tag"}]
actions_done:
  description: When an action fails, the actions applied before it.
  returned: failure
  type: list
  elements: str
"""

from ansible_collections.dockhand.docker.plugins.module_utils._image_kinds import TagKind
from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_module

ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    tag=dict(type="str", default="latest"),
    repository=dict(type="list", elements="str", required=True),
    existing_images=dict(type="str", default="overwrite", choices=["keep", "overwrite"]),
)


def main():
    run_module(TagKind, ARGUMENT_SPEC)


if __name__ == "__main__":
    main()
