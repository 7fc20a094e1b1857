# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""A stack (_stack.py's units) converged in one task through _project.run_units, as the compose module converges a
project: networks, secrets and configs first, then the services (the service kind: updates in place, waits until
they converged). The stack's resources on the engine are found by their com.docker.stack.namespace label: services the
file no longer has are removed with prune, and state: absent removes services, then networks, secrets and configs.
"""

from __future__ import annotations

import dataclasses
import os
import time

from ._client import CONNECTION_ARGS, engine_errors
from ._errors import EngineError, NotFound, ParamError
from ._network import NETWORK_SPEC, NetworkKind
from ._project import Unit, _validated, run_units
from ._stack import NAMESPACE, plan_stack
from ._swarm_data import CONFIG, CONFIG_SPEC, SECRET, SECRET_SPEC
from ._swarm_service import SERVICE_SPEC, ServiceKind, ServiceWant

PLACEHOLDER = "(made by this run)"


@dataclasses.dataclass(frozen=True)
class StackServiceWant(ServiceWant):
    """A service of the stack: the networks, secrets and configs the stack makes in the same run (missing in check mode)
    and, for a removal, how long to wait for its tasks to go."""

    made_here: frozenset = frozenset()   # {("networks", name), ("secrets", name), ("configs", name)}
    remove_wait: int = 60


class StackServiceKind:
    """The service kind, but a reference to what the stack makes in this run is no error in check mode, and a removal
    waits until the service's tasks are gone (the engine refuses to remove a network a task still uses)."""

    kind = ServiceKind.kind
    phase = ServiceKind.phase
    desired = staticmethod(ServiceKind.desired)
    inspect = staticmethod(ServiceKind.inspect)

    @staticmethod
    def read(client, want):
        actual = ServiceKind.read(client, want)
        for ref in [m for m in actual["missing"] if m in want.made_here]:
            actual["missing"].remove(ref)
            actual["ids"][ref] = f"{ref[1]} {PLACEHOLDER}"
        return actual

    @staticmethod
    def plan(want, actual):
        plan = ServiceKind.plan(want, actual)
        for action in plan.actions:
            if action.verb == "remove":
                action.data["remove_wait"] = want.remove_wait
        return plan

    @staticmethod
    def apply(client, action):
        outcome = ServiceKind.apply(client, action)
        if action.verb == "remove":
            _wait_tasks_gone(client, action.data["id"], action.data["remove_wait"])
        return outcome


def _wait_tasks_gone(client, service_id, timeout):
    deadline = time.monotonic() + timeout
    while True:
        tasks = [t for t in client.api.tasks() if t.get("ServiceID") == service_id]
        containers = client.api.containers(all=True, filters={"label": f"com.docker.swarm.service.id={service_id}"})
        if not tasks and not containers:
            return
        if time.monotonic() > deadline:
            raise EngineError(f"the service is removed, but {len(tasks)} of its tasks were still there after {timeout}s")
        time.sleep(0.5)


class RetriedRemoval:
    """A kind whose removals the engine refuses while something still uses the object are tried again, absent_retries
    times, absent_retries_interval seconds apart (community.docker's options)."""

    def __init__(self, kind, retries, interval):
        self.inner, self.retries, self.interval = kind, retries, interval
        self.kind, self.phase = kind.kind, kind.phase

    def desired(self, params):
        return self.inner.desired(params)

    def read(self, client, want):
        return self.inner.read(client, want)

    def plan(self, want, actual):
        return self.inner.plan(want, actual)

    def inspect(self, client, want):
        return self.inner.inspect(client, want)

    def apply(self, client, action):
        for attempt in range(self.retries + 1):
            try:
                return self.inner.apply(client, action)
            except Exception as exc:  # pylint: disable=broad-except  # the engine's refusal, whichever client raised it
                if attempt == self.retries or action.verb != "remove" or "in use" not in str(exc):
                    raise
                time.sleep(self.interval)
        return None  # not reached


def _check_manager(client, host):
    with engine_errors("reading the engine's swarm state", host):
        swarm = client.info().get("Swarm") or {}
    if not swarm.get("ControlAvailable"):
        raise ParamError("docker_host", "the engine is not a swarm manager: deploy a stack on a manager of the swarm "
                                        "(dockhand.docker.swarm makes one)")


def _check_external(client, stack, host):
    """An external network, secret or config must exist before anything is written."""
    for section, inspect in (("networks", client.api.inspect_network), ("secrets", client.api.inspect_secret),
                             ("configs", client.api.inspect_config)):
        for real, where in stack.external.get(section, {}).items():
            try:
                with engine_errors(f"reading {section[:-1]} {real}", host):
                    inspect(real)
            except NotFound:
                raise ParamError(where, f"{real!r} is external, and the engine does not have it: create it first") from None
            except EngineError as exc:
                if exc.status != 404:
                    raise
                raise ParamError(where, f"{real!r} is external, and the engine does not have it: create it first") from None


def _preflight(client, stack, host):
    """The networks', secrets' and configs' plans, before anything is written: one that cannot converge (a secret whose
    file changed, a network whose options changed) fails the task naming the model's key, and nothing else is applied."""
    for unit in stack.units:
        if unit.kind is ServiceKind:
            continue
        with engine_errors(f"reading {unit.key}", host):
            actual = unit.kind.read(client, unit.want)
        try:
            unit.kind.plan(unit.want, actual)
        except ParamError as exc:
            where = stack.origin.get(unit.key, unit.key)
            if exc.option in ("data", "data_src", "template_driver"):
                reason = exc.why.split(", and a ")[0]  # "secret x: its data differs from the task"
                raise ParamError(where, f"{reason}, and a {unit.kind.kind} cannot change in Swarm: give it a new name in the model "
                                        "(name:); the services are pointed at the new one in place") from None
            raise ParamError(where, f"{unit.key}: {exc}") from None


def _labelled(client, stack, host):
    """Names of the stack's services, networks, secrets and configs on the engine, and of its task containers here."""
    label = {"label": f"{NAMESPACE}={stack}"}
    with engine_errors(f"listing the resources of stack {stack}", host):
        return {
            "service": sorted(s["Spec"]["Name"] for s in client.api.services(filters=label)),
            "network": sorted(n["Name"] for n in client.api.networks(filters=label)),
            "secret": sorted(s["Spec"]["Name"] for s in client.api.secrets(filters=label)),
            "config": sorted(c["Spec"]["Name"] for c in client.api.configs(filters=label)),
            "containers": [c["Names"][0].lstrip("/") for c in client.api.containers(all=True, filters=label)],
        }


def _removals(client, params, stack, units, retried):
    """Units removing what carries the stack's label and the task does not declare: the services no longer in the file
    with prune (else listed as left), and everything with state: absent. Networks, secrets and configs stay until
    state: absent, as with docker stack deploy --prune."""
    found = _labelled(client, stack.name, params["docker_host"])
    declared = {u.key for u in units}
    connection = {k: params.get(k) for k in CONNECTION_ARGS}
    absent = params["state"] == "absent"
    remove, left = [], []
    for word, kind, spec in (("service", StackServiceKind, SERVICE_SPEC), ("network", NetworkKind, NETWORK_SPEC),
                             ("secret", SECRET, SECRET_SPEC), ("config", CONFIG, CONFIG_SPEC)):
        for name in found[word]:
            key = f"{word} {name}"
            if key in declared:
                continue
            if word != "service" and not absent:
                continue
            if word == "service" and not absent and not params.get("prune"):
                left.append(key)
                continue
            want = kind.desired(_validated(key, spec, {"name": name, "state": "absent"}, connection))
            if word == "network":  # the stack's task containers are gone by the time the network goes (check mode too)
                want = dataclasses.replace(want, leaving=frozenset(found["containers"]))
            if word == "service":
                want = _stack_service_want(want, frozenset(), params)
            remove.append(Unit(kind if word == "service" else retried(kind), want, key, absent=True))
    return remove, left


def _stack_service_want(want, made_here, params):
    fields = {f.name: getattr(want, f.name) for f in dataclasses.fields(ServiceWant)}
    return StackServiceWant(**fields, made_here=made_here, remove_wait=params.get("wait_timeout") or 60)


def run_stack(client, params, check_mode, environ=None):
    """Plan the stack and apply it (unless check_mode). Returns (result dict, failure message or None)."""
    environ = dict(os.environ if environ is None else environ)
    for option in ("absent_retries", "absent_retries_interval", "wait_timeout"):
        if (params.get(option) or 0) < 0:
            raise ParamError(option, f"must be 0 or more, got {params[option]}")
    _check_options(params)
    stack = plan_stack(params, environ)
    host = params["docker_host"]
    _check_manager(client, host)
    _check_external(client, stack, host)
    _preflight(client, stack, host)
    made = frozenset((f"{u.kind.kind}s", u.want.name) for u in stack.units if u.kind is not ServiceKind)
    units = []
    for unit in stack.units:
        if unit.kind is ServiceKind:
            want = dataclasses.replace(unit.want, wait_timeout=params.get("wait_timeout") if not params.get("detach") else 0)
            unit = dataclasses.replace(unit, kind=StackServiceKind, want=_stack_service_want(want, made, params))
        units.append(unit)

    def retried(kind):
        return RetriedRemoval(kind, params.get("absent_retries") or 0, params.get("absent_retries_interval") or 1)

    remove, left = _removals(client, params, stack, units, retried)
    result, failure = run_units(client, units, remove, left, check_mode, host, None, stack.name, word="stack")
    return dict(result, **summary(stack, result)), failure


def _check_options(params):
    if params.get("resolve_image") not in (None, "never") and "resolve_image" not in SERVICE_SPEC:
        raise ParamError("resolve_image", f"{params['resolve_image']!r} is not supported yet: the image is compared by the name the "
                                          "file gives (never)")


def summary(stack, result):
    """community.docker's stack_spec_diff (service -> the fields that changed, before and after), the services."""
    spec_diff: dict = {}
    services = []
    for entry in result["resources"]:
        word, _sep, name = entry["resource"].partition(" ")
        if word != "service":
            continue
        if entry.get("changes"):
            spec_diff[name] = {c["field"]: {"before": c["before"], "after": c["after"]} for c in entry["changes"]}
        elif entry.get("changed"):
            spec_diff[name] = entry["diff"]
        data = entry.get("inspect") or {}
        if data:
            services.append({"Name": name, "ID": data.get("ID"), "Image": ((data.get("Spec") or {}).get("TaskTemplate") or {})
                             .get("ContainerSpec", {}).get("Image"), "Mode": (data.get("Spec") or {}).get("Mode")})
    return {"stack_name": stack.name, "services": services, "stack_spec_diff": spec_diff}
