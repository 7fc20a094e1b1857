# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""How to read, compare and apply the Swarm membership of one engine: init, join, leave, and the swarm's spec.

The spec fields the swarm update endpoint accepts change in place (on a manager). The addresses and the address pools
are fixed when the swarm is made: a task that gives other pools for an existing swarm fails naming them.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from typing import Any

from ._errors import EngineError, NotFound, ParamError
from ._parse import ip_network, string_map
from ._plan import Action, Change, Outcome, Plan, field_changes

# option -> (path in the swarm's Spec, compare mode): what `docker swarm update` changes in place
SPEC_FIELDS = {
    "labels": (("Labels",), "subset"),
    "task_history_retention_limit": (("Orchestration", "TaskHistoryRetentionLimit"), "value"),
    "snapshot_interval": (("Raft", "SnapshotInterval"), "value"),
    "keep_old_snapshots": (("Raft", "KeepOldSnapshots"), "value"),
    "log_entries_for_slow_followers": (("Raft", "LogEntriesForSlowFollowers"), "value"),
    "autolock_managers": (("EncryptionConfig", "AutoLockManagers"), "value"),
    "heartbeat_tick": (("Raft", "HeartbeatTick"), "value"),
    "election_tick": (("Raft", "ElectionTick"), "value"),
    "dispatcher_heartbeat_period": (("Dispatcher", "HeartbeatPeriod"), "value"),
    "node_cert_expiry": (("CAConfig", "NodeCertExpiry"), "value"),
    "ca_force_rotate": (("CAConfig", "ForceRotate"), "value"),
    "name": (("Name",), "value"),
    # the engine never returns the signing CA: compared with the swarm's root CA (TLSInfo.TrustRoot) by _option_state()
    "signing_ca_cert": (("CAConfig", "SigningCACert"), "value"),
}
# sent with signing_ca_cert when it changes, never compared (the engine does not return it)
_SIGNING_KEY = ("CAConfig", "SigningCAKey")
SWARM_NAME = "default"  # the engine keeps one swarm spec, by this name
DEFAULT_PORT = 2377


@dataclass(frozen=True)
class SwarmWant:
    name: str  # "swarm", for messages and the resource lock
    state: str
    spec: dict                # SPEC_FIELDS in option space (None: not managed)
    init: dict                # advertise_addr, listen_addr, data_path_addr, default_addr_pool, subnet_size
    remote_addrs: tuple
    join_token: str | None
    force: bool
    rotate: tuple = ()          # "worker", "manager": join tokens to rotate (every run that asks)
    signing_ca_key: str | None = None
    node_id: str | None = None  # state: remove


def _manager_address(option, value):
    """host:port of a manager, with the swarm port when none is given (as the engine reports RemoteManagers)."""
    if not isinstance(value, str) or not value.strip():
        raise ParamError(option, f"{value!r} is not a manager address such as 10.0.0.1 or 10.0.0.1:2377")
    value = value.strip()
    host, _sep, port = value.rpartition(":")
    if host and port.isdigit() and "]" not in port:
        return value
    return f"{value}:{DEFAULT_PORT}"


def _pem(option, value, kind):
    """PEM text (not a path, as community.docker takes it), without the spaces around it."""
    if value is None:
        return None
    text = str(value).strip()
    if not text.startswith("-----BEGIN ") or kind not in text.splitlines()[0]:
        raise ParamError(option, f"must be the {kind.lower()} itself in PEM form (-----BEGIN ...{kind}-----), not a path")
    return text + "\n"


def _non_negative(option, value):
    if value is not None and value < 0:
        raise ParamError(option, f"must be 0 or more, got {value}")
    return value


class SwarmKind:
    kind = "swarm"
    also_returned_as = ("swarm_facts",)  # community.docker.docker_swarm's key
    phase = 0

    @staticmethod
    def desired(params):
        state = params.get("state") or "present"
        spec = {
            "labels": string_map("labels", params.get("labels")),
            "task_history_retention_limit": _non_negative("task_history_retention_limit", params.get("task_history_retention_limit")),
            "snapshot_interval": _non_negative("snapshot_interval", params.get("snapshot_interval")),
            "keep_old_snapshots": _non_negative("keep_old_snapshots", params.get("keep_old_snapshots")),
            "log_entries_for_slow_followers": _non_negative("log_entries_for_slow_followers", params.get("log_entries_for_slow_followers")),
            "autolock_managers": params.get("autolock_managers"),
            "heartbeat_tick": _non_negative("heartbeat_tick", params.get("heartbeat_tick")),
            "election_tick": _non_negative("election_tick", params.get("election_tick")),
            "dispatcher_heartbeat_period": _non_negative("dispatcher_heartbeat_period", params.get("dispatcher_heartbeat_period")),
            "node_cert_expiry": _non_negative("node_cert_expiry", params.get("node_cert_expiry")),
            "ca_force_rotate": _non_negative("ca_force_rotate", params.get("ca_force_rotate")),
            "name": params.get("name"),
            "signing_ca_cert": _pem("signing_ca_cert", params.get("signing_ca_cert"), "CERTIFICATE"),
        }
        key = _pem("signing_ca_key", params.get("signing_ca_key"), "PRIVATE KEY")
        if key and not spec["signing_ca_cert"]:
            raise ParamError("signing_ca_key", "is the key of signing_ca_cert: give both")
        if spec["name"] is not None and spec["name"] != SWARM_NAME:
            raise ParamError("name", f"the engine keeps one swarm spec, named {SWARM_NAME!r}, and refuses another name; got {spec['name']!r}")
        for option in ("heartbeat_tick", "election_tick"):
            if params.get(option) == 0:
                raise ParamError(option, "must be 1 or more (raft ticks)")
        ticks = (params.get("heartbeat_tick"), params.get("election_tick"))
        if None not in ticks and ticks[1] <= ticks[0]:
            raise ParamError("election_tick", f"must be more than heartbeat_tick ({ticks[0]}), got {ticks[1]}")
        port = params.get("data_path_port")
        if port is not None and not 1024 <= port <= 49151:
            raise ParamError("data_path_port", f"must be a port from 1024 to 49151 (the engine's range), got {port}")
        rotate = tuple(role for role in ("worker", "manager") if params.get(f"rotate_{role}_token"))
        if state == "remove":
            if not params.get("node_id"):
                raise ParamError("node_id", "state: remove needs the ID (or hostname) of the node to take out of the swarm")
            return SwarmWant("swarm", state, {}, {}, (), None, bool(params.get("force")), node_id=params["node_id"])
        if params.get("snapshot_interval") == 0:
            raise ParamError("snapshot_interval", "must be 1 or more (log entries between snapshots)")
        pools = params.get("default_addr_pool")
        subnet_size = params.get("subnet_size")
        if subnet_size is not None and not 1 <= subnet_size <= 32:
            raise ParamError("subnet_size", f"must be a prefix length from 1 to 32, got {subnet_size}")
        init = {
            "advertise_addr": params.get("advertise_addr"),
            "listen_addr": params.get("listen_addr"),
            "data_path_addr": params.get("data_path_addr"),
            "default_addr_pool": None if pools is None else [ip_network(f"default_addr_pool[{i}]", p) for i, p in enumerate(pools)],
            "subnet_size": subnet_size,
            "data_path_port": port,
        }
        remote = tuple(_manager_address(f"remote_addrs[{i}]", a) for i, a in enumerate(params.get("remote_addrs") or []))
        if state == "join":
            if not remote:
                raise ParamError("remote_addrs", "state: join needs the address of at least one manager")
            if not params.get("join_token"):
                raise ParamError("join_token", "state: join needs the swarm's worker or manager join token")
            managed = sorted(k for k, v in dict(spec, default_addr_pool=pools, subnet_size=subnet_size, data_path_port=port,
                                                rotate_worker_token=params.get("rotate_worker_token") or None,
                                                rotate_manager_token=params.get("rotate_manager_token") or None).items() if v is not None)
            if managed:
                raise ParamError(managed[0], "is a setting of the swarm, made on a manager with state: present; a joining node cannot set it")
        return SwarmWant("swarm", state, spec, init, remote, params.get("join_token"), bool(params.get("force")), rotate, key)

    @staticmethod
    def read(client, want):
        node = client.info().get("Swarm") or {}
        actual: dict[str, Any] = {"node": node, "raw": None}
        if node.get("LocalNodeState") == "active" and node.get("ControlAvailable"):
            actual["raw"] = client.api.inspect_swarm()
            if want.state == "remove":
                actual["target"] = _node_to_remove(client, want.node_id)
        return actual

    @staticmethod
    def plan(want, actual):
        node, raw = actual["node"], actual["raw"]
        local = node.get("LocalNodeState") or "inactive"
        before = None if local == "inactive" else _option_state(node, raw)
        if want.state == "remove":
            return _remove_plan(want, actual)
        if want.state == "absent":
            plan = Plan("swarm", "swarm", before, None)
            if local == "inactive":
                return plan
            if node.get("ControlAvailable") and not want.force:
                raise ParamError("force", "this engine is a swarm manager; leaving can make the swarm lose its quorum: set force: true to leave")
            plan.add(Action("leave", "swarm", data={"force": want.force}, note="as a manager, forced" if node.get("ControlAvailable") else ""))
            return plan
        if local not in ("inactive", "active"):
            raise ParamError("state", f"this engine's swarm node is {local}; unlock it or leave the swarm (state: absent) first")

        if want.state == "join":
            if local == "active":
                managers = {m.get("Addr") for m in node.get("RemoteManagers") or []}
                if not managers & set(want.remote_addrs):
                    raise ParamError("remote_addrs", f"this engine is already in a swarm whose managers are {', '.join(sorted(managers))}: "
                                     "leave it first (state: absent)")
                return Plan("swarm", "swarm", before, before)
            plan = Plan("swarm", "swarm", None, {"remote_addrs": list(want.remote_addrs)})
            plan.add(Action("join", f"swarm at {', '.join(want.remote_addrs)}", data={
                "remote_addrs": list(want.remote_addrs), "join_token": want.join_token,
                **{k: want.init[k] for k in ("advertise_addr", "listen_addr", "data_path_addr") if want.init[k]}}))
            return plan

        # state: present
        if local == "active" and raw is None:
            raise ParamError("state", "this engine is a swarm worker: run the task against a manager of the swarm, or leave it first (state: absent)")
        if raw is None:
            after = {k: v for k, v in dict(want.init, **want.spec).items() if v is not None}
            plan = Plan("swarm", "swarm", None, after)
            spec = _spec({}, want.spec)
            if want.signing_ca_key:
                set_path(spec, _SIGNING_KEY, want.signing_ca_key)
            plan.add(Action("init", "swarm", data={"init": {k: v for k, v in want.init.items() if v is not None}, "spec": spec,
                                                   "autolock": bool(want.spec["autolock_managers"]),
                                                   "ca_rotation": bool(want.spec["signing_ca_cert"] or want.spec["ca_force_rotate"])}))
            return plan
        for option, key in (("default_addr_pool", "DefaultAddrPool"), ("subnet_size", "SubnetSize"), ("data_path_port", "DataPathPort")):
            if want.init[option] is not None and want.init[option] != raw.get(key):
                raise ParamError(option, f"the swarm has {raw.get(key)!r}, the task {want.init[option]!r}: it is set when the swarm is made "
                                 "and cannot change (leave the swarm on every node and init it again)")
        have = before or {}
        changes = field_changes({k: mode for k, (_path, mode) in SPEC_FIELDS.items()}, want.spec, have, how={k: "update" for k in SPEC_FIELDS})
        # a token rotation is asked for, never compared: every run that asks rotates (as community.docker)
        changes += [Change(f"rotate_{role}_token", False, True, "update") for role in want.rotate]
        plan = Plan("swarm", "swarm", have, dict(have, **{k: v for k, v in want.spec.items() if v is not None}))
        if changes:
            turned_on = bool(want.spec["autolock_managers"]) and not have.get("autolock_managers")
            new_ca = any(c.field == "signing_ca_cert" for c in changes)
            spec = _spec(raw["Spec"], dict(want.spec, signing_ca_cert=want.spec["signing_ca_cert"] if new_ca else None))
            if new_ca and want.signing_ca_key:
                set_path(spec, _SIGNING_KEY, want.signing_ca_key)
            plan.add(Action("update", "swarm", tuple(changes), data={
                "version": raw["Version"]["Index"], "spec": spec, "autolock": turned_on,
                "ca_rotation": new_ca or any(c.field == "ca_force_rotate" for c in changes),
                **{f"rotate_{role}_token": True for role in want.rotate}}))
        return plan

    @staticmethod
    def apply(client, action):
        data = action.data
        if action.verb == "leave":
            client.api.leave_swarm(force=data["force"])
        elif action.verb == "join":
            client.api.join_swarm(**data)
        elif action.verb == "init":
            client.api.init_swarm(swarm_spec=data["spec"], **data["init"])
        elif action.verb == "update":
            client.api.update_swarm(version=data["version"], swarm_spec=data["spec"], rotate_worker_token=data.get("rotate_worker_token", False),
                                    rotate_manager_token=data.get("rotate_manager_token", False))
        elif action.verb == "remove":
            client.api.remove_node(data["node_id"], force=data["force"])
            return None
        if data.get("ca_rotation"):
            _wait_root_rotation(client)
        if data.get("autolock"):
            return _unlock_key(client)
        return None

    @staticmethod
    def inspect(client, want):
        node = client.info().get("Swarm") or {}
        if node.get("LocalNodeState") != "active":
            return {}
        return client.api.inspect_swarm() if node.get("ControlAvailable") else node


def _node_to_remove(client, node_id, down_wait=5):
    """The node of state: remove, None when the swarm has no such node. A node that is not down yet (one that has just
    left, or stopped) is read again for up to down_wait seconds, as community.docker checks it."""
    deadline = time.monotonic() + down_wait
    while True:
        try:
            found = client.api.inspect_node(node_id)
        except NotFound:
            return None
        if (found.get("Status") or {}).get("State") == "down" or time.monotonic() > deadline:
            return found
        time.sleep(1)


def _remove_plan(want, actual):
    """state: remove - take a node that is down out of the swarm's node list (on a manager)."""
    if actual["raw"] is None:
        raise ParamError("state", "state: remove takes a node out of the swarm on a manager: this engine is no swarm manager")
    target = actual.get("target")
    if target is None:
        return Plan("swarm", want.node_id, None, None)
    name = (target.get("Description") or {}).get("Hostname") or target["ID"]
    status = (target.get("Status") or {}).get("State")
    before = {"node_id": target["ID"], "hostname": name, "status": status, "role": (target.get("Spec") or {}).get("Role")}
    if status != "down":
        raise ParamError("node_id", f"node {name} ({target['ID']}) is {status}, not down: leave the swarm on it first (state: absent)")
    if target.get("ManagerStatus") and not want.force:
        raise ParamError("force", f"node {name} is a manager: demote it first (dockhand.docker.node role: worker), or set force: true")
    plan = Plan("swarm", want.node_id, before, None)
    plan.add(Action("remove", f"node {name} from the swarm", data={"node_id": target["ID"], "force": want.force}))
    return plan


def _wait_root_rotation(client, timeout=120):
    """A new signing CA (or ca_force_rotate) starts a root CA rotation: every node gets a certificate of the new CA.
    Wait until it completed, so the next run compares with the new root."""
    deadline = time.monotonic() + timeout
    while client.api.inspect_swarm().get("RootRotationInProgress"):
        if time.monotonic() > deadline:
            raise EngineError(f"the swarm's root CA rotation did not complete in {timeout}s (nodes that are down keep it going)")
        time.sleep(1)


def _unlock_key(client):
    return Outcome(facts={"swarm_unlock_key": (client.api.get_unlock_key() or {}).get("UnlockKey")})


def get_path(spec, path):
    """spec[path[0]][path[1]]..., None where a level is missing."""
    for key in path:
        spec = (spec or {}).get(key)
    return spec


def set_path(spec, path, value, merge=False):
    """Set spec[path[0]][path[1]]... (making the levels), merging into the dict there when merge."""
    parent = spec
    for key in path[:-1]:
        if not isinstance(parent.get(key), dict):
            parent[key] = {}
        parent = parent[key]
    parent[path[-1]] = dict(parent.get(path[-1]) or {}, **value) if merge else value


def _option_state(node, raw):
    """The swarm as the plan compares it, in option space."""
    state = {"node_id": node.get("NodeID"), "node_addr": node.get("NodeAddr"), "manager": bool(node.get("ControlAvailable"))}
    if raw is not None:
        spec = raw.get("Spec") or {}
        for option, (path, mode) in SPEC_FIELDS.items():
            value = get_path(spec, path)
            state[option] = (value or {}) if mode == "subset" else (bool(value) if option == "autolock_managers" else value)
        state["ca_force_rotate"] = state["ca_force_rotate"] or 0
        trust_root = (raw.get("TLSInfo") or {}).get("TrustRoot")
        state["signing_ca_cert"] = trust_root.strip() + "\n" if trust_root else None
        state["default_addr_pool"] = raw.get("DefaultAddrPool")
        state["subnet_size"] = raw.get("SubnetSize")
        state["data_path_port"] = raw.get("DataPathPort")
    return state


def _spec(current, wanted):
    """The whole swarm spec to send (the engine replaces it): the current one with the task's fields set."""
    spec = copy.deepcopy(current)
    for option, (path, mode) in SPEC_FIELDS.items():
        if wanted.get(option) is not None:
            set_path(spec, path, wanted[option], merge=mode == "subset")
    return spec


# The module's options (documented in plugins/modules/swarm.py).
SWARM_SPEC = dict(
    state=dict(type="str", default="present", choices=["present", "join", "absent", "remove"]),
    advertise_addr=dict(type="str"),
    listen_addr=dict(type="str"),
    data_path_addr=dict(type="str"),
    default_addr_pool=dict(type="list", elements="str"),
    subnet_size=dict(type="int"),
    remote_addrs=dict(type="list", elements="str"),
    join_token=dict(type="str", no_log=True),
    force=dict(type="bool", default=False),
    labels=dict(type="dict"),
    task_history_retention_limit=dict(type="int"),
    snapshot_interval=dict(type="int"),
    keep_old_snapshots=dict(type="int"),
    log_entries_for_slow_followers=dict(type="int"),
    autolock_managers=dict(type="bool"),
    heartbeat_tick=dict(type="int"),
    election_tick=dict(type="int"),
    dispatcher_heartbeat_period=dict(type="int"),
    node_cert_expiry=dict(type="int"),
    name=dict(type="str"),
    signing_ca_cert=dict(type="str"),
    signing_ca_key=dict(type="str", no_log=True),
    ca_force_rotate=dict(type="int"),
    rotate_worker_token=dict(type="bool", default=False, no_log=False),
    rotate_manager_token=dict(type="bool", default=False, no_log=False),
    data_path_port=dict(type="int"),
    node_id=dict(type="str"),
)
