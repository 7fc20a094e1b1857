"""The modules in a fork of the controller (plugins/plugin_utils/_in_controller.py) against module processes, through
ansible itself: the same plan, result, check mode, diff and failures; no secret in the output; the task's environment;
and the cases that must run as a module process (async, another interpreter, the switch off)."""

import copy
import json
import sys
from pathlib import Path

import pytest
from _ansible_forkserver import run_cli

IN_CONTROLLER = "runs in a fork of the controller"


def mode(ansible, in_controller):
    """The harness with the switch set through the controller's environment, as a user would for a whole run."""
    other = copy.copy(ansible)
    other.env = dict(ansible.env, DOCKHAND_RUN_IN_CONTROLLER="true" if in_controller else "false")
    return other


def comparable(result):
    return {key: result.get(key) for key in ("changed", "actions", "changes", "diff", "msg", "failed", "invocation")}


@pytest.mark.parametrize("in_controller", [True, False], ids=["in-controller", "module-process"])
def test_check_apply_again_says_where_the_module_ran(ansible, engine, prefix, in_controller):
    runner = mode(ansible, in_controller)
    args = {"name": f"{prefix}-vol", "labels": {"dhtest.mode": str(in_controller)}}
    check = runner.converge("volume", args, lambda: sorted(v.name for v in engine.volumes.list(
        filters={"name": prefix})))
    assert (IN_CONTROLLER in check.output) is in_controller, check.output
    assert ("AnsiballZ_volume.py" in check.output) is not in_controller, check.output
    assert engine.volumes.get(f"{prefix}-vol").attrs["Labels"] == {"dhtest.mode": str(in_controller)}


def test_both_ways_give_the_same_results(ansible, engine, prefix):
    """Each way converges its own volume through the same steps; the results differ only by the volume's name."""
    first, second = {"labels": {"a": "1"}}, {"labels": {"a": "2"}, "recreate": "options-changed"}
    # (arguments, check mode, changed)
    steps = [(first, True, True), (first, False, True), (first, False, False), (second, True, True),
             (second, False, True), (second, False, False)]
    for step, check, changed in steps:
        results = []
        for in_controller in (True, False):
            name = f"{prefix}-{in_controller}"
            result = mode(ansible, in_controller).run("volume", dict(step, name=name), check=check)
            results.append(json.loads(json.dumps(comparable(result)).replace(name, "NAME")))
            assert result["invocation"]["module_args"]["name"] == name
        assert results[0] == results[1], (step, check)
        assert results[0]["changed"] is changed, (step, check, results[0])
    bad = {"name": f"{prefix}-bad", "state": "bogus"}
    failures = [comparable(mode(ansible, way).fails("volume", bad)) for way in (True, False)]
    assert failures[0] == failures[1]
    assert "state" in failures[0]["msg"]
    assert engine.volumes.list(filters={"name": f"{prefix}-bad"}) == []


@pytest.mark.parametrize("in_controller", [True, False], ids=["in-controller", "module-process"])
def test_a_secret_stays_out_of_the_output_at_vvv(ansible, in_controller):
    secret = "Sup3r-s3cret-Passw0rd"
    result = mode(ansible, in_controller).fails("login", {
        "registry_url": "127.0.0.1:1", "username": "someone", "password": secret, "timeout": 5})
    assert secret not in result.output
    assert result["invocation"]["module_args"]["password"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: the task's environment reaches the module
      dockhand.docker.volume_info:
        name: anything
      environment:
        DOCKER_HOST: unix:///nonexistent-dir/docker.sock
      register: elsewhere
      ignore_errors: true
    - name: async runs as a module process
      dockhand.docker.volume:
        name: "{{ volume }}"
      async: 60
      poll: 1
      register: in_background
    - name: another interpreter runs as a module process
      dockhand.docker.volume_info:
        name: "{{ volume }}"
      vars:
        ansible_python_interpreter: "{{ other_python }}"
      register: other
    - ansible.builtin.assert:
        that:
          - elsewhere is failed
          - "'/nonexistent-dir/docker.sock' in elsewhere.msg"
          - in_background is changed
          - other.exists
"""


def test_environment_async_and_another_interpreter(ansible, engine, prefix, tmp_path):
    """The other interpreter is a script that starts this venv's Python: the same libraries, but not provably the
    controller's Python, so the module must run as a process (and still work)."""
    book = tmp_path / "book.yml"
    book.write_text(PLAYBOOK)
    link = tmp_path / "bin" / "python"
    link.parent.mkdir()
    link.write_text(f'#!/bin/sh\nexec {sys.executable} "$@"\n')
    link.chmod(0o755)
    cmd = [str(Path(sys.executable).with_name("ansible-playbook")), str(book), "-vvvv",
           "-e", json.dumps({"volume": f"{prefix}-async", "other_python": str(link)})]
    proc = run_cli(cmd, env=mode(ansible, True).env, timeout=600)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "dockhand.docker.volume: runs as a module process (async)" in output
    assert f"the interpreter ({link}) is not the controller's" in output
    assert output.count(IN_CONTROLLER) == 1, output  # the first task only
    assert engine.volumes.get(f"{prefix}-async")
