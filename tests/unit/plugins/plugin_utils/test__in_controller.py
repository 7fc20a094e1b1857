# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fork that runs a module in the controller: what the child gets and gives back, as a module process would."""

import atexit
import json
import os
import signal
import sys
import textwrap
import warnings

import pytest
from ansible_collections.dockhand.docker.plugins.plugin_utils import _in_controller
from ansible_collections.dockhand.docker.plugins.plugin_utils._in_controller import _encode_params, run_in_fork

MODULE = """
import atexit, os, sys, time
from ansible.module_utils.basic import AnsibleModule

def main():
    m = AnsibleModule(argument_spec=dict(action=dict(type='str', required=True), token=dict(type='str', no_log=True),
                                         mark=dict(type='path')), supports_check_mode=True)
    action = m.params['action']
    atexit.register(lambda: open(m.params['mark'], 'w').write('the module exit handler ran'))
    if action == 'fail':
        m.fail_json(msg='the option action asked for a failure')
    if action == 'raise':
        raise RuntimeError('boom from the module')
    if action == 'exit-text':
        sys.exit('a message on the way out')
    if action == 'sleep':
        time.sleep(60)
    if action == 'signals':
        import signal
        m.exit_json(sigint=repr(signal.getsignal(signal.SIGINT)), sigterm=repr(signal.getsignal(signal.SIGTERM)))
    print('a warning on stderr', file=sys.stderr)
    m.exit_json(changed=False, env=os.environ.get('DH_TASK_ENV'), stdin=sys.stdin.read(), check=m.check_mode,
                token_seen=m.params['token'] is not None)

if __name__ == '__main__':
    main()
"""


@pytest.fixture
def fake_module(tmp_path, monkeypatch):
    package = tmp_path / "dh_fake_modules"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "probe_module.py").write_text(textwrap.dedent(MODULE))
    monkeypatch.syspath_prepend(str(tmp_path))
    return "dh_fake_modules.probe_module"


def run(fqn, tmp_path, environment=None, **args):
    params = _encode_params(dict(dict(mark=str(tmp_path / "mark")), **args))
    with warnings.catch_warnings():  # pytest-xdist's worker has threads; the action plugin refuses to fork then
        warnings.simplefilter("ignore", DeprecationWarning)
        return run_in_fork(fqn, params, environment or {})


def test_a_module_run_gives_its_result_with_the_task_environment_and_no_stdin(fake_module, tmp_path):
    rc, stdout, stderr = run(fake_module, tmp_path, {"DH_TASK_ENV": "from the task"}, action="ok", token="hunter2",
                             _ansible_check_mode=True)
    assert rc == 0, stderr
    result = json.loads(stdout)
    assert result["env"] == "from the task" and result["stdin"] == "" and result["check"] is True
    assert result["token_seen"] is True
    assert "hunter2" not in stdout  # no_log: the invocation shows the option masked
    assert "a warning on stderr" in stderr
    assert (tmp_path / "mark").read_text() == "the module exit handler ran"
    assert "DH_TASK_ENV" not in os.environ  # the child's environment stays in the child


def test_the_workers_exit_handlers_do_not_run_in_the_child(fake_module, tmp_path):
    parent_mark = tmp_path / "parent"

    def parent_handler():
        parent_mark.write_text("ran")

    atexit.register(parent_handler)
    try:
        assert run(fake_module, tmp_path, action="ok")[0] == 0
    finally:
        atexit.unregister(parent_handler)
    assert not parent_mark.exists()


@pytest.mark.parametrize("action, expected", [
    ("fail", "the option action asked for a failure"),
    ("raise", "boom from the module"),
    ("exit-text", "a message on the way out"),
])
def test_a_failing_module_exits_1_with_its_words(fake_module, tmp_path, action, expected):
    rc, stdout, stderr = run(fake_module, tmp_path, action=action)
    assert rc == 1
    assert expected in stdout + stderr


def test_a_missing_module_exits_1_naming_it(tmp_path):
    rc, stdout, stderr = run("dh_fake_modules_absent.nothing", tmp_path, action="ok")
    assert rc == 1
    assert "dh_fake_modules_absent" in stdout + stderr


def test_an_interrupted_wait_leaves_the_module_to_itself(fake_module, tmp_path, monkeypatch):
    """A task timeout or Ctrl-C in the worker raises; the module goes on, as a module process would (Ctrl-C reaches
    it on its own, and a module cut off by the worker could leave a half-made change)."""
    real_waitpid = os.waitpid
    children = []

    def interrupted(pid, options):
        children.append(pid)
        raise KeyboardInterrupt

    monkeypatch.setattr(_in_controller.os, "waitpid", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run(fake_module, tmp_path, action="sleep")
    monkeypatch.undo()
    assert real_waitpid(children[0], os.WNOHANG) == (0, 0)  # still running
    os.kill(children[0], signal.SIGTERM)  # a new Python's SIGTERM: the default action
    status = real_waitpid(children[0], 0)[1]
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM


@pytest.mark.parametrize("sigint, expected", [(lambda *a: None, "default_int_handler"), (signal.SIG_IGN, "SIG_IGN")])
def test_the_child_has_the_signal_handlers_of_a_new_python(fake_module, tmp_path, sigint, expected):
    """The worker's handlers (ansible-core's, which kill the worker's process group) are not the module's; an ignored
    SIGINT stays ignored, as a new Python leaves it."""
    saved = signal.signal(signal.SIGINT, sigint), signal.signal(signal.SIGTERM, lambda *a: None)
    try:
        rc, stdout, stderr = run(fake_module, tmp_path, action="signals")
    finally:
        signal.signal(signal.SIGINT, saved[0])
        signal.signal(signal.SIGTERM, saved[1])
    assert rc == 0, stderr
    result = json.loads(stdout)
    assert expected in result["sigint"] and "SIG_DFL" in result["sigterm"]


def test_arguments_are_encoded_as_ansiballz_encodes_them():
    encoded = json.loads(_encode_params({"name": "x", "_ansible_check_mode": True}))
    assert encoded == {"ANSIBLE_MODULE_ARGS": {"name": "x", "_ansible_check_mode": True}}


def test_the_controller_python_is_the_same_program_in_the_same_directory(tmp_path):
    here = os.path.dirname(os.path.abspath(sys.executable))
    assert _in_controller._is_controller_python(sys.executable)
    assert not _in_controller._is_controller_python("auto")
    assert not _in_controller._is_controller_python(os.path.join(here, "no-such-python"))
    elsewhere = tmp_path / "python"
    elsewhere.symlink_to(sys.executable)  # the same program from another directory: maybe another virtualenv
    assert not _in_controller._is_controller_python(str(elsewhere))


def test_every_module_has_an_action_plugin_that_can_run_it_in_the_controller():
    """A new module without its one-line action plugin would quietly run as a module process."""
    import importlib
    from pathlib import Path
    root = Path(_in_controller.__file__).resolve().parents[1]
    modules = sorted(p.stem for p in (root / "modules").glob("*.py") if not p.stem.startswith("_"))
    assert len(modules) > 20
    for name in modules:
        action = importlib.import_module(f"ansible_collections.dockhand.docker.plugins.action.{name}")
        assert issubclass(action.ActionModule, _in_controller.InControllerModuleRun), name
