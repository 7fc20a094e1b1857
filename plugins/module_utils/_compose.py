# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""The Compose model (loaded, merged and interpolated by _compose_model.py) mapped: services, networks and volumes to the
options of the container, network and volume kinds, so a project converges through the same units as
dockhand.docker.project (_project.py). No Compose CLI is involved.

Resources carry the labels `docker compose` puts on its own (project, service, container number, network, volume),
and the names it gives them (<project>-<service>-<n>, <project>_<network>, <project>_<volume>), so `docker compose ps`
sees what this module made. A key of the model that is not mapped fails, naming it: nothing is silently dropped.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re

from ._client import CONNECTION_ARGS, engine_errors
from ._container import ContainerKind, ContainerWant
from ._container_fields import CONTAINER_SPEC
from ._errors import EngineError, ParamError
from ._network import NETWORK_SPEC, NetworkKind
from ._compose_build import CountedBuild, build_want, built, image_name, with_build_hash
from ._compose_model import Model, as_map, load, read_env_file
from ._image_build import BuildKind
from ._parse import duration_ns
from ._plan import Action, describe_changes
from ._project import Unit, _desired, _orphans, _validated, run_units, summarised
from ._volume import VOLUME_SPEC, VolumeKind

PROJECT = "com.docker.compose.project"
SERVICE = "com.docker.compose.service"
NUMBER = "com.docker.compose.container-number"
ONEOFF = "com.docker.compose.oneoff"
WORKING_DIR = "com.docker.compose.project.working_dir"
CONFIG_FILES = "com.docker.compose.project.config_files"
DEPENDS_ON = "com.docker.compose.depends_on"
CONFIG_HASH = "com.docker.compose.config-hash"
NETWORK = "com.docker.compose.network"
VOLUME = "com.docker.compose.volume"

TOP_KEYS = {"version", "name", "services", "networks", "volumes", "secrets", "configs"}
NETWORK_KEYS = {"name", "external", "driver", "driver_opts", "ipam", "internal", "attachable", "enable_ipv6", "labels"}
VOLUME_KEYS = {"name", "external", "driver", "driver_opts", "labels"}
# service keys that are container options as they are (compose key -> container option)
RENAMED = {
    "image": "image", "user": "user", "working_dir": "working_dir", "hostname": "hostname", "domainname": "domainname",
    "cap_add": "capabilities", "cap_drop": "cap_drop", "privileged": "privileged", "read_only": "read_only", "init": "init",
    "tty": "tty", "stdin_open": "interactive", "stop_signal": "stop_signal", "shm_size": "shm_size", "mem_limit": "memory",
    "mem_reservation": "memory_reservation", "memswap_limit": "memory_swap", "cpus": "cpus", "cpu_shares": "cpu_shares",
    "cpuset": "cpuset_cpus", "pids_limit": "pids_limit", "security_opt": "security_opts", "expose": "exposed_ports",
    "group_add": "groups", "pid": "pid_mode", "ipc": "ipc_mode", "oom_score_adj": "oom_score_adj", "tmpfs": "tmpfs",
}
# service keys read elsewhere (profiles, depends_on, scale...) or mapped by a function of their own below
HANDLED = {"command", "entrypoint", "environment", "env_file", "labels", "ports", "volumes", "networks", "network_mode",
           "restart", "healthcheck", "depends_on", "stop_grace_period", "sysctls", "ulimits", "extra_hosts", "dns", "dns_search",
           "devices", "logging", "deploy", "scale", "container_name", "profiles", "pull_policy", "build", "secrets", "configs"}


# ---- the project: names, profiles, services in scope ----

def project_name(params, model, environ):
    name = params.get("project_name") or model.data.get("name") or environ.get("COMPOSE_PROJECT_NAME")
    option = "project_name" if params.get("project_name") else "name"
    if not name:
        if not params.get("project_src"):
            raise ParamError("project_name", "is needed with definition and no project_src")
        name = re.sub(r"[^a-z0-9_-]", "", os.path.basename(model.working_dir.rstrip("/")).lower())
        option = "project_src"
    name = str(name)
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name):
        raise ParamError(option, f"{name!r} is not a project name: lowercase letters, digits, '_' and '-', starting with a letter or digit")
    return name


def check_keys(data):
    for key in data:
        if key not in TOP_KEYS and not str(key).startswith("x-"):
            raise ParamError(key, "not supported")
    for section in ("secrets", "configs"):
        for name, entry in (data.get(section) or {}).items():
            for key in entry or {}:
                if key not in ("file", "name") and not str(key).startswith("x-"):
                    raise ParamError(f"{section}.{name}.{key}", "not supported (file-based secrets and configs only, mounted as Compose "
                                                                "does without Swarm)")
            if not (entry or {}).get("file"):
                raise ParamError(f"{section}.{name}.file", "is needed (file-based secrets and configs only)")
    for section, allowed in (("networks", NETWORK_KEYS), ("volumes", VOLUME_KEYS)):
        for name, entry in (data.get(section) or {}).items():
            for key in entry or {}:
                if key not in allowed and not str(key).startswith("x-"):
                    raise ParamError(f"{section}.{name}.{key}", "not supported")
    services = data.get("services") or {}
    if not isinstance(services, dict):
        raise ParamError("services", "must be a mapping of service names to services")
    for name, svc in services.items():
        for key in svc:
            if key not in RENAMED and key not in HANDLED and not str(key).startswith("x-"):
                raise ParamError(f"services.{name}.{key}", "not supported")


def services_in_scope(data, params, environ):
    """The services the task acts on: enabled by their profiles (or named in `services`), plus what they depend on
    unless dependencies is false."""
    services = data.get("services") or {}
    profiles = set(params.get("profiles") or [p for p in environ.get("COMPOSE_PROFILES", "").split(",") if p])
    asked = params.get("services") or []
    for name in asked:
        if name not in services:
            raise ParamError("services", f"{name!r} is not a service of the Compose model")
    enabled = {n for n, s in services.items() if not s.get("profiles") or "*" in profiles or profiles & set(s["profiles"]) or n in asked}
    scope = set(asked) if asked else set(enabled)
    todo = list(scope)
    while todo and params.get("dependencies", True):
        name = todo.pop()
        for dep, opts in (services[name].get("depends_on") or {}).items():
            if dep not in services:
                raise ParamError(f"services.{name}.depends_on", f"{dep!r} is not a service of the Compose model")
            if dep not in enabled and (opts or {}).get("required", True):
                raise ParamError(f"services.{name}.depends_on", f"{dep!r} is not enabled by the active profiles")
            if dep in enabled and dep not in scope:
                scope.add(dep)
                todo.append(dep)
    return [n for n in services if n in scope], set(services)


# ---- services to container options ----

@dataclasses.dataclass
class Context:
    project: str
    working_dir: str
    env: dict
    networks: dict      # model key -> engine name
    volumes: dict       # model key -> engine name
    container_names: dict  # service -> its first container's name
    files: dict = dataclasses.field(default_factory=dict)  # {"secrets": {name: path}, "configs": {name: path}}


def _path(ctx, text):
    text = os.path.expanduser(text)
    return os.path.normpath(text if os.path.isabs(text) else os.path.join(ctx.working_dir, text))


def _volume(ctx, where, spec):
    """Short or long syntax -> ('volumes', 'src:/dst:mode') or ('mounts', {...}). An anonymous volume is a volume mount
    without source, as Compose makes it (HostConfig.Mounts, not Config.Volumes)."""
    if isinstance(spec, dict):
        for key in spec:
            if key not in ("type", "source", "target", "read_only", "volume", "bind", "tmpfs"):
                raise ParamError(f"{where}.{key}", "not supported")
        kind, source, target = spec.get("type") or "volume", spec.get("source"), spec.get("target")
        if not target:
            raise ParamError(f"{where}.target", "is needed")
        if kind == "tmpfs":
            tmpfs = spec.get("tmpfs") or {}
            return "mounts", {"type": "tmpfs", "target": target, "tmpfs_size": tmpfs.get("size"), "tmpfs_mode": tmpfs.get("mode")}
        if kind not in ("volume", "bind"):
            raise ParamError(f"{where}.type", f"{kind!r} is not supported (volume, bind or tmpfs)")
        for key in spec.get("volume") or {}:
            if key != "nocopy":
                raise ParamError(f"{where}.volume.{key}", "not supported")
        nocopy = bool((spec.get("volume") or {}).get("nocopy"))
        if kind == "volume" and not source:
            return "mounts", {"type": "volume", "target": target, "read_only": bool(spec.get("read_only")), "no_copy": nocopy or None}
        if not source:
            raise ParamError(f"{where}.source", "is needed for a bind")
        if kind == "bind" and (spec.get("bind") or {}).get("create_host_path") is False:
            raise ParamError(f"{where}.bind.create_host_path", "false is not supported: the engine creates a missing host path")
        spec = f"{source}:{target}:{'ro' if spec.get('read_only') else 'rw'}{',nocopy' if kind == 'volume' and nocopy else ''}"
    parts = str(spec).split(":")
    if len(parts) == 1:
        return "mounts", {"type": "volume", "target": parts[0], "read_only": False}
    source, target, mode = parts[0], parts[1], (parts[2] if len(parts) > 2 else "rw")
    if source.startswith((".", "/", "~")):
        return "volumes", f"{_path(ctx, source)}:{target}:{mode}"
    if source not in ctx.volumes:
        raise ParamError(where, f"{source!r} is not a volume of the Compose model (declare it under the top-level volumes)")
    return "volumes", f"{ctx.volumes[source]}:{target}:{mode}"


def _file_mount(ctx, where, section, spec):
    """A file-based secret or config as Compose mounts it without Swarm: the file, bind-mounted read-only at
    /run/secrets/<target or name> (a secret) or at its target, /<name> by default (a config)."""
    spec = {"source": spec} if isinstance(spec, str) else dict(spec or {})
    for key in spec:
        if key not in ("source", "target"):
            raise ParamError(f"{where}.{key}", "not supported (a bind-mounted file keeps its owner and mode)")
    source = str(spec.get("source") or "")
    if source not in ctx.files.get(section, {}):
        raise ParamError(f"{where}.source", f"{source!r} is not one of the top-level {section} of the Compose model")
    target = str(spec.get("target") or source)
    if not target.startswith("/"):
        target = f"/run/secrets/{target}" if section == "secrets" else f"/{target}"
    return {"type": "bind", "source": ctx.files[section][source], "target": target, "read_only": True}


def _port(where, spec):
    if not isinstance(spec, dict):
        return str(spec)
    for key in spec:
        if key not in ("target", "published", "host_ip", "protocol", "mode", "name", "app_protocol"):
            raise ParamError(f"{where}.{key}", "not supported")
    if spec.get("mode", "ingress") not in ("ingress", "host"):
        raise ParamError(f"{where}.mode", f"{spec['mode']!r} is not host or ingress")
    ip = str(spec.get("host_ip") or "")
    ip = f"[{ip}]" if ":" in ip else ip
    published = str(spec.get("published") or "")
    text = f"{published}:{spec.get('target')}" if published or ip else str(spec.get("target"))
    text = f"{ip}:{text}" if ip else text
    return f"{text}/{spec.get('protocol') or 'tcp'}"


def _restart(where, value):
    text = "no" if value is False else str(value)
    policy, _sep, retries = text.partition(":")
    if policy not in ("no", "always", "on-failure", "unless-stopped"):
        raise ParamError(where, f"{value!r} is not no, always, on-failure[:N] or unless-stopped")
    return {"restart_policy": policy, "restart_retries": int(retries) if retries.isdigit() else None}


def _healthcheck(where, value):
    value = dict(value or {})
    for key in value:
        if key not in ("test", "interval", "timeout", "retries", "start_period", "disable"):
            raise ParamError(f"{where}.{key}", "not supported")
    if value.get("test") in (["NONE"], "NONE"):
        return {"disable": True}
    return {k: (str(v) if k in ("interval", "timeout", "start_period") else v) for k, v in value.items()}


def _ulimits(where, value):
    out = []
    for name, limit in (value or {}).items():
        if isinstance(limit, dict):
            out.append(f"{name}:{limit.get('soft')}:{limit.get('hard')}")
        else:
            out.append(f"{name}:{limit}:{limit}")
    return out


def _extra_hosts(where, value):
    items = value.items() if isinstance(value, dict) else (re.split(r"[=:]", str(i), maxsplit=1) for i in value)
    out = {}
    for item in items:
        if len(item) != 2:
            raise ParamError(where, f"{item!r} is not HOST:IP")
        out[str(item[0])] = str(item[1]).strip("[]")
    return out


def _deploy(where, value, options, origin):
    for key, item in (value or {}).items():
        if key == "replicas":
            continue
        if key != "resources":
            raise ParamError(f"{where}.{key}", "not supported")
        for part, limits in (item or {}).items():
            allowed = {"limits": {"cpus": "cpus", "memory": "memory", "pids": "pids_limit"},
                       "reservations": {"memory": "memory_reservation"}}.get(part)
            if allowed is None:
                raise ParamError(f"{where}.resources.{part}", "not supported")
            for k, v in (limits or {}).items():
                if k not in allowed:
                    raise ParamError(f"{where}.resources.{part}.{k}", "not supported")
                options[allowed[k]] = v
                origin[allowed[k]] = f"deploy.resources.{part}.{k}"


def _environment(ctx, name, svc):
    env = {}
    for i, entry in enumerate(svc.get("env_file") or []):
        path, required = (entry.get("path"), entry.get("required", True)) if isinstance(entry, dict) else (entry, True)
        path = _path(ctx, str(path))
        if not os.path.isfile(path) and not required:
            continue
        env.update(read_env_file(path, f"services.{name}.env_file[{i}]"))
    for key, value in (svc.get("environment") or {}).items():
        if value is None:  # NAME alone: from the environment, left out when it is not set
            value = ctx.env.get(key)
            if value is None:
                continue
        env[key] = _text(value)
    return env


def _text(value):
    """A value of the model as the string Compose passes on (booleans in lowercase, as YAML writes them)."""
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def container_options(ctx, name, svc, params, origin=None):
    """The container options (CONTAINER_SPEC names) of one service, without name and labels of its replicas.
    `origin` gets the service key of an option that does not come from the key _KEYS says (deploy.resources)."""
    origin = {} if origin is None else origin
    where = f"services.{name}"
    if not svc.get("image") and svc.get("build") is None:
        raise ParamError(f"{where}.image", "is needed (or build)")
    opts = {RENAMED[k]: v for k, v in svc.items() if k in RENAMED}
    opts["image"] = image_name(ctx.project, name, svc)  # with build: never too, the image the build makes
    for key in ("cap_add", "cap_drop", "security_opt", "expose", "group_add"):
        if key in svc:
            opts[RENAMED[key]] = [str(v) for v in svc[key] or []]
    if isinstance(svc.get("tmpfs"), str):
        opts["tmpfs"] = [svc["tmpfs"]]
    for key in ("command", "entrypoint"):
        if svc.get(key) is not None:
            opts[key] = [str(v) for v in svc[key]]
    opts["env"] = _environment(ctx, name, svc) or None
    if svc.get("labels"):
        opts["labels"] = {k: "" if v is None else _text(v) for k, v in svc["labels"].items()}
    if svc.get("ports"):
        opts["published_ports"] = [_port(f"{where}.ports[{i}]", p) for i, p in enumerate(svc["ports"])]
    volumes: dict = {"volumes": [], "mounts": []}
    for i, spec in enumerate(svc.get("volumes") or []):
        option, value = _volume(ctx, f"{where}.volumes[{i}]", spec)
        volumes[option].append(value)
    for section in ("secrets", "configs"):
        volumes["mounts"] += [_file_mount(ctx, f"{where}.{section}[{i}]", section, spec) for i, spec in enumerate(svc.get(section) or [])]
    opts.update({k: v for k, v in volumes.items() if v})
    mode = svc.get("network_mode")
    if mode is not None and svc.get("networks"):
        raise ParamError(f"{where}.network_mode", "cannot be combined with networks")
    if mode and str(mode).startswith("service:"):
        other = mode.split(":", 1)[1]
        if other not in ctx.container_names:
            raise ParamError(f"{where}.network_mode", f"{other!r} is not a service of the Compose model")
        mode = f"container:{ctx.container_names[other]}"
    if mode is not None:
        opts["network_mode"] = str(mode)
    else:
        nets = []
        listed = svc.get("networks") or {"default": None}
        listed = dict.fromkeys(listed) if isinstance(listed, list) else listed
        # the first network is the one the container is created on: Compose takes the highest priority, then the name
        for net, conf in sorted(listed.items(), key=lambda item: (-int((item[1] or {}).get("priority") or 0), item[0])):
            if net not in ctx.networks:
                raise ParamError(f"{where}.networks.{net}", "is not a network of the Compose model (declare it under the top-level networks)")
            conf = conf or {}
            for key in conf:
                if key not in ("aliases", "ipv4_address", "ipv6_address", "priority"):
                    raise ParamError(f"{where}.networks.{net}.{key}", "not supported")
            nets.append({"name": ctx.networks[net], "aliases": [name] + [str(a) for a in conf.get("aliases") or []],
                         "ipv4_address": conf.get("ipv4_address"), "ipv6_address": conf.get("ipv6_address")})
        opts["networks"] = nets
    if "restart" in svc:
        opts.update(_restart(f"{where}.restart", svc["restart"]))
    if "healthcheck" in svc:
        opts["healthcheck"] = _healthcheck(f"{where}.healthcheck", svc["healthcheck"])
    if svc.get("stop_grace_period") is not None:
        opts["stop_timeout"] = duration_ns(f"{where}.stop_grace_period", svc["stop_grace_period"]) // 10 ** 9
    if svc.get("sysctls"):
        opts["sysctls"] = {k: _text(v) for k, v in svc["sysctls"].items()}
    if svc.get("ulimits"):
        opts["ulimits"] = _ulimits(f"{where}.ulimits", svc["ulimits"])
    if svc.get("extra_hosts"):
        opts["etc_hosts"] = _extra_hosts(f"{where}.extra_hosts", svc["extra_hosts"])
    for key, option in (("dns", "dns_servers"), ("dns_search", "dns_search_domains")):
        if svc.get(key) is not None:
            opts[option] = [svc[key]] if isinstance(svc[key], str) else [str(v) for v in svc[key]]
    if svc.get("devices"):
        opts["devices"] = [d if isinstance(d, str) else ":".join(str(d[k]) for k in ("source", "target", "permissions") if d.get(k))
                           for d in svc["devices"]]
    if svc.get("logging"):
        for key in svc["logging"]:
            if key not in ("driver", "options"):
                raise ParamError(f"{where}.logging.{key}", "not supported")
        opts["log_driver"] = svc["logging"].get("driver")
        opts["log_options"] = svc["logging"].get("options")
    _deploy(f"{where}.deploy", svc.get("deploy"), opts, origin)
    for key in ("memory", "memory_reservation", "memory_swap", "shm_size"):
        if opts.get(key) is not None:
            opts[key] = str(opts[key])
    opts["pull"] = _pull(where, svc, params)
    return {k: v for k, v in opts.items() if v is not None}


def _pull(where, svc, params):
    if params.get("pull", "policy") != "policy":
        return params["pull"]
    policy = svc.get("pull_policy") or "missing"
    policy = {"if_not_present": "missing", "build": "missing"}.get(policy, policy)
    if policy not in ("always", "missing", "never"):
        raise ParamError(f"{where}.pull_policy", f"{policy!r} is not supported (always, missing, if_not_present, never or build)")
    return policy


def replicas(name, svc, params):
    scale = (params.get("scale") or {}).get(name)
    if scale is None:
        scale = (svc.get("deploy") or {}).get("replicas", svc.get("scale", 1))
    try:
        scale = int(scale)
    except (TypeError, ValueError):
        raise ParamError(f"services.{name}.scale", f"{scale!r} is not a whole number") from None
    if scale < 0:
        raise ParamError(f"services.{name}.scale", f"{scale} is less than 0")
    if scale > 1 and svc.get("container_name"):
        raise ParamError(f"services.{name}.container_name", f"names one container, but the service has {scale} replicas")
    return scale


# ---- the units of a compose project ----

# container option -> compose key, so a message from the container kind names the key of the file
_KEYS = dict({v: k for k, v in RENAMED.items()}, published_ports="ports", env="environment", restart_policy="restart",
             restart_retries="restart", stop_timeout="stop_grace_period", etc_hosts="extra_hosts", dns_servers="dns",
             dns_search_domains="dns_search", log_driver="logging", log_options="logging", mounts="volumes")


@dataclasses.dataclass
class Project:
    name: str
    model: Model
    units: list
    services: list   # in scope, model order
    known: set       # every service of the model
    names: dict      # service -> its container names
    external: dict   # {"networks": [...], "volumes": [...]} the model uses but does not make


def _labels(project, model, key_label, key):
    # no com.docker.compose.version: labels are compared as a subset, so a network or volume `docker compose` made
    # (with its own version there) is adopted as it is
    return {PROJECT: project, key_label: key}


def plan_project(params, environ):
    """Everything the task declares, as _project units, validated before anything is written."""
    model = load(params, environ)
    data = model.data
    check_keys(data)
    name = project_name(params, model, environ)
    services = data.get("services") or {}
    scope, known = services_in_scope(data, params, environ)
    connection = {k: params.get(k) for k in CONNECTION_ARGS}
    units: list = []
    external: dict = {"networks": [], "volumes": []}
    used_nets = {n for s in scope for n in (services[s].get("networks") or ({} if services[s].get("network_mode") else {"default": None}))}
    used_vols = {str(v).split(":", maxsplit=1)[0] if not isinstance(v, dict) else v.get("source") for s in scope for v in services[s].get("volumes") or []}
    networks: dict = {}
    volumes: dict = {}
    for section, declared, used, kind, spec, label in (
            ("networks", dict({"default": None}, **(data.get("networks") or {})), used_nets, NetworkKind, NETWORK_SPEC, NETWORK),
            ("volumes", dict(data.get("volumes") or {}), used_vols, VolumeKind, VOLUME_SPEC, VOLUME)):
        for key, conf in declared.items():
            conf = conf or {}
            ext = conf.get("external")
            real = str(conf.get("name") or (key if ext else f"{name}_{key}"))
            (networks if section == "networks" else volumes)[key] = real
            if key not in used:
                continue
            if ext:
                external[section].append(real)
                continue
            entry = {"name": real, "driver": conf.get("driver"), "driver_options": conf.get("driver_opts"),
                     "labels": dict(as_map(conf.get("labels"), f"{section}.{key}.labels"), **_labels(name, model, label, key))}
            if section == "networks":
                entry.update(_network_options(key, conf))
            entry = {k: v for k, v in entry.items() if v is not None}
            p = _validated(f"{section}.{key}", spec, entry, connection)
            if kind is VolumeKind:
                kind = RenewedVolume if params.get("assume_yes") else KeptVolume
            units.append(Unit(kind, _desired(f"{section}.{key}", kind, p), f"{kind.kind} {real}"))
    counts = {s: replicas(s, services[s], params) for s in services}
    names = {s: ([services[s]["container_name"]] if services[s].get("container_name") else [f"{name}-{s}-{n}" for n in range(1, counts[s] + 1)])
             for s in services}
    ctx = Context(name, model.working_dir, model.env, networks, volumes, {s: (names[s] or [f"{name}-{s}-1"])[0] for s in services})
    ctx.files = {section: {key: _path(ctx, str(entry["file"])) for key, entry in (data.get(section) or {}).items()}
                 for section in ("secrets", "configs")}
    for section, files in ctx.files.items():
        for key, path in files.items():
            if not os.path.exists(path):
                raise ParamError(f"{section}.{key}.file", f"{path}: no such file")
    images: dict = {}     # image name -> its build unit
    built_by: dict = {}   # service -> the key of the unit that builds its image
    state = {"present": "started", "stopped": "stopped", "restarted": "restarted"}.get(params.get("state") or "present", "started")
    by_service: dict = {}
    for svc_name in scope:
        svc = services[svc_name]
        origin: dict = {}
        opts = container_options(ctx, svc_name, svc, params, origin)
        opts.update(name=names[svc_name][0] if names[svc_name] else f"{name}-{svc_name}-1", state=state, adopt=True,
                    recreate=params.get("recreate") == "always", wait_timeout=params.get("wait_timeout") or 60)
        option = f"services.{svc_name}"
        try:
            p = _validated(option, CONTAINER_SPEC, opts, connection)
            want = ContainerKind.desired(p)
        except ParamError as exc:
            key = exc.option.split(".", 2)[-1] if exc.option.startswith(option) else exc.option
            head, _dot, rest = key.partition(".")
            raise ParamError(f"{option}.{origin.get(head) or _KEYS.get(head, head)}" + (f".{rest}" if rest else ""), exc.why) from None
        if params.get("stop_timeout") is not None:
            want = dataclasses.replace(want, stop_timeout=params["stop_timeout"])
        if params.get("renew_anon_volumes"):
            want = dataclasses.replace(want, renew_anon_volumes=True)
        if svc.get("build") is not None and params.get("build") != "never":
            build = build_want(ctx, svc_name, svc, params)
            if build.name in images and images[build.name].want.hash != build.hash:
                raise ParamError(f"{option}.build", f"builds image {build.name}, which another service builds from other inputs")
            images.setdefault(build.name, Unit(BuildKind if params.get("ignore_build_events", True) else CountedBuild, build, f"image {build.name}"))
            built_by[svc_name] = f"image {build.name}"
            want = with_build_hash(want, build)
        if svc.get("build") is not None:
            built_by.setdefault(svc_name, None)
        fixed = [port for port in want.fields["published_ports"] or [] if port.rsplit(":", 2)[1].isdigit()]
        if len(names[svc_name]) > 1 and fixed:
            raise ParamError(f"{option}.ports", f"{fixed[0]} has a fixed host port, which {len(names[svc_name])} replicas cannot all bind")
        deps = _depends_on(svc)
        # `docker compose ps` and `down` list only containers with a config hash. Compose compares it with its own
        # hash of the service on `up` (and recreates on a difference); the module never compares it: it is written
        # when a container is created (extra_labels), so containers `docker compose up` made are adopted as they are
        digest = hashlib.sha256(json.dumps(svc, sort_keys=True, default=str).encode()).hexdigest()
        labels = {PROJECT: name, SERVICE: svc_name, ONEOFF: "False", WORKING_DIR: model.working_dir, CONFIG_HASH: digest,
                  CONFIG_FILES: ",".join(model.config_files),
                  DEPENDS_ON: ",".join(f"{d}:{c}:{_text(r)}" for d, (c, r) in deps.items() if d in scope)}
        by_service[svc_name] = []
        for number, cname in enumerate(names[svc_name], 1):
            # Compose 2.40 gives each container its own name as an alias too, on every network
            nets = None if want.networks is None else [dict(n, aliases=sorted(set(n["aliases"]) | {cname})) for n in want.networks]
            unit_want = dataclasses.replace(want, name=cname, networks=nets, extra_labels=dict(labels, **{NUMBER: str(number)}),
                                            known_networks=frozenset(u.want.name for u in units if u.kind is NetworkKind))
            unit = Unit(KeptContainer if params.get("recreate") == "never" else ContainerKind, unit_want, f"container {cname}")
            by_service[svc_name].append(unit)
            units.append(unit)
    _dependencies(services, scope, by_service, params)
    for svc_name, key in built_by.items():
        for unit in by_service[svc_name]:
            unit.after += [(key, "built")] if key else []
            unit.kind = built(unit.kind)
    _renewals(units, services, scope, by_service, volumes)
    first = [u for u in units if u.kind.kind in ("network", "volume")]
    units = first + list(images.values()) + [u for u in units if u not in first]
    return Project(name, model, units, scope, known, names, external)


def _depends_on(svc):
    """service -> (condition, restart), as Compose records them in its depends_on label: network_mode service:NAME
    depends on NAME, with restart (the container must follow a recreate of the one whose network it shares)."""
    deps = {d: ((o or {}).get("condition", "service_started"), bool((o or {}).get("restart")))
            for d, o in (svc.get("depends_on") or {}).items()}
    mode = str(svc.get("network_mode") or "")
    if mode.startswith("service:"):
        deps.setdefault(mode.split(":", 1)[1], ("service_started", True))
    return deps


def _network_options(key, conf):
    out = {k: conf.get(k) for k in ("internal", "attachable", "enable_ipv6")}
    ipam = conf.get("ipam") or {}
    for k in ipam:
        if k not in ("driver", "config", "options"):
            raise ParamError(f"networks.{key}.ipam.{k}", "not supported")
    out["ipam_driver"], out["ipam_driver_options"] = ipam.get("driver"), ipam.get("options")
    blocks = []
    for i, block in enumerate(ipam.get("config") or []):
        for k in block:
            if k not in ("subnet", "gateway", "ip_range", "aux_addresses"):
                raise ParamError(f"networks.{key}.ipam.config[{i}].{k}", "not supported")
        blocks.append({"subnet": block.get("subnet"), "gateway": block.get("gateway"), "iprange": block.get("ip_range"),
                       "aux_addresses": block.get("aux_addresses")})
    out["ipam_config"] = blocks or None
    return out


def _dependencies(services, scope, by_service, params):
    """depends_on (and network_mode service:) as the units' `after`; what a dependent needs as the target's `wait`."""
    conditions = {"service_started": "started", "service_healthy": "healthy", "service_completed_successfully": "completed"}
    for name in scope:
        svc = services[name]
        deps = {d: (o or {}).get("condition", "service_started") for d, o in (svc.get("depends_on") or {}).items()}
        mode = str(svc.get("network_mode") or "")
        if mode.startswith("service:"):
            deps.setdefault(mode.split(":", 1)[1], "service_started")
        after = []
        for dep, condition in deps.items():
            if condition not in conditions:
                raise ParamError(f"services.{name}.depends_on.{dep}.condition",
                                 f"{condition!r} is not service_started, service_healthy or service_completed_successfully")
            if dep not in by_service:  # out of scope with dependencies: false
                continue
            for target in by_service[dep]:
                after.append((target.key, conditions[condition]))
                target.wait = next(w for w in ("completed", "healthy", "started") if w in (target.wait, conditions[condition]))
                if target.wait == "completed" and target.kind is ContainerKind:
                    target.kind = OneShot
        for unit in by_service[name]:
            unit.after = list(after)
    if params.get("wait"):
        for name in scope:
            healthy = (services[name].get("healthcheck") or {}).get("test") not in (None, ["NONE"], "NONE") \
                and not (services[name].get("healthcheck") or {}).get("disable")
            for unit in by_service[name]:
                if unit.wait != "completed":
                    unit.wait = "healthy" if healthy or unit.wait == "healthy" else "started"
    _check_cycles(services, scope)


def _check_cycles(services, scope):
    state: dict = {}

    def visit(name, path):
        if state.get(name) == 1:
            raise ParamError(f"services.{name}.depends_on", f"forms a cycle: {' -> '.join(path + [name])}")
        if state.get(name) != 2:
            state[name] = 1
            for dep in services[name].get("depends_on") or {}:
                if dep in services:
                    visit(dep, path + [name])
            state[name] = 2
    for name in scope:
        visit(name, [])


class KeptVolume(VolumeKind):
    """The volume kind with assume_yes: false: a volume of the model that differs from the engine's (driver, options,
    labels) is used as it is, as Compose does when its question whether to recreate it is answered no. Its plan says
    so in `kept`; nothing is written and nothing is reported changed."""

    @staticmethod
    def plan(want, actual):
        plan = VolumeKind.plan(dataclasses.replace(want, recreate="options-changed"), dict(actual, users=[]))
        if any(a.verb == "recreate" for a in plan.actions):
            plan.facts["kept"] = f"differs from the model ({describe_changes(plan.changes)}); used as it is (assume_yes: false)"
            plan.actions, plan.changes, plan.after = [], [], plan.before
        return plan


class RenewedVolume(VolumeKind):
    """The volume kind with assume_yes: true: a volume of the model that differs from the engine's is recreated (its data
    is deleted), as Compose does when its question is answered yes. The project's containers that use it are removed
    first; their own units make them again on the new volume."""

    @staticmethod
    def plan(want, actual):
        users = actual["users"]
        plan = VolumeKind.plan(dataclasses.replace(want, recreate="options-changed"), dict(actual, users=[]))
        if any(a.verb == "recreate" for a in plan.actions):
            removals = [Action("remove", f"container {user}", data={"container": user}, note=f"uses volume {want.name}; made again on the new one")
                        for user in users]
            plan.actions = removals + plan.actions
        return plan


def _renewals(units, services, scope, by_service, volumes):
    """With assume_yes: true, each container on a volume of the model that may be recreated (RenewedVolume) knows that
    volume's desired state, so its own plan sees what the volume's plan does to it (renewing())."""
    renewable = {u.want.name: u.want for u in units if u.kind is RenewedVolume}
    for name in scope if renewable else ():
        keys = {str(v.get("source") or "") if isinstance(v, dict) else str(v).split(":", 1)[0] for v in services[name].get("volumes") or []}
        wants = tuple(renewable[volumes[k]] for k in sorted(k for k in keys if k in volumes) if volumes[k] in renewable)
        for unit in by_service[name] if wants else ():
            fields = {f.name: getattr(unit.want, f.name) for f in dataclasses.fields(unit.want)}
            unit.want = RenewingWant(**dict(fields, renewing=wants))
            unit.kind = renewing(unit.kind)


@dataclasses.dataclass(frozen=True)
class RenewingWant(ContainerWant):
    renewing: tuple = ()  # the VolumeWants (RenewedVolume) of the volumes of the model the container mounts


_RENEWING: dict = {}


def renewing(kind):
    """`kind` (a container kind of compose) for a container on volumes that assume_yes: true may recreate. When a
    volume's plan removes the container before it recreates the volume, the container's plan is made as the real run
    makes it once that happened: the container is absent, so it is created (and started) on the new volume. In check
    mode, which writes nothing, that is what predicts the re-creation; in a real run the volume was already renewed by
    the time the container is read (volumes converge first), so the plan is the same."""
    if kind not in _RENEWING:
        def read(client, want):
            actual = kind.read(client, want)
            actual["removed_by"] = []
            for volume in want.renewing if actual["container"] else ():
                try:  # read once per task: every container on the volume reads it after the volume's own unit converged
                    plan = RenewedVolume.plan(volume, client.shared(("volume", volume.name), lambda v=volume: VolumeKind.read(client, v)))
                except ParamError:  # the volume's own unit fails saying why, and this one is skipped
                    continue
                if any(a.data.get("container") == want.name for a in plan.actions):
                    actual["removed_by"].append(volume.name)
            return actual

        def plan(want, actual):
            if actual.get("removed_by"):
                actual = dict(actual, container=None, managed={}, container_ids={})
            return kind.plan(want, actual)
        _RENEWING[kind] = type(f"Renewing{kind.__name__}", (kind,), {"read": staticmethod(read), "plan": staticmethod(plan)})
    return _RENEWING[kind]


class KeptContainer:
    """The container kind with recreate: never: a container that exists is never recreated. A plan that would recreate
    it (or pull for that) only starts it when it should run; changes the engine makes in place still apply."""

    kind = ContainerKind.kind
    phase = ContainerKind.phase
    desired = staticmethod(ContainerKind.desired)
    read = staticmethod(ContainerKind.read)
    apply = staticmethod(ContainerKind.apply)
    inspect = staticmethod(ContainerKind.inspect)

    @staticmethod
    def plan(want, actual):
        plan = ContainerKind.plan(want, actual)
        if not any(a.verb == "recreate" for a in plan.actions):
            return plan
        plan.actions = [a for a in plan.actions if a.verb not in ("recreate", "pull")]
        plan.changes = []
        if want.state in ("started", "restarted") and not actual["container"]["State"].get("Running"):
            plan.add(Action("start", f"container {want.name}", data={"want": want}))
        return plan


class OneShot(KeptContainer):
    """The container kind for a service others wait on with service_completed_successfully: once it has exited with 0
    and matches the model, it is done, and is not started again on every run."""

    @staticmethod
    def plan(want, actual):
        plan = ContainerKind.plan(want, actual)
        state = (actual["container"] or {}).get("State") or {}
        if [a.verb for a in plan.actions] == ["start"] and state.get("Status") == "exited" and state.get("ExitCode") == 0:
            plan.actions, plan.changes = [], []
        return plan


def _check_external(client, project, host):
    for section, read in (("networks", client.api.inspect_network), ("volumes", client.api.inspect_volume)):
        for real in project.external[section]:
            try:
                with engine_errors(f"reading {section[:-1]} {real}", host):
                    read(real)
            except EngineError as exc:
                if exc.status != 404:
                    raise
                raise ParamError(section, f"{real!r} is external, and the engine does not have it: create it first") from None


def _removals(client, params, project):
    """Resources with the project's label the task does not declare: which go, and which are left (orphans)."""
    # the units the task declares (none with state: absent) are left out of the listing's units, never validated twice
    found = _orphans(client, dict(params, state="present", project=project.name), project.units, label=f"{PROJECT}={project.name}")
    of_service = {f"container {n}": s for s, names in project.names.items() for n in names}
    remove: list = []
    left: list = []
    for unit in found:
        name = unit.want.name
        service = of_service.get(unit.key) or next((s for s in project.known if re.fullmatch(rf"{re.escape(project.name)}-{re.escape(s)}-\d+", name)), None)
        if params.get("state") == "absent":
            go = unit.kind is not VolumeKind or params.get("remove_volumes")
            go = go and (unit.kind is not ContainerKind or service is not None or params.get("remove_orphans"))
        elif unit.kind is ContainerKind:
            # a replica over the scale goes; another service's container stays; one of no service is an orphan
            go = service in project.services or (service is None and params.get("remove_orphans"))
            if service is not None and service not in project.services:
                continue
        else:
            continue  # networks and volumes of the project stay until state: absent, as with docker compose up
        (remove if go else left).append(unit)
    return remove, [u.key for u in left]


def run_compose(client, params, check_mode, environ=None):
    """Plan the Compose project and apply it (unless check_mode). Returns (result dict, failure message or None)."""
    environ = dict(os.environ if environ is None else environ)
    for option in ("remove_images",):
        if params.get(option):
            raise ParamError(option, f"{params[option]!r} is not supported yet")
    project = plan_project(params, environ)
    units = project.units if params.get("state") != "absent" else []
    _check_external(client, project, params.get("docker_host"))
    remove, left = _removals(client, params, dataclasses.replace(project, units=units))
    result, failure = run_units(client, units, remove, left, check_mode, params.get("docker_host"), None, project.name)
    changes = [dict(c, resource=r["resource"]) for r in result["resources"] for c in r.get("changes") or []]
    return dict(summarised(result, params.get("return_inspect")), project_name=project.name, changes=changes), failure
