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

from ._errors import ParamError
from ._parse import duration_ns, ip_address, size_bytes, string_map
from ._plan import compare

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
    kernel_may_discard: bool = False           # a kernel without this control makes the engine store the unset value
    container_ref: bool = False                # takes container:NAME, which the engine stores as container:<ID>


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
    if len(conts) == 1 and len(hosts) > 1:  # 9001-9010:80: the engine picks a free host port of the range, as with the CLI
        return [f"{ip}:{hosts[0]}-{hosts[-1]}:{conts[0]}/{proto}"]
    if len(hosts) != len(conts):
        raise ParamError(option, f"{spec!r}: the host range and the container range differ in length")
    return [f"{ip}:{h}:{c}/{proto}" for h, c in zip(hosts, conts)]


def _port_range(option, spec, text):
    if not _RANGE.match(text):
        raise ParamError(option, f"{spec!r}: {text!r} is not a port or a port range such as 8000-8009")
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


def _exposed_load(value):
    # Compose v2 (2.40) sends `expose: ["8080", "7000-7001"]` as ExposedPorts {"8080": {}, "7000-7001": {}}, which
    # Docker 20.10 keeps as it is: read as the ports they mean
    return _exposed_parse("exposed_ports", value or {})


def parse_volume(option, spec):
    """'name:/data', '/host:/data:ro', '/data' -> 'name:/data:rw', '/host:/data:ro', '/data' (anonymous)."""
    parts = str(spec).split(":")
    if len(parts) == 1 and parts[0].startswith("/"):
        return parts[0]
    if len(parts) == 2 and parts[0].startswith("/") and not parts[1].startswith("/"):  # /anon:rw: anonymous, as community.docker takes it
        if _volume_mode(option, spec, parts[1]) != "rw":
            raise ParamError(option, f"{spec!r}: the engine takes no mode but rw for an anonymous volume (for a read-only one use mounts "
                                     f"with type volume, no source and read_only: true)")
        return parts[0]
    if len(parts) in (2, 3) and parts[1].startswith("/") and parts[0]:
        mode = _volume_mode(option, spec, parts[2] if len(parts) == 3 else "rw")
        return f"{parts[0]}:{parts[1]}:{mode}"
    raise ParamError(option, f"{spec!r} is not a volume such as name:/data, /host/path:/data:ro or /data")


def _volume_mode(option, spec, mode):
    if not mode or not set(mode.split(",")) <= {"rw", "ro", "z", "Z", "shared", "rshared", "slave", "rslave", "private", "rprivate", "nocopy"}:
        raise ParamError(option, f"{spec!r}: unknown mode {mode!r} (use ro or rw)")
    return mode


def _volumes_parse(option, specs):
    return sorted({parse_volume(option, s) for s in specs})


# community.docker's mount settings beyond type, source, target and read_only: option -> (mount types it applies to,
# where the engine keeps it in a mount, the Engine API version that keeps it). Values unset, false or empty are not sent.
MOUNT_SETTINGS = {
    "consistency": (("bind", "volume", "tmpfs"), "Consistency", None),  # "default" is the same as not set
    "propagation": (("bind",), "BindOptions.Propagation", None),
    "non_recursive": (("bind",), "BindOptions.NonRecursive", (1, 40)),
    "create_mountpoint": (("bind",), "BindOptions.CreateMountpoint", (1, 42)),
    "read_only_non_recursive": (("bind",), "BindOptions.ReadOnlyNonRecursive", (1, 44)),
    "read_only_force_recursive": (("bind",), "BindOptions.ReadOnlyForceRecursive", (1, 44)),
    "no_copy": (("volume",), "VolumeOptions.NoCopy", None),
    "labels": (("volume",), "VolumeOptions.Labels", None),
    "volume_driver": (("volume",), "VolumeOptions.DriverConfig.Name", None),
    "volume_options": (("volume",), "VolumeOptions.DriverConfig.Options", None),
    "subpath": (("volume", "image"), "VolumeOptions.Subpath", (1, 45)),
    "tmpfs_options": (("tmpfs",), "TmpfsOptions.Options", (1, 46)),
}
# mount types community.docker offers that need more than a container on this kind of engine
MOUNT_TYPES_REFUSED = {
    "npipe": "a named pipe mount exists only on Docker for Windows",
    "cluster": "a cluster volume (Swarm CSI) mounts only into Swarm service tasks, not into a container",
}


def _mount_setting(option, kind, key, value):
    kinds, _path, _api = MOUNT_SETTINGS[key]
    if value in (None, False, "", {}, []) or (key == "consistency" and value == "default"):
        return None
    if kind not in kinds:
        raise ParamError(option, f"only applies to a {' or '.join(kinds)} mount, not to a {kind} mount")
    if key in ("labels", "volume_options"):
        return string_map(option, value)
    if key == "tmpfs_options":
        return [_tmpfs_option(f"{option}[{i}]", item) for i, item in enumerate(value)]
    if key == "subpath" and (str(value).startswith("/") or ".." in str(value).split("/")):
        raise ParamError(option, f"{value!r} must be a relative path inside the volume, without '..'")
    return value


def _tmpfs_option(option, item):
    """{'mode': '1770'} or {'noexec': None} -> ['mode', '1770'] or ['noexec'], as the engine keeps them."""
    if not isinstance(item, dict) or len(item) != 1:
        raise ParamError(option, f"must be a mapping of one option name to its value (or null for a flag), got {item!r}")
    (key, value), = item.items()
    return [str(key)] if value is None else [str(key), str(value)]


def _mounts_parse(option, mounts):
    out = []
    for i, mount in enumerate(mounts):
        kind = mount.get("type") or "volume"
        if kind in MOUNT_TYPES_REFUSED:
            raise ParamError(f"{option}[{i}].type", f"{kind}: {MOUNT_TYPES_REFUSED[kind]}")
        target = mount.get("target")
        if not target or not str(target).startswith("/"):
            raise ParamError(f"{option}[{i}].target", f"{target!r} is not an absolute path in the container")
        if kind in ("bind", "image") and not mount.get("source"):  # a volume mount without source: an anonymous volume
            raise ParamError(f"{option}[{i}].source", f"a {kind} mount needs a source")
        if kind == "tmpfs" and mount.get("source"):
            raise ParamError(f"{option}[{i}].source", "a tmpfs mount has no source")
        entry = {"type": kind, "source": mount.get("source") or "", "target": target, "read_only": bool(mount.get("read_only"))}
        for key in ("tmpfs_size", "tmpfs_mode"):
            if mount.get(key) in (None, ""):
                continue
            if kind != "tmpfs":
                raise ParamError(f"{option}[{i}].{key}", f"only applies to a tmpfs mount, not to a {kind} mount")
            entry[key] = size_bytes(f"{option}[{i}].{key}", mount[key]) if key == "tmpfs_size" else _file_mode(f"{option}[{i}].{key}", mount[key])
        for key in MOUNT_SETTINGS:
            value = _mount_setting(f"{option}[{i}].{key}", kind, key, mount.get(key))
            if value is not None:
                entry[key] = value
        out.append(entry)
    return sorted(out, key=lambda m: m["target"])


def api_needs(fields):
    """(option, Engine API version) for each setting of the task that an older engine would silently drop: the plan
    refuses those before anything is written, since they could never converge there."""
    needs: list = []
    if (fields.get("healthcheck") or {}).get("start_interval"):
        needs.append(("healthcheck.start_interval", (1, 44)))
    for i, mount in enumerate(fields.get("mounts") or []):
        if mount["type"] == "image":
            needs.append((f"mounts[{i}].type", (1, 47)))
        needs.extend((f"mounts[{i}].{key}", MOUNT_SETTINGS[key][2]) for key in mount if key in MOUNT_SETTINGS and MOUNT_SETTINGS[key][2])
    return needs


def _file_mode(option, value):
    """'1777', '0755', 0o755 written as the int 493 -> '1777', '755' (octal text, as the CLI's tmpfs-mode)."""
    text = format(value, "o") if isinstance(value, int) and not isinstance(value, bool) else str(value).strip()
    if not re.fullmatch(r"0?[0-7]{1,4}", text) or int(text, 8) > 0o7777:
        raise ParamError(option, f"{value!r} is not a permission mode in octal such as 1777 or 0755")
    return format(int(text, 8), "o")


def _mounts_load(mounts):
    out = []
    for m in mounts or []:
        entry = {"type": m.get("Type"), "source": m.get("Source") or "", "target": m.get("Target"), "read_only": bool(m.get("ReadOnly"))}
        tmpfs = m.get("TmpfsOptions") or {}
        if tmpfs.get("SizeBytes"):
            entry["tmpfs_size"] = tmpfs["SizeBytes"]
        if tmpfs.get("Mode"):
            entry["tmpfs_mode"] = format(tmpfs["Mode"], "o")
        for key, (_kinds, path, _api) in MOUNT_SETTINGS.items():
            value = get_path(m, path)
            if value not in (None, False, "", {}, []) and not (key == "consistency" and value == "default"):
                entry[key] = [list(o) for o in value] if key == "tmpfs_options" else value
        out.append(entry)
    return sorted(out, key=lambda m: m["target"])


def _mounts_dump(mounts):
    out = []
    for m in mounts:
        entry = {"Type": m["type"], "Source": m["source"] or None, "Target": m["target"], "ReadOnly": m["read_only"]}
        tmpfs = {k: v for k, v in (("SizeBytes", m.get("tmpfs_size")), ("Mode", int(m["tmpfs_mode"], 8) if m.get("tmpfs_mode") else None)) if v}
        if tmpfs:
            entry["TmpfsOptions"] = tmpfs
        for key, (_kinds, path, _api) in MOUNT_SETTINGS.items():
            if key in m:
                set_path(entry, path, m[key])
        out.append(entry)
    return out


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


# The kernel's capabilities (capabilities(7)), as the engine spells them without CAP_; ALL is every one of them.
CAPABILITIES = frozenset("""ALL AUDIT_CONTROL AUDIT_READ AUDIT_WRITE BLOCK_SUSPEND BPF CHECKPOINT_RESTORE CHOWN DAC_OVERRIDE
DAC_READ_SEARCH FOWNER FSETID IPC_LOCK IPC_OWNER KILL LEASE LINUX_IMMUTABLE MAC_ADMIN MAC_OVERRIDE MKNOD NET_ADMIN
NET_BIND_SERVICE NET_BROADCAST NET_RAW PERFMON SETFCAP SETGID SETPCAP SETUID SYSLOG SYS_ADMIN SYS_BOOT SYS_CHROOT
SYS_MODULE SYS_NICE SYS_PACCT SYS_PTRACE SYS_RAWIO SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG WAKE_ALARM""".split())


def _caps(option, caps):
    names = sorted({re.sub(r"^CAP_", "", str(c).upper()) for c in caps})  # not str.removeprefix: modules run on Python 3.8
    unknown = [n for n in names if n not in CAPABILITIES]
    if option and unknown:
        raise ParamError(option, f"unknown capabilit{'ies' if len(unknown) > 1 else 'y'} {', '.join(unknown)} (see capabilities(7))")
    return names


def _healthcheck_parse(option, value):
    if value.get("disable"):
        return {"test": ["NONE"]}
    test = value.get("test")
    if test is None and value.get("test_cli_compatible") is False:
        return {"test": ["NONE"]}  # community.docker's classical meaning of a healthcheck without test
    if test is None and not value.get("test_cli_compatible"):
        raise ParamError(f"{option}.test", "is needed (or set disable: true, or test_cli_compatible: true to keep the image's test)")
    # without test (test_cli_compatible), the engine takes the image's test, and its settings the task does not give
    out: dict[str, Any] = {"test": None if test is None else _healthcheck_test(option, test)}
    for key in ("interval", "timeout", "start_period", "start_interval"):
        if value.get(key) is not None:
            out[key] = duration_ns(f"{option}.{key}", value[key])
    if value.get("retries") is not None:
        out["retries"] = int(value["retries"])
    return {k: v for k, v in out.items() if v}


def _healthcheck_test(option, test):
    if isinstance(test, str):
        return ["CMD-SHELL", test]
    if isinstance(test, list) and test and all(isinstance(t, (str, int, float)) and not isinstance(t, bool) for t in test):
        test = [str(t) for t in test]  # [CMD, sleep, 1]: numbers are written as the CLI would pass them
        return test if test[0] in ("CMD", "CMD-SHELL", "NONE") else ["CMD"] + test
    raise ParamError(f"{option}.test", f"must be a command string or a list of strings and numbers, got {test!r}")


def _healthcheck_load(raw):
    if not raw:
        return None
    out = {"test": raw.get("Test"), "interval": raw.get("Interval"), "timeout": raw.get("Timeout"),
           "start_period": raw.get("StartPeriod"), "start_interval": raw.get("StartInterval"), "retries": raw.get("Retries")}
    return {k: v for k, v in out.items() if v}


def _healthcheck_dump(value):
    keys = {"test": "Test", "interval": "Interval", "timeout": "Timeout", "start_period": "StartPeriod", "start_interval": "StartInterval",
            "retries": "Retries"}
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


def _string_values(option, value):
    """A mapping whose numbers and booleans are written as strings (log options such as max-file: 5, as community.docker does)."""
    if not isinstance(value, dict):
        raise ParamError(option, f"must be a mapping of names to strings, got {type(value).__name__}")
    out = {}
    for key, item in value.items():
        if isinstance(item, bool):
            item = "true" if item else "false"
        elif isinstance(item, (int, float)):
            item = str(item)
        out[key] = item
    return string_map(option, out)


def _ranged(low, high=None, *also):
    """A whole number from low to high (no upper bound: None), or one of `also` (such as 0 for unset)."""
    def parse(option, value):
        number = _int(option, value)
        if not (low <= number and (high is None or number <= high) or number in also):
            extra = "".join(f" or {a}" for a in also)
            raise ParamError(option, f"{value!r}: must be {low} to {high}{extra}" if high is not None else f"{value!r}: must be at least {low}{extra}")
        return number
    return parse


def _choice(*allowed, container=False):
    """One of `allowed`; container=True also takes container:NAME."""
    def parse(option, value):
        text = str(value)
        if text in allowed or (container and text.startswith("container:") and len(text) > len("container:")):
            return text
        forms = ", ".join(repr(a) for a in allowed) + (", 'container:NAME'" if container else "")
        raise ParamError(option, f"{value!r} is not one of {forms}")
    return parse


def _matching(pattern, example):
    regex = re.compile(pattern)

    def parse(option, value):
        text = str(value).strip()
        if not regex.fullmatch(text):
            raise ParamError(option, f"{value!r} is not valid here; use the form {example}")
        return text
    return parse


def _each(parse_one):
    """A list of values parsed one by one, compared as a set."""
    return lambda option, values: sorted({parse_one(option, v) for v in values})


def _host_ip(option, value):
    text = str(value).strip()
    if text in ("", "0.0.0.0"):
        return ""
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise ParamError(option, f"{value!r} is not an IP address (or '' for every address)") from None


def _kernel_memory(option, value):
    size = size_bytes(option, value)
    if size and size < 6 * 1024 ** 2:
        raise ParamError(option, f"{value!r}: the engine takes at least 6m")
    return size


def _throttles(rate):
    """device_read_bps and friends: [{path, rate}] -> [{'path': ..., 'rate': int}] (rate a size or a whole number)."""
    def parse(option, items):
        out = {}
        for i, item in enumerate(items):
            path = item.get("path")
            if not path or not str(path).startswith("/"):
                raise ParamError(f"{option}[{i}].path", f"{path!r} is not an absolute path of a block device")
            if item.get("rate") is None:
                raise ParamError(f"{option}[{i}].rate", "is needed")
            out[path] = rate(f"{option}[{i}].rate", item["rate"])
        return [{"path": p, "rate": r} for p, r in sorted(out.items())]
    return parse


def _throttles_load(items):
    return sorted(({"path": t["Path"], "rate": t["Rate"]} for t in items or []), key=lambda t: t["path"])


def _throttles_dump(items):
    return [{"Path": t["path"], "Rate": t["rate"]} for t in items]


def _device_requests_parse(option, items):
    out = []
    for i, item in enumerate(items):
        caps = item.get("capabilities") or []
        if not isinstance(caps, list) or not all(isinstance(c, list) for c in caps):
            raise ParamError(f"{option}[{i}].capabilities", f"must be a list of lists such as [[gpu]], got {caps!r}")
        options = string_map(f"{option}[{i}].options", item.get("options") or {})
        count = _int(f"{option}[{i}].count", item["count"]) if item.get("count") is not None else 0
        if count and item.get("device_ids"):
            raise ParamError(f"{option}[{i}].count", "cannot be combined with device_ids: ask for a number of devices or for these devices")
        out.append({"driver": item.get("driver") or "", "count": count, "device_ids": [str(d) for d in item.get("device_ids") or []],
                    "capabilities": [[str(c) for c in group] for group in caps], "options": options})
    return out


def _device_requests_load(items):
    return [{"driver": r.get("Driver") or "", "count": r.get("Count") or 0, "device_ids": list(r.get("DeviceIDs") or []),
             "capabilities": [list(c) for c in r.get("Capabilities") or []], "options": dict(r.get("Options") or {})} for r in items or []]


def _device_requests_dump(items):
    return [{"Driver": r["driver"], "Count": r["count"], "DeviceIDs": r["device_ids"] or None,
             "Capabilities": r["capabilities"] or None, "Options": r["options"]} for r in items]


def _link(option, value):
    """'db' or 'db:alias' -> 'db:alias' (the alias defaults to the name)."""
    name, alias = (str(value).split(":", 1) + [""])[:2]
    name = name.lstrip("/")
    if not name or "/" in alias:
        raise ParamError(option, f"{value!r} is not a link such as db or db:database")
    return f"{name}:{alias or name}"


def _links_load(items):
    """The engine reports links as '/db:/self/alias'."""
    out = set()
    for item in items or []:
        source, path = (item.split(":", 1) + [""])[:2]
        out.add(f"{source.lstrip('/')}:{path.rsplit('/', 1)[-1]}")
    return sorted(out)


def _volume_from(option, value):
    name, mode = (str(value).split(":", 1) + [""])[:2]
    if not name or mode not in ("", "ro", "rw"):
        raise ParamError(option, f"{value!r} is not a container such as data or data:ro")
    return f"{name}:{mode}" if mode else name


def _mac(option, value):
    text = str(value).strip().lower()
    if not re.fullmatch(r"[0-9a-f]{2}(:[0-9a-f]{2}){5}", text):
        raise ParamError(option, f"{value!r} is not a MAC address such as 02:42:ac:11:00:02")
    return text


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


def _env_parse(option, value):
    env = string_map(option, value)
    for name in env:
        if not name or "=" in name:
            raise ParamError(option, f"{name!r} is not a variable name (no '=' and not empty)")
    return env


def _labels_parse(option, value):
    labels = string_map(option, value)
    for name in labels:
        if name.startswith("dockhand."):
            raise ParamError(option, f"{name!r}: labels starting with dockhand. are the module's own record of what it manages")
    return labels


def _absolute_path(option, value):
    text = str(value)
    if not text.startswith("/"):
        raise ParamError(option, f"{value!r} is not an absolute path in the container")
    return text


def _addresses(option, value):
    return [ip_address(option, v) for v in value]


def _hosts_parse(option, value):
    hosts = string_map(option, value)
    for host, address in hosts.items():
        if address != "host-gateway":
            ip_address(f"{option}.{host}", address)
    return hosts


def _list(option, value):
    return [str(v) for v in value]


def _set(option, value):
    return sorted({str(v) for v in value})


F = Field
FIELDS = [
    F("command", "Config.Cmd", parse=_str_list, image="Cmd"),
    F("entrypoint", "Config.Entrypoint", parse=_str_list, image="Entrypoint"),
    F("env", "Config.Env", "subset", parse=_env_parse, load=_env_load, dump=_env_dump, default={}, image="Env"),
    F("labels", "Config.Labels", "subset", parse=_labels_parse, default={}, image="Labels"),
    F("published_ports", "HostConfig.PortBindings", "set", parse=_ports_parse, load=_ports_load, dump=_ports_dump, default=[]),
    F("exposed_ports", "Config.ExposedPorts", "set", parse=_exposed_parse, load=_exposed_load,
      dump=lambda v: {p: {} for p in v}, default=[], image="ExposedPorts"),
    F("volumes", "HostConfig.Binds", "set", parse=_volumes_parse, default=[]),  # read by read_volumes(): binds + anonymous
    F("mounts", "HostConfig.Mounts", "set", parse=_mounts_parse, load=_mounts_load, dump=_mounts_dump, default=[]),
    F("network_mode", "HostConfig.NetworkMode", parse=_str, load=lambda v: "bridge" if v in (None, "", "default") else v, container_ref=True),
    F("restart_policy", "HostConfig.RestartPolicy.Name", parse=_str, load=lambda v: v or "no", default="no",
      update="RestartPolicy", zero_updates=True),
    F("restart_retries", "HostConfig.RestartPolicy.MaximumRetryCount", parse=_ranged(0), load=lambda v: v or 0, default=0,
      update="RestartPolicy", zero_updates=True),
    F("memory", "HostConfig.Memory", parse=_size, load=lambda v: v or 0, default=0, update="Memory"),
    F("memory_reservation", "HostConfig.MemoryReservation", parse=_size, load=lambda v: v or 0, default=0, update="MemoryReservation"),
    F("memory_swap", "HostConfig.MemorySwap", parse=_swap_parse, load=lambda v: v or 0, update="MemorySwap"),
    F("cpus", "HostConfig.NanoCpus", parse=_cpus_parse, load=lambda v: (v or 0) / 1e9, dump=lambda v: int(round(v * 1e9)), default=0,
      update="NanoCpus"),
    F("cpu_shares", "HostConfig.CpuShares", parse=_ranged(0, 262144), load=lambda v: v or 0, default=0, update="CpuShares"),
    F("cpuset_cpus", "HostConfig.CpusetCpus", parse=_str, load=lambda v: v or "", default="", update="CpusetCpus"),
    F("pids_limit", "HostConfig.PidsLimit", parse=lambda o, v: max(_ranged(-1)(o, v), 0), load=lambda v: max(v or 0, 0), default=0,
      update="PidsLimit", zero_updates=True),
    F("ulimits", "HostConfig.Ulimits", "set", parse=_ulimits_parse, default=[],
      load=lambda v: sorted(f"{u['Name']}:{u['Soft']}:{u['Hard']}" for u in v or []),
      dump=lambda v: [dict(zip(("Name", "Soft", "Hard"), (u.split(":")[0], int(u.split(":")[1]), int(u.split(":")[2])))) for u in v]),
    F("user", "Config.User", parse=_str, image="User"),
    F("working_dir", "Config.WorkingDir", parse=_absolute_path, image="WorkingDir"),
    F("hostname", "Config.Hostname", parse=_str),
    F("domainname", "Config.Domainname", parse=_str, default=""),
    F("healthcheck", "Config.Healthcheck", parse=_healthcheck_parse, load=_healthcheck_load, dump=_healthcheck_dump, image="Healthcheck"),
    F("log_driver", "HostConfig.LogConfig.Type", parse=_str),
    F("log_options", "HostConfig.LogConfig.Config", "subset", parse=_string_values, default={}),
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
    F("stop_timeout", "Config.StopTimeout", parse=_ranged(-1)),
    F("sysctls", "HostConfig.Sysctls", "subset", parse=_sysctls_parse, default={}),
    F("dns_servers", "HostConfig.Dns", parse=_addresses, load=lambda v: list(v or []), default=[]),
    F("etc_hosts", "HostConfig.ExtraHosts", "subset", parse=_hosts_parse, load=_hosts_load, dump=lambda v: [f"{h}:{ip}" for h, ip in sorted(v.items())],
      default={}),
    F("shm_size", "HostConfig.ShmSize", parse=_size),
    F("tmpfs", "HostConfig.Tmpfs", parse=_tmpfs_parse, load=lambda v: dict(v or {}), default={}),
    F("security_opts", "HostConfig.SecurityOpt", "set", parse=_set, load=lambda v: sorted(v or []), default=[]),
    F("auto_remove", "HostConfig.AutoRemove", parse=_bool, load=bool, default=False),
    # resources the update endpoint changes in place (it ignores zeros: a reset recreates)
    F("blkio_weight", "HostConfig.BlkioWeight", parse=_ranged(10, 1000, 0), load=lambda v: v or 0, default=0, update="BlkioWeight",
      kernel_may_discard=True),
    F("cpu_period", "HostConfig.CpuPeriod", parse=_ranged(1000, 1000000, 0), load=lambda v: v or 0, default=0, update="CpuPeriod"),
    F("cpu_quota", "HostConfig.CpuQuota", parse=_ranged(1000, None, 0, -1), load=lambda v: v or 0, default=0, update="CpuQuota"),
    F("cpuset_mems", "HostConfig.CpusetMems", parse=_matching(r"\d+(-\d+)?(,\d+(-\d+)?)*", "0 or 0-1,3"), load=lambda v: v or "", default="",
      update="CpusetMems"),
    F("kernel_memory", "HostConfig.KernelMemory", parse=_kernel_memory, load=lambda v: v or 0, default=0, update="KernelMemory",
      kernel_may_discard=True),
    # resources and limits that recreate
    F("memory_swappiness", "HostConfig.MemorySwappiness", parse=_ranged(0, 100, -1), load=lambda v: -1 if v is None else v, default=-1,
      dump=lambda v: None if v == -1 else v, kernel_may_discard=True),
    F("oom_killer", "HostConfig.OomKillDisable", parse=_bool, load=bool, default=False, kernel_may_discard=True),
    F("oom_score_adj", "HostConfig.OomScoreAdj", parse=_ranged(-1000, 1000), load=lambda v: v or 0, default=0),
    F("cgroup_parent", "HostConfig.CgroupParent", parse=_str, load=lambda v: v or "", default=""),
    F("device_cgroup_rules", "HostConfig.DeviceCgroupRules", "set", default=[], load=lambda v: sorted(v or []),
      parse=_each(_matching(r"[acb] (\d+|\*):(\d+|\*) [rwm]{1,3}", "'c 1:3 mr' (type major:minor access)"))),
    F("device_read_bps", "HostConfig.BlkioDeviceReadBps", "set", parse=_throttles(size_bytes), load=_throttles_load, dump=_throttles_dump,
      default=[], kernel_may_discard=True),
    F("device_write_bps", "HostConfig.BlkioDeviceWriteBps", "set", parse=_throttles(size_bytes), load=_throttles_load, dump=_throttles_dump,
      default=[], kernel_may_discard=True),
    F("device_read_iops", "HostConfig.BlkioDeviceReadIOps", "set", parse=_throttles(_ranged(0)), load=_throttles_load,
      dump=_throttles_dump, default=[], kernel_may_discard=True),
    F("device_write_iops", "HostConfig.BlkioDeviceWriteIOps", "set", parse=_throttles(_ranged(0)), load=_throttles_load,
      dump=_throttles_dump, default=[], kernel_may_discard=True),
    F("device_requests", "HostConfig.DeviceRequests", "set", parse=_device_requests_parse, load=_device_requests_load,
      dump=_device_requests_dump, default=[]),
    F("storage_opts", "HostConfig.StorageOpt", parse=_map, load=lambda v: dict(v or {}), default={}),
    F("runtime", "HostConfig.Runtime", parse=_str),  # the engine's default runtime when not set: no drift
    # namespaces; the engine picks ipc and cgroupns modes when not set (KEEP: no drift)
    F("ipc_mode", "HostConfig.IpcMode", parse=_choice("none", "private", "shareable", "host", container=True), container_ref=True),
    F("pid_mode", "HostConfig.PidMode", parse=_choice("", "host", container=True), load=lambda v: v or "", default="", container_ref=True),
    F("cgroupns_mode", "HostConfig.CgroupnsMode", parse=_choice("host", "private")),
    F("userns_mode", "HostConfig.UsernsMode", parse=_choice("", "host"), load=lambda v: v or "", default=""),
    F("uts", "HostConfig.UTSMode", parse=_choice("", "host"), load=lambda v: v or "", default=""),
    F("groups", "HostConfig.GroupAdd", "set", parse=_set, load=lambda v: sorted(v or []), default=[]),
    # networking of the default bridge and name resolution
    F("mac_address", "Config.MacAddress", parse=_mac, load=lambda v: (v or "").lower(), default=""),
    F("publish_all_ports", "HostConfig.PublishAllPorts", parse=_bool, load=bool, default=False),
    F("dns_opts", "HostConfig.DnsOptions", "set", parse=_set, load=lambda v: sorted(v or []), default=[]),
    F("dns_search_domains", "HostConfig.DnsSearch", parse=_list, load=lambda v: list(v or []), default=[]),
    F("links", "HostConfig.Links", "set", parse=_each(_link), load=_links_load, default=[]),
    # volumes of others
    F("volumes_from", "HostConfig.VolumesFrom", "set", parse=_each(_volume_from), load=lambda v: sorted(v or []), default=[]),
    F("volume_driver", "HostConfig.VolumeDriver", parse=_str, load=lambda v: v or "", default=""),
]
FIELDS_BY_NAME = {f.name: f for f in FIELDS}
_ZERO = (0, "", None)


def parse_fields(params):
    """Every row of the table in option space (None: the task does not set it), with the rules between rows:
    published ports without an IP bind to default_host_ip, and the CPU limit is given one way only."""
    fields = {}
    for field in FIELDS:
        value = params.get(field.name)
        fields[field.name] = None if value is None else field.parse(field.name, value)
    host_ip = _host_ip("default_host_ip", params["default_host_ip"]) if params.get("default_host_ip") is not None else ""
    if host_ip and fields["published_ports"]:
        fields["published_ports"] = sorted({host_ip + port if not port.rsplit(":", 2)[0] else port for port in fields["published_ports"]})
    for option in ("cpu_period", "cpu_quota"):
        if fields[option] and fields["cpus"]:
            raise ParamError(option, "cannot be combined with cpus: the engine takes a CPU limit as cpus or as cpu_period/cpu_quota")
    return fields


def container_refs(fields):
    """Names of the containers that container:NAME values of the task refer to (network_mode, ipc_mode, pid_mode)."""
    return sorted({fields[f.name].split(":", 1)[1] for f in FIELDS if f.container_ref and (fields[f.name] or "").startswith("container:")})


def with_container_ids(fields, ids):
    """The fields with container:NAME written as the engine stores it, container:<ID>; `ids` maps names to IDs
    (a name missing from it stays: the container does not exist yet, and the engine will say so at create)."""
    out = dict(fields)
    for field in FIELDS:
        value = out[field.name]
        if field.container_ref and (value or "").startswith("container:") and value.split(":", 1)[1] in ids:
            out[field.name] = "container:" + ids[value.split(":", 1)[1]]
    return out


def matches(field, expected, current, managed_fields=()):
    """compare() for one row, plus the kernel's say: the engine stores the unset value for a control the kernel lacks
    (it warns "... discarded"). An option recorded at create (managed_fields) that reads unset is such a discard, not drift:
    nothing could apply it, and asking again would report a change on every run."""
    if compare(field.mode, expected, current):
        return True
    return field.kernel_may_discard and field.name in managed_fields and current == field.default and expected != field.default


def in_place(field, expected, current):
    """Whether the engine's update endpoint can make the change. A value the engine reads as unset after an update may have
    been discarded by the kernel: such a change recreates, so the option is recorded at create and matches() can tell."""
    if not field.update or not (field.zero_updates or expected not in _ZERO):
        return False
    return not (field.kernel_may_discard and current == field.default)


def bind_source_target(bind):
    """'name:/data:ro' -> ('name', '/data'); '/anon:ro' (an anonymous volume with a mode) -> ('', '/anon')."""
    parts = bind.split(":")
    if len(parts) == 1 or not parts[1].startswith("/"):
        return "", parts[0]
    return parts[0], parts[1]


def read_volumes(container, image_config):
    """The container's volumes in option space: binds, then anonymous volumes declared for it (not by its image).

    Binds of anonymous volumes carried over from a recreated container are the image's or the task's anonymous
    volumes again, so they show as '/path'."""
    out: set[str] = set()
    bound: set[str] = set()
    for bind in get_path(container, "HostConfig.Binds") or []:
        source, target = bind_source_target(bind)
        bound.add(target)
        out.add(target if ANON_VOLUME.match(source) else parse_volume("volumes", bind))
    image_volumes = set((image_config or {}).get("Volumes") or {})
    out.update(path for path in get_path(container, "Config.Volumes") or {} if path not in bound and path not in image_volumes)
    out -= image_volumes
    return sorted(out)


# settings of a volume mount that act only when its volume is made: an anonymous volume carries over to the container that
# replaces its container (Compose drops them from a recreated container's mounts), so a recreate could never apply them
_VOLUME_MAKING = ("no_copy", "labels", "volume_driver", "volume_options")


def anonymous_target(item):
    """The target of an anonymous volume in option space ('/data' of volumes; a volume mount without source, or with a
    carried-over anonymous volume's generated name as source), else None."""
    if isinstance(item, str):
        return None if ":" in item else item
    if item.get("type") == "volume" and (not item.get("source") or ANON_VOLUME.match(item["source"])):
        return item["target"]
    return None


def _anonymous_forms(item):
    """An anonymous volume as a mount without its volume-making settings, and as a volumes entry when it can be one."""
    mount = dict(item) if isinstance(item, dict) else {"type": "volume", "target": item, "read_only": False}
    mount["source"] = ""
    for key in _VOLUME_MAKING:
        mount.pop(key, None)
    plain = set(mount) <= {"type", "source", "target", "read_only"}
    return mount, (mount["target"] + (":ro" if mount["read_only"] else "") if plain else None)


def anonymous_alike(expected, current):
    """expected and current {'volumes': ..., 'mounts': ...} with each anonymous volume in one form, so the two ways to
    declare it compare equal: an entry of volumes (which the engine keeps in Config.Volumes, or as a bind of its
    generated name once carried over) and a volume mount without source (HostConfig.Mounts, as Compose makes it).
    An anonymous volume goes where the task has the same target, else stays where it is."""
    placed = {anonymous_target(item): option for option in ("volumes", "mounts") for item in expected[option] or []}
    out = []
    for side in (expected, current):
        moved: dict[str, Any] = {option: None if side[option] is None else [] for option in ("volumes", "mounts")}
        for option in ("volumes", "mounts"):
            for item in side[option] or []:
                target = anonymous_target(item)
                if target is None:
                    moved[option].append(item)
                    continue
                mount, entry = _anonymous_forms(item)
                place = placed.get(target, option) if entry is not None else "mounts"
                moved[place] = (moved[place] or []) + [entry if place == "volumes" else mount]
        out.append({"volumes": None if moved["volumes"] is None else sorted(moved["volumes"]),
                    "mounts": None if moved["mounts"] is None else sorted(moved["mounts"], key=lambda m: m["target"])})
    return out[0], out[1]


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
        type=dict(type="str", default="volume", choices=["bind", "volume", "tmpfs", "image", "npipe", "cluster"]),
        read_only=dict(type="bool", default=False),
        tmpfs_size=dict(type="str"),
        tmpfs_mode=dict(type="str"),
        consistency=dict(type="str", choices=["cached", "consistent", "default", "delegated"]),
        propagation=dict(type="str", choices=["private", "rprivate", "shared", "rshared", "slave", "rslave"]),
        non_recursive=dict(type="bool"),
        create_mountpoint=dict(type="bool"),
        read_only_non_recursive=dict(type="bool"),
        read_only_force_recursive=dict(type="bool"),
        no_copy=dict(type="bool"),
        labels=dict(type="dict"),
        volume_driver=dict(type="str"),
        volume_options=dict(type="dict"),
        subpath=dict(type="str"),
        tmpfs_options=dict(type="list", elements="dict"),
    )),
    networks=dict(type="list", elements="dict", options=dict(
        name=dict(type="str", required=True),
        aliases=dict(type="list", elements="str"),
        ipv4_address=dict(type="str"),
        ipv6_address=dict(type="str"),
        links=dict(type="list", elements="str"),
        driver_opts=dict(type="dict"),
        mac_address=dict(type="str"),
        gw_priority=dict(type="int"),
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
        start_interval=dict(type="str"),
        disable=dict(type="bool", default=False),
        test_cli_compatible=dict(type="bool"),
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
    blkio_weight=dict(type="int"),
    cpu_period=dict(type="int"),
    cpu_quota=dict(type="int"),
    cpuset_mems=dict(type="str"),
    kernel_memory=dict(type="str"),
    memory_swappiness=dict(type="int"),
    oom_killer=dict(type="bool"),
    oom_score_adj=dict(type="int"),
    cgroup_parent=dict(type="str"),
    device_cgroup_rules=dict(type="list", elements="str"),
    device_read_bps=dict(type="list", elements="dict", options=dict(path=dict(type="path", required=True), rate=dict(type="str", required=True))),
    device_write_bps=dict(type="list", elements="dict", options=dict(path=dict(type="path", required=True), rate=dict(type="str", required=True))),
    device_read_iops=dict(type="list", elements="dict", options=dict(path=dict(type="path", required=True), rate=dict(type="int", required=True))),
    device_write_iops=dict(type="list", elements="dict", options=dict(path=dict(type="path", required=True), rate=dict(type="int", required=True))),
    device_requests=dict(type="list", elements="dict", options=dict(
        capabilities=dict(type="list", elements="list"),
        count=dict(type="int"),
        device_ids=dict(type="list", elements="str"),
        driver=dict(type="str"),
        options=dict(type="dict"),
    )),
    storage_opts=dict(type="dict"),
    runtime=dict(type="str"),
    ipc_mode=dict(type="str"),
    pid_mode=dict(type="str"),
    cgroupns_mode=dict(type="str", choices=["host", "private"]),
    userns_mode=dict(type="str"),
    uts=dict(type="str"),
    groups=dict(type="list", elements="str"),
    mac_address=dict(type="str"),
    publish_all_ports=dict(type="bool"),
    default_host_ip=dict(type="str"),
    dns_opts=dict(type="list", elements="str"),
    dns_search_domains=dict(type="list", elements="str"),
    links=dict(type="list", elements="str"),
    volumes_from=dict(type="list", elements="str"),
    volume_driver=dict(type="str"),
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
    # community.docker's switches (_container_compat.py) and run options
    comparisons=dict(type="dict"),
    image_comparison=dict(type="str", choices=["desired-image", "current-image"]),
    image_label_mismatch=dict(type="str", choices=["ignore", "fail"]),
    image_name_mismatch=dict(type="str", choices=["ignore", "recreate"]),
    pull_check_mode_behavior=dict(type="str", choices=["image_not_present", "always"]),
    command_handling=dict(type="str", choices=["compatibility", "correct"]),
    cleanup=dict(type="bool", default=False),
    output_logs=dict(type="bool", default=False),
    paused=dict(type="bool"),
    removal_wait_timeout=dict(type="float"),
    kill_signal=dict(type="str"),
    platform=dict(type="str"),
)
