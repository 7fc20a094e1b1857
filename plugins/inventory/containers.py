# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: containers
short_description: Docker containers as inventory hosts, read through the Engine API
description:
  - Makes one host per container of a Docker engine (running or not), named after the container, with its facts as
    host variables and groups by image, running state, Compose project and service, and dockhand project.
  - Hosts connect through the P(dockhand.docker.api#connection) connection by default, which needs no Docker CLI; or through
    SSH to a port the container publishes.
  - Reads inventory files whose names end in C(.dockhand.yml), C(.dockhand.yaml), C(docker.yml) or C(docker.yaml),
    with O(plugin) set to V(dockhand.docker.containers).
  - "Host variables: C(dockhand_id), C(dockhand_image) (the image as the container was created with it),
    C(dockhand_state) (the engine's status such as V(running) or V(exited)), C(dockhand_labels) (a dictionary),
    C(dockhand_networks) (network name to C(ip_address), C(gateway), C(aliases), C(network_id)), C(dockhand_inspect)
    (the whole inspect answer, with O(verbose_output)), and the connection settings (C(ansible_connection) and the
    engine options as C(ansible_dockhand_*) variables, or C(ansible_host) and C(ansible_port) for SSH)."
  - "Groups: C(running) and C(stopped); C(image_<image>); C(compose_<project>) and C(compose_<project>_<service>) from
    the Compose labels C(com.docker.compose.project) and C(com.docker.compose.service); C(dockhand_project_<project>)
    and C(dockhand_project_<project>_<service>) from the labels C(dockhand.project) and C(dockhand.service) that
    M(dockhand.docker.project) sets. Group names are made safe the way Ansible does (non-word characters become C(_))."
author:
  - dockhand.docker maintainers (@dockhand)
version_added: 0.1.0
extends_documentation_fragment:
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
  - dockhand.docker.docker
options:
  plugin:
    description:
      - The name of this plugin; the file is read only when it names this plugin.
    type: str
    required: true
    choices: [dockhand.docker.containers]
  connection_type:
    description:
      - How Ansible reaches the hosts.
      - V(dockhand.docker.api) runs tasks through the engine's exec and archive endpoints (see the P(dockhand.docker.api#connection) connection),
        with the same engine options as this inventory.
      - V(ssh) connects to the port the container publishes for O(private_ssh_port), or to the container's own address
        when that port is not published.
    type: str
    default: dockhand.docker.api
    choices: [dockhand.docker.api, ssh]
  default_ip:
    description:
      - The address to connect to for O(connection_type=ssh) when a port is published on all interfaces.
    type: str
    default: 127.0.0.1
  private_ssh_port:
    description:
      - The port SSH listens on inside the container, for O(connection_type=ssh).
    type: int
    default: 22
  verbose_output:
    description:
      - Add the container's whole inspect answer as C(dockhand_inspect).
    type: bool
    default: false
  filters:
    description:
      - Which containers become hosts. Each entry has one key, C(include) or C(exclude), whose value is a Jinja2
        expression over the host's variables above and C(inventory_hostname). Entries are tried in order; the first
        whose expression is true decides. A container that no entry decides on is included.
      - The same form as community.docker's inventory plugins.
    type: list
    elements: dict
    default: []
notes:
  - The engine options (O(docker_host), O(tls) and the others) fall back to the same environment variables as the
    modules' (E(DOCKER_HOST), E(DOCKER_TLS), E(DOCKER_TLS_VERIFY), E(DOCKER_API_VERSION), E(DOCKER_TIMEOUT)).
  - With O(cache), the engine is not asked again until O(cache_timeout) has passed; the cache holds the inspect answers.
requirements:
  - Docker SDK for Python >= 7.1.0 (C(pip install docker)) for engines not reached through a local unix socket
"""

EXAMPLES = r"""
# inventory.dockhand.yml: every container of the local engine
plugin: dockhand.docker.containers

# prod.dockhand.yml: only running containers of one Compose project, grouped by a label
plugin: dockhand.docker.containers
docker_host: tcp://10.0.0.5:2376
validate_certs: true
filters:
  - exclude: dockhand_state != 'running'
  - include: dockhand_labels['com.docker.compose.project'] | default('') == 'shop'
  - exclude: true
keyed_groups:
  - key: dockhand_labels['tier'] | default('none')
    prefix: tier
compose:
  ansible_user: "'app'"
"""

import typing

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.dockhand.docker.plugins.connection.api import ENGINE_OPTIONS
from ansible_collections.dockhand.docker.plugins.module_utils._client import (
    CONNECTION_ARGS,
    CONNECTION_REQUIRED_TOGETHER,
    DEFAULT_DOCKER_HOST,
    connect,
    engine_errors,
)
from ansible_collections.dockhand.docker.plugins.module_utils._errors import EngineError, NotFound

FILE_ENDINGS = (".dockhand.yml", ".dockhand.yaml", "docker.yml", "docker.yaml")
COMPOSE_PROJECT = "com.docker.compose.project"
COMPOSE_SERVICE = "com.docker.compose.service"
DOCKHAND_PROJECT = "dockhand.project"
DOCKHAND_SERVICE = "dockhand.service"
ENGINE_SPEC = typing.cast("dict[str, dict]", CONNECTION_ARGS)
ENGINE_ALIASES = {alias for spec in ENGINE_SPEC.values() for alias in spec.get("aliases") or []}
API_CONNECTION = "dockhand.docker.api"


def engine_params(config):
    """The engine options of the inventory file, validated as the modules validate theirs (types, aliases,
    environment fallbacks); a bad value fails naming the option."""
    given = {key: value for key, value in config.items()
             if key in ENGINE_SPEC or key in ENGINE_ALIASES}
    result = ArgumentSpecValidator(CONNECTION_ARGS, required_together=CONNECTION_REQUIRED_TOGETHER).validate(given)
    if result.error_messages:
        raise AnsibleParserError("dockhand.docker.containers: " + "; ".join(result.error_messages))
    return {option: result.validated_parameters.get(option) for option in CONNECTION_ARGS}


def networks(inspect):
    return {
        name: dict(ip_address=net.get("IPAddress") or None, gateway=net.get("Gateway") or None,
                   aliases=net.get("Aliases") or [], network_id=net.get("NetworkID"))
        for name, net in ((inspect.get("NetworkSettings") or {}).get("Networks") or {}).items()
    }


def host_facts(inspect, verbose):
    """The dockhand_* host variables of a container."""
    config, state = inspect.get("Config") or {}, inspect.get("State") or {}
    facts = dict(
        dockhand_id=inspect["Id"],
        dockhand_image=config.get("Image") or inspect.get("Image"),
        dockhand_state=state.get("Status") or ("running" if state.get("Running") else "exited"),
        dockhand_labels=config.get("Labels") or {},
        dockhand_networks=networks(inspect),
    )
    if verbose:
        facts["dockhand_inspect"] = inspect
    return facts


def container_groups(facts):
    """Group names (not yet made safe) for a container's facts."""
    labels = facts["dockhand_labels"]
    groups = ["running" if facts["dockhand_state"] == "running" else "stopped", f"image_{facts['dockhand_image']}"]
    for project_label, service_label, prefix in ((COMPOSE_PROJECT, COMPOSE_SERVICE, "compose"),
                                                 (DOCKHAND_PROJECT, DOCKHAND_SERVICE, "dockhand_project")):
        if labels.get(project_label):
            groups.append(f"{prefix}_{labels[project_label]}")
            if labels.get(service_label):
                groups.append(f"{prefix}_{labels[project_label]}_{labels[service_label]}")
    return groups


def ssh_address(inspect, private_port, default_ip):
    """(address, port) for SSH: the published binding of private_port, else the container's own address."""
    bindings = ((inspect.get("NetworkSettings") or {}).get("Ports") or {}).get(f"{private_port}/tcp") or []
    for binding in bindings:
        if binding.get("HostPort"):
            host_ip = binding.get("HostIp") or ""
            return (default_ip if host_ip in ("", "0.0.0.0", "::") else host_ip), int(binding["HostPort"])
    for net in networks(inspect).values():
        if net["ip_address"]:
            return net["ip_address"], private_port
    return default_ip, private_port


def check_keys(config, known):
    """Ansible ignores unknown keys in an inventory file; a misspelt option must not be ignored silently."""
    unknown = sorted(set(config) - set(known) - ENGINE_ALIASES)
    if unknown:
        raise AnsibleParserError(f"dockhand.docker.containers: unsupported option(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")


def check_filters(filters):
    for index, entry in enumerate(filters):
        if not isinstance(entry, dict) or len(entry) != 1 or next(iter(entry)) not in ("include", "exclude"):
            raise AnsibleParserError(
                f"dockhand.docker.containers: filters[{index}]: each entry needs exactly one key, include or exclude, got {entry!r}")


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    """Containers as hosts."""

    NAME = "dockhand.docker.containers"

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith(FILE_ENDINGS)

    def _read_containers(self, params):
        """The inspect answers of every container of the engine, oldest first."""
        host = params.get("docker_host") or DEFAULT_DOCKER_HOST
        try:
            engine = connect(params)
            with engine_errors("listing containers", host):
                found = []
                for summary in reversed(engine.api.containers(all=True)):
                    try:
                        found.append(engine.api.inspect_container(summary["Id"]))
                    except NotFound:  # removed between the list and the inspect
                        continue
                return found
        except EngineError as exc:
            raise AnsibleError(f"dockhand.docker.containers: {exc}") from None

    def _connection_vars(self, inspect, params):
        kind = self.get_option("connection_type")
        if kind == "ssh":
            address, port = ssh_address(inspect, self.get_option("private_ssh_port"), self.get_option("default_ip"))
            return dict(ansible_connection="ssh", ansible_host=address, ansible_port=port)
        values = dict(ansible_connection=API_CONNECTION)
        for option in ENGINE_OPTIONS:
            value, default = params.get(option), ENGINE_SPEC[option].get("default")
            if option == "docker_host" or (value is not None and value != default):
                values[f"ansible_dockhand_{option}"] = value
        return values

    def _wanted(self, facts, filters):
        if not filters:
            return True
        self.templar.available_variables = facts
        for entry in filters:
            (verdict, expression), = entry.items()
            try:
                matched = self.templar.evaluate_conditional(expression)
            except Exception as exc:  # pylint: disable=broad-except  # a template error: name the filter
                raise AnsibleError(f"dockhand.docker.containers: filters: {verdict} {expression!r}: {to_native(exc)}") from None
            if matched:
                return verdict == "include"
        return True

    def _populate(self, containers, params):
        strict = self.get_option("strict")
        filters = self.get_option("filters")
        verbose = self.get_option("verbose_output")
        for inspect in containers:
            name = inspect["Name"].lstrip("/")
            facts = dict(host_facts(inspect, verbose), **self._connection_vars(inspect, params))
            if not self._wanted(dict(facts, inventory_hostname=name), filters):
                continue
            self.inventory.add_host(name)
            for key, value in facts.items():
                self.inventory.set_variable(name, key, value)
            facts["inventory_hostname"] = name
            for group in container_groups(facts):
                group = self.inventory.add_group(self._sanitize_group_name(group))
                self.inventory.add_child(group, name)
            self._set_composite_vars(self.get_option("compose"), facts, name, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), facts, name, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), facts, name, strict=strict)

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        config = self._read_config_data(path)
        check_keys(config, self._options)
        params = engine_params(config)
        check_filters(self.get_option("filters"))

        cache_key = self.get_cache_key(path)
        use_cache = self.get_option("cache") and cache
        update_cache = self.get_option("cache") and not cache
        containers = None
        if use_cache:
            try:
                containers = self._cache[cache_key]
            except KeyError:
                update_cache = True
        if containers is None:
            containers = self._read_containers(params)
        if update_cache:
            self._cache[cache_key] = containers
        self._populate(containers, params)
