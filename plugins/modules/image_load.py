#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: image_load
short_description: Load an image archive (docker load), only when it brings images or tags the engine lacks
version_added: 0.1.0
description:
  - Loads the tar archive at O(path) (made by C(docker save) or M(dockhand.docker.image_save); gzip, bzip2 and xz
    compressed archives too) into the engine, from the host that runs the module.
  - C(changed) is true only when the archive brings an image ID the engine does not have, or a tag that points at
    another image on the engine. Check mode reads the archive's manifest to predict it, and the plan names the images
    and tags. M(community.docker.docker_image_load) loads and reports a change every time.
  - Same option and return names as M(community.docker.docker_image_load), so tasks move over by changing the FQCN.
    Images are compared by ID on both image stores of the engine (on the containerd store an image's ID is its manifest
    digest, found in the archive's C(index.json)).
options:
  path:
    description: The archive to load. A path that is not a file, or a file that is not an image archive, fails naming this option.
    type: path
    required: true
extends_documentation_fragment:
  - dockhand.docker.docker
  - dockhand.docker.attributes
seealso:
  - module: dockhand.docker.image_save
  - module: community.docker.docker_image_load
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: Bring the release images to an offline host
  dockhand.docker.image_load:
    path: /srv/images/shop-1.4.tar
  register: loaded

- name: What it holds
  ansible.builtin.debug:
    var: loaded.image_names
"""

RETURN = r"""
image_names:
  description: The tags in the archive, as C(docker images) shows them.
  returned: always
  type: list
  elements: str
  sample: ["shop/web:1.4"]
images:
  description: Inspect data of the archive's images on the engine after the run (in check mode, those already there).
  returned: always
  type: list
  elements: dict
  sample: [{"Id": "sha256:9d1c...", "RepoTags": ["shop/web:1.4"]}]
actions:
  description: The plan, one readable line per action.
  returned: always
  type: list
  elements: str
  sample: ["load image archive /srv/images/shop.tar: images: [] -> [\"sha256:9d1c6b2a7e\"] (load) (1 new image(s), 0 tag(s) to set)"]
changes:
  description: The images the engine lacks, and each tag that would move (its image before and after).
  returned: always
  type: list
  elements: dict
  sample: [{"field": "tags.shop/web:1.4", "before": "sha256:0a1b2c3d4e", "after": "sha256:9d1c6b2a7e", "how": "load"}]
actions_done:
  description: When the load fails, the actions applied before it.
  returned: failure
  type: list
  elements: str
"""

from ansible_collections.dockhand.docker.plugins.module_utils._image_archive import LOAD_SPEC, LoadKind
from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_module


def main():
    run_module(LoadKind, LOAD_SPEC)


if __name__ == "__main__":
    main()
