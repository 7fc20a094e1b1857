# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""The container's options as data: one row per option says where it lives in the engine's container document,
how a task value is parsed, how the engine's value is read back and written, how it is compared, what it falls
back to once the task drops it, and whether the engine can change it in place.

Values are compared in "option space": the module's units (bytes, nanoseconds, canonical port and mount strings).
The create body uses the same paths as inspect, so reading and writing an option are defined in one row.
"""

from __future__ import annotations

import ipaddress
import re
import shlex
from dataclasses import dataclass
from typing import Any, Callable, Optional

from ._parse import duration_ns, size_bytes, string_map
from ._plan import ParamError

KEEP = object()  # no engine default: a dropped option is left as it is (the engine or daemon picks the value)
ANON_VOLUME = re.compile(r"^[0-9a-f]{64}$")
_RANGE = re.compile(r"^\d+(?:-\d+)?$")


@dataclass(frozen=True)
class Field:
    name: str
    path: str                                  # where the engine keeps it: "Config.Env", "HostConfig.Memory"
    mode: str = "value"                        # value | set | subset (see _plan.compare), list = ordered value
    parse: Callable[[str, Any], Any] = lambda option, value: value  # (option name, task value) -> option space
    load: Optional[Callable] = None            # engine value -> option space
    dump: Optional[Callable] = None            # option space -> engine value
    default: Any = KEEP                        # what the container has once a managed option is dropped from the task
    image: Optional[str] = None                # image Config key that provides the default (Cmd, Env, User, ...)
    update: Optional[str] = None               # key of the engine's update endpoint when it can change in place
    zero_updates: bool = False                 # the update endpoint also applies a zero/empty value (most ignore it)


def get_path(doc, path):
    for part in path.split("."):
        if not isinstance(doc, dict):
            return None
        doc = doc.get(part)
    return doc


def set_path(doc, path, value):
    parts = path.split(".")
    for part in parts[:-1]:
        doc = doc.setdefault(part, {})
    doc[parts[-1]] = value


# ---- parsers and converters, one per value shape ----

def _str_list(option, value):
    if isinstance(value, str):
        return shlex.split(value)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
        return [str(v) for v in value]
    raise ParamError(option, f"must be a string or a list of strings, got {value!r}")


def _env_load(items):
    return dict(item.split("=", 1) if "=" in item else (item, "") for item in items or [])


def _env_dump(env):
    return [f"{k}={v}" for k, v in sorted(env.items())]


def parse_port(option, spec):
    """'8080:80', '127.0.0.1:8080:80/udp', '8000-8001:80-81', '80' -> ['ip:host:container/proto', ...] one per port."""
    bad = f"{spec!r} is not a port mapping such as 8080:80, 127.0.0.1:8080:80/udp or 8000-8001:80-81"
    text, proto = (str(spec).strip().split("/", 1) + [""])[:2]
    ip = ""
    if text.startswith("["):  # [IPv6]:host:container
        ip, text = (text[1:].split("]:", 1) + [""])[:2]
    elif text.count(":") == 2:
        ip, text = text.split(":", 1)
    host, cont = text.rsplit(":", 1) if ":" in text else ("", text)
    if proto not in ("", "tcp", "udp", "sctp") or not _RANGE.match(cont) or (host and not _RANGE.match(host)) or ":" in host:
        raise ParamError(option, bad)
    if ip:
        try:
            ip = str(ipaddress.ip_address(ip))
        except ValueError:
            raise ParamError(option, f"{spec!r}: {ip!r} is not an IP address") from None
    ip, proto = ("" if ip == "0.0.0.0" else ip), proto or "tcp"
    conts = _port_range(option, spec, cont)
    hosts = _port_range(option, spec, host) if host else [""] * len(conts)
    if len(hosts) != len(conts):
        raise ParamError(option, f"{spec!r}: the host range and the container range differ in length")
    return [f"{ip}:{h}:{c}/{proto}" for h, c in zip(hosts, conts)]


def _port_range(option, spec, text):
    first, last = (text.split("-", 1) + [""])[:2]
    first_n, last_n = int(first), int(last or first)
    if not 0 < first_n <= last_n <= 65535:
        raise ParamError(option, f"{spec!r}: ports must be 1-65535, low to high")
    return [str(p) for p in range(first_n, last_n + 1)]


def _ports_parse(option, specs):
    return sorted({p for spec in specs for p in parse_port(option, spec)})


def _ports_load(bindings):
    out = []
    for cport, binds in (bindings or {}).items():
        for bind in binds or [{}]:
            ip = bind.get("HostIp") or ""
            out.append(f"{'' if ip == '0.0.0.0' else ip}:{bind.get('HostPort') or ''}:{cport}")
    return sorted(out)


def _ports_dump(ports):
    out: dict = {}
    for port in ports:
        ip, host, cport = port.rsplit(":", 2) if port.count(":") >= 2 else ("", "", port)
        out.setdefault(cport, []).append({"HostIp": ip, "HostPort": host})
    return out


def _exposed_parse(option, specs):
    out: set[str] = set()
    for spec in specs:
        text = str(spec)
        port, proto = (text.split("/", 1) + [""])[:2]
        out.update(f"{p}/{proto or 'tcp'}" for p in _port_range(option, spec, port))
    return sorted(out)


def parse_volume(option, spec):
    """'name:/data', '/host:/data:ro', '/data' -> 'name:/data:rw', '/host:/data:ro', '/data' (anonymous)."""
    parts = str(spec).split(":")
    if len(parts) == 1 and parts[0].startswith("/"):
        return parts[0]
    if len(parts) in (2, 3) and parts[1].startswith("/") and parts[0]:
        mode = parts[2] if len(parts) == 3 else "rw"
        if not set(mode.split(",")) <= {"rw", "ro", "z", "Z", "shared", "rshared", "slave", "rslave", "private", "rprivate", "nocopy"}:
            raise ParamError(option, f"{spec!r}: unknown mode {mode!r} (use ro or rw)")
        return f"{parts[0]}:{parts[1]}:{mode}"
    raise ParamError(option, f"{spec!r} is not a volume such as name:/data, /host/path:/data:ro or /data")


def _volumes_parse(option, specs):
    return sorted({parse_volume(option, s) for s in specs})


def _mounts_parse(option, mounts):
    out = []
    for i, mount in enumerate(mounts):
        kind = mount.get("type") or "volume"
        target = mount.get("target")
        if not target or not str(target).startswith("/"):
            raise ParamError(f"{option}[{i}].target", f"{target!r} is not an absolute path in the container")
        if kind in ("bind", "volume") and not mount.get("source"):
            raise ParamError(f"{option}[{i}].source", f"a {kind} mount needs a source")
        if kind == "tmpfs" and mount.get("source"):
            raise ParamError(f"{option}[{i}].source", "a tmpfs mount has no source")
        out.append({"type": kind, "source": mount.get("source") or "", "target": target, "read_only": bool(mount.get("read_only"))})
    return sorted(out, key=lambda m: m["target"])


def _mounts_load(mounts):
    return sorted(({"type": m.get("Type"), "source": m.get("Source") or "", "target": m.get("Target"), "read_only": bool(m.get("ReadOnly"))}
                   for m in mounts or []), key=lambda m: m["target"])


def _mounts_dump(mounts):
    return [{"Type": m["type"], "Source": m["source"] or None, "Target": m["target"], "ReadOnly": m["read_only"]} for m in mounts]


def _ulimits_parse(option, specs):
    out = []
    for spec in specs:
        parts = str(spec).split(":")
        if len(parts) not in (2, 3) or not all(re.fullmatch(r"-?\d+", p) for p in parts[1:]):
            raise ParamError(option, f"{spec!r} is not a ulimit such as nofile:1024 or nofile:1024:2048")
        out.append(f"{parts[0]}:{parts[1]}:{parts[-1]}")
    return sorted(out)


def _devices_parse(option, specs):
    out = []
    for spec in specs:
        parts = str(spec).split(":")
        if not parts[0].startswith("/") or len(parts) > 3:
            raise ParamError(option, f"{spec!r} is not a device such as /dev/fuse or /dev/sda:/dev/xvda:rwm")
        out.append(f"{parts[0]}:{parts[1] if len(parts) > 1 else parts[0]}:{parts[2] if len(parts) > 2 else 'rwm'}")
    return sorted(out)


def _devices_dump(devices):
    return [dict(zip(("PathOnHost", "PathInContainer", "CgroupPermissions"), d.split(":"))) for d in devices]


def _caps(option, caps):
    return sorted({str(c).upper().removeprefix("CAP_") for c in caps})


def _healthcheck_parse(option, value):
    if value.get("disable"):
        return {"test": ["NONE"]}
    test = value.get("test")
    if test is None:
        raise ParamError(f"{option}.test", "is needed (or set disable: true)")
    if isinstance(test, str):
        test = ["CMD-SHELL", test]
    elif isinstance(test, list) and test and all(isinstance(t, str) for t in test):
        test = test if test[0] in ("CMD", "CMD-SHELL", "NONE") else ["CMD"] + test
    else:
        raise ParamError(f"{option}.test", f"must be a command string or a list of strings, got {test!r}")
    out = {"test": test}
    for key in ("interval", "timeout", "start_period"):
        if value.get(key) is not None:
            out[key] = duration_ns(f"{option}.{key}", value[key])
    if value.get("retries") is not None:
        out["retries"] = int(value["retries"])
    return {k: v for k, v in out.items() if v}


def _healthcheck_load(raw):
    if not raw:
        return None
    out = {"test": raw.get("Test"), "interval": raw.get("Interval"), "timeout": raw.get("Timeout"),
           "start_period": raw.get("StartPeriod"), "retries": raw.get("Retries")}
    return {k: v for k, v in out.items() if v}


def _healthcheck_dump(value):
    keys = {"test": "Test", "interval": "Interval", "timeout": "Timeout", "start_period": "StartPeriod", "retries": "Retries"}
    return {keys[k]: v for k, v in value.items()}


def _sysctls_parse(option, value):
    return string_map(option, {k: str(v) if isinstance(v, int) and not isinstance(v, bool) else v for k, v in value.items()})


def _hosts_load(items):
    return dict(item.split(":", 1) for item in items or [] if ":" in item)


def _tmpfs_parse(option, specs):
    out = {}
    for spec in specs:
        path, opts = (str(spec).split(":", 1) + [""])[:2]
        if not path.startswith("/"):
            raise ParamError(option, f"{spec!r} is not a tmpfs mount such as /run or /run:size=64m")
        out[path] = opts
    return out


def _cpus_parse(option, value):
    try:
        cpus = float(value)
    except (TypeError, ValueError):
        raise ParamError(option, f"{value!r} is not a number of CPUs such as 0.5 or 2") from None
    if cpus <= 0:
        raise ParamError(option, f"{value!r}: must be more than 0")
    return cpus


def _swap_parse(option, value):
    return -1 if str(value).strip() == "-1" else size_bytes(option, value)


def _int(option, value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ParamError(option, f"{value!r} is not a whole number") from None


def _size(option, value):
    return size_bytes(option, value)


def _str(option, value):
    return str(value)


def _bool(option, value):
    return bool(value)


def _map(option, value):
    return string_map(option, value)


def _list(option, value):
    return [str(v) for v in value]


def _set(option, value):
    return sorted({str(v) for v in value})


F = Field
FIELDS = [
    F("command", "Config.Cmd", parse=_str_list, image="Cmd"),
    F("entrypoint", "Config.Entrypoint", parse=_str_list, image="Entrypoint"),
    F("env", "Config.Env", "subset", parse=_map, load=_env_load, dump=_env_dump, default={}, image="Env"),
    F("labels", "Config.Labels", "subset", parse=_map, default={}, image="Labels"),
    F("published_ports", "HostConfig.PortBindings", "set", parse=_ports_parse, load=_ports_load, dump=_ports_dump, default=[]),
    F("exposed_ports", "Config.ExposedPorts", "set", parse=_exposed_parse, load=lambda v: sorted(v or {}),
      dump=lambda v: {p: {} for p in v}, default=[], image="ExposedPorts"),
    F("volumes", "HostConfig.Binds", "set", parse=_volumes_parse, default=[]),  # read by read_volumes(): binds + anonymous
    F("mounts", "HostConfig.Mounts", "set", parse=_mounts_parse, load=_mounts_load, dump=_mounts_dump, default=[]),
    F("network_mode", "HostConfig.NetworkMode", parse=_str, load=lambda v: "bridge" if v in (None, "", "default") else v),
    F("restart_policy", "HostConfig.RestartPolicy.Name", parse=_str, load=lambda v: v or "no", default="no",
      update="RestartPolicy", zero_updates=True),
    F("restart_retries", "HostConfig.RestartPolicy.MaximumRetryCount", parse=_int, load=lambda v: v or 0, default=0,
      update="RestartPolicy", zero_updates=True),
    F("memory", "HostConfig.Memory", parse=_size, load=lambda v: v or 0, default=0, update="Memory"),
    F("memory_reservation", "HostConfig.MemoryReservation", parse=_size, load=lambda v: v or 0, default=0, update="MemoryReservation"),
    F("memory_swap", "HostConfig.MemorySwap", parse=_swap_parse, load=lambda v: v or 0, update="MemorySwap"),
    F("cpus", "HostConfig.NanoCpus", parse=_cpus_parse, load=lambda v: (v or 0) / 1e9, dump=lambda v: int(round(v * 1e9)), default=0,
      update="NanoCpus"),
    F("cpu_shares", "HostConfig.CpuShares", parse=_int, load=lambda v: v or 0, default=0, update="CpuShares"),
    F("cpuset_cpus", "HostConfig.CpusetCpus", parse=_str, load=lambda v: v or "", default="", update="CpusetCpus"),
    F("pids_limit", "HostConfig.PidsLimit", parse=lambda o, v: max(_int(o, v), 0), load=lambda v: max(v or 0, 0), default=0,
      update="PidsLimit", zero_updates=True),
    F("ulimits", "HostConfig.Ulimits", "set", parse=_ulimits_parse, default=[],
      load=lambda v: sorted(f"{u['Name']}:{u['Soft']}:{u['Hard']}" for u in v or []),
      dump=lambda v: [dict(zip(("Name", "Soft", "Hard"), (u.split(":")[0], int(u.split(":")[1]), int(u.split(":")[2])))) for u in v]),
    F("user", "Config.User", parse=_str, image="User"),
    F("working_dir", "Config.WorkingDir", parse=_str, image="WorkingDir"),
    F("hostname", "Config.Hostname", parse=_str),
    F("domainname", "Config.Domainname", parse=_str, default=""),
    F("healthcheck", "Config.Healthcheck", parse=_healthcheck_parse, load=_healthcheck_load, dump=_healthcheck_dump, image="Healthcheck"),
    F("log_driver", "HostConfig.LogConfig.Type", parse=_str),
    F("log_options", "HostConfig.LogConfig.Config", "subset", parse=_map, default={}),
    F("read_only", "HostConfig.ReadonlyRootfs", parse=_bool, load=bool, default=False),
    F("privileged", "HostConfig.Privileged", parse=_bool, load=bool, default=False),
    F("capabilities", "HostConfig.CapAdd", "set", parse=_caps, load=lambda v: _caps("", v or []), default=[]),
    F("cap_drop", "HostConfig.CapDrop", "set", parse=_caps, load=lambda v: _caps("", v or []), default=[]),
    F("devices", "HostConfig.Devices", "set", parse=_devices_parse, default=[], dump=_devices_dump,
      load=lambda v: sorted(f"{d['PathOnHost']}:{d['PathInContainer']}:{d['CgroupPermissions']}" for d in v or [])),
    F("init", "HostConfig.Init", parse=_bool, load=bool, default=False),
    F("tty", "Config.Tty", parse=_bool, load=bool, default=False),
    F("interactive", "Config.OpenStdin", parse=_bool, load=bool, default=False),
    F("stop_signal", "Config.StopSignal", parse=_str, image="StopSignal"),
    F("stop_timeout", "Config.StopTimeout", parse=_int),
    F("sysctls", "HostConfig.Sysctls", "subset", parse=_sysctls_parse, default={}),
    F("dns_servers", "HostConfig.Dns", parse=_list, load=lambda v: list(v or []), default=[]),
    F("etc_hosts", "HostConfig.ExtraHosts", "subset", parse=_map, load=_hosts_load, dump=lambda v: [f"{h}:{ip}" for h, ip in sorted(v.items())],
      default={}),
    F("shm_size", "HostConfig.ShmSize", parse=_size),
    F("tmpfs", "HostConfig.Tmpfs", parse=_tmpfs_parse, load=lambda v: dict(v or {}), default={}),
    F("security_opts", "HostConfig.SecurityOpt", "set", parse=_set, load=lambda v: sorted(v or []), default=[]),
    F("auto_remove", "HostConfig.AutoRemove", parse=_bool, load=bool, default=False),
]
FIELDS_BY_NAME = {f.name: f for f in FIELDS}


def read_volumes(container, image_config):
    """The container's volumes in option space: binds, then anonymous volumes declared for it (not by its image).

    Binds of anonymous volumes carried over from a recreated container are the image's or the task's anonymous
    volumes again, so they show as '/path'."""
    out: set[str] = set()
    bound: set[str] = set()
    for bind in get_path(container, "HostConfig.Binds") or []:
        source, target = bind.split(":")[0], bind.split(":")[1]
        bound.add(target)
        out.add(target if ANON_VOLUME.match(source) else parse_volume("volumes", bind))
    image_volumes = set((image_config or {}).get("Volumes") or {})
    out.update(path for path in get_path(container, "Config.Volumes") or {} if path not in bound and path not in image_volumes)
    out -= image_volumes
    return sorted(out)


def actual_value(field, container, image_config):
    if field.name == "volumes":
        return read_volumes(container, image_config)
    raw = get_path(container, field.path)
    value = field.load(raw) if field.load else raw
    if field.name == "labels":
        value = {k: v for k, v in (value or {}).items() if not k.startswith("dockhand.")}
    return value


def image_value(field, image_config):
    """What the image gives this option when the task does not set it (None: nothing)."""
    if not field.image:
        return None
    raw = (image_config or {}).get(field.image)
    return field.load(raw) if field.load and raw is not None else raw


# The module's options (documented in plugins/modules/container.py); also used for the entries of dockhand.docker.project.
CONTAINER_SPEC = dict(
    name=dict(type="str", required=True),
    image=dict(type="str"),
    state=dict(type="str", default="started", choices=["present", "started", "stopped", "restarted", "healthy", "absent"]),
    pull=dict(type="raw", default="missing"),
    command=dict(type="raw"),
    entrypoint=dict(type="list", elements="str"),
    env=dict(type="dict"),
    env_file=dict(type="path"),
    labels=dict(type="dict"),
    published_ports=dict(type="list", elements="str", aliases=["ports"]),
    exposed_ports=dict(type="list", elements="str", aliases=["exposed", "expose"]),
    volumes=dict(type="list", elements="str"),
    mounts=dict(type="list", elements="dict", options=dict(
        source=dict(type="str"),
        target=dict(type="str", required=True),
        type=dict(type="str", default="volume", choices=["bind", "volume", "tmpfs"]),
        read_only=dict(type="bool", default=False),
    )),
    networks=dict(type="list", elements="dict", options=dict(
        name=dict(type="str", required=True),
        aliases=dict(type="list", elements="str"),
        ipv4_address=dict(type="str"),
        ipv6_address=dict(type="str"),
        links=dict(type="list", elements="str"),
    )),
    network_mode=dict(type="str"),
    restart_policy=dict(type="str", choices=["no", "on-failure", "always", "unless-stopped"]),
    restart_retries=dict(type="int"),
    memory=dict(type="str"),
    memory_reservation=dict(type="str"),
    memory_swap=dict(type="str"),
    cpus=dict(type="float"),
    cpu_shares=dict(type="int"),
    cpuset_cpus=dict(type="str"),
    pids_limit=dict(type="int"),
    ulimits=dict(type="list", elements="str"),
    user=dict(type="str"),
    working_dir=dict(type="str"),
    hostname=dict(type="str"),
    domainname=dict(type="str"),
    healthcheck=dict(type="dict", options=dict(
        test=dict(type="raw"),
        interval=dict(type="str"),
        timeout=dict(type="str"),
        retries=dict(type="int"),
        start_period=dict(type="str"),
        disable=dict(type="bool", default=False),
    )),
    log_driver=dict(type="str"),
    log_options=dict(type="dict", aliases=["log_opt"]),
    read_only=dict(type="bool"),
    privileged=dict(type="bool"),
    capabilities=dict(type="list", elements="str"),
    cap_drop=dict(type="list", elements="str"),
    devices=dict(type="list", elements="str"),
    init=dict(type="bool"),
    tty=dict(type="bool"),
    interactive=dict(type="bool"),
    stop_signal=dict(type="str"),
    stop_timeout=dict(type="int"),
    sysctls=dict(type="dict"),
    dns_servers=dict(type="list", elements="str"),
    etc_hosts=dict(type="dict"),
    shm_size=dict(type="str"),
    tmpfs=dict(type="list", elements="str"),
    security_opts=dict(type="list", elements="str"),
    auto_remove=dict(type="bool"),
    detach=dict(type="bool", default=True),
    wait=dict(type="str", default="none", choices=["none", "running", "healthy"]),
    wait_timeout=dict(type="int", default=60, aliases=["healthy_wait_timeout"]),
    recreate=dict(type="bool", default=False),
    restart=dict(type="bool", default=False),
    force_kill=dict(type="bool", default=False, aliases=["forcekill"]),
    adopt=dict(type="bool", default=False),
    container_default_behavior=dict(type="str", choices=["compatibility", "no_defaults"]),
    networks_cli_compatible=dict(type="bool"),
    keep_volumes=dict(type="bool", default=True),
)
