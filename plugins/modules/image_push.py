#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: image_push
short_description: Push Docker image tags whose registry digest differs
version_added: 0.1.0
description:
  - For each tag, asks the registry (through the engine's distribution endpoint) which manifest digest the tag points
    at, and pushes only the tags where that digest is not one the local image already has (its C(RepoDigests)).
  - C(changed) means a remote tag moved, including a new tag for layers the registry already has. Check mode makes the
    same comparison, so it predicts exactly which tags a real run pushes.
  - Registry credentials can be given per task; they are sent only to the registry of O(name), in the request, and never
    written to a Docker config. Without them, the engine uses the credentials of the Docker config, if any. Wrong
    credentials, an unreachable registry or a missing local image fail the task and say which; the password never
    appears in output, diff, results or logs.
  - Differences from M(community.docker.docker_image_push). O(tags) is a list (O(tag), its alias, still takes one tag)
    so one task pushes several tags. Tags already on the registry are not pushed again, and check mode is supported
    (community.docker always pushes and cannot tell a new tag on existing layers). O(username), O(password) and
    O(registry_url) are new (community.docker needs M(community.docker.docker_login) first, which writes the Docker config).
options:
  name:
    description:
      - Repository to push, as C(registry[:port]/repository), optionally with C(:tag) (which then replaces O(tags)).
        A digest is refused.
    type: str
    required: true
  tags:
    description: Tags of O(name) to push; each must exist locally.
    type: list
    elements: str
    default: [latest]
    aliases: [tag]
extends_documentation_fragment:
  - dockhand.docker.docker
  - dockhand.docker.registry_auth
  - dockhand.docker.attributes
seealso:
  - module: dockhand.docker.image_build
  - module: dockhand.docker.image_tag
  - module: community.docker.docker_image_push
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: Push two tags of the app; only tags that moved are pushed
  dockhand.docker.image_push:
    name: registry.example.com/shop/app
    tags: ["1.4", latest]
    username: ci
    password: "{{ vault_registry_token }}"
"""

RETURN = r"""
image:
  description: The local image of the first tag (C(docker image inspect)).
  returned: always
  type: dict
  sample: {"Id": "sha256:3c1f...", "RepoTags": ["registry.example.com/shop/app:1.4"]}
registry_digests:
  description: For each tag, the manifest digest the registry has after the run (before it, in check mode); null when it has none.
  returned: success
  type: dict
  sample: {"1.4": "sha256:7ddf...", "latest": "sha256:7ddf..."}
pushed:
  description: The tags pushed by this run, with the digest the registry answered. Empty in check mode.
  returned: success
  type: list
  elements: dict
  sample: [{"tag": "latest", "digest": "sha256:7ddf..."}]
actions:
  description: The plan, one readable line per action, in the order applied (or that would be applied in check mode).
  returned: always
  type: list
  elements: str
  sample: ["push image registry.example.com/shop/app:latest: tags.latest: null -> \"image sha256:3c1f2e3d4c5b\" (push) (new tag)"]
changes:
  description: Every tag that moves, with the registry's digest (C(before)) and the local image (C(after)).
  returned: always
  type: list
  elements: dict
  sample: [{"field": "tags.latest", "before": null, "after": "image sha256:3c1f2e3d4c5b", "how": "push"}]
actions_done:
  description: When an action fails, the actions applied before it.
  returned: failure
  type: list
  elements: str
"""

from ansible_collections.dockhand.docker.plugins.module_utils._image import REGISTRY_AUTH_ARGS
from ansible_collections.dockhand.docker.plugins.module_utils._image_kinds import PushKind
from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_module

ARGUMENT_SPEC = dict(
    **REGISTRY_AUTH_ARGS,
    name=dict(type="str", required=True),
    tags=dict(type="list", elements="str", default=["latest"], aliases=["tag"]),
)


def main():
    run_module(PushKind, ARGUMENT_SPEC, required_together=[["username", "password"]])


if __name__ == "__main__":
    main()
