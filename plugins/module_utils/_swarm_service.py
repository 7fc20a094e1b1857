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

from ._errors import EngineError, NotFound, ParamError
from ._parse import docker_name, duration_ns, size_bytes, string_map
from ._plan import Action, Outcome, Plan, field_changes
from ._container_fields import _healthcheck_dump, _healthcheck_parse  # the container module's healthcheck, same options
from ._swarm import get_path, set_path

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
}
# changes of the task template: a rolling update of every task
ROLLING = ("image", "command", "args", "env", "container_labels", "mounts", "secrets", "configs", "networks", "limits",
           "reservations", "restart_config", "healthcheck", "placement.constraints", "placement.preferences")
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


def _env(value):
    if value is None:
        return None
    if isinstance(value, dict):
        env = string_map("env", value)
        return [f"{k}={v}" for k, v in env.items()]
    for i, item in enumerate(value):
        if "=" not in item or item.startswith("="):
            raise ParamError(f"env[{i}]", f"{item!r} is not NAME=value")
    return list(value)


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
        kind = mount.get("type") or "volume"
        if kind != "tmpfs" and not mount.get("source"):
            raise ParamError(f"mounts[{i}].source", f"a {kind} mount needs a source")
        if kind == "bind" and not mount["source"].startswith("/"):
            raise ParamError(f"mounts[{i}].source", f"{mount['source']!r}: a bind mount's source is an absolute path")
        if not str(mount.get("target") or "").startswith("/"):
            raise ParamError(f"mounts[{i}].target", f"{mount.get('target')!r} is not an absolute path")
        entry = {"Type": kind, "Target": mount["target"]}
        if mount.get("source"):
            entry["Source"] = mount["source"]
        if mount.get("readonly"):
            entry["ReadOnly"] = True
        out.append(entry)
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
        out.append({f"{key.capitalize()}Name": name, "File": {
            "Name": ref.get("filename") or name, "UID": str(ref.get("uid") if ref.get("uid") is not None else 0),
            "GID": str(ref.get("gid") if ref.get("gid") is not None else 0), "Mode": 0o444 if mode is None else mode}})
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
        if params.get("mode") == "global" and params.get("replicas") is not None:
            raise ParamError("replicas", "a global service runs one task per node: drop replicas or use mode: replicated")
        if params.get("wait_timeout") is not None and params["wait_timeout"] < 0:
            raise ParamError("wait_timeout", "must be 0 or more seconds")
        ratio = (params.get("update_config") or {}).get("max_failure_ratio")
        if ratio is not None and not 0 <= ratio <= 1:
            raise ParamError("update_config.max_failure_ratio", f"must be from 0 to 1, got {ratio}")
        constraints, preferences = _placement(params.get("placement"))
        health = params.get("healthcheck")
        fields = {
            "healthcheck": None if health is None else _healthcheck_dump(_healthcheck_parse("healthcheck", health)),
            "placement.constraints": constraints,
            "placement.preferences": preferences,
            "image": params.get("image"),
            "command": _command("command", params.get("command")),
            "args": _command("args", params.get("args")),
            "env": _env(params.get("env")),
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
        }
        return ServiceWant(name, "present", fields, params.get("replicas"), params.get("mode"), params.get("wait_timeout") or 0)

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
                try:
                    found = inspect(ref[key])
                except NotFound:
                    actual["missing"].append((option, ref[key]))
                    continue
                actual["ids"][(option, ref[key])] = found.get("ID") or found.get("Id")
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
        if raw is None:
            if not fields["image"]:
                raise ParamError("image", f"service {want.name} does not exist: creating it needs an image")
            after = {k: v for k, v in fields.items() if v is not None}
            plan = Plan("service", want.name, None, after)
            plan.facts["rebuilt"] = False
            spec = _spec({"Name": want.name, "TaskTemplate": {"ContainerSpec": {}}}, fields)
            plan.add(Action("create", target, data={"spec": spec, "wait": want.wait_timeout}, atomic=False))  # create, then wait
            return plan
        modes = {k: mode for k, (_path, mode) in FIELDS.items()}
        changes = field_changes(modes, fields, have, how={k: "rolling update" if k in ROLLING else "update" for k in FIELDS})
        plan = Plan("service", want.name, have, dict(have or {}, **{k: v for k, v in fields.items() if v is not None}))
        plan.facts["service_id"] = raw["ID"]
        plan.facts["rebuilt"] = False
        if changes:
            plan.add(Action("update", target, tuple(changes), data={
                "id": raw["ID"], "version": raw["Version"]["Index"], "spec": _spec(raw["Spec"], fields),
                "rolling": any(c.field in ROLLING for c in changes), "wait": want.wait_timeout,
                "previous_update": (raw.get("UpdateStatus") or {}).get("StartedAt")}, atomic=False))  # update, then wait
        return plan

    @staticmethod
    def apply(client, action):
        data = action.data
        if action.verb == "remove":
            client.api.remove_service(data["id"])
            return None
        if action.verb == "create":
            service_id = client.api.post_json("/services/create", data["spec"])["ID"]
            return _wait(client, service_id, False, None, data["wait"])
        client.api.post_json("/services/{0}/update", data["spec"], data["id"], query={"version": data["version"]})
        return _wait(client, data["id"], data["rolling"], data["previous_update"], data["wait"])

    @staticmethod
    def inspect(client, want):
        try:
            return client.api.inspect_service(want.name)
        except NotFound:
            return {}


def _resolved(fields, ids):
    """The fields with the networks', secrets' and configs' IDs the engine keeps in the spec."""
    out = copy.deepcopy(fields)
    for ref in out.get("networks") or []:
        ref["Target"] = ids[("networks", ref["Target"])]
    for option, key in (("secrets", "Secret"), ("configs", "Config")):
        for ref in out.get(option) or []:
            ref[f"{key}ID"] = ids[(option, ref[f"{key}Name"])]
    return out


def _mode(want, raw):
    if want.mode == "global":
        return {"Global": {}}
    if want.replicas is None and want.mode is None:
        return None
    have = get_path(raw, ("Spec", "Mode", "Replicated", "Replicas")) if raw else None
    return {"Replicated": {"Replicas": want.replicas if want.replicas is not None else (have if have is not None else 1)}}


def _option_state(spec):
    """The service spec in the FIELDS' terms, as the plan compares it (the engine's defaults filled in as the task's)."""
    state = {}
    for option, (path, mode) in FIELDS.items():
        value = get_path(spec, path)
        state[option] = (value or {}) if mode == "subset" else value
    image = state["image"]
    if isinstance(image, str) and "@" in image:
        state["image"] = image.split("@", 1)[0]  # the digest the CLI pins; the task names the tag
    state["mounts"] = [{k: v for k, v in m.items() if k in ("Type", "Source", "Target") or (k == "ReadOnly" and v)}
                       for m in state["mounts"] or []] or None
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
                              f"tasks: {', '.join(states) or 'none'}")
        time.sleep(0.5)


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
    mode=dict(type="str", choices=["replicated", "global"]),
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
        type=dict(type="str", choices=["bind", "volume", "tmpfs"]),
        readonly=dict(type="bool"),
    )),
    secrets=dict(type="list", elements="dict", no_log=False, options=dict(_REFERENCE, secret_name=dict(type="str", required=True))),
    configs=dict(type="list", elements="dict", options=dict(_REFERENCE, config_name=dict(type="str", required=True))),
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
    )),
    update_config=dict(type="dict", options=_UPDATE_SPEC),
    rollback_config=dict(type="dict", options=_UPDATE_SPEC),
    wait_timeout=dict(type="int", default=120),
)
