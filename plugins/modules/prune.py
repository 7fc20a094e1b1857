#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: prune
short_description: Remove unused containers, images, networks, volumes and build cache, with an exact check mode
version_added: 0.1.0
description:
  - Removes what C(docker system prune) would, for the kinds the task turns on, with the same filters.
  - The plan names every container, image, network and volume to remove, computed from the engine's lists with the
    rules of the engine's prune endpoints and the task's filters; a real run removes exactly those, one by one.
    So check mode lists exactly what would be removed and the space it would free, under the same return keys a real
    run fills. M(community.docker.docker_prune) has no check mode.
  - Something that got used between the plan and its removal (a container started, an image a new container runs)
    is not removed; its removal fails, the task fails naming it, and C(actions_done) says what was removed before.
  - Same option and return names as M(community.docker.docker_prune), so tasks move over by changing the FQCN.
    Differences, for the better. Volumes are pruned only when asked, and by default only anonymous volumes, as
    Docker 23 and later do on every engine (set C(all) in O(volumes_filters) for named ones too). A filter a prune
    endpoint does not know fails naming its option, before anything is removed. A real run reports the space reclaimed
    for containers, images and volumes from the engine's disk usage measured before the removal (the engine reports it
    only for its whole-kind prune endpoints).
options:
  containers:
    description: Remove stopped containers (created, exited or dead) that the filters pick.
    type: bool
    default: false
  containers_filters:
    description:
      - 'Filters, as for C(docker container prune --filter): C(until) (a duration such as V(24h) or a time such as
        V(2024-01-31T00:00:00Z); containers created before it), C(label) (V(KEY) or V(KEY=VALUE), a string or a list;
        all must match) and C(label!) (skipped when all of them match).'
    type: dict
  images:
    description:
      - Remove images no container uses (running or not). Only dangling (untagged) images, unless
        O(images_filters) has C(dangling=false). An untagged parent image goes with its child, as with the engine.
    type: bool
    default: false
  images_filters:
    description:
      - 'Filters, as for C(docker image prune --filter): C(dangling) (V(true), the default, or V(false) for every unused
        image), C(until), C(label) and C(label!).'
    type: dict
  networks:
    description: Remove networks no container is connected to (never C(bridge), C(host) or C(none)).
    type: bool
    default: false
  networks_filters:
    description:
      - 'Filters, as for C(docker network prune --filter): C(until), C(label) and C(label!).'
    type: dict
  volumes:
    description: Remove volumes no container uses (running or not); only anonymous ones unless C(all) is in O(volumes_filters).
    type: bool
    default: false
  volumes_filters:
    description:
      - 'Filters, as for C(docker volume prune --filter): C(all) (V(true) to remove unused named volumes too),
        C(label) and C(label!).'
    type: dict
  builder_cache:
    description: Remove build cache that no build uses, through the engine's C(/build/prune).
    type: bool
    default: false
  builder_cache_all:
    description: Remove all unused build cache, not only the records no other record shares (C(docker builder prune --all)).
    type: bool
    default: false
  builder_cache_filters:
    description:
      - 'Filters for the build cache: C(until) only (records last used before it).'
    type: dict
  builder_cache_keep_storage:
    description:
      - Bytes of build cache to keep, such as C(1g) (C(docker builder prune --keep-storage)); the engine picks the records
        that go. Nothing is pruned when the build cache is within it. Check mode, C(--diff) and
        RV(builder_cache_caches_deleted) list every record that may go (the engine may keep some).
    type: str
extends_documentation_fragment:
  - dockhand.docker.docker
  - dockhand.docker.attributes
seealso:
  - module: dockhand.docker.host_info
  - module: community.docker.docker_prune
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: What would go (changes nothing)
  dockhand.docker.prune:
    containers: true
    images: true
    networks: true
  check_mode: true
  register: would

- name: Show it
  ansible.builtin.debug:
    msg: "{{ would.containers | length }} containers, {{ would.images | length }} images,
      {{ (would.containers_space_reclaimed + would.images_space_reclaimed) | human_readable }} to free"

- name: Remove stopped CI containers older than a day and every unused image of the CI
  dockhand.docker.prune:
    containers: true
    containers_filters:
      until: 24h
      label: [ci=true]
    images: true
    images_filters:
      dangling: false
      label: [ci=true]

- name: Unused volumes of the shop, named ones too
  dockhand.docker.prune:
    volumes: true
    volumes_filters:
      all: true
      label: [app=shop]
"""

RETURN = r"""
containers:
  description: IDs of the containers removed (in check mode, that would be removed).
  returned: when O(containers=true)
  type: list
  elements: str
  sample: ["4f0e9c1d..."]
containers_space_reclaimed:
  description: Bytes their writable layers took.
  returned: when O(containers=true)
  type: int
  sample: 12288
images:
  description: IDs of the images removed (in check mode, that would be removed), untagged parents included.
  returned: when O(images=true)
  type: list
  elements: str
  sample: ["sha256:9d1c..."]
images_space_reclaimed:
  description: Bytes of the layers no other image shares.
  returned: when O(images=true)
  type: int
  sample: 4400000
networks:
  description: Names of the networks removed (in check mode, that would be removed).
  returned: when O(networks=true)
  type: list
  elements: str
  sample: ["old-net"]
volumes:
  description: Names of the volumes removed (in check mode, that would be removed).
  returned: when O(volumes=true)
  type: list
  elements: str
  sample: ["5c3e7b..."]
volumes_space_reclaimed:
  description: Bytes the volumes held.
  returned: when O(volumes=true)
  type: int
  sample: 4096
builder_cache_space_reclaimed:
  description: Bytes of build cache freed, as the engine reports it (in check mode, what the unused records take).
  returned: when O(builder_cache=true)
  type: int
  sample: 0
builder_cache_caches_deleted:
  description: The IDs of the build cache records removed (that would be, in check mode).
  returned: when O(builder_cache=true)
  type: list
  elements: str
  sample: []
disk_usage:
  description:
    - The engine's disk usage after the prune (before it in check mode or when nothing was removed), as
      RV(dockhand.docker.host_info#module:disk_usage) returns it.
  returned: always
  type: dict
  sample: {"LayersSize": 52000000, "images": {"count": 4, "active": 2, "size": 52000000, "reclaimable": 0}}
actions:
  description: The plan, one line per kind that has something to remove.
  returned: always
  type: list
  elements: str
  sample: ["prune 2 containers: containers: [\"job-1\", \"job-2\"] -> [] (remove) (frees 24576 bytes)"]
changes:
  description: For each kind with something to remove, the names before and C([]) after.
  returned: always
  type: list
  elements: dict
  sample: [{"field": "containers", "before": ["job-1", "job-2"], "after": [], "how": "remove"}]
actions_done:
  description: When a removal fails, the actions applied before it.
  returned: failure
  type: list
  elements: str
"""

from ansible_collections.dockhand.docker.plugins.module_utils._prune import PRUNE_SPEC, PruneKind
from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_module


def main():
    run_module(PruneKind, PRUNE_SPEC)


if __name__ == "__main__":
    main()
