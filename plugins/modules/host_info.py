#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: host_info
short_description: The engine's info, version and disk usage, and lists of its containers, images, networks and volumes
version_added: 0.1.0
description:
  - Returns C(docker system info) and C(docker version), and, as asked, C(docker system df) and the lists of
    containers, images, networks and volumes that match filters, in one call.
  - Same option and return names as M(community.docker.docker_host_info), so tasks move over by changing the FQCN.
  - Differences, for the better. RV(disk_usage) without O(verbose_output) is the summary of C(docker system df)
    (count, active, size and reclaimable bytes of images, containers, volumes and build cache) besides
    community.docker's C(LayersSize), so a maintenance play can report what it freed. RV(version) is added.
    A filter the engine does not know fails naming its option.
options:
  containers:
    description: Whether to list containers (RV(containers)).
    type: bool
    default: false
  containers_all:
    description: List stopped containers too; by default only running ones, as C(docker container ls).
    type: bool
    default: false
  containers_filters:
    description:
      - 'Filters for the containers, as for C(docker container ls --filter), for example C({label: [app=shop]}).'
      - A filter value may be a string or a list of strings; C(true) and C(false) are sent as the engine expects.
    type: dict
  images:
    description: Whether to list images (RV(images)).
    type: bool
    default: false
  images_filters:
    description:
      - 'Filters for the images, as for C(docker image ls --filter), for example C({dangling: true}).'
    type: dict
  networks:
    description: Whether to list networks (RV(networks)).
    type: bool
    default: false
  networks_filters:
    description:
      - 'Filters for the networks, as for C(docker network ls --filter), for example C({driver: bridge}).'
    type: dict
  volumes:
    description: Whether to list volumes (RV(volumes)).
    type: bool
    default: false
  volumes_filters:
    description:
      - 'Filters for the volumes, as for C(docker volume ls --filter), for example C({dangling: true}).'
    type: dict
  disk_usage:
    description: Whether to return the disk usage of images, containers, volumes and build cache (RV(disk_usage)).
    type: bool
    default: false
  verbose_output:
    description:
      - Return each listed object as the engine lists it, and RV(disk_usage) as the engine's whole C(/system/df)
        answer. Without it, each object has only the columns of C(docker <object> ls) and RV(disk_usage) is a summary.
    type: bool
    default: false
extends_documentation_fragment:
  - dockhand.docker.docker
  - dockhand.docker.attributes.info_module
seealso:
  - module: dockhand.docker.prune
  - module: community.docker.docker_host_info
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: Engine facts and disk usage
  dockhand.docker.host_info:
    disk_usage: true
  register: host

- name: Report
  ansible.builtin.debug:
    msg: >-
      Docker {{ host.version.Version }}: {{ host.host_info.ContainersRunning }} containers running,
      images take {{ host.disk_usage.images.size | human_readable }}
      ({{ host.disk_usage.images.reclaimable | human_readable }} reclaimable)

- name: Containers of the shop, running or not, and dangling images
  dockhand.docker.host_info:
    containers: true
    containers_all: true
    containers_filters:
      label: [app=shop]
    images: true
    images_filters:
      dangling: true
  register: shop
"""

RETURN = r"""
can_talk_to_docker:
  description: Whether the engine answered.
  returned: always
  type: bool
  sample: true
host_info:
  description: The engine's info, as C(docker system info).
  returned: always
  type: dict
  sample: {"ServerVersion": "20.10.24", "Containers": 3, "ContainersRunning": 2, "Driver": "overlay2"}
version:
  description: The engine's version, as C(docker version) shows for the server.
  returned: always
  type: dict
  sample: {"Version": "20.10.24", "ApiVersion": "1.41", "Os": "linux", "Arch": "amd64"}
containers:
  description: The containers found, each with the columns of C(docker container ls) unless O(verbose_output).
  returned: when O(containers=true)
  type: list
  elements: dict
  sample: [{"Id": "4f0e...", "Image": "shop/web:1.4", "Names": ["/web"], "Status": "Up 2 hours"}]
images:
  description: The images found, each with the columns of C(docker image ls) unless O(verbose_output).
  returned: when O(images=true)
  type: list
  elements: dict
  sample: [{"Id": "sha256:9d1c...", "RepoTags": ["shop/web:1.4"], "Created": 1700000000, "Size": 4400000}]
networks:
  description: The networks found, each with the columns of C(docker network ls) unless O(verbose_output).
  returned: when O(networks=true)
  type: list
  elements: dict
  sample: [{"Id": "5a1c...", "Name": "app-net", "Driver": "bridge", "Scope": "local"}]
volumes:
  description: The volumes found, each with the columns of C(docker volume ls) unless O(verbose_output).
  returned: when O(volumes=true)
  type: list
  elements: dict
  sample: [{"Name": "app-data", "Driver": "local"}]
disk_usage:
  description:
    - Without O(verbose_output), C(LayersSize) and, for C(images), C(containers), C(volumes) and C(build_cache),
      the C(count), C(active) (in use), C(size) and C(reclaimable) bytes, as C(docker system df).
    - With O(verbose_output), the engine's whole C(/system/df) answer.
  returned: when O(disk_usage=true)
  type: dict
  sample:
    LayersSize: 52000000
    images: {"count": 4, "active": 2, "size": 52000000, "reclaimable": 9000000}
    containers: {"count": 3, "active": 2, "size": 1200, "reclaimable": 0}
    volumes: {"count": 2, "active": 1, "size": 300000, "reclaimable": 4096}
    build_cache: {"count": 0, "active": 0, "size": 0, "reclaimable": 0}
"""

from ansible_collections.dockhand.docker.plugins.module_utils._info import HOST_INFO_SPEC, host_info
from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_info_module


def main():
    run_info_module(HOST_INFO_SPEC, host_info)


if __name__ == "__main__":
    main()
