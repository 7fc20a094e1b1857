# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run a dockhand.docker module in a fork of the controller's worker, when the module would run on the controller
anyway: the task's connection is ``local``, without become or async, and its Python interpreter is the controller's.

A module run through ansible-core starts a new Python that unpacks the module and everything it imports from a zip
and compiles it all (0.15 to 0.35 s of CPU for each task here). A fork of the worker has Python started and reads
the collection's compiled files. Everything else is ansible-core's own ``_execute_module``: the same arguments
(check mode, diff, no_log, verbosity), the same encoding of them, the same parsing of the module's output, the same
result. Only how the module process is started differs, through three hooks:

- ``_is_pipelining_enabled`` says yes, so no temporary directory is made and no file is transferred;
- ``_configure_module`` keeps the module's encoded arguments instead of building the AnsiballZ payload;
- ``_low_level_execute_command`` forks and runs the module as AnsiballZ would, and returns its exit status and output.

The child behaves as a module process: its own stdin (``/dev/null``), stdout and stderr, the task's environment, the
signal handlers a new Python has, its own exit handlers, and it never returns into the worker.
Set the variable ``dockhand_run_in_controller`` (or, for a whole run, the controller's environment variable
``DOCKHAND_RUN_IN_CONTROLLER``) to false to run the modules as ansible-core does.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import signal
import sys
import tempfile
import threading
import traceback

from ansible import constants as C
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.plugins.action.normal import ActionModule as NormalActionModule
from ansible.plugins.connection.local import Connection as LocalConnection
from ansible.utils.display import Display

display = Display()

SWITCH = "dockhand_run_in_controller"
COLLECTION = "dockhand.docker."
PROFILE = "legacy"  # the serialization profile ansible-core gives modules that declare none (ours)


class InControllerModuleRun(ActionBase):  # pylint: disable=abstract-method
    """The hooks, for an action plugin: put it first in the bases, before ActionBase or a subclass of it."""

    _dockhand_params = None  # the encoded arguments while a module runs in the controller, else None
    _dockhand_fqn = None

    def _execute_module(self, module_name=None, module_args=None, tmp=None, task_vars=None, **kwargs):
        name = module_name or self._task.resolved_action or self._task.action
        refusal = self._in_controller_refusal(name, task_vars or {}, kwargs.get("wrap_async"))
        if refusal:
            display.vvvv(f"{name}: runs as a module process ({refusal})", host=self._play_context.remote_addr)
            return super()._execute_module(module_name, module_args, tmp, task_vars, **kwargs)
        self._dockhand_fqn = "ansible_collections.%s.plugins.modules.%s" % tuple(name.rsplit(".", 1))
        try:
            return super()._execute_module(module_name, module_args, tmp, task_vars, **kwargs)
        finally:
            self._dockhand_fqn = self._dockhand_params = None

    def _in_controller_refusal(self, name, task_vars, wrap_async):
        """Why this run cannot be in the controller, or '' when it can."""
        if not name.startswith(COLLECTION):
            return f"not a {COLLECTION.rstrip('.')} module"
        # the variable, else the controller's environment (DOCKHAND_RUN_IN_CONTROLLER), else yes
        default = os.environ.get(SWITCH.upper(), "true")
        if not boolean(self._templar.template(task_vars.get(SWITCH, default)), strict=False):
            return f"{SWITCH} is false"
        if not isinstance(self._connection, LocalConnection):
            return "the connection is not local"
        if wrap_async or self._task.async_val:
            return "async"
        if self._play_context.become:
            return "become"
        if threading.active_count() > 1:
            return "the worker has threads, which a fork would not carry"
        host_vars = task_vars
        if self._task.delegate_to:
            host_vars = task_vars.get("ansible_delegated_vars", {}).get(self._task.delegate_to, {})
        # the variable ansible_python_interpreter, else the setting interpreter_python ('auto' asks the host)
        interpreter = str(self._templar.template(C.config.get_config_value("INTERPRETER_PYTHON", variables=host_vars)))
        if not _is_controller_python(interpreter):
            return f"the interpreter ({interpreter}) is not the controller's {sys.executable}"
        return ""

    def _is_pipelining_enabled(self, module_style, wrap_async=False):
        if self._dockhand_fqn:
            return True
        return super()._is_pipelining_enabled(module_style, wrap_async)

    def _configure_module(self, module_name, module_args, task_vars):
        if not self._dockhand_fqn:
            return super()._configure_module(module_name, module_args, task_vars)
        self._dockhand_params = _encode_params(module_args)
        display.vvv(f"{module_name}: runs in a fork of the controller ({SWITCH})", host=self._play_context.remote_addr)
        return _built_module(self._dockhand_fqn)

    def _low_level_execute_command(self, cmd, *args, **kwargs):
        if self._dockhand_params is None:
            return super()._low_level_execute_command(cmd, *args, **kwargs)
        params, self._dockhand_params = self._dockhand_params, None
        environment: dict = {}
        self._compute_environment_string(environment)
        rc, stdout, stderr = run_in_fork(self._dockhand_fqn, params, {k: str(v) for k, v in environment.items()})
        return dict(rc=rc, stdout=stdout, stdout_lines=stdout.splitlines(), stderr=stderr,
                    stderr_lines=stderr.splitlines())


def _is_controller_python(path):
    """The same program in the same directory: python and python3 of one virtualenv are, its base Python is not."""
    ours = os.path.abspath(sys.executable)
    path = os.path.abspath(path)
    return os.path.dirname(path) == os.path.dirname(ours) and os.path.realpath(path) == os.path.realpath(ours)


def _encode_params(module_args):
    """The module's arguments, encoded as ansible-core encodes them into the AnsiballZ payload."""
    try:  # ansible-core 2.19 and later
        from ansible.module_utils.common.json import Direction, get_module_encoder
    except ImportError:  # 2.17 and 2.18
        from ansible.module_utils.common.json import AnsibleJSONEncoder
        return json.dumps(dict(ANSIBLE_MODULE_ARGS=module_args), cls=AnsibleJSONEncoder, vault_to_text=True).encode()
    encoder = get_module_encoder(PROFILE, Direction.CONTROLLER_TO_MODULE)
    return json.dumps(dict(ANSIBLE_MODULE_ARGS=module_args), cls=encoder).encode()


def _built_module(module_fqn):
    """What ``_configure_module`` returns, for a module whose payload is not built."""
    shebang = "#!" + sys.executable
    try:  # ansible-core 2.19 and later
        from ansible.executor.module_common import _BuiltModule
    except ImportError:
        return "new", shebang, b"", module_fqn
    return _BuiltModule(b_module_data=b"", module_style="new", shebang=shebang, serialization_profile=PROFILE), module_fqn


def run_in_fork(module_fqn, params, environment):
    """Run the module in a child process; return its exit status, stdout and stderr as text."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        pid = os.fork()
        if pid == 0:  # the child: never returns
            status = 1
            try:
                _become_module_process(out.fileno(), err.fileno(), environment)
                status = _run_module(module_fqn, params)
            finally:
                os._exit(status)
        # A task timeout or Ctrl-C raises here. The child is left to itself, as a module process is: Ctrl-C reaches
        # it too (the terminal's process group, or the worker's killpg), and it ends the way it handles that.
        status = os.waitpid(pid, 0)[1]
        out.seek(0)
        err.seek(0)
        return (os.waitstatus_to_exitcode(status), out.read().decode("utf-8", "surrogateescape"),
                err.read().decode("utf-8", "surrogateescape"))


def _become_module_process(out_fd, err_fd, environment):
    """Give the child what a new module process has, and nothing of the worker's."""
    atexit._clear()  # the worker's exit handlers are not the module's
    for number in (signal.SIGTERM, signal.SIGALRM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2,
                   signal.SIGCHLD):
        if callable(signal.getsignal(number)):
            signal.signal(number, signal.SIG_DFL)
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.set_wakeup_fd(-1)
    logging.getLogger().handlers.clear()
    with open(os.devnull, "rb") as devnull:
        os.dup2(devnull.fileno(), 0)
    os.dup2(out_fd, 1)
    os.dup2(err_fd, 2)
    sys.stdin = open(0, encoding="utf-8", closefd=False)  # pylint: disable=consider-using-with
    sys.stdout = open(1, "w", encoding="utf-8", errors="surrogateescape", closefd=False)  # pylint: disable=consider-using-with
    sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # pylint: disable=consider-using-with
    os.environ.update(environment)


def _run_module(module_fqn, params):
    """Run the module as AnsiballZ does; return the exit status its process would have."""
    status = 0
    try:
        try:  # ansible-core 2.19 and later
            from ansible.module_utils._internal._ansiballz import _loader
        except ImportError:
            _run_module_before_2_19(module_fqn, params)
        else:
            _loader.run_module(json_params=params, profile=PROFILE, module_fqn=module_fqn, modlib_path="",
                               extensions={})
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            status = exc.code or 0
        else:
            print(exc.code, file=sys.stderr)
            status = 1
    except BaseException:  # pylint: disable=broad-exception-caught
        traceback.print_exc()
        status = 1
    try:
        atexit._run_exitfuncs()  # the module's own (its temporary directory)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return status


def _run_module_before_2_19(module_fqn, params):
    import runpy
    from ansible.module_utils import basic
    basic._ANSIBLE_ARGS = params
    runpy.run_module(mod_name=module_fqn, init_globals=dict(_module_fqn=module_fqn, _modlib_path=""),
                     run_name="__main__", alter_sys=True)


class InControllerAction(InControllerModuleRun, NormalActionModule):
    """The action plugin of every dockhand.docker module without one of its own: ansible-core's ``normal``."""
