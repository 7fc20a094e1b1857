#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: image_save
short_description: Save images to a tar archive (docker save), only when the archive does not already hold them
version_added: 0.1.0
description:
  - Writes the images named in O(names) to the tar archive at O(path), as C(docker save) does, on the host that runs
    the module.
  - Idempotent. When the archive at O(path) already holds exactly those images (the image IDs and tags in its manifest),
    nothing is written and C(changed) is false. Check mode reads the archive to predict it.
  - The archive is written to a temporary file in the same directory and renamed into place, so a failed save never
    leaves a half archive at O(path), and a reader never sees one.
  - Same options as M(community.docker.docker_image_export), so tasks move over by changing the module name.
    O(platform) is an addition. The archive is compared by image ID on both image stores of the engine (the ID of an
    image on the containerd store is its manifest digest, found in the archive's C(index.json)).
options:
  names:
    description:
      - Images to save, as C(name[:tag]) or image IDs. A name without a tag gets O(tag).
      - An image the engine does not have fails naming this option, and nothing is written.
    type: list
    elements: str
    required: true
    aliases: [name]
  tag:
    description: The tag of the names in O(names) that have none.
    type: str
    default: latest
  path:
    description: The archive to write (a file path; its directory must exist).
    type: path
    required: true
  platform:
    description:
      - Save only this platform's variant of multi-platform images, as V(os/arch[/variant]) such as V(linux/arm64).
      - Needs an engine with API 1.48 or later (Docker 28); on older engines it fails naming this option.
    type: str
  force:
    description: Write the archive even when it already holds exactly these images.
    type: bool
    default: false
extends_documentation_fragment:
  - dockhand.docker.docker
  - dockhand.docker.attributes
seealso:
  - module: dockhand.docker.image_load
  - module: community.docker.docker_image_export
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: Keep a copy of the release images (written again only when they change)
  dockhand.docker.image_save:
    names:
      - shop/web:1.4
      - shop/worker:1.4
    path: /srv/backup/shop-1.4.tar
"""

RETURN = r"""
images:
  description: Inspect data of the images saved (or in the archive already), in the order of O(names).
  returned: always
  type: list
  elements: dict
  sample: [{"Id": "sha256:9d1c...", "RepoTags": ["shop/web:1.4"]}]
actions:
  description: The plan, one readable line per action.
  returned: always
  type: list
  elements: str
  sample: ["save images shop/web:1.4 (sha256:9d1c6b2a7e) to /srv/backup/shop.tar: images: null -> [\"docker.io/shop/web:1.4\"] (save) (new archive)"]
changes:
  description: The tags in the archive before (C(null) when there is no archive) and after.
  returned: always
  type: list
  elements: dict
  sample: [{"field": "images", "before": null, "after": ["docker.io/shop/web:1.4"], "how": "save"}]
actions_done:
  description: When the save fails, the actions applied before it.
  returned: failure
  type: list
  elements: str
"""

from ansible_collections.dockhand.docker.plugins.module_utils._image_archive import SAVE_SPEC, SaveKind
from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_module


def main():
    run_module(SaveKind, SAVE_SPEC)


if __name__ == "__main__":
    main()
