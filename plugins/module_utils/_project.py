# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""Many resources in one task: the networks, volumes and containers of one project.

Each entry is validated with its own module's argument spec and planned by the same kind as the single-resource
module (nothing about an option is written twice). Networks and volumes converge first, in parallel; containers
follow in dependency order (depends_on: started | healthy), in a bounded pool. A failure stops the resources that
depend on it and leaves the others applied; the task then fails listing what was applied, what failed and why.
"""

from __future__ import annotations

import os
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ._client import CONNECTION_ARGS, EngineError, engine_errors
from ._container import ContainerKind, wait_for
from ._container_fields import CONTAINER_SPEC
from ._network import NETWORK_SPEC, NetworkKind
from ._plan import ParamError
from ._runner import converge
from ._volume import VOLUME_SPEC, VolumeKind

PROJECT_LABEL = "dockhand.project"
SERVICE_LABEL = "dockhand.service"
DEFAULT_PARALLELISM = min(16, (os.cpu_count() or 2) * 4)
ENTRY_EXTRAS = dict(
    replicas=dict(type="int"),
    depends_on=dict(type="list", elements="raw"),
)


@dataclass
class Unit:
    """One resource of the project: its kind, its validated options, and what it waits for."""

    kind: Any
    params: dict
    key: str                                   # "container web-1", "network app-net"
    service: str = ""                          # the container entry it comes from
    after: list = field(default_factory=list)  # [(key, condition)] it depends on
    wait: str = ""                             # condition a dependent needs from it: started | healthy


def _validated(option, spec, entry, connection):
    if not isinstance(entry, dict):
        raise ParamError(option, f"must be a mapping of options, got {type(entry).__name__}")
    result = ArgumentSpecValidator(spec).validate(entry)
    if result.error_messages:
        raise ParamError(option, "; ".join(result.error_messages))
    params = dict(result.validated_parameters)
    params.update(connection)
    return params


def _desired(option, kind, params):
    try:
        kind.desired(params)
    except ParamError as exc:
        raise ParamError(f"{option}.{exc.option}", exc.why) from None


def _depends(option, deps, services):
    out = []
    for i, dep in enumerate(deps or []):
        name, condition = (dep, "started") if isinstance(dep, str) else (dict(dep).get("name"), dict(dep).get("condition", "started"))
        if name not in services:
            raise ParamError(f"{option}.depends_on[{i}]", f"{name!r} is not a container entry of this project")
        if condition not in ("started", "healthy"):
            raise ParamError(f"{option}.depends_on[{i}].condition", f"{condition!r} is not started or healthy")
        out.append((name, condition))
    return out


def units_of(params):
    """Every resource the task declares, validated before anything is written."""
    project = params["project"]
    connection = {k: params[k] for k in CONNECTION_ARGS}
    label = {PROJECT_LABEL: project}
    units, declared_networks = [], set()
    for i, entry in enumerate(params.get("networks") or []):
        p = _validated(f"networks[{i}]", NETWORK_SPEC, entry, connection)
        p["labels"] = dict(p.get("labels") or {}, **label)
        _desired(f"networks[{i}]", NetworkKind, p)
        units.append(Unit(NetworkKind(), p, f"network {p['name']}"))
        declared_networks.add(p["name"])
    for i, entry in enumerate(params.get("volumes") or []):
        p = _validated(f"volumes[{i}]", VOLUME_SPEC, entry, connection)
        p["labels"] = dict(p.get("labels") or {}, **label)
        _desired(f"volumes[{i}]", VolumeKind, p)
        units.append(Unit(VolumeKind(), p, f"volume {p['name']}"))
    entries = params.get("containers") or []
    services = {}
    for i, entry in enumerate(entries):
        name = entry.get("name") if isinstance(entry, dict) else None
        if name in services:
            raise ParamError(f"containers[{i}].name", f"{name!r} is declared twice")
        services[name] = i
    replicas_of = {}
    for i, entry in enumerate(entries):
        p = _validated(f"containers[{i}]", dict(CONTAINER_SPEC, **ENTRY_EXTRAS), entry, connection)
        replicas, deps = p.pop("replicas"), p.pop("depends_on")
        if replicas is not None and replicas < 1:
            raise ParamError(f"containers[{i}].replicas", f"{replicas} is less than 1")
        names = [p["name"]] if replicas is None else [f"{p['name']}-{n}" for n in range(1, replicas + 1)]
        replicas_of[p["name"]] = names
        for name in names:
            unit_params = dict(p, name=name)
            kind = ContainerKind(extra_labels={PROJECT_LABEL: project, SERVICE_LABEL: p["name"]}, known_networks=declared_networks)
            _desired(f"containers[{i}]", kind, unit_params)
            units.append(Unit(kind, unit_params, f"container {name}", service=p["name"],
                              after=_depends(f"containers[{i}]", deps, services)))
    by_key = {u.key: u for u in units}
    for unit in units:  # a dependency on a service is one on each of its replicas
        unit.after = [(f"container {n}", cond) for service, cond in unit.after for n in replicas_of[service]]
        for key, cond in unit.after:
            target = by_key[key]
            target.wait = "healthy" if "healthy" in (target.wait, cond) else "started"
    _check_cycles(units)
    return units


def _check_cycles(units):
    by_key = {u.key: u for u in units}
    state: dict[str, int] = {}

    def visit(key, path):
        if state.get(key) == 1:
            raise ParamError("containers", f"depends_on forms a cycle: {' -> '.join(path + [key])}")
        if state.get(key) == 2:
            return
        state[key] = 1
        for dep, _cond in by_key[key].after:
            visit(dep, path + [key])
        state[key] = 2

    for unit in units:
        visit(unit.key, [])


def _orphans(client, params, units):
    """Resources with the project's label that the task no longer declares."""
    label = f"{PROJECT_LABEL}={params['project']}"
    declared = {u.key for u in units} if params["state"] == "present" else set()
    connection = {k: params[k] for k in CONNECTION_ARGS}
    with engine_errors(f"listing the resources of project {params['project']}", params["docker_host"]):
        containers = [c["Names"][0].lstrip("/") for c in client.api.containers(all=True, filters={"label": label})]
        networks = [n["Name"] for n in client.api.networks(filters={"label": label})]
        volumes = [v["Name"] for v in (client.api.volumes(filters={"label": label}) or {}).get("Volumes") or []]
    found = []
    for name in sorted(containers):
        if f"container {name}" not in declared:
            found.append(Unit(ContainerKind(), dict(connection, name=name, state="absent", keep_volumes=True), f"container {name}"))
    for name in sorted(networks):
        if f"network {name}" not in declared:
            found.append(Unit(NetworkKind(), dict(connection, name=name, state="absent", force=False), f"network {name}"))
    for name in sorted(volumes):
        if f"volume {name}" not in declared:
            found.append(Unit(VolumeKind(), dict(connection, name=name, state="absent", force=False), f"volume {name}"))
    return found


def run_project(client, params, check_mode):
    """Plan every resource and apply (unless check_mode). Returns (result dict, failure message or None)."""
    units = units_of(params) if params["state"] == "present" else []
    orphans = _orphans(client, params, units)
    removable = [o for o in orphans if params["state"] == "absent" or params.get("remove_orphans")]
    removable = [o for o in removable if not isinstance(o.kind, VolumeKind) or params.get("purge_volumes")]
    removed = {u.params["name"] for u in removable if isinstance(u.kind, ContainerKind)}
    for unit in removable:  # removals: containers first, then networks and volumes
        if isinstance(unit.kind, ContainerKind):
            continue
        unit.after = [(f"container {name}", "removed") for name in sorted(removed)]
        if isinstance(unit.kind, NetworkKind):
            unit.kind = NetworkKind(leaving=removed)  # they are gone by the time the network goes, in check mode too
    pool = ThreadPoolExecutor(max_workers=max(1, params.get("parallelism") or DEFAULT_PARALLELISM))
    try:
        outcomes = _schedule(pool, client, units + removable, check_mode)
    finally:
        pool.shutdown(wait=True)
    results = [outcomes[u.key] for u in units + removable]
    left = [o.key for o in orphans if o not in removable]
    changed = any(r["changed"] for r in results)
    result = {"changed": changed, "resources": results, "orphans": left,
              "actions": [a for r in results for a in r["actions"]],
              "diff": {"before": {r["resource"]: r["diff"]["before"] for r in results if r["changed"]},
                       "after": {r["resource"]: r["diff"]["after"] for r in results if r["changed"]}}}
    failed = [r for r in results if r["status"] != "ok"]
    if not failed:
        return result, None
    applied = [r["resource"] for r in results if r["status"] == "ok" and r["changed"]]
    lines = [f"{r['resource']}: {r['status']}: {r['error']}" for r in failed]
    message = (f"project {params['project']}: {len(failed)} of {len(results)} resources did not converge; "
               f"applied: {', '.join(applied) or 'nothing'}. " + " | ".join(lines))
    return result, message


def _schedule(pool, client, units, check_mode):
    """Run each unit once everything it depends on has converged; skip it when one of those failed."""
    outcomes: dict[str, dict] = {}
    pending = {u.key: u for u in units}
    running: dict = {}
    # networks and volumes come first: a container waits for all of them
    phase_one = [u.key for u in units if not isinstance(u.kind, ContainerKind) and not u.after]
    while pending or running:
        for key, unit in list(pending.items()):
            deps = [d for d, _cond in unit.after]
            if isinstance(unit.kind, ContainerKind) and unit.params.get("state") != "absent":
                deps += phase_one
            bad = [d for d in deps if d in outcomes and outcomes[d]["status"] != "ok"]
            if bad:
                outcomes[key] = _outcome(unit, "skipped", error=f"{bad[0]} did not converge")
                del pending[key]
            elif all(d in outcomes for d in deps):
                running[pool.submit(_converge_one, client, unit, check_mode)] = unit
                del pending[key]
        if not running:
            for key, unit in pending.items():  # nothing runs and nothing can start: never spin
                outcomes[key] = _outcome(unit, "skipped", error="its dependencies never converged")
            pending.clear()
            continue
        finished, _rest = wait(list(running), return_when=FIRST_COMPLETED)
        for future in finished:
            unit = running.pop(future)
            outcomes[unit.key] = future.result()
    return outcomes


def _converge_one(client, unit, check_mode):
    try:
        plan, data = converge(unit.kind, client, unit.params, check_mode)
        if unit.wait and not check_mode and unit.params.get("state", "started") in ("started", "healthy"):
            with engine_errors(f"waiting for {unit.key} to be {unit.wait}", unit.params.get("docker_host")):
                wait_for(client, unit.params["name"], "healthy" if unit.wait == "healthy" else "running",
                         unit.params.get("wait_timeout") or 60)
    except (ParamError, EngineError) as exc:
        return _outcome(unit, "failed", error=str(exc), done=getattr(exc, "done", []))
    return _outcome(unit, "ok", plan=plan, data=data)


def _outcome(unit, status, plan=None, data=None, error=None, done=None):
    return {
        "resource": unit.key,
        "status": status,
        "changed": bool(plan and plan.changed) or bool(done),
        "actions": plan.describe() if plan else list(done or []),
        "changes": [c.as_dict() for c in plan.changes] if plan else [],
        "diff": plan.diff() if plan else {"before": {}, "after": {}},
        "error": error,
        "inspect": data or {},
    }
