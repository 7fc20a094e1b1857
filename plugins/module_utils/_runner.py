# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""desired -> actual -> plan -> apply, for any resource kind.

A kind is a small object with:
  kind                          the resource word ("volume"), also the key of the returned inspect data
  name(params)                  the resource's name, for messages
  desired(params)               parse and validate the task (pure); raises ParamError
  read(client, params, want)    the actual state (pure data the plan needs); engine reads only
  plan(want, actual, params)    a Plan (pure)
  apply(client, action, params) carry out one action
  inspect(client, params)       the resource as the engine reports it now ({} when absent)
  extra (optional attribute)    a dict of further result keys the kind collected while applying (a build log, ...).
                                Its "changed", when set by apply, overrides the plan's: an image build or pull that
                                ran but left the image ID where it was has changed nothing.

Info modules (they change nothing) use run_info_module() with a gather(client, params) function instead.

This file is the only place that knows about check mode, and the only place that catches errors.
"""

from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ._client import (
    CONNECTION_ARGS,
    CONNECTION_REQUIRED_TOGETHER,
    DOCKER_IMPORT_ERROR,
    HAS_DOCKER,
    EngineError,
    connect,
    engine_errors,
)
from ._plan import ParamError


class TaskFailure(Exception):
    """A check the task asked for did not pass (a threshold, a probe): fail with this message and these results."""

    def __init__(self, message, **result):
        super().__init__(message)
        self.result = result


class ApplyError(EngineError):
    """An action failed; carries the actions done before it and whether the engine may have changed."""

    def __init__(self, message, done, partly):
        super().__init__(message + (" (the engine may be partly changed: that action takes several steps)" if partly else ""))
        self.done = done
        self.changed = bool(done) or partly


def converge(kind, client, params, check_mode, want=None, host=None):
    """Plan one resource and, unless check_mode, apply the plan. Returns (plan, inspect data).

    A kind whose read() keeps the engine's inspect answer under actual["inspect"] is not read again when no action
    ran (check mode, or nothing to do): one engine round trip fewer per no-change task."""
    host = host or params.get("docker_host")
    name = kind.name(params)
    if want is None:
        want = kind.desired(params)
    with engine_errors(f"reading {kind.kind} {name}", host):
        actual = kind.read(client, params, want)
    plan = kind.plan(want, actual, params)
    done: list[str] = []
    if not check_mode:
        for action in plan.actions:
            try:
                with engine_errors(action.describe(), host):
                    kind.apply(client, action, params)
            except EngineError as exc:
                raise ApplyError(str(exc), done, partly=not action.atomic) from exc
            done.append(action.describe())
    if not done and "inspect" in actual:  # nothing moved: what read() saw is still the engine's answer
        return plan, actual["inspect"] or {}
    with engine_errors(f"reading {kind.kind} {name}", host):
        data = kind.inspect(client, params)
    return plan, data


def result_of(kind, plan, data, with_diff):
    extra = dict(getattr(kind, "extra", None) or {})
    changed = extra.pop("changed", plan.changed)  # apply knows better than the plan whether anything moved
    result = dict(changed=changed, actions=plan.describe(), changes=[c.as_dict() for c in plan.changes])
    result[kind.kind] = data
    result.update(extra)
    if with_diff:
        result["diff"] = plan.diff()
    return result


def module_for(argument_spec, **kwargs):
    """An AnsibleModule with the connection options merged in."""
    spec = dict(CONNECTION_ARGS)
    spec.update(argument_spec)
    kwargs["required_together"] = CONNECTION_REQUIRED_TOGETHER + list(kwargs.get("required_together") or [])
    return AnsibleModule(argument_spec=spec, supports_check_mode=True, **kwargs)


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
        plan, data = converge(kind, client, module.params, module.check_mode, want=want)
    except ParamError as exc:
        module.fail_json(msg=str(exc), option=exc.option, changed=False)
    except ApplyError as exc:
        module.fail_json(msg=str(exc), changed=exc.changed, actions_done=exc.done)
    except EngineError as exc:
        module.fail_json(msg=str(exc), changed=False)
    module.exit_json(**result_of(kind, plan, data, module._diff))


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
