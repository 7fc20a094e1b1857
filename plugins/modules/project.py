#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: project
short_description: Converge the networks, volumes and containers of one project in one task, in parallel
version_added: 0.1.0
description:
  - Declares a set of resources under a project name and makes the engine match it in one task, at the engine's speed,
    one module run instead of one per resource.
  - Each entry of O(networks), O(volumes) and O(containers) takes the options of M(dockhand.docker.network),
    M(dockhand.docker.volume) and M(dockhand.docker.container), validated and planned by the same code, so an entry
    behaves exactly as the single-resource module would. Every entry is validated before anything is written.
  - Networks and volumes converge first, in parallel; containers follow in dependency order (C(depends_on)),
    with at most O(parallelism) engine calls at once.
  - Every resource carries the label C(dockhand.project=<project>). Resources with that label that the task no longer
    declares are removed only with O(remove_orphans=true) (volumes only with O(purge_volumes=true)); otherwise they
    are listed in RV(orphans).
  - A resource that fails stops the resources that depend on it and leaves the independent ones applied; the task then
    fails with a message listing what was applied, what failed and why. A re-run converges.
options:
  project:
    description: Name of the project; its resources carry the label C(dockhand.project) with this value.
    type: str
    required: true
  state:
    description:
      - V(present) converges the declared resources. V(absent) removes every resource of the project (volumes only
        with O(purge_volumes=true)).
    type: str
    choices: [present, absent]
    default: present
  networks:
    description: Networks, each with the options of M(dockhand.docker.network) (C(name) required).
    type: list
    elements: dict
  volumes:
    description: Volumes, each with the options of M(dockhand.docker.volume) (C(name) required).
    type: list
    elements: dict
  containers:
    description:
      - Containers, each with the options of M(dockhand.docker.container) (C(name) required), plus C(replicas)
        and C(depends_on).
      - C(replicas=N) runs N containers named C(<name>-1) to C(<name>-N). Host ports of C(published_ports) must
        then be left to the engine (C(80) rather than C(8080:80)) or the replicas collide.
      - C(depends_on) lists container entries to converge first, as names or as C({name, condition}) with
        condition V(started) (running, the default) or V(healthy) (its health check passes).
    type: list
    elements: dict
  remove_orphans:
    description: Remove containers and networks with the project's label that the task does not declare.
    type: bool
    default: false
  purge_volumes:
    description: Also remove volumes with the project's label that the task does not declare (their data is lost).
    type: bool
    default: false
  parallelism:
    description: Engine calls at most at once. Defaults to four per CPU, at most 16.
    type: int
  return_inspect:
    description:
      - Return the engine's whole inspect answer of every resource under RV(resources[].inspect).
      - Off by default because a container's inspect is about 150 values that the module's exit and the controller walk
        and copy, which is most of what an unchanged container costs a run (about 1.6 ms of CPU each). RV(containers),
        RV(networks) and RV(volumes) carry what a play usually reads (IDs, state, health, published ports);
        M(dockhand.docker.container_info) returns the whole data of the containers named.
    type: bool
    default: false
    version_added: 0.2.0
extends_documentation_fragment:
  - dockhand.docker.docker
  - dockhand.docker.attributes
seealso:
  - module: dockhand.docker.container
  - module: dockhand.docker.network
  - module: dockhand.docker.volume
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: A shop with a database, two web replicas that start once it is healthy, a network and a volume
  dockhand.docker.project:
    project: shop
    networks:
      - name: shop-net
    volumes:
      - name: shop-db
    containers:
      - name: db
        image: registry.example.com/shop/db:15
        volumes: ["shop-db:/var/lib/db"]
        networks: [{name: shop-net, aliases: [db]}]
        healthcheck:
          test: db-ready || exit 1
          interval: 2s
      - name: web
        image: registry.example.com/shop/web:1.4
        replicas: 2
        published_ports: ["80"]
        networks: [{name: shop-net}]
        depends_on:
          - name: db
            condition: healthy

- name: Everything of the shop goes, volumes included
  dockhand.docker.project:
    project: shop
    state: absent
    purge_volumes: true
"""

RETURN = r"""
resources:
  description: Every resource the task planned, in declaration order (orphans last).
  returned: always
  type: list
  elements: dict
  contains:
    resource:
      description: Kind and name, such as C(container web-1).
      type: str
    status:
      description: V(ok), V(failed), or V(skipped) (something it depends on did not converge).
      type: str
    changed:
      description: Whether this resource changed.
      type: bool
    actions:
      description: Its plan, one readable line per action.
      type: list
      elements: str
    changes:
      description: Each field that differs, with C(before), C(after) and how it converges.
      type: list
      elements: dict
    error:
      description: Why it failed or was skipped.
      type: str
    inspect:
      description: The resource as the engine reports it after the run, with O(return_inspect=true) only.
      type: dict
  sample: [{"resource": "container web-1", "status": "ok", "changed": true, "actions": ["create container web-1 (from shop/web:1.4)"],
            "changes": [], "error": null}]
actions:
  description: Every resource's plan, one line per action.
  returned: always
  type: list
  elements: str
  sample: ["create network shop-net", "create container db (from shop/db:15)", "start container db"]
containers:
  description: The project's containers after the run, as community.docker's docker_compose_v2 lists them.
  returned: always
  type: list
  elements: dict
  sample: [{"ID": "4f0e...", "Name": "web-1", "Service": "web", "Image": "shop/web:1.4", "State": "running",
            "Health": "", "ExitCode": 0, "Publishers": [{"URL": "127.0.0.1", "PublishedPort": 8080, "TargetPort": 80, "Protocol": "tcp"}]}]
networks:
  description: The project's networks after the run (name, ID, driver, labels).
  returned: always
  type: list
  elements: dict
volumes:
  description: The project's volumes after the run (name, driver, labels, mount point).
  returned: always
  type: list
  elements: dict
orphans:
  description: Resources with the project's label that the task does not declare and that were left in place.
  returned: always
  type: list
  elements: str
  sample: ["container web-3"]
"""

from ansible_collections.dockhand.docker.plugins.module_utils._project import run_project
from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_batch_module

ARGUMENT_SPEC = dict(
    project=dict(type="str", required=True),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    networks=dict(type="list", elements="dict"),
    volumes=dict(type="list", elements="dict"),
    containers=dict(type="list", elements="dict"),
    remove_orphans=dict(type="bool", default=False),
    purge_volumes=dict(type="bool", default=False),
    parallelism=dict(type="int"),
    return_inspect=dict(type="bool", default=False),
)


def main():
    run_batch_module(ARGUMENT_SPEC, run_project)


if __name__ == "__main__":
    main()
