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
from dataclasses import dataclass
from typing import Any

from ._errors import ParamError
from ._parse import ip_network, string_map
from ._plan import Action, Outcome, Plan, field_changes

# option -> (path in the swarm's Spec, compare mode): what `docker swarm update` changes in place
SPEC_FIELDS = {
    "labels": (("Labels",), "subset"),
    "task_history_retention_limit": (("Orchestration", "TaskHistoryRetentionLimit"), "value"),
    "snapshot_interval": (("Raft", "SnapshotInterval"), "value"),
    "keep_old_snapshots": (("Raft", "KeepOldSnapshots"), "value"),
    "log_entries_for_slow_followers": (("Raft", "LogEntriesForSlowFollowers"), "value"),
    "autolock_managers": (("EncryptionConfig", "AutoLockManagers"), "value"),
}
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


def _manager_address(option, value):
    """host:port of a manager, with the swarm port when none is given (as the engine reports RemoteManagers)."""
    if not isinstance(value, str) or not value.strip():
        raise ParamError(option, f"{value!r} is not a manager address such as 10.0.0.1 or 10.0.0.1:2377")
    value = value.strip()
    host, _sep, port = value.rpartition(":")
    if host and port.isdigit() and "]" not in port:
        return value
    return f"{value}:{DEFAULT_PORT}"


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
        }
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
        }
        remote = tuple(_manager_address(f"remote_addrs[{i}]", a) for i, a in enumerate(params.get("remote_addrs") or []))
        if state == "join":
            if not remote:
                raise ParamError("remote_addrs", "state: join needs the address of at least one manager")
            if not params.get("join_token"):
                raise ParamError("join_token", "state: join needs the swarm's worker or manager join token")
            managed = sorted(k for k, v in dict(spec, default_addr_pool=pools, subnet_size=subnet_size).items() if v is not None)
            if managed:
                raise ParamError(managed[0], "is a setting of the swarm, made on a manager with state: present; a joining node cannot set it")
        return SwarmWant("swarm", state, spec, init, remote, params.get("join_token"), bool(params.get("force")))

    @staticmethod
    def read(client, want):
        node = client.info().get("Swarm") or {}
        actual: dict[str, Any] = {"node": node, "raw": None}
        if node.get("LocalNodeState") == "active" and node.get("ControlAvailable"):
            actual["raw"] = client.api.inspect_swarm()
        return actual

    @staticmethod
    def plan(want, actual):
        node, raw = actual["node"], actual["raw"]
        local = node.get("LocalNodeState") or "inactive"
        before = None if local == "inactive" else _option_state(node, raw)
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
            plan.add(Action("init", "swarm", data={"init": {k: v for k, v in want.init.items() if v is not None},
                                                   "spec": _spec({}, want.spec), "autolock": bool(want.spec["autolock_managers"])}))
            return plan
        for option, key in (("default_addr_pool", "DefaultAddrPool"), ("subnet_size", "SubnetSize")):
            if want.init[option] is not None and want.init[option] != raw.get(key):
                raise ParamError(option, f"the swarm has {raw.get(key)!r}, the task {want.init[option]!r}: it is set when the swarm is made "
                                 "and cannot change (leave the swarm on every node and init it again)")
        have = before or {}
        changes = field_changes({k: mode for k, (_path, mode) in SPEC_FIELDS.items()}, want.spec, have, how={k: "update" for k in SPEC_FIELDS})
        plan = Plan("swarm", "swarm", have, dict(have, **{k: v for k, v in want.spec.items() if v is not None}))
        if changes:
            turned_on = bool(want.spec["autolock_managers"]) and not have.get("autolock_managers")
            plan.add(Action("update", "swarm", tuple(changes), data={
                "version": raw["Version"]["Index"], "spec": _spec(raw["Spec"], want.spec), "autolock": turned_on}))
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
            client.api.update_swarm(version=data["version"], swarm_spec=data["spec"])
        if data.get("autolock"):
            return _unlock_key(client)
        return None

    @staticmethod
    def inspect(client, want):
        node = client.info().get("Swarm") or {}
        if node.get("LocalNodeState") != "active":
            return {}
        return client.api.inspect_swarm() if node.get("ControlAvailable") else node


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
        state["default_addr_pool"] = raw.get("DefaultAddrPool")
        state["subnet_size"] = raw.get("SubnetSize")
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
    state=dict(type="str", default="present", choices=["present", "join", "absent"]),
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
)
