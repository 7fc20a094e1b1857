#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: image_pull
short_description: Pull a Docker image when the registry has a different one
version_added: 0.1.0
description:
  - Pulls an image by tag or digest. With O(pull=always) the module first asks the registry, through the engine's
    distribution endpoint, which manifest digest the tag points at, and pulls only when the local image does not have
    that digest. So check mode predicts the pull, and a registry that cannot be reached fails the task and says so.
  - C(changed) is true only when the local image ID changed.
  - Registry credentials can be given per task; they are sent only to the registry of O(name), in the request, and never
    written to a Docker config. Without them, the engine uses the credentials of the Docker config, if any.
  - Differences from M(community.docker.docker_image_pull). O(pull) also accepts V(missing), the same as
    V(not_present). Check mode asks the registry instead of always reporting a change for O(pull=always). A pull whose
    digest is already local is not made at all. O(username), O(password) and O(registry_url) are new (community.docker
    needs M(community.docker.docker_login) first, which writes the Docker config).
options:
  name:
    description:
      - Image to pull, as C(repository), C(registry[:port]/repository), optionally with C(:tag) or C(@sha256:...).
    type: str
    required: true
  tag:
    description: Tag, or digest such as C(sha256:...), to pull. A tag or digest in O(name) takes precedence.
    type: str
    default: latest
  platform:
    description: Platform to pull, such as V(linux/arm64). A local image of another platform is replaced.
    type: str
  pull:
    description:
      - V(always) compares the local digest with the registry's and pulls when they differ (never for a digest).
      - V(missing) (or V(not_present)) pulls only when there is no local image of that name.
    type: str
    choices: [always, missing, not_present]
    default: always
extends_documentation_fragment:
  - dockhand.docker.docker
  - dockhand.docker.registry_auth
  - dockhand.docker.attributes
seealso:
  - module: dockhand.docker.image_push
  - module: community.docker.docker_image_pull
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: Keep the local app image at what the registry's 1.4 tag points at
  dockhand.docker.image_pull:
    name: registry.example.com/shop/app:1.4
    username: deploy
    password: "{{ vault_registry_token }}"

- name: Pull busybox once, never again
  dockhand.docker.image_pull:
    name: busybox
    pull: missing
"""

RETURN = r"""
image:
  description: The image as the engine reports it after the run (C(docker image inspect)); empty when it does not exist.
    In check mode, the image as it is before the run.
  returned: always
  type: dict
  sample: {"Id": "sha256:3c1f...", "RepoTags": ["registry.example.com/shop/app:1.4"],
           "RepoDigests": ["registry.example.com/shop/app@sha256:7ddf..."]}
actions:
  description: The plan, one readable line per action, in the order applied (or that would be applied in check mode).
  returned: always
  type: list
  elements: str
  sample: ["pull image registry.example.com/shop/app:1.4: digest: [\"sha256:1b2c...\"] -> \"sha256:7ddf...\" (pull)"]
changes:
  description: Every field that differs, with its actual (C(before)) and desired (C(after)) value and how it converges.
  returned: always
  type: list
  elements: dict
  sample: [{"field": "digest", "before": ["sha256:1b2c..."], "after": "sha256:7ddf...", "how": "pull"}]
actions_done:
  description: When an action fails, the actions applied before it.
  returned: failure
  type: list
  elements: str
"""

from ansible_collections.dockhand.docker.plugins.module_utils._image import REGISTRY_AUTH_ARGS
from ansible_collections.dockhand.docker.plugins.module_utils._image_kinds import PullKind
from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_module

ARGUMENT_SPEC = dict(
    **REGISTRY_AUTH_ARGS,
    name=dict(type="str", required=True),
    tag=dict(type="str", default="latest"),
    platform=dict(type="str"),
    pull=dict(type="str", default="always", choices=["always", "missing", "not_present"]),
)


def main():
    run_module(PullKind, ARGUMENT_SPEC, required_together=[["username", "password"]])


if __name__ == "__main__":
    main()
