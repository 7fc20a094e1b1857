#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: stack
short_description: Deploy a Compose file as a Docker Swarm stack, without the Docker CLI
version_added: 0.2.0
description:
  - Reads Compose files or inline mappings (merged in order, interpolated from the module's environment, by the same
    code as M(dockhand.docker.compose)) and makes the swarm match them in one task, as C(docker stack deploy) names and
    labels things - through one plan that check mode, C(--diff) and C(changed) all share. The engine must be a swarm
    manager. No Docker CLI is needed.
  - Each service becomes the Swarm service C(<name>_<service>), planned and applied by M(dockhand.docker.service)'s
    code - a change is one call of the service update endpoint (the service keeps its ID), never remove-and-create,
    and the module waits until the update converged or the engine rolled it back (unless O(detach=true)).
  - Networks become overlay networks C(<name>_<network>) (C(<name>_default) for services that list none), secrets and
    configs C(<name>_<secret>) (from C(file), C(environment), or a config's C(content)), unless the model gives them a
    C(name) or marks them C(external) (they must exist then, checked before anything is written). Everything carries
    the label C(com.docker.stack.namespace=<name>), as with the CLI, so C(docker stack ls), C(ps) and C(rm) see it.
  - "Service keys: image, command, entrypoint, environment, env_file, labels (the containers' labels), ports (short and
    long syntax, ingress or host mode, ranges), networks (with aliases; the service's name is an alias on each, as the
    CLI does), volumes (named volumes of the model, bind paths - relative ones from the first file's directory - and
    tmpfs), secrets and configs (source, target, uid, gid, mode), healthcheck, and deploy - mode (replicated or global),
    replicas (1 by default, as the CLI), labels (the service's labels), resources (limits and reservations of cpus and
    memory), restart_policy, update_config, rollback_config, placement (constraints, preferences,
    max_replicas_per_node), endpoint_mode; user, working_dir, hostname, stop_grace_period, stop_signal, dns, dns_search,
    dns_opt, cap_add, cap_drop, group_add, init, tty, read_only, sysctls, extra_hosts and logging - each as the option of
    M(dockhand.docker.service) of the same meaning. deploy.mode also takes replicated-job and global-job."
  - "Volumes: a named volume of the model is mounted as C(<name>_<volume>) and made by the engine of each node that
    runs a task, with the model's driver, driver_opts and labels and the stack's label (as the CLI does); long syntax
    volume.nocopy, bind.propagation, tmpfs.size and tmpfs.mode are honoured. Volumes are never removed by the module
    (nor by C(docker stack rm))."
  - "A key the stack cannot honour fails the task before anything is written, naming it (for example
    C(services.web.build: not supported by stack)) - where C(docker stack deploy) ignores it with a warning. That
    includes build, depends_on, restart (use deploy.restart_policy), container_name, network_mode, anonymous volumes and
    a port's host IP. C(x-*) extension keys are ignored."
  - A secret's or config's data cannot change in Swarm. A file whose content changed fails the task naming the secret;
    give it a new C(name) in the model (the services are pointed at it in place).
  - Same option names as M(community.docker.docker_stack) where they mean the same. Differences - O(detach) is V(false)
    by default (the module waits for the services to converge, so a failed update is seen by the task);
    O(resolve_image=changed) resolves as V(always) does;
    O(absent_retries) retries a removal the engine refuses while a network, secret or config is still in use, though the
    module already waits for a removed service's tasks to go first; there is no C(docker_cli) nor C(cli_context), as no
    CLI runs.
options:
  name:
    description: The stack's name, the prefix of its services, networks, secrets and configs.
    type: str
    required: true
  state:
    description:
      - V(present) deploys the model; V(absent) removes the stack's services (waiting until their tasks are gone), then
        its networks, secrets and configs - everything labelled with the stack's namespace.
    type: str
    default: present
    choices: [present, absent]
  compose:
    description:
      - The Compose model, as a list of paths of compose files on the managed host and inline mappings (the YAML of a
        compose file as a dict), merged in order as C(docker compose -f a -f b) merges files.
      - Interpolation (C(${VAR}), C(${VAR:-default}), ...) takes the module's environment (the task's C(environment)
        keyword); no C(.env) file is read, as with C(docker stack deploy).
    type: list
    elements: raw
    default: []
  prune:
    description:
      - Remove the services labelled with the stack's namespace that the model no longer has. Without it they are left
        running and listed in RV(orphans).
    type: bool
    default: false
  detach:
    description:
      - V(false) waits (up to O(wait_timeout)) until each created or updated service converged, and fails the task if the
        engine rolled an update back; V(true) returns once the engine took the change.
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait for each service to converge, and for a removed service's tasks to go.
    type: int
    default: 120
  with_registry_auth:
    description:
      - C(docker stack deploy --with-registry-auth) - each service create and update the task makes carries, in its
        C(X-Registry-Auth) header, the credentials the Docker config of the managed host (C(DOCKER_CONFIG), else
        C(~/.docker/config.json), or the credential helper it names; see M(dockhand.docker.login)) has for the
        registry of the service's image. The swarm keeps them with the service, so every node can pull the image from a
        private registry.
      - The credentials are only sent in that header, never returned nor shown in the diff. A registry the config has no
        credentials for gets none (an update then keeps those the service had). A service the run does not change is not
        updated, so its stored credentials are refreshed only when it changes - where the CLI sends an update of every service.
      - As O(dockhand.docker.service#module:with_registry_auth) of M(dockhand.docker.service), the same code.
    type: bool
    default: false
  resolve_image:
    description:
      - C(docker stack deploy --resolve-image). V(always) and V(changed) ask the image's registry (through the engine)
        for the digest of each service's image and pin the service to it, as M(dockhand.docker.service)'s
        O(dockhand.docker.service#module:resolve_image) does, so a new image pushed under the tag updates the service on
        the next run.
      - V(never), or not given - the image is compared by the name the model gives, not resolved in a registry.
    type: str
    choices: [always, changed, never]
  absent_retries:
    description:
      - How many times a removal of a network, secret or config is tried again when the engine refuses it because
        something still uses it.
    type: int
    default: 0
  absent_retries_interval:
    description: Seconds between two tries of O(absent_retries).
    type: int
    default: 1
extends_documentation_fragment:
  - dockhand.docker.docker
  - dockhand.docker.attributes
seealso:
  - module: dockhand.docker.service
  - module: dockhand.docker.compose
  - module: community.docker.docker_stack
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: Deploy a stack from a compose file
  dockhand.docker.stack:
    name: shop
    compose:
      - /srv/shop/compose.yaml

- name: The same file with the web service scaled by an inline override, and services no longer there removed
  dockhand.docker.stack:
    name: shop
    prune: true
    compose:
      - /srv/shop/compose.yaml
      - services:
          web:
            deploy:
              replicas: 4
            environment:
              LOG_LEVEL: debug

- name: Remove the stack
  dockhand.docker.stack:
    name: shop
    state: absent
"""

RETURN = r"""
stack_name:
  description: The stack's name.
  returned: always
  type: str
  sample: shop
services:
  description: The stack's services after the run (name, ID, image, mode); in check mode, as they are before the run.
  returned: always
  type: list
  elements: dict
  sample: [{"Name": "shop_web", "ID": "x4nq...", "Image": "shop/web:1.4", "Mode": {"Replicated": {"Replicas": 2}}}]
stack_spec_diff:
  description:
    - Each service the run changes (or would change in check mode), with the fields of its spec that differ, before and after,
      in the engine's form. A service created or removed has its whole state as before and after.
  returned: always
  type: dict
  sample: {"shop_web": {"env": {"before": ["LOG_LEVEL=info"], "after": ["LOG_LEVEL=debug"]}}}
actions:
  description: Every resource's plan, one line per action.
  returned: always
  type: list
  elements: str
  sample: ["create network shop_default", "create secret shop_db_password", "create service shop_web"]
resources:
  description: Every resource planned, as M(dockhand.docker.project) returns them (resource, status, changed, actions, changes, error, inspect).
  returned: always
  type: list
  elements: dict
orphans:
  description: Services labelled with the stack's namespace that the model no longer has, left in place (without O(prune)).
  returned: always
  type: list
  elements: str
  sample: ["service shop_worker"]
"""

from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_batch_module
from ansible_collections.dockhand.docker.plugins.module_utils._stack_run import run_stack

ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    compose=dict(type="list", elements="raw", default=[]),
    prune=dict(type="bool", default=False),
    detach=dict(type="bool", default=False),
    wait_timeout=dict(type="int", default=120),
    with_registry_auth=dict(type="bool", default=False),
    resolve_image=dict(type="str", choices=["always", "changed", "never"]),
    absent_retries=dict(type="int", default=0),
    absent_retries_interval=dict(type="int", default=1),
)


def main():
    run_batch_module(ARGUMENT_SPEC, run_stack)


if __name__ == "__main__":
    main()
