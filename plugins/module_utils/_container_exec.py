# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""The container_exec kind: run one command in a running container (docker exec), through _exec.py.

Like ansible.builtin.command, running a command is always a change, and check mode does not run it. A non-zero exit
code is a result, not a failure, unless the task sets check_rc (run_exec() then fails the task with rc and output).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from ._errors import NotFound, ParamError
from ._exec import run_in_container
from ._parse import string_map
from ._plan import Action, Outcome, Plan
from ._runner import converge, result_of


@dataclass(frozen=True)
class ExecWant:
    name: str  # the container
    argv: tuple
    chdir: str | None = None
    env: dict | None = None
    user: str | None = None
    tty: bool = False
    stdin: bytes | None = None
    strip_empty_ends: bool = True
    detach: bool = False
    privileged: bool = False
    check_rc: bool = False


def _argv(params):
    if params.get("command") is not None and params.get("argv") is not None:
        raise ParamError("command", "give command or argv, not both")
    if params.get("argv") is not None:
        argv = params["argv"]
        if not argv or not all(isinstance(a, str) for a in argv):
            raise ParamError("argv", "must be a non-empty list of strings")
        return tuple(argv)
    command = params.get("command")
    if not command:
        raise ParamError("command", "give command (a string) or argv (a list)")
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise ParamError("command", f"cannot be split into arguments: {exc}") from None
    if not argv:
        raise ParamError("command", "is empty")
    return tuple(argv)


def _text(data, strip):
    text = (data or b"").decode("utf-8", "replace")
    return text.rstrip("\r\n") if strip else text


class ExecKind:
    kind = "exec"
    phase = 2

    @staticmethod
    def desired(params):
        stdin = params.get("stdin")
        if stdin is not None:
            if params.get("detach"):
                raise ParamError("stdin", "cannot be used with detach: true")
            stdin = stdin + "\n" if params.get("stdin_add_newline", True) else stdin
        if params.get("chdir") is not None and not str(params["chdir"]).startswith("/"):
            raise ParamError("chdir", f"{params['chdir']!r} is not an absolute path")
        if params.get("check_rc") and params.get("detach"):
            raise ParamError("check_rc", "cannot be used with detach: true (the exit code is not known)")
        return ExecWant(
            name=params["container"], argv=_argv(params), chdir=params.get("chdir"), env=string_map("env", params.get("env")),
            user=params.get("user"), tty=bool(params.get("tty")), stdin=stdin.encode("utf-8") if stdin is not None else None,
            strip_empty_ends=params.get("strip_empty_ends", True) is not False, detach=bool(params.get("detach")),
            privileged=bool(params.get("privileged")), check_rc=bool(params.get("check_rc")),
        )

    @staticmethod
    def read(client, want):
        try:
            container = client.api.inspect_container(want.name)
        except NotFound:
            raise ParamError("container", f"no container {want.name}") from None
        state = container.get("State") or {}
        if not state.get("Running") or state.get("Paused"):
            raise ParamError("container", f"container {want.name} is not running ({state.get('Status') or 'stopped'})")
        return {"inspect": ExecKind.summary(want)}

    @staticmethod
    def plan(want, actual):
        plan = Plan("exec", want.name, {}, {})
        plan.add(Action("run", f"{shlex.join(want.argv)} in container {want.name}", note="detached" if want.detach else "",
                        data={"want": want}))
        return plan

    @staticmethod
    def apply(client, action):
        want = action.data["want"]
        if want.detach:
            exec_id = client.api.exec_create(want.name, list(want.argv), tty=want.tty, privileged=want.privileged, user=want.user or "",
                                             environment=want.env or None, workdir=want.chdir)["Id"]
            client.api.exec_start(exec_id, detach=True, tty=want.tty)
            return Outcome(facts={"exec_id": exec_id})
        result = run_in_container(client, want.name, list(want.argv), stdin=want.stdin, user=want.user, workdir=want.chdir,
                                  env=want.env, privileged=want.privileged, tty=want.tty)
        return Outcome(facts={"rc": result.rc, "stdout": _text(result.stdout, want.strip_empty_ends),
                              "stderr": _text(result.stderr, want.strip_empty_ends)})

    @staticmethod
    def inspect(client, want):
        return ExecKind.summary(want)

    @staticmethod
    def summary(want):
        return {"container": want.name, "argv": list(want.argv)}


def run_exec(client, params, check_mode):
    """The module's run (see run_batch_module): converge the exec kind; with check_rc a non-zero rc fails the task."""
    want = ExecKind.desired(params)
    result = result_of(ExecKind, converge(ExecKind, client, want, check_mode, host=params.get("docker_host")), True)
    if check_mode:
        result["msg"] = "check mode: the command was not run"
        return result, None
    if want.check_rc and result.get("rc"):
        return result, f"the command exited with rc {result['rc']}: {shlex.join(want.argv)}"
    result["failed"] = False  # Ansible fails a result with a non-zero rc unless it says otherwise
    return result, None


EXEC_SPEC = dict(
    container=dict(type="str", required=True),
    command=dict(type="str"),
    argv=dict(type="list", elements="str"),
    chdir=dict(type="str"),
    env=dict(type="dict"),
    user=dict(type="str"),
    tty=dict(type="bool", default=False),
    stdin=dict(type="str"),
    stdin_add_newline=dict(type="bool", default=True),
    strip_empty_ends=dict(type="bool", default=True),
    detach=dict(type="bool", default=False),
    privileged=dict(type="bool", default=False),
    check_rc=dict(type="bool", default=False),
)
