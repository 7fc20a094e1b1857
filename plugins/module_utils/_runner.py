# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""desired -> actual -> plan -> apply, for any resource kind.

A kind is stateless: a class of static functions (no instance keeps anything between calls):
  kind                        the resource word ("volume"), also the key of the returned inspect data
  phase                       its order inside a project: 0 networks and volumes, 1 images, 2 containers
  desired(params) -> want     parse and validate the task into a frozen dataclass (pure; raises ParamError). It is the
                              only function that reads the task; every want has `name`, for messages
  read(client, want)          the actual state the plan needs (engine reads only). The engine's inspect answer, when
                              read() has it, goes under actual["inspect"], so a run that applies nothing is not read twice
  plan(want, actual)          a Plan (pure); each Action carries everything its apply needs
  apply(client, action)       carry out one action; returns an Outcome or None
  inspect(client, want)       the resource as the engine reports it now ({} when absent)

Info modules (they change nothing) use run_info_module() with a gather(client, params) function instead.

This file is the only place that knows about check mode, and the only place that catches errors to fail a task.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.errors import NoLogError

from ._client import (
    CONNECTION_ARGS,
    CONNECTION_REQUIRED_TOGETHER,
    DOCKER_IMPORT_ERROR,
    HAS_DOCKER,
    connect,
    engine_errors,
)
from ._errors import ApplyError, EngineError, ParamError, TaskFailure, refused_option
from ._plan import Plan, add_facts


@dataclass(frozen=True)
class Converged:
    """One resource after converge(): its plan, its inspect data, whether anything moved, and the facts apply reported."""

    plan: Plan
    data: dict
    changed: bool
    facts: dict = field(default_factory=dict)


LOCK_DIR = os.path.join(tempfile.gettempdir(), "dockhand-locks")
LOCK_BUCKETS = 256  # lock files are shared by hash: a bounded set, never one file per resource ever converged


@contextmanager
def resource_lock(host, kind, name):
    """Runs on this machine that converge the same resource (forks of one play, parallel plays) take turns from read to
    apply, so exactly one of them makes each change and the others find it made: `changed` stays exact, and no run
    trips over another's half-done recreate. Runs on other machines are not covered (the engine has no lock to take).
    Without a writable lock directory the run goes on unlocked."""
    digest = hashlib.sha256(f"{host}\0{kind}\0{name}".encode("utf-8")).digest()
    path = os.path.join(LOCK_DIR, f"{int.from_bytes(digest[:2], 'big') % LOCK_BUCKETS:03d}.lock")
    try:
        os.makedirs(LOCK_DIR, mode=0o1777, exist_ok=True)
        handle = open(path, "a", encoding="utf-8")  # pylint: disable=consider-using-with  # closed below
    except OSError:
        yield
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        handle.close()  # closing releases the lock


def converge(kind, client, want, check_mode, host=None):
    """Plan one resource and, unless check_mode, apply the plan (holding the resource's lock: see resource_lock)."""
    with nullcontext() if check_mode else resource_lock(host, kind.kind, want.name):
        return _converge(kind, client, want, check_mode, host)


def _converge(kind, client, want, check_mode, host):
    with engine_errors(f"reading {kind.kind} {want.name}", host):
        actual = kind.read(client, want)
    plan = kind.plan(want, actual)
    done: list = []
    moved, facts = [], dict(plan.facts)
    if not check_mode:
        for action in plan.actions:
            try:
                with engine_errors(action.describe(), host):
                    outcome = kind.apply(client, action)
            except EngineError as exc:  # an engine refusal of an option is said naming the option (ENGINE_REFUSALS)
                message = refused_option(kind.kind, want, exc) or str(exc)
                kept = [a.describe() for a in done if a.verb not in exc.undid]
                raise ApplyError(message, kept, partly=not action.atomic, status=exc.status, clean=exc.clean) from exc
            done.append(action)
            moved.append(True if outcome is None or outcome.changed is None else outcome.changed)
            add_facts(facts, outcome.facts if outcome else {})
    changed = plan.changed if check_mode else any(moved)
    if not done and "inspect" in actual:  # nothing moved: what read() saw is still the engine's answer
        return Converged(plan, actual["inspect"] or {}, changed, facts)
    with engine_errors(f"reading {kind.kind} {want.name}", host):
        data = kind.inspect(client, want)
    return Converged(plan, data, changed, facts)


def result_of(kind, converged, with_diff, facts_key=None):
    """The result keys of one resource: the same for a single-resource module and for each resource of a project.
    The facts apply reported (output, build log) are result keys of their own, or under facts_key (a project's entries,
    whose `status` is the entry's own)."""
    plan = converged.plan
    result = dict(changed=converged.changed, actions=plan.describe(), changes=[c.as_dict() for c in plan.changes])
    result[kind.kind] = converged.data
    for alias in getattr(kind, "also_returned_as", ()):  # community.docker's name for the same data (swarm_facts)
        result[alias] = converged.data
    if facts_key:
        result[facts_key] = converged.facts
    else:
        result.update(converged.facts)
    if with_diff:
        result["diff"] = plan.diff()
    return result


class _Module(AnsibleModule):
    """AnsibleModule, but bad input is said naming the option: for a list of dictionaries given a string, ansible-core
    reports first that its no_log scan could not read it ("dictionary requested, could not parse JSON or key=value"),
    and only after that the error that names the option."""

    def fail_json(self, msg, **kwargs):
        errors = getattr(getattr(getattr(self, "validation_result", None), "errors", None), "errors", None) or []
        if errors and isinstance(errors[0], NoLogError) and msg == errors[0].msg:
            msg = next((e.msg for e in errors if not isinstance(e, NoLogError)), msg)
        super().fail_json(msg, **kwargs)


def module_for(argument_spec, **kwargs):
    """An AnsibleModule with the connection options merged in."""
    spec = dict(CONNECTION_ARGS)
    spec.update(argument_spec)
    kwargs["required_together"] = CONNECTION_REQUIRED_TOGETHER + list(kwargs.get("required_together") or [])
    return _Module(argument_spec=spec, supports_check_mode=True, **kwargs)


def client_or_fail(module):
    """The engine client, or fail_json with missing_required_lib / the connection error."""
    if not HAS_DOCKER:
        module.fail_json(msg=missing_required_lib("docker"), exception=DOCKER_IMPORT_ERROR)
    try:
        return connect(module.params)
    except EngineError as exc:
        module.fail_json(msg=str(exc))
    return None  # not reached: fail_json exits


def run_module(kind, argument_spec, **kwargs):
    """The whole life of a resource module: validate, connect, plan, apply unless check mode, exit."""
    module = module_for(argument_spec, **kwargs)
    try:
        want = kind.desired(module.params)  # bad input fails before any engine call
    except ParamError as exc:
        module.fail_json(msg=str(exc), option=exc.option)
    client = client_or_fail(module)
    try:
        converged = converge(kind, client, want, module.check_mode, host=module.params.get("docker_host"))
    except ParamError as exc:
        module.fail_json(msg=str(exc), option=exc.option, changed=False)
    except ApplyError as exc:
        module.fail_json(msg=str(exc), changed=exc.changed, actions_done=exc.done)
    except EngineError as exc:
        module.fail_json(msg=str(exc), changed=False)
    module.exit_json(**result_of(kind, converged, module._diff))


def run_batch_module(argument_spec, run, **kwargs):
    """A module that converges many resources in one task (project): run(client, params, check_mode) returns
    (result, failure message or None); the result's "diff" is returned only with --diff."""
    module = module_for(argument_spec, **kwargs)
    client = client_or_fail(module)
    try:
        result, failure = run(client, module.params, module.check_mode)
    except ParamError as exc:
        module.fail_json(msg=str(exc), option=exc.option, changed=False)
    except EngineError as exc:
        module.fail_json(msg=str(exc), changed=False)
    diff = result.pop("diff", None)
    if module._diff and diff is not None:
        result["diff"] = diff
    if failure:
        module.fail_json(msg=failure, **result)
    module.exit_json(**result)


def run_info_module(argument_spec, gather, needs_engine=None, **kwargs):
    """The whole life of a module that changes nothing (info, stats, probes): it runs the same in check mode.

    gather(client, params) returns the result dict; client is None when needs_engine(params) says no engine is needed.
    gather raises ParamError for bad input, TaskFailure for a check that did not pass, EngineError for the engine.
    """
    module = module_for(argument_spec, **kwargs)
    client = client_or_fail(module) if needs_engine is None or needs_engine(module.params) else None
    try:
        result = gather(client, module.params)
    except ParamError as exc:
        module.fail_json(msg=str(exc), option=exc.option, changed=False)
    except TaskFailure as exc:
        module.fail_json(msg=str(exc), changed=False, **exc.result)
    except EngineError as exc:
        module.fail_json(msg=str(exc), changed=False)
    module.exit_json(changed=False, **result)
