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

import dataclasses
import os
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ._client import CONNECTION_ARGS, engine_errors
from ._container import ContainerKind
from ._container_apply import logs, wait_for
from ._container_fields import CONTAINER_SPEC
from ._errors import EngineError, ParamError
from ._network import NETWORK_SPEC, NetworkKind
from ._runner import converge, result_of
from ._volume import VOLUME_SPEC, VolumeKind

UNREACHABLE = "cannot reach the Docker engine"  # how _client.describe_engine_error says the engine went away
PROJECT_LABEL = "dockhand.project"
SERVICE_LABEL = "dockhand.service"
DEFAULT_PARALLELISM = min(16, (os.cpu_count() or 2) * 4)
ENTRY_EXTRAS = dict(
    replicas=dict(type="int"),
    depends_on=dict(type="list", elements="raw"),
)


@dataclass(frozen=True)
class Section:
    """A list option of the project task: which kind plans its entries and with which argument spec."""

    option: str
    kind: Any
    spec: dict


# The one place a kind joins a project. Order inside the project comes from each kind's phase.
SECTIONS = (
    Section("networks", NetworkKind, NETWORK_SPEC),
    Section("volumes", VolumeKind, VOLUME_SPEC),
    Section("containers", ContainerKind, dict(CONTAINER_SPEC, **ENTRY_EXTRAS)),
)


@dataclass
class Unit:
    """One resource of the project: its kind, its desired state, and what it waits for."""

    kind: Any
    want: Any
    key: str                                   # "container web-1", "network app-net"
    after: list = field(default_factory=list)  # [(key, condition)] it depends on
    wait: str = ""                             # condition a dependent needs from it: started | healthy
    absent: bool = False                       # the unit removes its resource


# one validator per spec (building one reads the whole spec); the entry holds the spec, so its id is never reused
_VALIDATORS: dict[int, tuple[dict, ArgumentSpecValidator]] = {}


def _validated(option, spec, entry, connection):
    if not isinstance(entry, dict):
        raise ParamError(option, f"must be a mapping of options, got {type(entry).__name__}")
    if id(spec) not in _VALIDATORS:
        _VALIDATORS[id(spec)] = (spec, ArgumentSpecValidator(spec))
    result = _VALIDATORS[id(spec)][1].validate(entry)
    if result.error_messages:
        raise ParamError(option, "; ".join(result.error_messages))
    params = dict(result.validated_parameters)
    params.update(connection)
    return params


def _desired(option, kind, params):
    try:
        return kind.desired(params)
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
    """Every resource the task declares, validated and parsed (once) before anything is written."""
    project = params["project"]
    if params.get("parallelism") is not None and params["parallelism"] < 1:
        raise ParamError("parallelism", f"{params['parallelism']} is less than 1")
    connection = {k: params[k] for k in CONNECTION_ARGS}
    label = {PROJECT_LABEL: project}
    units: list[Unit] = []
    declared_networks: set[str] = set()
    services, replicas_of = {}, {}
    entries = params.get("containers") or []
    for i, entry in enumerate(entries):
        name = entry.get("name") if isinstance(entry, dict) else None
        if name in services:
            raise ParamError(f"containers[{i}].name", f"{name!r} is declared twice")
        services[name] = i
    for section in SECTIONS:
        for i, entry in enumerate(params.get(section.option) or []):
            option = f"{section.option}[{i}]"
            p = _validated(option, section.spec, entry, connection)
            key = f"{section.kind.kind} {p['name']}"
            if section.kind is not ContainerKind and any(u.key == key for u in units):
                raise ParamError(f"{option}.name", f"{p['name']!r} is declared twice")
            if section.kind is not ContainerKind:
                p["labels"] = dict(p.get("labels") or {}, **label)
                units.append(Unit(section.kind, _desired(option, section.kind, p), f"{section.kind.kind} {p['name']}"))
                if section.kind is NetworkKind:
                    declared_networks.add(p["name"])
                continue
            replicas, deps = p.pop("replicas"), p.pop("depends_on")
            if replicas is not None and replicas < 1:
                raise ParamError(f"{option}.replicas", f"{replicas} is less than 1")
            if not p.get("image") and p.get("state") != "absent":
                raise ParamError(f"{option}.image", "is needed: a project creates its containers")
            names = [p["name"]] if replicas is None else [f"{p['name']}-{n}" for n in range(1, replicas + 1)]
            replicas_of[p["name"]] = names
            after = _depends(option, deps, services)
            want = _desired(option, ContainerKind, p)  # parsed once for all replicas
            fixed = [port for port in want.fields["published_ports"] or [] if port.rsplit(":", 2)[1].isdigit()]
            if replicas and replicas > 1 and fixed:
                raise ParamError(f"{option}.published_ports", f"{fixed[0]} has a fixed host port, which {replicas} replicas cannot all "
                                                              "bind: give a host port range (8080-8089:80) or none")
            for name in names:
                unit_want = dataclasses.replace(want, name=name, extra_labels={PROJECT_LABEL: project, SERVICE_LABEL: p["name"]},
                                                known_networks=frozenset(declared_networks))
                units.append(Unit(ContainerKind, unit_want, f"container {name}", after=after))
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


def _orphans(client, params, units, label=None):
    """Resources with the project's label (or `label`, NAME=VALUE) that the task no longer declares, as units that
    remove them."""
    label = label or f"{PROJECT_LABEL}={params['project']}"
    declared = {u.key for u in units} if params["state"] == "present" else set()
    connection = {k: params[k] for k in CONNECTION_ARGS}
    with engine_errors(f"listing the resources of project {params['project']}", params["docker_host"]):
        names = {
            ContainerKind: [c["Names"][0].lstrip("/") for c in client.api.containers(all=True, filters={"label": label})],
            NetworkKind: [n["Name"] for n in client.api.networks(filters={"label": label})],
            VolumeKind: [v["Name"] for v in (client.api.volumes(filters={"label": label}) or {}).get("Volumes") or []],
        }
    found = []
    for section in SECTIONS:
        for name in sorted(names[section.kind]):
            if f"{section.kind.kind} {name}" in declared:
                continue
            p = _validated(section.option, section.spec, {"name": name, "state": "absent"}, connection)
            found.append(Unit(section.kind, section.kind.desired(p), f"{section.kind.kind} {name}", absent=True))
    return found


def _check_networks_exist(client, units, host):
    """A container on a network the project does not declare needs that network on the engine, before anything is
    written (a container's own read finds it missing only when its turn comes)."""
    declared = {u.want.name for u in units if u.kind is NetworkKind}
    for unit in units:
        for net in (unit.want.networks or []) if unit.kind is ContainerKind else []:
            if net["name"] in declared:
                continue
            try:
                with engine_errors(f"reading network {net['name']}", host):
                    client.api.inspect_network(net["name"])
            except EngineError as exc:
                if exc.status != 404:
                    raise
                raise ParamError("containers", f"{unit.key} is on network {net['name']!r}, which the project does not declare and "
                                               "the engine does not have: declare it under networks or create it first") from None
            declared.add(net["name"])


def run_project(client, params, check_mode):
    """Plan every resource and apply (unless check_mode). Returns (result dict, failure message or None)."""
    units = units_of(params) if params["state"] == "present" else []
    _check_networks_exist(client, units, params["docker_host"])
    orphans = _orphans(client, params, units)
    removable = [o for o in orphans if params["state"] == "absent" or params.get("remove_orphans")]
    removable = [o for o in removable if o.kind is not VolumeKind or params.get("purge_volumes")]
    left = [o.key for o in orphans if o not in removable]
    result, failure = run_units(client, units, removable, left, check_mode, params["docker_host"], params.get("parallelism"),
                                params["project"])
    return summarised(result, params.get("return_inspect")), failure


def summarised(result, return_inspect):
    """The result with docker_compose_v2's lists of the resources after the run (containers, networks, volumes), built
    from each entry's inspect; the entries keep their full inspect only with return_inspect. A container's inspect is
    about 150 values, which the module's exit and the controller walk and copy: most of an unchanged container's cost."""
    out: dict = {"containers": [], "networks": [], "volumes": []}
    for entry in result["resources"]:
        data = entry["inspect"] if return_inspect else entry.pop("inspect")
        kind = entry["resource"].split(" ", 1)[0]
        if not data:
            continue
        if kind == "container":
            state = data.get("State") or {}
            ports = (data.get("NetworkSettings") or {}).get("Ports") or {}
            labels = (data.get("Config") or {}).get("Labels") or {}
            out["containers"].append({
                "ID": data.get("Id"), "Name": data.get("Name", "").lstrip("/"), "Image": (data.get("Config") or {}).get("Image"),
                "Service": labels.get("com.docker.compose.service") or labels.get(SERVICE_LABEL), "State": state.get("Status"),
                "Health": (state.get("Health") or {}).get("Status", ""), "ExitCode": state.get("ExitCode"),
                "Publishers": [{"URL": b.get("HostIp"), "PublishedPort": int(b.get("HostPort") or 0), "TargetPort": int(p.split("/")[0]),
                                "Protocol": p.split("/")[1]} for p, binds in ports.items() for b in binds or []]})
        elif kind == "network":
            out["networks"].append({"Name": data.get("Name"), "ID": data.get("Id"), "Driver": data.get("Driver"), "Labels": data.get("Labels")})
        elif kind == "volume":
            out["volumes"].append({"Name": data.get("Name"), "Driver": data.get("Driver"), "Labels": data.get("Labels"),
                                   "Mountpoint": data.get("Mountpoint")})
    return dict(result, **out)


def run_units(client, units, removable, left, check_mode, host, parallelism, project, word="project"):
    """Converge `units` and remove `removable` (units with absent=True), in one scheduled pool; `left` lists the
    orphans kept. Returns (result dict, failure message or None, which begins with `word` and the project's name).
    The project, compose and stack modules all end here."""
    for unit in removable:  # removals go the other way: later phases first
        later = [o for o in removable if o.kind.phase > unit.kind.phase]
        unit.after = [(o.key, "removed") for o in later]
        if unit.kind is NetworkKind:  # they are gone by the time the network goes, in check mode too
            unit.want = dataclasses.replace(unit.want, leaving=frozenset(o.want.name for o in later if o.kind is ContainerKind))
    pool = ThreadPoolExecutor(max_workers=max(1, parallelism or DEFAULT_PARALLELISM))
    try:
        outcomes = _schedule(pool, client, units + removable, check_mode, host)
    finally:
        pool.shutdown(wait=True)
    results = [outcomes[u.key] for u in units + removable]
    changed = any(r["changed"] for r in results)
    result = {"changed": changed, "resources": results, "orphans": left,
              "actions": [a for r in results for a in r["actions"]],
              "diff": {"before": {r["resource"]: r["diff"]["before"] for r in results if r["changed"]},
                       "after": {r["resource"]: r["diff"]["after"] for r in results if r["changed"]}}}
    failed = [r for r in results if r["status"] != "ok"]
    if not failed:
        return result, None
    applied = [r["resource"] for r in results if r["status"] == "ok" and r["changed"]]
    return result, _failure(f"{word} {project}", failed, len(results), applied)


def _failure(whole, failed, total, applied):
    """One message for the failed resources; an error they share (the engine went away) is said once."""
    by_error: dict[str, list] = {}
    for r in failed:
        error = r["error"] or ""
        if UNREACHABLE in error:  # the same fault, whatever each call saw of it (refused, reset, timed out)
            error = error[error.index(UNREACHABLE):].split(": ")[0]
        by_error.setdefault(f"{r['status']}: {error}", []).append(r["resource"])
    lines = [f"{', '.join(keys)}: {error}" for error, keys in by_error.items()]
    return (f"{whole}: {len(failed)} of {total} resources did not converge; "
            f"applied: {', '.join(applied) or 'nothing'}. " + " | ".join(lines))


def _schedule(pool, client, units, check_mode, host):
    """Run each unit once everything it depends on has converged; skip it when one of those failed.
    A unit that creates or changes waits for every such unit of an earlier phase (networks before containers)."""
    outcomes: dict[str, dict] = {}
    pending = {u.key: u for u in units}
    running: dict = {}
    earlier = {u.key: [o.key for o in units if not o.absent and not o.after and o.kind.phase < u.kind.phase] for u in units if not u.absent}
    while pending or running:
        for key, unit in list(pending.items()):
            deps = [d for d, _cond in unit.after] + earlier.get(key, [])
            bad = [d for d in deps if d in outcomes and outcomes[d]["status"] != "ok"]
            if bad:
                outcomes[key] = _outcome(unit, "skipped", error=f"{bad[0]} did not converge")
                del pending[key]
            elif all(d in outcomes for d in deps):
                running[pool.submit(_converge_one, client, unit, check_mode, host)] = unit
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


def _converge_one(client, unit, check_mode, host):
    try:
        converged = converge(unit.kind, client, unit.want, check_mode, host=host)
        if unit.wait == "completed" and not check_mode and unit.want.state in ("started", "restarted"):
            _completed(client, unit, host)
        elif unit.wait and not check_mode and unit.want.state in ("started", "restarted"):
            with engine_errors(f"waiting for {unit.key} to be {unit.wait}", host):
                wait_for(client, unit.want.name, "healthy" if unit.wait == "healthy" else "running", unit.want.wait_timeout)
    except (ParamError, EngineError) as exc:
        return _outcome(unit, "failed", error=str(exc), done=getattr(exc, "done", []))
    entry = dict(_outcome(unit, "ok"), **result_of(unit.kind, converged, True, facts_key="facts"))
    entry["inspect"] = entry.pop(unit.kind.kind)
    return entry


def _completed(client, unit, host):
    """A dependency that must run to completion (compose's service_completed_successfully): wait for it to exit, with 0."""
    with engine_errors(f"waiting for {unit.key} to complete", host):
        status = client.api.wait(unit.want.name, timeout=unit.want.wait_timeout).get("StatusCode")
        if status != 0:
            raise EngineError(f"it exited with code {status}; last log lines:\n{logs(client, unit.want.name, 20)}")


def _outcome(unit, status, error=None, done=None):
    """A resource's entry in the project result; result_of() adds the plan's keys and facts for one that converged."""
    return {"resource": unit.key, "status": status, "changed": bool(done), "actions": list(done or []), "changes": [],
            "diff": {"before": {}, "after": {}}, "error": error, "inspect": {}, "facts": {}}
