#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: volume
short_description: Create, check and remove Docker volumes
version_added: 0.1.0
description:
  - Makes a Docker volume match the task, through one plan that check mode, C(--diff) and C(changed) all share.
  - A volume cannot change in place. When its driver, options or labels differ from the task, the module fails
    and names the fields, unless O(recreate=options-changed) allows it to delete and recreate the volume,
    which deletes its data.
  - Removing a volume that containers use fails and names them, unless O(force=true).
  - Same option names as M(community.docker.docker_volume), except C(volume_name) (here O(name), with C(volume_name)
    as an alias) and O(force), which community.docker does not have.
options:
  name:
    description: Name of the volume.
    type: str
    required: true
    aliases: [volume_name]
  state:
    description: Whether the volume should exist.
    type: str
    choices: [present, absent]
    default: present
  driver:
    description:
      - Volume driver. When not set, an existing volume's driver is not compared and a new volume uses V(local).
    type: str
  driver_options:
    description:
      - Driver options, such as C(type), C(device) and C(o) for the V(local) driver.
      - Only the keys listed are compared; values must be strings.
    type: dict
    aliases: [driver_opts]
  labels:
    description:
      - Labels of the volume. Only the keys listed are compared, so labels set by others never force a recreate.
      - Values must be strings; a number or boolean is refused rather than silently converted.
    type: dict
  recreate:
    description:
      - V(never) fails when the volume differs from the task, naming the fields, and changes nothing.
      - V(options-changed) deletes the volume and creates it again when it differs. Its data is lost.
      - V(always) recreates the volume on every run (not idempotent).
      - A volume that containers use is never recreated; the task fails and names them.
    type: str
    choices: [never, options-changed, always]
    default: never
  force:
    description:
      - With O(state=absent), remove the containers that use the volume (running or not), then the volume.
      - Without it, removing a volume in use fails and names the containers.
    type: bool
    default: false
extends_documentation_fragment:
  - dockhand.docker.docker
  - dockhand.docker.attributes
seealso:
  - module: dockhand.docker.network
  - module: community.docker.docker_volume
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: A volume for the app's data
  dockhand.docker.volume:
    name: app-data
    labels:
      app: shop

- name: A tmpfs-backed volume, recreated if its options change (its data is lost then)
  dockhand.docker.volume:
    name: scratch
    driver: local
    driver_options:
      type: tmpfs
      device: tmpfs
      o: size=64m
    recreate: options-changed

- name: Remove a volume and any containers that still use it
  dockhand.docker.volume:
    name: old-cache
    state: absent
    force: true
"""

RETURN = r"""
volume:
  description: The volume as the engine reports it after the run (C(docker volume inspect)); empty when it does not exist.
    In check mode, the volume as it is before the run.
  returned: always
  type: dict
  sample: {"Name": "app-data", "Driver": "local", "Mountpoint": "/var/lib/docker/volumes/app-data/_data",
           "Labels": {"app": "shop"}, "Options": null, "Scope": "local", "CreatedAt": "2026-11-23T10:00:00Z"}
actions:
  description: The plan, one readable line per action, in the order applied (or that would be applied in check mode).
  returned: always
  type: list
  elements: str
  sample: ["recreate volume scratch: driver_options: {\"o\": \"size=32m\"} -> {\"o\": \"size=64m\"} (recreate) (its data is deleted)"]
changes:
  description: Every field that differs, with its actual (C(before)) and desired (C(after)) value and how it converges.
  returned: always
  type: list
  elements: dict
  sample: [{"field": "driver_options", "before": {"o": "size=32m"}, "after": {"o": "size=64m"}, "how": "recreate"}]
actions_done:
  description: When an action fails, the actions applied before it.
  returned: failure
  type: list
  elements: str
"""

from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_module
from ansible_collections.dockhand.docker.plugins.module_utils._volume import VolumeKind, VOLUME_SPEC as ARGUMENT_SPEC


def main():
    run_module(VolumeKind, ARGUMENT_SPEC)


if __name__ == "__main__":
    main()
