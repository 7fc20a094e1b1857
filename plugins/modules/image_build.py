#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: image_build
short_description: Build a Docker image only when its build inputs changed
version_added: 0.1.0
description:
  - Builds an image from a build context through the Docker engine's build endpoint (the classic builder; no Docker CLI
    or buildx needed), and tags it O(name):O(tag) and with every name in O(tags).
  - Idempotent by content. The module hashes the build inputs that change the image, stores the hash as the image label
    C(dockhand.build-hash), and builds only when the label of the existing image differs from the hash of the task.
    The inputs are the files of the build context that C(.dockerignore) lets through (chosen by the Docker SDK's own
    C(exclude_paths), exactly as the build sends them; their paths, contents and permission bits, not their times or
    owners), the Dockerfile, O(args), O(target), O(platform) and O(labels).
  - So check mode predicts the build exactly, and C(--diff) shows the old and new hash.
  - After a build, C(changed) is true only when the image (or one of O(tags)) now points at another image ID than
    before. With O(rebuild=always) and a fully cached build, the ID does not move and C(changed) is false.
  - A failing build fails the task with the failing step and the last lines of the build log; the name keeps pointing
    at the previous image, and intermediate containers are removed.
  - Differences from M(community.docker.docker_image_build), which uses the CLI's buildx. O(rebuild) has the
    extra choice V(inputs-changed), the default (community.docker's default V(never) ignores changes to the Dockerfile
    or the context). O(args), O(labels) and O(etc_hosts) values must be strings (a number or boolean is refused rather than
    converted). O(platform) takes one platform (a list of one too); several fail, naming the option (the engine's builder
    builds one). O(tags) (more names for the
    build) is new. C(secret), C(outputs), C(load) and C(push) are not offered (BuildKit only; use
    M(dockhand.docker.image_push) to push).
options:
  name:
    description:
      - Name of the image, as C(repository), C(registry[:port]/repository), optionally with C(:tag). A digest is refused.
    type: str
    required: true
  tag:
    description: Tag of the image. A tag in O(name) takes precedence.
    type: str
    default: latest
  tags:
    description:
      - More names for the built image, as C(repository[:tag]) (the tag defaults to the tag of O(name)). They are kept
        pointing at the image of O(name).
    type: list
    elements: str
  path:
    description: The build context directory. Its C(.dockerignore) is honoured, both for the build and for the hash.
    type: path
    required: true
  dockerfile:
    description:
      - The Dockerfile, relative to O(path) or absolute (it may be outside the context). Defaults to C(Dockerfile) in O(path).
    type: str
  args:
    description: Build arguments for the Dockerfile's C(ARG) instructions. Values must be strings. Part of the hash.
    type: dict
  target:
    description: The build stage to stop at, in a multi-stage Dockerfile. Part of the hash.
    type: str
  labels:
    description: Labels of the image. Values must be strings. Part of the hash. C(dockhand.build-hash) is set by the module.
    type: dict
  platform:
    description:
      - The platform to build for, such as V(linux/amd64) (or V(amd64)). Part of the hash.
      - A list, as M(community.docker.docker_image_build) takes it, may hold one platform. Several need BuildKit's
        multi-platform build, which the engine's build endpoint does not do; the task then fails before anything is built.
    type: list
    elements: str
  rebuild:
    description:
      - V(inputs-changed) builds when the image is missing or its C(dockhand.build-hash) label differs from the hash of
        the build inputs (an image built without this module has no label, and is rebuilt once).
      - V(never) builds only when the image is missing.
      - V(always) builds on every run; C(changed) is still true only when the image ID moved.
    type: str
    choices: [inputs-changed, never, always]
    default: inputs-changed
  nocache:
    description: Do not use the engine's build cache. Not part of the hash.
    type: bool
    default: false
  pull:
    description: Pull newer versions of the base images of C(FROM) during the build. Not part of the hash.
    type: bool
    default: false
  network:
    description: The network C(RUN) instructions use, such as V(host) or V(none). Not part of the hash.
    type: str
  shm_size:
    description: Size of C(/dev/shm) for C(RUN) instructions, such as V(128m) or V(1g). Not part of the hash.
    type: str
  cache_from:
    description: Images to use as build cache sources. Not part of the hash.
    type: list
    elements: str
  etc_hosts:
    description: Extra C(/etc/hosts) entries for C(RUN) instructions, as host name to address. Not part of the hash.
    type: dict
  secrets:
    description:
      - community.docker's build secrets. They need BuildKit, and this module builds through the engine's build API
        with the classic builder (no buildx plugin on the controller or the host), so a non-empty list fails before
        anything is built, saying so; an empty list is accepted.
    type: list
    elements: dict
  outputs:
    description:
      - community.docker's build outputs. The image always goes into the engine (community.docker's V(docker) output,
        its default); an entry of another C(type) needs BuildKit and fails before anything is built, saying so.
    type: list
    elements: dict
extends_documentation_fragment:
  - dockhand.docker.docker
  - dockhand.docker.attributes
seealso:
  - module: dockhand.docker.image_push
  - module: dockhand.docker.image_tag
  - module: community.docker.docker_image_build
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: Build the app image; rebuilt only when a file of the context, the Dockerfile or an argument changes
  dockhand.docker.image_build:
    name: registry.example.com/shop/app
    tag: "1.4"
    tags:
      - registry.example.com/shop/app:latest
    path: /srv/build/app
    args:
      VERSION: "1.4"
    labels:
      org.opencontainers.image.source: https://git.example.com/shop/app
"""

RETURN = r"""
image:
  description: The image as the engine reports it after the run (C(docker image inspect)); empty when it does not exist.
    In check mode, the image as it is before the run.
  returned: always
  type: dict
  sample: {"Id": "sha256:3c1f...", "RepoTags": ["registry.example.com/shop/app:1.4"],
           "Config": {"Labels": {"dockhand.build-hash": "sha256:9a0e..."}}}
build_log:
  description: The lines of the build log; empty when nothing was built (and in check mode).
  returned: always
  type: list
  elements: str
  sample: ["Step 1/3 : FROM dockhand/busybox:latest", " ---> 1f2e3d4c5b6a", "Successfully built 3c1f2e3d4c5b"]
actions:
  description: The plan, one readable line per action, in the order applied (or that would be applied in check mode).
  returned: always
  type: list
  elements: str
  sample: ["build image shop/app:1.4: build_hash: \"sha256:1b2c...\" -> \"sha256:9a0e...\" (rebuild) (the build inputs changed)"]
changes:
  description: Every field that differs, with its actual (C(before)) and desired (C(after)) value and how it converges.
  returned: always
  type: list
  elements: dict
  sample: [{"field": "build_hash", "before": "sha256:1b2c...", "after": "sha256:9a0e...", "how": "rebuild"}]
actions_done:
  description: When an action fails, the actions applied before it.
  returned: failure
  type: list
  elements: str
"""

from ansible_collections.dockhand.docker.plugins.module_utils._image_build import BuildKind
from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_module

ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    tag=dict(type="str", default="latest"),
    tags=dict(type="list", elements="str"),
    path=dict(type="path", required=True),
    dockerfile=dict(type="str"),
    args=dict(type="dict"),
    target=dict(type="str"),
    labels=dict(type="dict"),
    platform=dict(type="list", elements="str"),
    rebuild=dict(type="str", default="inputs-changed", choices=["inputs-changed", "never", "always"]),
    nocache=dict(type="bool", default=False),
    pull=dict(type="bool", default=False),
    network=dict(type="str"),
    shm_size=dict(type="str"),
    cache_from=dict(type="list", elements="str"),
    etc_hosts=dict(type="dict"),
    secrets=dict(type="list", elements="dict", no_log=False),
    outputs=dict(type="list", elements="dict"),
)


def main():
    run_module(BuildKind, ARGUMENT_SPEC)


if __name__ == "__main__":
    main()
