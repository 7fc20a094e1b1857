#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: compose
short_description: Converge a Compose project (compose files) through the plan/apply core, without the Compose CLI
version_added: 0.1.0
description:
  - Reads Compose files (or an inline O(definition)), and makes the engine match them in one task, through the same
    networks, volumes and containers core as M(dockhand.docker.project) (an exact plan, field-level C(--diff), check
    mode, safe recreates and a parallel converge). No Compose CLI is needed on the host.
  - What the module creates carries the labels and names C(docker compose) gives its own (C(com.docker.compose.project),
    C(.service), C(.container-number), C(.oneoff), C(.project.working_dir), C(.project.config_files), C(.depends_on),
    C(.config-hash), and the networks' and volumes' C(com.docker.compose.network) / C(com.docker.compose.volume));
    containers are named C(<project>-<service>-<n>), with their name as a network alias, networks C(<project>_<name>)
    (the default network C(<project>_default)) and volumes C(<project>_<name>), unless the model gives a C(name) or
    marks them C(external). So C(docker compose -p <project> ps), C(logs) and C(down) work on what the module made
    (tested with Compose 2.40).
  - Containers, networks and volumes C(docker compose up) made from the same file are adopted as they are (no change).
    The other way round, C(docker compose up) recreates the module's containers once, as the C(config-hash) label the
    module writes is not Compose's own hash of the service.
  - "The model: files are looked up in O(project_src) (C(compose.yaml), C(compose.yml), C(docker-compose.yaml),
    C(docker-compose.yml), plus the matching C(.override) file), or O(files) are merged in order (mappings key by key;
    ports, expose, dns, cap_add and other lists added to; service volumes by target; anything else replaced).
    Interpolation takes C(${VAR}), C(${VAR:-default}), C(${VAR-default}), C(${VAR:?error}), C(${VAR?error}),
    C(${VAR:+alt}), C($VAR) and C($$) from the environment of the module (set it with the task's C(environment)
    keyword) over O(env_files), or the C(.env) of O(project_src) when O(env_files) is not given."
  - "Service keys: image, command, entrypoint, environment (list or map), env_file, labels, ports (short and long
    syntax), expose, volumes (short and long syntax: named volumes of the model, bind paths relative to the project
    directory, tmpfs), tmpfs, networks (list or map with aliases, ipv4_address, ipv6_address, priority), network_mode (host, none,
    bridge, service:NAME, container:NAME), restart, healthcheck, depends_on (list, or map with condition service_started,
    service_healthy or service_completed_successfully: a one-shot service that exited with 0 is not run again), user,
    working_dir, hostname, domainname, cap_add, cap_drop, privileged, read_only, init, tty,
    stdin_open, stop_signal, stop_grace_period, sysctls, ulimits, extra_hosts, dns, dns_search, shm_size, mem_limit,
    mem_reservation, memswap_limit, cpus, cpu_shares, cpuset, pids_limit, devices, security_opt, logging, group_add, pid,
    ipc, oom_score_adj, pull_policy (also C(build)), container_name, profiles, scale, extends (a service of the same
    file or of C(file)), deploy.replicas and deploy.resources (limits: cpus, memory, pids; reservations: memory),
    build (context, dockerfile, args, target, labels, network, shm_size, extra_hosts, no_cache, pull, cache_from,
    tags), secrets and configs (file-based: short or long syntax with source and target). Top-level: services,
    networks, volumes, secrets and configs (with C(file)), name, version (ignored, as Compose does)."
  - "C(build): the image (the service's C(image), else C(<project>-<service>)) is built through
    M(dockhand.docker.image_build)'s content hash with the engine's classic builder, before the service's containers;
    the build context is relative to the project directory. A container records the build hash of its image, so a
    rebuild that changed the inputs recreates it, and check mode predicts the build and the recreate."
  - "C(secrets) and C(configs): the file is bind-mounted read-only, as Compose does without Swarm: a secret at
    C(/run/secrets/<target or name>), a config at its C(target) (C(/<name>) by default). A changed file is seen at once
    and changes nothing else."
  - "A key the module does not implement fails the task before anything is written, naming it (for example
    C(services.web.develop: not supported)); C(x-*) extension keys are ignored, as the specification says. Refused
    that way, among others: secrets and configs from C(environment) or C(content), C(uid)/C(gid)/C(mode) of a secret,
    BuildKit-only build keys (C(ssh), C(secrets), C(platforms), C(additional_contexts))."
  - Same option names as M(community.docker.docker_compose_v2) where they mean the same.
options:
  project_src:
    description:
      - The project directory. Compose files are looked up in it unless O(files) are given; relative paths of the model
        (bind mounts, env_file), O(files) and O(env_files) start from it; its base name is the project name unless
        O(project_name) or the model's C(name) give one.
    type: path
  project_name:
    description: The project name (lowercase letters, digits, C(_) and C(-)). Needed with O(definition) and no O(project_src).
    type: str
  files:
    description: Compose files, merged in this order. Relative paths start from O(project_src).
    type: list
    elements: path
  definition:
    description: The Compose model inline, as a mapping or YAML text, instead of files. Cannot be combined with O(files).
    type: raw
  env_files:
    description:
      - Files of C(NAME=value) lines for interpolation, read in order; the environment of the module wins over them.
      - When not given, the C(.env) file of O(project_src) is read if there is one.
    type: list
    elements: path
  profiles:
    description: Active profiles. Services with C(profiles) run only when one of theirs is active (or O(services) names them).
    type: list
    elements: str
  state:
    description:
      - V(present) creates and starts the services' containers, converging what differs.
      - V(stopped) creates them but leaves them stopped, and stops running ones.
      - V(restarted) converges and restarts every container (always changed).
      - V(absent) removes the project's containers and networks (orphan containers only with O(remove_orphans)),
        and its volumes only with O(remove_volumes).
    type: str
    choices: [present, stopped, restarted, absent]
    default: present
  services:
    description: Act on these services only (and on what they depend on, unless O(dependencies=false)).
    type: list
    elements: str
  scale:
    description: Number of containers per service, over the model's C(scale) and C(deploy.replicas).
    type: dict
  pull:
    description:
      - V(policy) follows each service's C(pull_policy) (V(missing) when it has none); V(always), V(missing) and
        V(never) apply to every service.
    type: str
    choices: [always, missing, never, policy]
    default: policy
  build:
    description:
      - "V(policy) builds the image of a service with a C(build) section when it is missing, and with
        C(pull_policy: build) whenever its build inputs (the context's files, Dockerfile, args, target, labels) changed."
      - V(always) builds every such image (C(changed) only when an image ID moved); V(never) runs the image as it is.
    type: str
    choices: [always, never, policy]
    default: policy
  recreate:
    description:
      - V(auto) recreates a container only when a field that cannot change in place differs; V(always) recreates every
        container; V(never) never recreates a container that exists (it still starts it, and changes what the engine
        changes in place, such as memory limits).
    type: str
    choices: [always, never, auto]
    default: auto
  remove_orphans:
    description:
      - Remove containers with the project's label that belong to no service of the model (otherwise they are listed
        in RV(orphans)). Containers of services left out by O(profiles) or O(services) are not orphans.
    type: bool
    default: false
  return_inspect:
    description:
      - Return the engine's whole inspect answer of every resource, as C(inspect) in each entry of RV(resources).
      - Off by default because a container's inspect is about 150 values that the module's exit and the controller walk
        and copy, which is most of what an unchanged container costs a run (about 1.6 ms of CPU each). RV(containers),
        RV(networks) and RV(volumes) carry what a play usually reads (IDs, state, health, published ports);
        M(dockhand.docker.container_info) returns the whole data of the containers named.
    type: bool
    default: false
    version_added: 0.2.0
  remove_volumes:
    description: With O(state=absent), also remove the project's volumes (their data is lost).
    type: bool
    default: false
  remove_images:
    description: Removing images with O(state=absent) is not implemented yet; any value fails.
    type: str
    choices: [all, local]
  dependencies:
    description: With O(services), also converge the services they depend on.
    type: bool
    default: true
  wait:
    description:
      - Wait until every container is running, or healthy when its service has a health check. Containers that others
        depend on are always waited for as C(depends_on) says.
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait for a container to be running or healthy.
    type: int
    default: 60
  stop_timeout:
    description:
      - Seconds to wait for a container to stop before it is killed, over each service's C(stop_grace_period).
      - M(community.docker.docker_compose_v2) calls this C(timeout); here O(timeout) is the connection's timeout for
        engine calls, as in every module of the collection, so the stop timeout has a name of its own.
    type: int
  renew_anon_volumes:
    description:
      - A container that is recreated gets new, empty anonymous volumes instead of mounting those of the container it
        replaces, as C(docker compose up --renew-anon-volumes). The old ones stay on the engine, unused (as with Compose).
      - With V(false), a recreate mounts the old container's anonymous volumes again (their data is kept), as Compose does.
      - It does not make a container be recreated by itself.
    type: bool
    default: false
    version_added: 0.2.0
  ignore_build_events:
    description:
      - With V(true), a build counts as a change only when it moved the image's ID (a rebuild with O(build=always)
        that made the same image, and so recreates nothing, is not a change), as M(community.docker.docker_compose_v2)
        does by default.
      - With V(false), every build the task runs counts as a change, as C(docker_compose_v2) counts Compose's build
        events (it reads them from the CLI's output; this module builds through the engine and has no such events).
    type: bool
    default: true
    version_added: 0.2.0
  assume_yes:
    description:
      - What to do with a volume of the model that exists on the engine but differs from the model (driver, driver
        options, labels), where C(docker compose up) asks whether to recreate it (C(-y)/C(--yes) answers yes). The
        module never prompts.
      - "V(false) answers no, as Compose without C(--yes) does in a non-interactive run: the volume is used as it is, its
        data kept, and nothing is reported changed; the volume's entry in RV(resources) says how it differs in C(facts.kept)."
      - "V(true) answers yes, as C(--yes): the volume is recreated and its data is lost. The project's containers that
        use it are removed first (listed as actions of the volume) and made again on the new volume. Check mode lists the
        same actions as the real run: the removals, the volume's recreate, and the containers created and started again."
    type: bool
    default: false
    version_added: 0.2.0
extends_documentation_fragment:
  - dockhand.docker.docker
  - dockhand.docker.attributes
seealso:
  - module: dockhand.docker.project
  - module: dockhand.docker.container
notes:
  - The module reads the model on the managed host, with PyYAML (which ansible-core already needs).
  - Containers are adopted by name, so containers C(docker compose up) made are converged rather than refused.
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: The shop, as its compose.yaml and .env in /srv/shop say
  dockhand.docker.compose:
    project_src: /srv/shop

- name: Two files merged, a profile, three web containers, and what no service owns removed
  dockhand.docker.compose:
    project_src: /srv/shop
    files: [compose.yaml, compose.prod.yaml]
    profiles: [monitoring]
    scale:
      web: 3
    remove_orphans: true
    wait: true

- name: A model inline
  dockhand.docker.compose:
    project_name: cache
    definition:
      services:
        redis:
          image: registry.example.com/redis:7
          ports: ["127.0.0.1:6379:6379"]
          volumes: ["data:/data"]
      volumes:
        data: {}

- name: Down, volumes included
  dockhand.docker.compose:
    project_src: /srv/shop
    state: absent
    remove_volumes: true
"""

RETURN = r"""
project_name:
  description: The project name the task used.
  returned: always
  type: str
  sample: shop
containers:
  description: The project's containers after the run, as docker_compose_v2 lists them.
  returned: always
  type: list
  elements: dict
  sample: [{"ID": "4f0e...", "Name": "shop-web-1", "Service": "web", "Image": "shop/web:1.4", "State": "running",
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
actions:
  description: Every resource's plan, one line per action.
  returned: always
  type: list
  elements: str
  sample: ["create network shop_default", "create container shop-db-1 (from postgres:16)", "start container shop-db-1"]
changes:
  description: Each field that differs, with the resource, C(before), C(after) and how it converges.
  returned: always
  type: list
  elements: dict
  sample: [{"resource": "container shop-web-1", "field": "env", "before": {"MODE": "a"}, "after": {"MODE": "b"}, "how": "recreate"}]
resources:
  description:
    - Every resource planned, as M(dockhand.docker.project) returns them (resource, status, changed, actions, changes,
      error; inspect with O(return_inspect=true)).
  returned: always
  type: list
  elements: dict
orphans:
  description: Containers with the project's label that belong to no service of the model and were left in place.
  returned: always
  type: list
  elements: str
  sample: ["container shop-worker-1"]
"""

from ansible_collections.dockhand.docker.plugins.module_utils._compose import run_compose
from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_batch_module

ARGUMENT_SPEC = dict(
    project_src=dict(type="path"),
    project_name=dict(type="str"),
    files=dict(type="list", elements="path"),
    definition=dict(type="raw"),
    env_files=dict(type="list", elements="path"),
    profiles=dict(type="list", elements="str"),
    state=dict(type="str", default="present", choices=["present", "stopped", "restarted", "absent"]),
    services=dict(type="list", elements="str"),
    scale=dict(type="dict"),
    pull=dict(type="str", default="policy", choices=["always", "missing", "never", "policy"]),
    build=dict(type="str", default="policy", choices=["always", "never", "policy"]),
    recreate=dict(type="str", default="auto", choices=["always", "never", "auto"]),
    remove_orphans=dict(type="bool", default=False),
    return_inspect=dict(type="bool", default=False),
    remove_volumes=dict(type="bool", default=False),
    remove_images=dict(type="str", choices=["all", "local"]),
    dependencies=dict(type="bool", default=True),
    wait=dict(type="bool", default=False),
    wait_timeout=dict(type="int", default=60),
    stop_timeout=dict(type="int"),
    renew_anon_volumes=dict(type="bool", default=False),
    ignore_build_events=dict(type="bool", default=True),
    assume_yes=dict(type="bool", default=False),
)


def main():
    run_batch_module(ARGUMENT_SPEC, run_compose, mutually_exclusive=[("definition", "files")])


if __name__ == "__main__":
    main()
