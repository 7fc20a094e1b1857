#!/usr/bin/python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: service
short_description: Create, update in place and remove Docker Swarm services
version_added: 0.2.0
description:
  - Makes a Swarm service match the task, through one plan that check mode, C(--diff) and C(changed) all share. The
    engine must be a swarm manager.
  - Each option is compared with the service's spec as the engine returns it; an option not given is not managed. A
    difference is applied with one call of the engine's service update endpoint, with the spec's version index (a
    service changed by someone else meanwhile fails the call rather than being overwritten); a service is never
    removed and created again.
  - After a create or an update, the module waits (up to O(wait_timeout)) until the service converged - the rolling
    update completed, or the wanted tasks run. An update the engine rolled back (O(update_config.failure_action=rollback))
    or paused fails the task and says so, with the engine's reason. So do tasks that no node can run (every one pending
    for a reason, such as a placement constraint no node meets), after 3 seconds rather than at O(wait_timeout).
  - Same option names as M(community.docker.docker_swarm_service) for the same meaning, every option of it taken;
    O(wait_timeout) and O(mode=global-job) are additions. Where community.docker removes and creates the service again
    (a changed O(mode), say), this module still goes through the update endpoint, and the engine's refusal fails the task.
options:
  name:
    description: Name of the service.
    type: str
    required: true
  state:
    description: Whether the service should exist.
    type: str
    choices: [present, absent]
    default: present
  image:
    description: The image of the service's tasks; required to create a service.
    type: str
  command:
    description: The command that replaces the image's entrypoint, as a list or a string split as a shell would.
    type: raw
  args:
    description: Arguments of the command (the image's C(CMD) when O(command) is not given).
    type: list
    elements: str
  env:
    description:
      - Environment variables of the tasks, as a dict (values must be strings) or a list of C(NAME=value).
      - Compared as a whole - a variable the task no longer lists is removed.
    type: raw
  labels:
    description: Labels of the service. Only the keys listed are compared. Values must be strings.
    type: dict
  container_labels:
    description: Labels of the tasks' containers. Only the keys listed are compared. Values must be strings.
    type: dict
  mode:
    description:
      - V(replicated) (O(replicas) tasks) or V(global) (one task per node); fixed when the service is made.
      - V(replicated-job) runs O(replicas) tasks to completion, one at a time; V(global-job) runs one task to completion
        on each node. The module waits until the job's tasks completed; a change of the job's spec runs it again.
    type: str
    choices: [replicated, global, replicated-job, global-job]
  replicas:
    description: How many tasks a replicated service runs (1 when it is created without it), or how many completions a
      V(replicated-job) needs.
    type: int
  command_as_args:
    description:
      - With V(true), O(command) and O(args) together are the tasks' arguments (C(ContainerSpec.Args)), after the image's
        entrypoint, as C(docker service create IMAGE COMMAND ARG...) does; a command the service had is removed.
      - With V(false), O(command) replaces the image's entrypoint and O(args) are its arguments.
    type: bool
    default: false
  env_files:
    description:
      - Files of C(NAME=value) lines on the target (C(#) starts a comment), read in order; O(env) wins over them. The
        result is compared as O(env) is.
    type: list
    elements: path
  force_update:
    description:
      - Replace every task even when nothing changed (C(docker service update --force)) - the task template's
        C(ForceUpdate) counter goes up by one, so every run with it reports a change, in check mode too.
    type: bool
    default: false
  resolve_image:
    description:
      - Ask the image's registry (through the engine) for the digest of O(image) and pin the service to it
        (C(image:tag@sha256:...)), as the CLI does; a new image pushed under the tag updates the service on the next run.
      - Without it, the digest the service is pinned to is not compared, only the image name and tag.
    type: bool
    default: false
  with_registry_auth:
    description:
      - C(docker service create/update --with-registry-auth) - the create or update of the service carries, in its
        C(X-Registry-Auth) header, the credentials the Docker config of the managed host (C(DOCKER_CONFIG), else
        C(~/.docker/config.json), or the credential helper it names; see M(dockhand.docker.login)) has for the
        registry of O(image). The swarm keeps them with the service, so every node can pull the image from a private
        registry. The credentials are only sent in that header, never returned nor shown in the diff.
      - A registry the config has no credentials for gets none (an update then keeps those the service had). A run that
        changes nothing sends nothing. M(community.docker.docker_swarm_service) has no such option.
    type: bool
    default: false
  hostname:
    description: The tasks' containers' host name.
    type: str
  user:
    description: The user (name or UID, optionally C(:group)) the command runs as; the image's when not given.
    type: str
  working_dir:
    description: The working directory of the command.
    type: str
  groups:
    description: More groups (names or GIDs) the command runs with, compared as a set.
    type: list
    elements: str
  dns:
    description: DNS servers of the tasks' containers, in order.
    type: list
    elements: str
  dns_search:
    description: DNS search domains, in order.
    type: list
    elements: str
  dns_options:
    description: DNS resolver options, such as V(ndots:2), compared as a set.
    type: list
    elements: str
  hosts:
    description: Host names to IP addresses, added to the containers' C(/etc/hosts); compared as a whole.
    type: dict
  init:
    description: Run an init process in each container that forwards signals and reaps processes.
    type: bool
  tty:
    description: Allocate a pseudo-TTY.
    type: bool
  read_only:
    description: Mount the containers' root file system read-only.
    type: bool
  stop_signal:
    description: The signal that stops a task's container, such as V(SIGQUIT).
    type: str
  stop_grace_period:
    description: Time a container has to stop before it is killed, such as V(30s) or V(1m30s).
    type: str
  cap_add:
    description: Capabilities to add, such as V(NET_ADMIN) (with or without C(CAP_)), compared as a set.
    type: list
    elements: str
  cap_drop:
    description: Capabilities to drop, compared as a set.
    type: list
    elements: str
  sysctls:
    description: Namespaced kernel parameters of the containers, such as C(net.core.somaxconn); compared as a whole.
    type: dict
  logging:
    description: The log driver of the tasks' containers; compared as a whole (options the task does not give are removed).
    type: dict
    suboptions:
      driver:
        description: The driver, such as V(json-file) or V(local); needed with O(logging.options).
        type: str
      options:
        description: The driver's options; numbers and booleans are written as strings (C(max-file=3) is V("3")).
        type: dict
  endpoint_mode:
    description: How clients reach the tasks - V(vip) (one virtual IP, the engine's default) or V(dnsrr) (DNS round-robin,
      without ingress ports).
    type: str
    choices: [vip, dnsrr]
  publish:
    description: Ports of the service, compared as a whole.
    type: list
    elements: dict
    suboptions:
      published_port:
        description: The port on the nodes (the engine picks one when not given, in ingress mode).
        type: int
      target_port:
        description: The port in the container.
        type: int
      protocol:
        description: The protocol.
        type: str
        choices: [tcp, udp, sctp]
      mode:
        description: V(ingress) (the routing mesh, on every node) or V(host) (on the nodes running a task).
        type: str
        choices: [ingress, host]
  networks:
    description:
      - Networks (overlay, usually) the tasks join, by name, or as dicts with C(name) and C(aliases). Compared as a whole.
      - A network that does not exist fails the task, naming this option.
    type: list
    elements: raw
  mounts:
    description: Mounts of the tasks' containers, compared as a whole.
    type: list
    elements: dict
    suboptions:
      source:
        description: A volume name or, for V(bind), an absolute path on the node.
        type: str
      target:
        description: The absolute path in the container.
        type: str
      type:
        description:
          - The mount type. When not given, V(bind) for an absolute O(mounts[].source) (community.docker's default type)
            and V(volume) for a name.
          - V(npipe), a Windows named pipe, is passed to the engine as it is - it mounts on Windows nodes only, so give
            such a service a placement constraint such as V(node.platform.os==windows).
        type: str
        choices: [bind, volume, tmpfs, npipe]
      readonly:
        description: Mount read-only.
        type: bool
      labels:
        description: Labels of the volume the engine makes (V(volume) only). Values must be strings.
        type: dict
      no_copy:
        description: Do not copy the image's files at the target into a new volume (V(volume) only).
        type: bool
      driver_config:
        description: The volume driver and its options for the volume the engine makes (V(volume) only).
        type: dict
        suboptions:
          name:
            description: The volume driver, such as V(local).
            type: str
          options:
            description: The driver's options. Values must be strings.
            type: dict
      propagation:
        description: The bind mount's propagation (V(bind) only); a shared or slave one needs a source that is a shared
          mount on the node.
        type: str
        choices: [shared, slave, private, rshared, rslave, rprivate]
      tmpfs_size:
        description: The size of the tmpfs, such as V(64m) (V(tmpfs) only).
        type: str
      tmpfs_mode:
        description: The file mode of the tmpfs, such as V(0o1777) (V(tmpfs) only).
        type: int
  secrets:
    description: Secrets the tasks get as files (in C(/run/secrets) unless O(secrets[].filename) is a path); compared as a whole.
    type: list
    elements: dict
    suboptions:
      secret_name:
        description: The secret's name; a secret that does not exist fails the task, naming O(secrets).
        type: str
        required: true
      secret_id:
        description: The secret's ID; when given, used as it is (no look-up by name), as community.docker does.
        type: str
      filename:
        description: The file's name (the secret's name by default).
        type: str
      uid:
        description: The file's owner (0 by default).
        type: int
      gid:
        description: The file's group (0 by default).
        type: int
      mode:
        description: The file's mode, such as V(0o440) (V(0o444) by default).
        type: int
  configs:
    description: Configs the tasks get as files (in C(/) unless O(configs[].filename) is a path); compared as a whole.
    type: list
    elements: dict
    suboptions:
      config_name:
        description: The config's name; a config that does not exist fails the task, naming O(configs).
        type: str
        required: true
      config_id:
        description: The config's ID; when given, used as it is (no look-up by name).
        type: str
      filename:
        description: The file's name (the config's name by default).
        type: str
      uid:
        description: The file's owner (0 by default).
        type: int
      gid:
        description: The file's group (0 by default).
        type: int
      mode:
        description: The file's mode (V(0o444) by default).
        type: int
  healthcheck:
    description:
      - The tasks' health check, with the options of M(dockhand.docker.container)'s C(healthcheck). A rolling update
        waits for new tasks to be healthy.
    type: dict
    suboptions:
      test:
        description: The command, as a string (run by a shell) or a list (C(CMD) first, or added).
        type: raw
      interval:
        description: Time between two checks, such as V(30s).
        type: str
      timeout:
        description: Time a check may take.
        type: str
      retries:
        description: Failed checks in a row before the task is unhealthy.
        type: int
      start_period:
        description: Time after the start during which failures do not count.
        type: str
      disable:
        description: Disable the image's health check.
        type: bool
        default: false
  placement:
    description: Where the tasks may run.
    type: dict
    suboptions:
      constraints:
        description:
          - Constraints such as V(node.role==manager) or V(node.labels.disk==ssd), compared as a set.
        type: list
        elements: str
      preferences:
        description:
          - Spread the tasks evenly over the values of a node attribute, each a dict with the key C(spread) and a value
            such as V(node.labels.zone), in order.
        type: list
        elements: dict
      replicas_max_per_node:
        description: The most tasks of the service one node runs (V(0) - no limit).
        type: int
  limits:
    description: Resource limits of each task.
    type: dict
    suboptions:
      cpus:
        description: CPUs, such as V(0.5).
        type: float
      memory:
        description: Memory, such as V(256m).
        type: str
  reservations:
    description: Resources reserved for each task (placement needs a node that has them).
    type: dict
    suboptions:
      cpus:
        description: CPUs, such as V(0.25).
        type: float
      memory:
        description: Memory, such as V(64m).
        type: str
  restart_config:
    description: When the engine restarts a task's container. Only the keys given are compared.
    type: dict
    suboptions:
      condition:
        description: The condition.
        type: str
        choices: [none, on-failure, any]
      delay:
        description: The delay between restarts, such as V(5s).
        type: str
      max_attempts:
        description: Restarts before giving up (0 - no limit).
        type: int
      window:
        description: The time a restart has to succeed in, such as V(1m).
        type: str
  update_config:
    description: How a rolling update replaces the tasks. Only the keys given are compared.
    type: dict
    suboptions:
      parallelism:
        description: Tasks updated at once (0 - all).
        type: int
      delay:
        description: The delay between two batches, such as V(10s).
        type: str
      failure_action:
        description: What the engine does when an update fails; with V(rollback), the module reports the rollback as a failure.
        type: str
        choices: [continue, pause, rollback]
      monitor:
        description: How long a new task is watched for failure, such as V(5s).
        type: str
      max_failure_ratio:
        description: The share of tasks that may fail (0 to 1).
        type: float
      order:
        description: Stop the old task first, or start the new one first (no downtime, more resources).
        type: str
        choices: [stop-first, start-first]
  rollback_config:
    description: How a rollback replaces the tasks; the keys of O(update_config).
    type: dict
    suboptions:
      parallelism:
        description: Tasks rolled back at once (0 - all).
        type: int
      delay:
        description: The delay between two batches.
        type: str
      failure_action:
        description: What the engine does when the rollback fails.
        type: str
        choices: [continue, pause, rollback]
      monitor:
        description: How long a task is watched for failure.
        type: str
      max_failure_ratio:
        description: The share of tasks that may fail (0 to 1).
        type: float
      order:
        description: Stop-first or start-first.
        type: str
        choices: [stop-first, start-first]
  wait_timeout:
    description:
      - Seconds to wait after a create or an update for the service to converge; past it, the task fails with the
        states of the tasks (a pending task says why, such as no node with the resources). V(0) does not wait.
    type: int
    default: 120
extends_documentation_fragment:
  - dockhand.docker.docker
  - dockhand.docker.attributes
seealso:
  - module: dockhand.docker.swarm
  - module: dockhand.docker.secret
  - module: dockhand.docker.config
  - module: community.docker.docker_swarm_service
author:
  - dockhand.docker maintainers (@dockhand)
"""

EXAMPLES = r"""
- name: A web service of 3 tasks on the routing mesh, updated start-first and rolled back on failure
  dockhand.docker.service:
    name: web
    image: registry.example.com/shop/web:1.4
    replicas: 3
    env:
      LOG_LEVEL: info
    publish:
      - published_port: 8080
        target_port: 80
    networks: [shop]
    secrets:
      - secret_name: db-password-v2
        filename: db-password
        mode: 0o400
    limits:
      cpus: 0.5
      memory: 256m
    update_config:
      parallelism: 1
      order: start-first
      failure_action: rollback
      monitor: 10s

- name: A service whose tasks run the image's entrypoint with arguments, as a hardened container
  dockhand.docker.service:
    name: exporter
    image: registry.example.com/ops/exporter:2.1
    command: --config.file=/etc/exporter.yml
    command_as_args: true
    env_files: [/etc/exporter/defaults.env]
    user: "65534"
    read_only: true
    cap_drop: [ALL]
    init: true
    stop_grace_period: 30s
    hostname: exporter
    dns: [10.0.0.53]
    hosts:
      metrics.internal: 10.0.0.20
    logging:
      driver: json-file
      options:
        max-size: 10m
        max-file: 3
    mounts:
      - type: tmpfs
        target: /tmp
        tmpfs_size: 16m
    placement:
      replicas_max_per_node: 1

- name: A one-off migration job, run to completion
  dockhand.docker.service:
    name: migrate-db
    image: registry.example.com/shop/migrate:1.4
    mode: replicated-job
    replicas: 1

- name: Restart every task of a service (changed on every run)
  dockhand.docker.service:
    name: web
    force_update: true

- name: Scale it down
  dockhand.docker.service:
    name: web
    replicas: 1

- name: Remove it
  dockhand.docker.service:
    name: web
    state: absent
"""

RETURN = r"""
service:
  description: The service as the engine reports it after the run (C(docker service inspect)); empty when it does not
    exist. In check mode, as it is before the run.
  returned: always
  type: dict
service_id:
  description: The service's ID.
  returned: when the service exists after the run (or would be kept in check mode)
  type: str
rebuilt:
  description: Always V(false), as M(community.docker.docker_swarm_service) returns it when it updated a service in place; this
    module never removes and creates a service again.
  returned: always
  type: bool
actions:
  description: The plan, one readable line per action (or that would be applied in check mode).
  returned: always
  type: list
  elements: str
  sample: ["update service web: mode: {\"Replicated\": {\"Replicas\": 3}} -> {\"Replicated\": {\"Replicas\": 1}} (update)"]
changes:
  description: Every field that differs, with its actual (C(before)) and desired (C(after)) value in the engine's
    form, and how it converges (C(update), or C(rolling update) when every task is replaced).
  returned: always
  type: list
  elements: dict
actions_done:
  description: When an action fails, the actions applied before it.
  returned: failure
  type: list
  elements: str
"""

from ansible_collections.dockhand.docker.plugins.module_utils._runner import run_module
from ansible_collections.dockhand.docker.plugins.module_utils._swarm_service import ServiceKind, SERVICE_SPEC as ARGUMENT_SPEC


def main():
    run_module(ServiceKind, ARGUMENT_SPEC)


if __name__ == "__main__":
    main()
