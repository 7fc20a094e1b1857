# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""A Compose model (read by _compose_model.py, as the compose module reads it) mapped to a Swarm stack, as
`docker stack deploy` maps it: services <stack>_<service> as the service module's options, overlay networks
<stack>_<name> (the default one <stack>_default), secrets and configs <stack>_<name>, each labelled
com.docker.stack.namespace=<stack>. Pure but for reading the files: _stack_run.py converges the result.

A key the stack cannot honour fails before anything is written, naming its path (services.web.build: not supported by
stack); x-* keys are ignored. Service keys map to options of the service module only when SERVICE_SPEC has them, so
options the service module gains are honoured here without a change of this file.
"""

from __future__ import annotations

import dataclasses
import os
import re
from typing import Any

from ._client import CONNECTION_ARGS
from ._compose import Context, _environment, _extra_hosts, _healthcheck, _path, _text
from ._compose_model import as_map, load, merge
from ._container_fields import parse_port
from ._errors import ParamError
from ._network import NETWORK_SPEC, NetworkKind
from ._project import Unit, _desired, _validated
from ._swarm_data import CONFIG, CONFIG_SPEC, SECRET, SECRET_SPEC
from ._swarm_service import SERVICE_SPEC, ServiceKind

_SPEC: dict[str, Any] = SERVICE_SPEC  # the service module's options, read as the argument spec they are

NAMESPACE = "com.docker.stack.namespace"
IMAGE_LABEL = "com.docker.stack.image"  # the CLI's record of the image the service was deployed with

TOP_KEYS = {"version", "name", "services", "networks", "volumes", "secrets", "configs"}
NETWORK_KEYS = {"name", "external", "driver", "driver_opts", "ipam", "internal", "attachable", "enable_ipv6", "labels"}
VOLUME_KEYS = {"name", "external", "driver", "driver_opts", "labels"}  # each node's engine makes the volume a task mounts
DATA_KEYS = {"secrets": {"name", "external", "file", "environment", "labels"},
             "configs": {"name", "external", "file", "environment", "content", "labels", "template_driver"}}
# service keys mapped by stack_service() itself
MAPPED = {"image", "command", "entrypoint", "environment", "env_file", "labels", "deploy", "ports", "networks", "volumes",
          "secrets", "configs", "healthcheck"}
# service keys that are a service module option of their own once SERVICE_SPEC has it: key -> (option, converter)
OPTIONAL: dict[str, tuple[str, Any]] = {
    "user": ("user", str), "working_dir": ("working_dir", str), "hostname": ("hostname", str),
    "stop_grace_period": ("stop_grace_period", str), "stop_signal": ("stop_signal", str),
    "dns": ("dns", lambda v: [v] if isinstance(v, str) else [str(i) for i in v]),
    "dns_search": ("dns_search", lambda v: [v] if isinstance(v, str) else [str(i) for i in v]),
    "dns_opt": ("dns_options", lambda v: [str(i) for i in v]),
    "cap_add": ("cap_add", lambda v: [str(i) for i in v]), "cap_drop": ("cap_drop", lambda v: [str(i) for i in v]),
    "group_add": ("groups", lambda v: [str(i) for i in v]), "init": ("init", bool), "tty": ("tty", bool),
    "read_only": ("read_only", bool), "sysctls": ("sysctls", lambda v: {k: _text(i) for k, i in v.items()}),
    "extra_hosts": ("hosts", lambda v: _extra_hosts("extra_hosts", v)),
    "logging": ("logging", lambda v: {"driver": v.get("driver"), "options": v.get("options")}),
}
DEPLOY_OPTIONAL: dict[str, tuple[str, Any]] = {"endpoint_mode": ("endpoint_mode", str)}
# service option -> the service key it comes from, so a message of the service kind names the key of the file
ORIGIN = {"image": "image", "command": "entrypoint", "args": "command", "env": "environment", "container_labels": "labels",
          "labels": "deploy.labels", "mode": "deploy.mode", "replicas": "deploy.replicas", "publish": "ports",
          "networks": "networks", "mounts": "volumes", "secrets": "secrets", "configs": "configs",
          "limits": "deploy.resources.limits", "reservations": "deploy.resources.reservations",
          "restart_config": "deploy.restart_policy", "update_config": "deploy.update_config",
          "rollback_config": "deploy.rollback_config", "placement": "deploy.placement", "healthcheck": "healthcheck"}
ORIGIN.update({option: key for key, (option, _c) in OPTIONAL.items()})
ORIGIN.update({option: f"deploy.{key}" for key, (option, _c) in DEPLOY_OPTIONAL.items()})


def unsupported(path):
    return ParamError(path, "not supported by stack")


@dataclasses.dataclass
class Stack:
    name: str
    units: list        # networks, secrets, configs, then services (_project.Unit)
    services: list     # the stack's service names, <stack>_<service>
    external: dict     # {"networks": {name: key}, "secrets": ..., "configs": ...} the stack uses and does not make
    origin: dict = dataclasses.field(default_factory=dict)  # unit key -> where the model declares it (networks.front)


# ---- the model ----

def load_model(params, environ):
    """The compose option (paths and inline mappings, merged in order) as one Compose model, read, interpolated and
    merged by the compose module's code; relative paths start at the first file's directory."""
    items = params.get("compose") or []
    if not items:
        raise ParamError("compose", "state: present needs at least one compose file or mapping")
    data: dict = {}
    working_dir = None
    for i, item in enumerate(items):
        one: dict[str, Any]
        if isinstance(item, str):
            one = {"files": [item]}
        elif isinstance(item, dict):
            one = {"definition": item}
        else:
            raise ParamError(f"compose[{i}]", f"must be the path of a compose file or a mapping, got {type(item).__name__}")
        try:
            model = load(one, environ)
        except ParamError as exc:
            option = f"compose[{i}]" if exc.option in ("files", "definition", "project_src") else f"compose[{i}].{exc.option}"
            raise ParamError(option, exc.why) from None
        working_dir = working_dir or model.working_dir
        data = merge(data, model.data)
    return data, working_dir


def check_keys(data):
    """Every key the stack cannot honour fails here, before anything is written."""
    for key in data:
        if key not in TOP_KEYS and not str(key).startswith("x-"):
            raise unsupported(key)
    for section, allowed in (("networks", NETWORK_KEYS), ("volumes", VOLUME_KEYS), ("secrets", DATA_KEYS["secrets"]),
                             ("configs", DATA_KEYS["configs"])):
        entries = data.get(section) or {}
        if not isinstance(entries, dict):
            raise ParamError(section, "must be a mapping of names to definitions")
        for name, entry in entries.items():
            if entry is not None and not isinstance(entry, dict):
                raise ParamError(f"{section}.{name}", "must be a mapping")
            for key in entry or {}:
                if key not in allowed and not str(key).startswith("x-"):
                    raise unsupported(f"{section}.{name}.{key}")
    services = data.get("services")
    if not isinstance(services, dict) or not services:
        raise ParamError("services", "the stack needs at least one service (a mapping of names to services)")
    for name, svc in services.items():
        for key in svc:
            if str(key).startswith("x-") or key in MAPPED or (key in OPTIONAL and OPTIONAL[key][0] in SERVICE_SPEC):
                continue
            raise unsupported(f"services.{name}.{key}")


def _real_names(stack, data):
    """model key -> engine name of every network, volume, secret and config, and which of them are external."""
    names: dict = {}
    external: dict = {"networks": {}, "volumes": {}, "secrets": {}, "configs": {}}
    for section in external:
        declared: dict[str, Any] = dict(data.get(section) or {})
        if section == "networks":
            declared = dict({"default": None}, **declared)
        names[section] = {}
        for key, conf in declared.items():
            conf = conf or {}
            ext: Any = conf.get("external")
            if isinstance(ext, dict):  # the old form, external: {name: ...}
                ext, conf = True, dict(conf, name=ext.get("name") or conf.get("name"))
            real = str(conf.get("name") or (key if ext else f"{stack}_{key}"))
            names[section][key] = real
            if ext:
                external[section][real] = f"{section}.{key}"
    return names, external


# ---- services ----

def _ports(where, ports):
    """Short and long syntax -> the service module's publish entries (ranges expanded)."""
    out = []
    for i, spec in enumerate(ports or []):
        at = f"{where}[{i}]"
        if isinstance(spec, dict):
            for key in spec:
                if key not in ("target", "published", "protocol", "mode", "name", "app_protocol"):
                    raise unsupported(f"{at}.{key}")
            mode = spec.get("mode") or "ingress"
            if mode not in ("ingress", "host"):
                raise ParamError(f"{at}.mode", f"{mode!r} is not ingress or host")
            published = spec.get("published")
            out.append({"target_port": _port_number(f"{at}.target", spec.get("target")),
                        "published_port": None if published in (None, "") else _port_number(f"{at}.published", published),
                        "protocol": spec.get("protocol") or "tcp", "mode": mode})
            continue
        for mapping in parse_port(at, spec):  # the container module's parser: "ip:published:target/protocol", one a port
            ip, host, target = mapping.rsplit(":", 2)
            if ip:
                raise ParamError(at, f"{spec!r}: a host IP is not supported by stack (a Swarm port is published on every "
                                     "address of the nodes)")
            if "-" in host:
                raise ParamError(at, f"{spec!r}: a range of published ports for one target is not supported by stack")
            port, _sep, protocol = target.partition("/")
            out.append({"target_port": int(port), "published_port": int(host) if host else None, "protocol": protocol, "mode": "ingress"})
    return out


def _port_number(where, value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ParamError(where, f"{value!r} is not a port number") from None


# long syntax of a service's volume: key.sub -> the service module's mount option (honoured when SERVICE_SPEC has it)
MOUNT_EXTRAS = {("volume", "nocopy"): "no_copy", ("bind", "propagation"): "propagation", ("tmpfs", "size"): "tmpfs_size",
                ("tmpfs", "mode"): "tmpfs_mode"}


def _mount_extras(at, spec):
    """volume.nocopy, bind.propagation, tmpfs.size and tmpfs.mode of the long syntax, as the service module's options."""
    known = (_SPEC["mounts"].get("options") or {})
    out = {}
    for part in ("volume", "bind", "tmpfs"):
        for key, value in (spec.get(part) or {}).items():
            option = MOUNT_EXTRAS.get((part, key))
            if option is None or option not in known:
                raise unsupported(f"{at}.{part}.{key}")
            out[option] = str(value) if option == "tmpfs_size" else value
    return out


def _volume_options(stack, key, conf):
    """A top-level volume's driver, driver_opts and labels, as the mount's options (the node's engine makes the volume
    with them), with the stack's label as the CLI gives it, once the service module has mount labels."""
    known = (_SPEC["mounts"].get("options") or {})
    out: dict = {"labels": {NAMESPACE: stack}} if "labels" in known else {}
    if conf.get("driver") or conf.get("driver_opts"):
        if "driver_config" not in known:
            raise unsupported(f"volumes.{key}.{'driver' if conf.get('driver') else 'driver_opts'}")
        out["driver_config"] = {"name": conf.get("driver") or "local", "options": as_map(conf.get("driver_opts"), f"volumes.{key}.driver_opts") or None}
    if conf.get("labels"):
        if "labels" not in known:
            raise unsupported(f"volumes.{key}.labels")
        out["labels"] = dict({k: "" if v is None else _text(v) for k, v in as_map(conf["labels"], f"volumes.{key}.labels").items()},
                             **{NAMESPACE: stack})
    return out


def _mounts(ctx, where, volumes, names, volume_conf):
    """volumes (short and long syntax) -> the service module's mounts: named volumes of the model, binds, tmpfs."""
    out = []
    for i, spec in enumerate(volumes or []):
        at = f"{where}[{i}]"
        extras: dict = {}
        if isinstance(spec, dict):
            for key in spec:
                if key not in ("type", "source", "target", "read_only", "volume", "bind", "tmpfs"):
                    raise unsupported(f"{at}.{key}")
            kind, source, target, readonly = spec.get("type") or "volume", spec.get("source"), spec.get("target"), bool(spec.get("read_only"))
            if kind not in ("volume", "bind", "tmpfs"):
                raise ParamError(f"{at}.type", f"{kind!r} is not supported by stack (volume, bind or tmpfs)")
            extras = _mount_extras(at, spec)
        else:
            parts = str(spec).split(":")
            if len(parts) == 1:
                raise ParamError(at, f"{spec!r}: an anonymous volume is not supported by stack: name it (name:{parts[0]})")
            source, target = parts[0], parts[1]
            modes = set((parts[2] if len(parts) > 2 else "rw").split(","))
            if modes - {"ro", "rw"}:
                raise ParamError(at, f"{spec!r}: only the modes ro and rw are supported by stack")
            readonly = "ro" in modes
            kind = "bind" if source.startswith((".", "/", "~")) else "volume"
        if kind == "bind":
            source = _path(ctx, str(source or ""))
        elif kind == "volume":
            if not source:
                raise ParamError(at, "an anonymous volume is not supported by stack: give it a source")
            if source not in names["volumes"]:
                raise ParamError(at, f"{source!r} is not a volume of the Compose model (declare it under the top-level volumes)")
            extras.update(volume_conf.get(source) or {})
            source = names["volumes"][source]
        out.append(dict({"type": kind, "source": source, "target": target, "readonly": readonly}, **extras))
    return out


def _references(where, section, refs, names):
    """secrets / configs of a service -> the service module's references (target: the source's name by default)."""
    key = section[:-1]
    out = []
    for i, spec in enumerate(refs or []):
        at = f"{where}[{i}]"
        spec = {"source": spec} if isinstance(spec, str) else dict(spec or {})
        for k in spec:
            if k not in ("source", "target", "uid", "gid", "mode"):
                raise unsupported(f"{at}.{k}")
        source = str(spec.get("source") or "")
        if source not in names[section]:
            raise ParamError(f"{at}.source", f"{source!r} is not one of the top-level {section} of the Compose model")
        entry = {f"{key}_name": names[section][source], "filename": str(spec.get("target") or source)}
        for k in ("uid", "gid"):
            if spec.get(k) is not None:
                entry[k] = _int(f"{at}.{k}", spec[k])
        if spec.get("mode") is not None:
            entry["mode"] = _int(f"{at}.mode", spec["mode"], 8)
        out.append(entry)
    return out


def _int(where, value, base=10):
    try:
        return int(value, base) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        raise ParamError(where, f"{value!r} is not a whole number") from None


def _networks(where, listed, names, service):
    listed = listed if listed is not None else {"default": None}
    out = []
    for net, conf in listed.items():
        if net not in names["networks"]:
            raise ParamError(f"{where}.{net}", "is not a network of the Compose model (declare it under the top-level networks)")
        conf = conf or {}
        for key in conf:
            if key != "aliases":
                raise unsupported(f"{where}.{net}.{key}")
        out.append({"name": names["networks"][net], "aliases": [service] + [str(a) for a in conf.get("aliases") or []]})
    return out


def _deploy(where, deploy, opts):
    """deploy: -> the service module's mode, replicas, labels, resources, restart, update, rollback and placement."""
    deploy = dict(deploy or {})
    for key, value in deploy.items():
        at = f"{where}.{key}"
        if key == "mode":
            modes = [m for m in ("replicated", "global", "replicated-job", "global-job") if m in _SPEC["mode"].get("choices", ())]
            if value not in modes:
                raise ParamError(at, f"{value!r} is not supported by stack ({', '.join(modes)})")
            opts["mode"] = value
        elif key == "replicas":
            opts["replicas"] = _int(at, value)
        elif key == "labels":
            opts["labels"] = {k: "" if v is None else _text(v) for k, v in as_map(value, at).items()}
        elif key == "resources":
            for part, limits in (value or {}).items():
                if part not in ("limits", "reservations"):
                    raise unsupported(f"{at}.{part}")
                for k in limits or {}:
                    if k not in ("cpus", "memory"):
                        raise unsupported(f"{at}.{part}.{k}")
                opts[part] = {k: (float(v) if k == "cpus" else str(v)) for k, v in (limits or {}).items()}
        elif key in ("restart_policy", "update_config", "rollback_config"):
            allowed = _SPEC["restart_config" if key == "restart_policy" else key]["options"]
            for k in value or {}:
                if k not in allowed:
                    raise unsupported(f"{at}.{k}")
            opts["restart_config" if key == "restart_policy" else key] = {
                k: (str(v) if allowed[k]["type"] == "str" else v) for k, v in (value or {}).items()}
        elif key == "placement":
            known = _SPEC["placement"]["options"]
            for k in value or {}:
                if k not in ("constraints", "preferences") and not (k == "max_replicas_per_node" and "replicas_max_per_node" in known):
                    raise unsupported(f"{at}.{k}")
            opts["placement"] = {"constraints": (value or {}).get("constraints"), "preferences": (value or {}).get("preferences")}
            if (value or {}).get("max_replicas_per_node") is not None:
                opts["placement"]["replicas_max_per_node"] = _int(f"{at}.max_replicas_per_node", value["max_replicas_per_node"])
        elif key in DEPLOY_OPTIONAL and DEPLOY_OPTIONAL[key][0] in SERVICE_SPEC:
            option, convert = DEPLOY_OPTIONAL[key]
            opts[option] = convert(value)
        elif not str(key).startswith("x-"):
            raise unsupported(at)
    if opts.get("mode") in (None, "replicated") and opts.get("replicas") is None:
        opts["replicas"] = 1  # as the CLI: a replicated service without replicas runs one task


def service_options(ctx, stack, key, svc, names):
    """The service module's options (SERVICE_SPEC names) of one compose service of the stack."""
    where = f"services.{key}"
    if not svc.get("image"):
        raise ParamError(f"{where}.image", "is needed (a stack does not build images)")
    label = {NAMESPACE: stack}
    opts: dict[str, Any] = {"name": f"{stack}_{key}", "state": "present", "image": str(svc["image"])}
    if svc.get("entrypoint") is not None:
        opts["command"] = [str(v) for v in svc["entrypoint"]]
    if svc.get("command") is not None:
        opts["args"] = [str(v) for v in svc["command"]]
    opts["env"] = _environment(ctx, key, svc)
    opts["container_labels"] = dict({k: "" if v is None else _text(v) for k, v in (svc.get("labels") or {}).items()}, **label)
    _deploy(f"{where}.deploy", svc.get("deploy"), opts)
    opts["labels"] = dict(opts.get("labels") or {}, **label, **{IMAGE_LABEL: opts["image"]})
    opts["publish"] = _ports(f"{where}.ports", svc.get("ports"))
    opts["networks"] = _networks(f"{where}.networks", svc.get("networks"), names, key)
    opts["mounts"] = _mounts(ctx, f"{where}.volumes", svc.get("volumes"), names, names["volume_options"])
    opts["secrets"] = _references(f"{where}.secrets", "secrets", svc.get("secrets"), names)
    opts["configs"] = _references(f"{where}.configs", "configs", svc.get("configs"), names)
    if "healthcheck" in svc:
        opts["healthcheck"] = _healthcheck(f"{where}.healthcheck", svc["healthcheck"])
    for k, (option, convert) in OPTIONAL.items():
        if svc.get(k) is not None:
            opts[option] = convert(svc[k])
    return opts


def _service_want(stack_name, key, opts, connection):
    """The service kind's want of one service; a message of its validation names the compose key."""
    where = f"services.{key}"
    try:
        params = _validated(where, SERVICE_SPEC, opts, connection)
        return ServiceKind.desired(params)
    except ParamError as exc:
        option = exc.option[len(where) + 1:] if exc.option.startswith(where + ".") else exc.option
        head, sep, rest = option.partition(".")
        found = re.match(r"([^\[]*)(\[\d+\])?(.*)", head)
        head, index, tail = found.groups() if found else (head, None, "")
        if option == where:  # the argument spec's own message names the option
            raise ParamError(where, exc.why) from None
        raise ParamError(f"{where}.{ORIGIN.get(head, head)}{index or ''}{tail}{sep}{rest}", exc.why) from None


# ---- networks, secrets, configs ----

def _network_params(stack, key, real, conf):
    conf = conf or {}
    ipam = conf.get("ipam") or {}
    for k in ipam:
        if k not in ("driver", "config", "options"):
            raise unsupported(f"networks.{key}.ipam.{k}")
    blocks = []
    for i, block in enumerate(ipam.get("config") or []):
        for k in block:
            if k not in ("subnet", "gateway", "ip_range", "aux_addresses"):
                raise unsupported(f"networks.{key}.ipam.config[{i}].{k}")
        blocks.append({"subnet": block.get("subnet"), "gateway": block.get("gateway"), "iprange": block.get("ip_range"),
                       "aux_addresses": block.get("aux_addresses")})
    params = {"name": real, "driver": conf.get("driver") or "overlay", "driver_options": conf.get("driver_opts"),
              "ipam_driver": ipam.get("driver"), "ipam_driver_options": ipam.get("options"), "ipam_config": blocks or None,
              "internal": conf.get("internal"), "attachable": conf.get("attachable"), "enable_ipv6": conf.get("enable_ipv6"),
              "labels": dict({k: "" if v is None else _text(v) for k, v in as_map(conf.get("labels"), f"networks.{key}.labels").items()},
                             **{NAMESPACE: stack})}
    return {k: v for k, v in params.items() if v is not None}


def _data_params(ctx, stack, section, key, real, conf, environ):
    """A secret's or config's module options from file, environment or content."""
    conf = conf or {}
    where = f"{section}.{key}"
    sources = [k for k in ("file", "environment", "content") if conf.get(k) is not None]
    if len(sources) != 1:
        raise ParamError(where, "needs one of file, environment" + (" or content" if section == "configs" else "")
                         + " (or external: true)")
    params = {"name": real, "state": "present",
              "labels": dict({k: "" if v is None else _text(v) for k, v in as_map(conf.get("labels"), f"{where}.labels").items()},
                             **{NAMESPACE: stack})}
    if conf.get("file") is not None:
        path = _path(ctx, str(conf["file"]))
        if not os.path.isfile(path):
            raise ParamError(f"{where}.file", f"{path}: no such file")
        params["data_src"] = path
    elif conf.get("environment") is not None:
        value = environ.get(str(conf["environment"]))
        if value is None:
            raise ParamError(f"{where}.environment", f"the variable {conf['environment']} is not set")
        params["data"] = value
    else:
        params["data"] = str(conf["content"])
    if conf.get("template_driver") is not None:
        params["template_driver"] = conf["template_driver"]
    return params


def _data_want(kind, where, spec, params, connection):
    try:
        return kind.desired(_validated(where, spec, params, connection))
    except ParamError as exc:
        option = {"data_src": "file", "data": "environment", "labels": "labels", "template_driver": "template_driver"}.get(exc.option)
        raise ParamError(f"{where}.{option}" if option else where, exc.why) from None


def plan_stack(params, environ):
    """Every resource of the stack, validated and parsed (once) before anything is written."""
    stack = params["name"]
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", stack or ""):
        raise ParamError("name", f"{stack!r} is not a stack name: letters, digits, '_', '.' and '-', starting with a letter or digit")
    if params.get("state") == "absent":
        return Stack(stack, [], [], {})
    data, working_dir = load_model(params, environ)
    check_keys(data)
    services = data["services"]
    names, external = _real_names(stack, data)
    ctx = Context(stack, working_dir, environ, names["networks"], names["volumes"], {})
    names["volume_options"] = {key: _volume_options(stack, key, conf or {}) for key, conf in (data.get("volumes") or {}).items()
                               if names["volumes"][key] not in external["volumes"]}
    connection = {k: params.get(k) for k in CONNECTION_ARGS}
    units: list = []
    origin: dict = {}
    used = {n for svc in services.values() for n in (svc.get("networks") if svc.get("networks") is not None else {"default": None})}
    for key, conf in dict({"default": None}, **(data.get("networks") or {})).items():
        real = names["networks"][key]
        if key not in used or real in external["networks"]:
            continue
        p = _validated(f"networks.{key}", NETWORK_SPEC, _network_params(stack, key, real, conf), connection)
        units.append(Unit(NetworkKind, _desired(f"networks.{key}", NetworkKind, p), f"network {real}"))
        origin[f"network {real}"] = f"networks.{key}"
    for section, kind, spec in (("secrets", SECRET, SECRET_SPEC), ("configs", CONFIG, CONFIG_SPEC)):
        for key, conf in (data.get(section) or {}).items():
            real = names[section][key]
            if real in external[section]:
                continue
            where = f"{section}.{key}"
            units.append(Unit(kind, _data_want(kind, where, spec, _data_params(ctx, stack, section, key, real, conf, environ), connection),
                              f"{kind.kind} {real}"))
            origin[f"{kind.kind} {real}"] = where
    service_names = []
    for key, svc in services.items():
        opts = service_options(ctx, stack, key, svc, names)
        if params.get("resolve_image") in ("always", "changed") and "resolve_image" in SERVICE_SPEC:
            opts["resolve_image"] = True  # the digest the registry gives the tag, pinned as the CLI does
        if params.get("with_registry_auth"):
            opts["with_registry_auth"] = True  # the Docker config's credentials sent with each create and update
        want = _service_want(stack, key, opts, connection)
        service_names.append(want.name)
        units.append(Unit(ServiceKind, want, f"service {want.name}"))
        origin[f"service {want.name}"] = f"services.{key}"
    external = {s: v for s, v in external.items() if s != "volumes"}
    return Stack(stack, units, service_names, external, origin)
