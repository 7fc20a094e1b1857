# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""How to read, compare and apply a Swarm service.

Every option maps to one place of the engine's service spec (FIELDS), in the engine's own form, so the plan compares
the task with the spec the engine returns. A change is one call of the service update endpoint, with the whole spec
(the current one with the task's fields set) and the version it was read at; never remove-and-create. After a create or
update the module waits until the engine says the service converged, or rolled the update back.
"""

from __future__ import annotations

import copy
import shlex
import time
from dataclasses import dataclass

from ._errors import APIError, EngineError, NotFound, ParamError
from ._parse import docker_name, duration_ns, size_bytes, string_map
from ._plan import Action, Outcome, Plan, field_changes
from ._container_fields import _healthcheck_dump, _healthcheck_parse  # the container module's healthcheck, same options
from ._container_fields import _caps, _hosts_parse, _string_values, _sysctls_parse
from ._swarm import get_path, set_path
from ._client import load_sdk
from ._image import auth_header_config, registry_of

_CS = ("TaskTemplate", "ContainerSpec")
# option -> (place in the service spec, compare mode)
FIELDS = {
    "image": (_CS + ("Image",), "value"),
    "command": (_CS + ("Command",), "value"),
    "args": (_CS + ("Args",), "value"),
    "env": (_CS + ("Env",), "set"),
    "container_labels": (_CS + ("Labels",), "subset"),
    "mounts": (_CS + ("Mounts",), "set"),
    "secrets": (_CS + ("Secrets",), "set"),
    "configs": (_CS + ("Configs",), "set"),
    "healthcheck": (_CS + ("Healthcheck",), "value"),
    "placement.constraints": (("TaskTemplate", "Placement", "Constraints"), "set"),
    "placement.preferences": (("TaskTemplate", "Placement", "Preferences"), "value"),
    "labels": (("Labels",), "subset"),
    "mode": (("Mode",), "value"),
    "publish": (("EndpointSpec", "Ports"), "set"),
    "networks": (("TaskTemplate", "Networks"), "set"),
    "limits": (("TaskTemplate", "Resources", "Limits"), "subset"),
    "reservations": (("TaskTemplate", "Resources", "Reservations"), "subset"),
    "restart_config": (("TaskTemplate", "RestartPolicy"), "subset"),
    "update_config": (("UpdateConfig",), "subset"),
    "rollback_config": (("RollbackConfig",), "subset"),
    "hostname": (_CS + ("Hostname",), "value"),
    "user": (_CS + ("User",), "value"),
    "working_dir": (_CS + ("Dir",), "value"),
    "groups": (_CS + ("Groups",), "set"),
    "dns": (_CS + ("DNSConfig", "Nameservers"), "value"),
    "dns_search": (_CS + ("DNSConfig", "Search"), "value"),
    "dns_options": (_CS + ("DNSConfig", "Options"), "set"),
    "hosts": (_CS + ("Hosts",), "set"),
    "init": (_CS + ("Init",), "value"),
    "tty": (_CS + ("TTY",), "value"),
    "read_only": (_CS + ("ReadOnly",), "value"),
    "stop_signal": (_CS + ("StopSignal",), "value"),
    "stop_grace_period": (_CS + ("StopGracePeriod",), "value"),
    "cap_add": (_CS + ("CapabilityAdd",), "set"),
    "cap_drop": (_CS + ("CapabilityDrop",), "set"),
    "sysctls": (_CS + ("Sysctls",), "value"),
    "logging": (("TaskTemplate", "LogDriver"), "value"),
    "placement.replicas_max_per_node": (("TaskTemplate", "Placement", "MaxReplicas"), "value"),
    "endpoint_mode": (("EndpointSpec", "Mode"), "value"),
    "force_update": (("TaskTemplate", "ForceUpdate"), "value"),  # set by plan(): the service's counter plus one
}
# changes of the task template: a rolling update of every task
ROLLING = ("image", "command", "args", "env", "container_labels", "mounts", "secrets", "configs", "networks", "limits",
           "reservations", "restart_config", "healthcheck", "placement.constraints", "placement.preferences", "hostname",
           "user", "working_dir", "groups", "dns", "dns_search", "dns_options", "hosts", "init", "tty", "read_only",
           "stop_signal", "stop_grace_period", "cap_add", "cap_drop", "sysctls", "logging", "placement.replicas_max_per_node",
           "force_update")
# the engine leaves these out of the spec when false or 0: the task's false or 0 is the same
_FALSE_WHEN_MISSING = {"init": False, "tty": False, "read_only": False, "placement.replicas_max_per_node": 0, "force_update": 0}
# service modes: the task's mode -> the key of the engine's Mode
_MODES = {"replicated": "Replicated", "global": "Global", "replicated-job": "ReplicatedJob", "global-job": "GlobalJob"}
_UPDATE_KEYS = {"parallelism": ("Parallelism", int), "delay": ("Delay", "duration"), "failure_action": ("FailureAction", str),
                "monitor": ("Monitor", "duration"), "max_failure_ratio": ("MaxFailureRatio", float), "order": ("Order", str)}
_RESTART_KEYS = {"condition": ("Condition", str), "delay": ("Delay", "duration"), "max_attempts": ("MaxAttempts", int),
                 "window": ("Window", "duration")}


@dataclass(frozen=True)
class ServiceWant:
    name: str
    state: str
    fields: dict          # FIELDS in the engine's form (None: not managed); networks, secrets, configs by name here
    replicas: int | None
    mode: str | None
    wait_timeout: int
    force_update: bool = False   # bump the task template's ForceUpdate counter: every task replaced, changed every run
    resolve_image: bool = False  # pin the image to the digest its registry has now
    registry_auth: bool = False  # send the Docker config's credentials for the image's registry (X-Registry-Auth)


def _engine_keys(option, value, keys):
    """{'delay': '5s', ...} -> {'Delay': 5000000000, ...} for update_config, rollback_config, restart_config."""
    if value is None:
        return None
    out = {}
    for key, item in value.items():
        if item is None:
            continue
        engine_key, kind = keys[key]
        if kind == "duration":
            item = duration_ns(f"{option}.{key}", item)
        if isinstance(item, (int, float)) and item < 0:
            raise ParamError(f"{option}.{key}", f"must be 0 or more, got {item}")
        out[engine_key] = item
    return out


def _resources(option, value):
    if value is None:
        return None
    out = {}
    if value.get("cpus") is not None:
        if value["cpus"] <= 0:
            raise ParamError(f"{option}.cpus", f"must be more than 0, got {value['cpus']}")
        out["NanoCPUs"] = int(round(value["cpus"] * 10 ** 9))
    if value.get("memory") is not None:
        out["MemoryBytes"] = size_bytes(f"{option}.memory", value["memory"])
    return out


def _command(option, value):
    if value is None:
        return None
    if isinstance(value, str):
        return shlex.split(value)
    return [str(v) for v in value]


def _env(value, files=None):
    """env (a dict or NAME=value items) over the env_files read in order, as the engine keeps it (NAME=value items)."""
    if value is None and not files:
        return None
    merged = {}
    for path in files or []:
        try:
            # community.docker's env_files reader, the SDK's: loaded only when a task gives env_files, so a service task
            # (a stack's re-apply) imports no SDK
            merged.update(load_sdk().utils.parse_env_file(path))
        except OSError as exc:
            raise ParamError("env_files", f"cannot read {path}: {exc.strerror}") from None
        except Exception as exc:  # pylint: disable=broad-except  # the SDK's DockerException: a line that is not NAME=value
            raise ParamError("env_files", " ".join(str(exc).split())) from None
    if isinstance(value, dict):
        merged.update(string_map("env", value))
    else:
        for i, item in enumerate(value or []):
            if "=" not in item or item.startswith("="):
                raise ParamError(f"env[{i}]", f"{item!r} is not NAME=value")
            key, _sep, item_value = item.partition("=")
            merged[key] = item_value
    return [f"{k}={v}" for k, v in merged.items()]


def _logging(value):
    """logging: {driver, options} -> the task template's LogDriver."""
    if value is None or (value.get("driver") is None and value.get("options") is None):
        return None
    if not value.get("driver"):
        raise ParamError("logging.driver", "is needed with logging.options (the options are the driver's)")
    out = {"Name": value["driver"]}
    if value.get("options"):
        out["Options"] = _string_values("logging.options", value["options"])
    return out


def _capabilities(option, value):
    """cap_add / cap_drop as the CLI keeps them: upper case, CAP_ prefixed, sorted (ALL stays ALL)."""
    if value is None:
        return None
    return [name if name == "ALL" else f"CAP_{name}" for name in _caps(option, value)]


def _mode_of(params):
    """The task's mode, checked against replicas (for a replicated job, replicas is its count of completions)."""
    mode = params.get("mode")
    if mode in ("global", "global-job") and params.get("replicas") is not None:
        raise ParamError("replicas", f"a {mode} service runs one task per node: drop replicas or use mode: replicated")
    return mode


def _publish(value):
    if value is None:
        return None
    ports = []
    for i, port in enumerate(value):
        if port.get("target_port") is None:
            raise ParamError(f"publish[{i}].target_port", "is required")
        for key in ("target_port", "published_port"):
            if port.get(key) is not None and not 1 <= port[key] <= 65535:
                raise ParamError(f"publish[{i}].{key}", f"{port[key]} is not a port (1 to 65535)")
        if port.get("mode") == "host" and port.get("published_port") is None:
            raise ParamError(f"publish[{i}].published_port", "a host-mode port needs a published port")
        entry = {"Protocol": port.get("protocol") or "tcp", "TargetPort": port["target_port"], "PublishMode": port.get("mode") or "ingress"}
        if port.get("published_port") is not None:
            entry["PublishedPort"] = port["published_port"]
        ports.append(entry)
    return ports


def _mounts(value):
    if value is None:
        return None
    out = []
    for i, mount in enumerate(value):
        # no type: an absolute source is a bind mount (community.docker's default type), a name a volume
        kind = mount.get("type") or ("bind" if str(mount.get("source") or "").startswith("/") else "volume")
        if kind != "tmpfs" and not mount.get("source"):
            raise ParamError(f"mounts[{i}].source", f"a {kind} mount needs a source")
        if kind == "bind" and not mount["source"].startswith("/"):
            raise ParamError(f"mounts[{i}].source", f"{mount['source']!r}: a bind mount's source is an absolute path")
        if not str(mount.get("target") or "").startswith("\\\\" if kind == "npipe" else "/"):  # a pipe: \\.\pipe\NAME
            raise ParamError(f"mounts[{i}].target", f"{mount.get('target')!r} is not an absolute path" + (" of a named pipe" if kind == "npipe" else ""))
        entry = {"Type": kind, "Target": mount["target"]}
        if mount.get("source"):
            entry["Source"] = mount["source"]
        if mount.get("readonly"):
            entry["ReadOnly"] = True
        for key, value in _mount_options(f"mounts[{i}]", kind, mount).items():
            set_path(entry, key, value)
        out.append(_pruned(entry))
    return out


# mount suboption -> (the mount types it applies to, where the engine keeps it in a mount)
_MOUNT_OPTIONS = {
    "labels": (("volume",), ("VolumeOptions", "Labels")),
    "no_copy": (("volume",), ("VolumeOptions", "NoCopy")),
    "driver_config": (("volume",), ("VolumeOptions", "DriverConfig")),
    "propagation": (("bind",), ("BindOptions", "Propagation")),
    "tmpfs_size": (("tmpfs",), ("TmpfsOptions", "SizeBytes")),
    "tmpfs_mode": (("tmpfs",), ("TmpfsOptions", "Mode")),
}


def _mount_options(option, kind, mount):
    """{path in the mount: value} of the suboptions a mount sets (None, false and empty are not set)."""
    out = {}
    for key, (kinds, path) in _MOUNT_OPTIONS.items():
        value = mount.get(key)
        if value in (None, False, "", {}):
            continue
        if kind not in kinds:
            raise ParamError(f"{option}.{key}", f"only applies to a {' or '.join(kinds)} mount, not to a {kind} mount")
        if key == "labels":
            value = string_map(f"{option}.labels", value)
        elif key == "driver_config":
            if not value.get("name"):
                raise ParamError(f"{option}.driver_config.name", "is required")
            value = _pruned({"Name": value["name"], "Options": string_map(f"{option}.driver_config.options", value.get("options"))})
        elif key == "tmpfs_size":
            value = size_bytes(f"{option}.tmpfs_size", value)
        elif key == "tmpfs_mode" and not 0 <= value <= 0o7777:
            raise ParamError(f"{option}.tmpfs_mode", f"{value} is not a file mode (0 to 0o7777, such as 0o1777)")
        out[path] = value
    return out


def _pruned(value):
    """A dict without its None, false and empty values, at every level: the engine leaves those out."""
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        item = _pruned(item)
        if item not in (None, False, "", {}, []):
            out[key] = item
    return out


def _references(option, value, key):
    """secrets / configs: [{secret_name, filename, uid, gid, mode}] -> the engine's references, ID filled in by read()."""
    if value is None:
        return None
    out = []
    for i, ref in enumerate(value):
        name = ref.get(f"{key}_name")
        if not name:
            raise ParamError(f"{option}[{i}].{key}_name", "is required")
        mode = ref.get("mode")
        if mode is not None and not 0 <= mode <= 0o777:
            raise ParamError(f"{option}[{i}].mode", f"{mode} is not a file mode (0 to 0o777)")
        entry = {f"{key.capitalize()}Name": name, "File": {
            "Name": ref.get("filename") or name, "UID": str(ref.get("uid") if ref.get("uid") is not None else 0),
            "GID": str(ref.get("gid") if ref.get("gid") is not None else 0), "Mode": 0o444 if mode is None else mode}}
        if ref.get(f"{key}_id"):
            entry[f"{key.capitalize()}ID"] = ref[f"{key}_id"]  # as community.docker: the ID given is used, no look-up
        out.append(entry)
    return out


def _placement(value):
    """placement -> (constraints, preferences) in the engine's form; None where not given."""
    if value is None:
        return None, None
    constraints = value.get("constraints")
    for i, item in enumerate(constraints or []):
        if not any(op in item for op in ("==", "!=")):
            raise ParamError(f"placement.constraints[{i}]", f"{item!r} is not ATTRIBUTE==VALUE or ATTRIBUTE!=VALUE, such as node.role==manager")
    preferences = value.get("preferences")
    engine_preferences = None
    if preferences is not None:
        engine_preferences = []
        for i, item in enumerate(preferences):
            if set(item) != {"spread"} or not isinstance(item["spread"], str):
                raise ParamError(f"placement.preferences[{i}]", f"{item!r} is not {{spread: ATTRIBUTE}}, such as spread: node.labels.zone")
            engine_preferences.append({"Spread": {"SpreadDescriptor": item["spread"]}})
    return (None if constraints is None else list(constraints)), engine_preferences


def _networks(value):
    if value is None:
        return None
    out = []
    for i, net in enumerate(value):
        net = {"name": net} if isinstance(net, str) else net
        if not net.get("name"):
            raise ParamError(f"networks[{i}].name", "is required")
        entry = {"Target": net["name"]}
        if net.get("aliases"):
            entry["Aliases"] = list(net["aliases"])
        out.append(entry)
    return out


class ServiceKind:
    kind = "service"
    phase = 2

    @staticmethod
    def desired(params):
        name = docker_name("name", params["name"])
        if params["state"] == "absent":
            return ServiceWant(name, "absent", {}, None, None, 0)
        if params.get("replicas") is not None and params["replicas"] < 0:
            raise ParamError("replicas", f"must be 0 or more, got {params['replicas']}")
        mode = _mode_of(params)
        if params.get("wait_timeout") is not None and params["wait_timeout"] < 0:
            raise ParamError("wait_timeout", "must be 0 or more seconds")
        ratio = (params.get("update_config") or {}).get("max_failure_ratio")
        if ratio is not None and not 0 <= ratio <= 1:
            raise ParamError("update_config.max_failure_ratio", f"must be from 0 to 1, got {ratio}")
        constraints, preferences = _placement(params.get("placement"))
        max_per_node = (params.get("placement") or {}).get("replicas_max_per_node")
        if max_per_node is not None and max_per_node < 0:
            raise ParamError("placement.replicas_max_per_node", f"must be 0 (no limit) or more, got {max_per_node}")
        health = params.get("healthcheck")
        command, args = _command("command", params.get("command")), _command("args", params.get("args"))
        if params.get("command_as_args") and (command is not None or args is not None):
            # as `docker service create IMAGE COMMAND ARG...`: everything in Args, the image's entrypoint kept
            command, args = [], (command or []) + (args or [])
        grace = params.get("stop_grace_period")
        fields = {
            "healthcheck": None if health is None else _healthcheck_dump(_healthcheck_parse("healthcheck", health)),
            "placement.constraints": constraints,
            "placement.preferences": preferences,
            "image": params.get("image"),
            "command": command,
            "args": args,
            "env": _env(params.get("env"), params.get("env_files")),
            "container_labels": string_map("container_labels", params.get("container_labels")),
            "mounts": _mounts(params.get("mounts")),
            "secrets": _references("secrets", params.get("secrets"), "secret"),
            "configs": _references("configs", params.get("configs"), "config"),
            "labels": string_map("labels", params.get("labels")),
            "mode": None,  # set by plan(): replicated keeps the replicas the service has when the task gives none
            "publish": _publish(params.get("publish")),
            "networks": _networks(params.get("networks")),
            "limits": _resources("limits", params.get("limits")),
            "reservations": _resources("reservations", params.get("reservations")),
            "restart_config": _engine_keys("restart_config", params.get("restart_config"), _RESTART_KEYS),
            "update_config": _engine_keys("update_config", params.get("update_config"), _UPDATE_KEYS),
            "rollback_config": _engine_keys("rollback_config", params.get("rollback_config"), _UPDATE_KEYS),
            "hostname": params.get("hostname"),
            "user": params.get("user"),
            "working_dir": params.get("working_dir"),
            "groups": None if params.get("groups") is None else [str(g) for g in params["groups"]],
            "dns": None if params.get("dns") is None else list(params["dns"]),
            "dns_search": None if params.get("dns_search") is None else list(params["dns_search"]),
            "dns_options": None if params.get("dns_options") is None else list(params["dns_options"]),
            "hosts": None if params.get("hosts") is None else [f"{ip} {host}" for host, ip in _hosts_parse("hosts", params["hosts"]).items()],
            "init": params.get("init"),
            "tty": params.get("tty"),
            "read_only": params.get("read_only"),
            "stop_signal": params.get("stop_signal"),
            "stop_grace_period": None if grace is None else duration_ns("stop_grace_period", grace),
            "cap_add": _capabilities("cap_add", params.get("cap_add")),
            "cap_drop": _capabilities("cap_drop", params.get("cap_drop")),
            "sysctls": None if params.get("sysctls") is None else _sysctls_parse("sysctls", params["sysctls"]),
            "logging": _logging(params.get("logging")),
            "placement.replicas_max_per_node": max_per_node,
            "endpoint_mode": params.get("endpoint_mode"),
            "force_update": None,  # set by plan() when force_update: the service's counter plus one
        }
        return ServiceWant(name, "present", fields, params.get("replicas"), mode, params.get("wait_timeout") or 0,
                           bool(params.get("force_update")), bool(params.get("resolve_image")), bool(params.get("with_registry_auth")))

    @staticmethod
    def read(client, want):
        try:
            raw = client.api.inspect_service(want.name)
        except NotFound:
            raw = None
        if raw is not None and raw["Spec"].get("Name") != want.name:
            raw = None  # found by an ID prefix that looks like the name
        actual = {"raw": raw, "inspect": raw, "ids": {}, "missing": []}
        # the spec refers to networks, secrets and configs by ID: resolve the task's names
        for option, inspect, key in (("networks", client.api.inspect_network, "Target"),
                                     ("secrets", client.api.inspect_secret, "SecretName"),
                                     ("configs", client.api.inspect_config, "ConfigName")):
            for ref in want.fields.get(option) or []:
                if key != "Target" and ref.get(key.replace("Name", "ID")):
                    continue  # the task gave the ID (secret_id, config_id)
                try:
                    found = inspect(ref[key])
                except NotFound:
                    actual["missing"].append((option, ref[key]))
                    continue
                actual["ids"][(option, ref[key])] = found.get("ID") or found.get("Id")
        image = want.fields.get("image")
        if want.resolve_image and image and "@" not in image:
            try:
                actual["digest"] = client.api.inspect_distribution(image)["Descriptor"]["digest"]
            except APIError as exc:
                raise EngineError(f"resolve_image: the registry of {image} did not say its digest: {exc.explanation}") from None
        return actual

    @staticmethod
    def plan(want, actual):
        raw = actual["raw"]
        target = f"service {want.name}"
        have = None if raw is None else _option_state(raw["Spec"])
        if want.state == "absent":
            plan = Plan("service", want.name, have, None)
            plan.facts["rebuilt"] = False  # community.docker's key: a service is never removed and created again here
            if raw is not None:
                plan.add(Action("remove", target, data={"id": raw["ID"]}))
            return plan
        if actual["missing"]:
            option, name = actual["missing"][0]
            raise ParamError(option, f"no such {option[:-1]}: {name}")
        fields = _resolved(want.fields, actual["ids"])
        fields["mode"] = _mode(want, raw)
        if actual.get("digest"):
            fields["image"] = f"{fields['image']}@{actual['digest']}"  # as the CLI pins it
        pinned = "@" in (fields.get("image") or "")
        if pinned and raw is not None:
            have = _option_state(raw["Spec"], keep_digest=True)
        if want.force_update and raw is not None:
            fields["force_update"] = (have or {}).get("force_update", 0) + 1
        if raw is None:
            if not fields["image"]:
                raise ParamError("image", f"service {want.name} does not exist: creating it needs an image")
            after = {k: v for k, v in fields.items() if v is not None}
            plan = Plan("service", want.name, None, after)
            plan.facts["rebuilt"] = False
            spec = _spec({"Name": want.name, "TaskTemplate": {"ContainerSpec": {}}}, fields)
            plan.add(Action("create", target, data={"spec": spec, "wait": want.wait_timeout, "registry_auth": want.registry_auth},
                            atomic=False))  # create, then wait
            return plan
        modes = {k: mode for k, (_path, mode) in FIELDS.items()}
        changes = field_changes(modes, fields, have, how={k: "rolling update" if k in ROLLING else "update" for k in FIELDS})
        plan = Plan("service", want.name, have, dict(have or {}, **{k: v for k, v in fields.items() if v is not None}))
        plan.facts["service_id"] = raw["ID"]
        plan.facts["rebuilt"] = False
        if changes:
            plan.add(Action("update", target, tuple(changes), data={
                "id": raw["ID"], "version": raw["Version"]["Index"], "spec": _spec(raw["Spec"], fields),
                "rolling": any(c.field in ROLLING for c in changes), "wait": want.wait_timeout, "registry_auth": want.registry_auth,
                "previous_update": (raw.get("UpdateStatus") or {}).get("StartedAt")}, atomic=False))  # update, then wait
        return plan

    @staticmethod
    def apply(client, action):
        data = action.data
        if action.verb == "remove":
            client.api.remove_service(data["id"])
            return None
        # the credentials are read here, at the call, and go in its header only: never in the plan, result or diff
        headers = _registry_auth_header(client, get_path(data["spec"], _CS + ("Image",))) if data.get("registry_auth") else None
        if action.verb == "create":
            service_id = client.api.post_json("/services/create", data["spec"], headers=headers)["ID"]
            return _wait(client, service_id, False, None, data["wait"])
        client.api.post_json("/services/{0}/update", data["spec"], data["id"], query={"version": data["version"]}, headers=headers)
        return _wait(client, data["id"], data["rolling"], data["previous_update"], data["wait"])

    @staticmethod
    def inspect(client, want):
        try:
            return client.api.inspect_service(want.name)
        except NotFound:
            return {}


def _registry_auth_header(client, image):
    """X-Registry-Auth of a service create or update, as `docker service create/update --with-registry-auth` sends it:
    the credentials the Docker config (or its credential helper) has for the image's registry, which the engine keeps
    with the service so every node pulls with them. None when the config has none: an update without the header keeps
    the credentials the service was given before."""
    auth = auth_header_config(client, None, registry_of(image or ""))
    if not auth:
        return None
    return {"X-Registry-Auth": load_sdk().auth.encode_header(auth).decode("ascii")}


def _resolved(fields, ids):
    """The fields with the networks', secrets' and configs' IDs the engine keeps in the spec."""
    out = copy.deepcopy(fields)
    for ref in out.get("networks") or []:
        ref["Target"] = ids[("networks", ref["Target"])]
    for option, key in (("secrets", "Secret"), ("configs", "Config")):
        for ref in out.get(option) or []:
            if not ref.get(f"{key}ID"):
                ref[f"{key}ID"] = ids[(option, ref[f"{key}Name"])]
    return out


def _mode(want, raw):
    if want.mode in ("global", "global-job"):
        return {_MODES[want.mode]: {}}
    if want.replicas is None and want.mode is None:
        return None
    if want.mode == "replicated-job" or (want.mode is None and get_path(raw, ("Spec", "Mode", "ReplicatedJob"))):
        have = get_path(raw, ("Spec", "Mode", "ReplicatedJob", "TotalCompletions")) if raw else None
        completions = want.replicas if want.replicas is not None else (have if have is not None else 1)
        return {"ReplicatedJob": {"MaxConcurrent": 1, "TotalCompletions": completions}}  # one task at a time, as the CLI
    have = get_path(raw, ("Spec", "Mode", "Replicated", "Replicas")) if raw else None
    return {"Replicated": {"Replicas": want.replicas if want.replicas is not None else (have if have is not None else 1)}}


def _option_state(spec, keep_digest=False):
    """The service spec in the FIELDS' terms, as the plan compares it (the engine's defaults filled in as the task's)."""
    state = {}
    for option, (path, mode) in FIELDS.items():
        value = get_path(spec, path)
        state[option] = (value or {}) if mode == "subset" else value
    image = state["image"]
    if isinstance(image, str) and "@" in image and not keep_digest:
        state["image"] = image.split("@", 1)[0]  # the digest the CLI pins; the task names the tag (unless it pins one)
    state["command"] = state["command"] or []  # no command: the image's entrypoint, as command_as_args sends it
    for option, default in _FALSE_WHEN_MISSING.items():
        state[option] = state[option] or default
    state["endpoint_mode"] = state["endpoint_mode"] or "vip"
    state["logging"] = _pruned(state["logging"]) or None
    for option in ("cap_add", "cap_drop"):
        state[option] = _capabilities(None, state[option]) if state[option] else state[option]
    kept = ("Type", "Source", "Target", "ReadOnly", "VolumeOptions", "BindOptions", "TmpfsOptions")
    state["mounts"] = [_pruned({k: v for k, v in m.items() if k in kept}) for m in state["mounts"] or []] or None
    state["publish"] = [dict({"Protocol": "tcp", "PublishMode": "ingress"}, **p) for p in state["publish"] or []] or None
    state["networks"] = [{k: v for k, v in n.items() if k in ("Target", "Aliases") and v} for n in state["networks"] or []] or None
    return state


def _spec(current, fields):
    spec = copy.deepcopy(current)
    for option, (path, mode) in FIELDS.items():
        if fields.get(option) is not None:
            set_path(spec, path, fields[option], merge=mode == "subset")
    return spec


_FINAL_FAILURES = {"rollback_completed": "the update failed and the engine rolled the service back to its previous spec",
                   "paused": "the update failed and the engine paused it", "rollback_paused": "the update failed, and so did its rollback"}


def _wait(client, service_id, rolling, previous, timeout):
    """Wait until the service converged: its rolling update completed (one that started after the update call: its start
    time differs from `previous`, the one the plan read), or every task it wants running runs. A rolled-back or paused
    update is an error saying so; so is a timeout, with the tasks' states."""
    deadline = time.monotonic() + timeout
    stuck = 0
    while True:
        service = client.api.inspect_service(service_id)
        if timeout and set(get_path(service, ("Spec", "Mode")) or {}) & {"ReplicatedJob", "GlobalJob"}:
            return _wait_job(client, service, deadline, timeout)
        status = service.get("UpdateStatus") or {}
        ours = rolling and bool(status.get("StartedAt")) and status["StartedAt"] != previous
        if ours and status.get("State") in _FINAL_FAILURES:
            raise EngineError(f"{_FINAL_FAILURES[status['State']]}: {status.get('Message')}", clean=status["State"] == "rollback_completed")
        tasks = client.api.tasks(filters={"service": service_id, "desired-state": "running"})
        running = [t for t in tasks if t["Status"]["State"] == "running"]
        wanted = get_path(service, ("Spec", "Mode", "Replicated", "Replicas"))
        tasks_done = len(running) == len(tasks) and (len(running) == wanted if wanted is not None else bool(tasks))
        unplaceable = [t["Status"]["Err"] for t in tasks if t["Status"]["State"] == "pending" and t["Status"].get("Err")]
        stuck = stuck + 1 if tasks and len(unplaceable) == len(tasks) else 0
        if stuck >= 6:  # 3 s with every task pending for a reason: no node can take them until the swarm changes
            raise EngineError(f"no node can run the service's tasks: {len(tasks)} pending: {unplaceable[0]}")
        # a template change that needs no new task (the engine found the tasks equal) starts no update: 10 s of none is done
        idle = rolling and not ours and tasks_done and time.monotonic() > deadline - timeout + 10
        if (ours and status.get("State") == "completed") or (not rolling and tasks_done) or idle or timeout == 0:
            return Outcome(facts={"service_id": service_id})
        if time.monotonic() > deadline:
            states = sorted(f"{t['Status']['State']}" + (f" ({t['Status']['Err']})" if t["Status"].get("Err") else "") for t in tasks)
            raise EngineError(f"service not converged after {timeout}s (update {status.get('State') or 'not started'}); "
                              f"tasks: {', '.join(states) or 'none'}{_last_failure(client, service_id)}")
        time.sleep(0.5)


def _last_failure(client, service_id):
    """'; the last failed task: <its error>' when a task of the service failed (its replacement may be starting)."""
    failed = [t for t in client.api.tasks(filters={"service": service_id}) if t["Status"].get("Err")]
    if not failed:
        return ""
    last = max(failed, key=lambda t: t["Status"].get("Timestamp") or "")
    return f"; the last failed task: {last['Status']['Err']}"


def _wait_job(client, service, deadline, timeout):
    """A job runs to completion (a create or an update starts a new iteration of it): wait until the tasks of the
    current iteration completed - TotalCompletions of them for a replicated job, one per node for a global job."""
    total = get_path(service, ("Spec", "Mode", "ReplicatedJob", "TotalCompletions"))
    while True:
        iteration = get_path(service, ("JobStatus", "JobIteration", "Index"))
        tasks = [t for t in client.api.tasks(filters={"service": service["ID"]})
                 if get_path(t, ("JobIteration", "Index")) == iteration and t.get("DesiredState") != "shutdown"]
        complete = [t for t in tasks if t["Status"]["State"] == "complete"]
        if tasks and (len(complete) >= total if total is not None else len(complete) == len(tasks)):
            return Outcome(facts={"service_id": service["ID"]})
        if time.monotonic() > deadline:
            states = sorted(f"{t['Status']['State']}" + (f" ({t['Status']['Err']})" if t["Status"].get("Err") else "") for t in tasks)
            raise EngineError(f"job not completed after {timeout}s; tasks: {', '.join(states) or 'none'}{_last_failure(client, service['ID'])}")
        time.sleep(0.5)
        service = client.api.inspect_service(service["ID"])


_UPDATE_SPEC = dict(
    parallelism=dict(type="int"),
    delay=dict(type="str"),
    failure_action=dict(type="str", choices=["continue", "pause", "rollback"]),
    monitor=dict(type="str"),
    max_failure_ratio=dict(type="float"),
    order=dict(type="str", choices=["stop-first", "start-first"]),
)
_REFERENCE = dict(filename=dict(type="str"), uid=dict(type="int"), gid=dict(type="int"), mode=dict(type="int"))

# The module's options (documented in plugins/modules/service.py).
SERVICE_SPEC = dict(
    name=dict(type="str", required=True),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    image=dict(type="str"),
    command=dict(type="raw"),
    args=dict(type="list", elements="str"),
    env=dict(type="raw"),
    labels=dict(type="dict"),
    container_labels=dict(type="dict"),
    mode=dict(type="str", choices=["replicated", "global", "replicated-job", "global-job"]),
    replicas=dict(type="int"),
    publish=dict(type="list", elements="dict", options=dict(
        published_port=dict(type="int"),
        target_port=dict(type="int"),
        protocol=dict(type="str", choices=["tcp", "udp", "sctp"]),
        mode=dict(type="str", choices=["ingress", "host"]),
    )),
    networks=dict(type="list", elements="raw"),
    mounts=dict(type="list", elements="dict", options=dict(
        source=dict(type="str"),
        target=dict(type="str"),
        type=dict(type="str", choices=["bind", "volume", "tmpfs", "npipe"]),
        readonly=dict(type="bool"),
        labels=dict(type="dict"),
        propagation=dict(type="str", choices=["shared", "slave", "private", "rshared", "rslave", "rprivate"]),
        no_copy=dict(type="bool"),
        driver_config=dict(type="dict", options=dict(name=dict(type="str"), options=dict(type="dict"))),
        tmpfs_size=dict(type="str"),
        tmpfs_mode=dict(type="int"),
    )),
    secrets=dict(type="list", elements="dict", no_log=False, options=dict(
        _REFERENCE, secret_name=dict(type="str", required=True), secret_id=dict(type="str", no_log=False))),
    configs=dict(type="list", elements="dict", options=dict(
        _REFERENCE, config_name=dict(type="str", required=True), config_id=dict(type="str"))),
    limits=dict(type="dict", options=dict(cpus=dict(type="float"), memory=dict(type="str"))),
    reservations=dict(type="dict", options=dict(cpus=dict(type="float"), memory=dict(type="str"))),
    restart_config=dict(type="dict", options=dict(
        condition=dict(type="str", choices=["none", "on-failure", "any"]),
        delay=dict(type="str"),
        max_attempts=dict(type="int"),
        window=dict(type="str"),
    )),
    healthcheck=dict(type="dict", options=dict(
        test=dict(type="raw"),
        interval=dict(type="str"),
        timeout=dict(type="str"),
        retries=dict(type="int"),
        start_period=dict(type="str"),
        disable=dict(type="bool", default=False),
    )),
    placement=dict(type="dict", options=dict(
        constraints=dict(type="list", elements="str"),
        preferences=dict(type="list", elements="dict"),
        replicas_max_per_node=dict(type="int"),
    )),
    update_config=dict(type="dict", options=_UPDATE_SPEC),
    rollback_config=dict(type="dict", options=_UPDATE_SPEC),
    wait_timeout=dict(type="int", default=120),
    command_as_args=dict(type="bool", default=False),
    env_files=dict(type="list", elements="path"),
    hostname=dict(type="str"),
    user=dict(type="str"),
    working_dir=dict(type="str"),
    groups=dict(type="list", elements="str"),
    dns=dict(type="list", elements="str"),
    dns_search=dict(type="list", elements="str"),
    dns_options=dict(type="list", elements="str"),
    hosts=dict(type="dict"),
    init=dict(type="bool"),
    tty=dict(type="bool"),
    read_only=dict(type="bool"),
    stop_signal=dict(type="str"),
    stop_grace_period=dict(type="str"),
    cap_add=dict(type="list", elements="str"),
    cap_drop=dict(type="list", elements="str"),
    sysctls=dict(type="dict"),
    logging=dict(type="dict", options=dict(driver=dict(type="str"), options=dict(type="dict"))),
    endpoint_mode=dict(type="str", choices=["vip", "dnsrr"]),
    force_update=dict(type="bool", default=False),
    resolve_image=dict(type="bool", default=False),
    with_registry_auth=dict(type="bool", default=False),
)
