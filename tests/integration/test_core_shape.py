"""The core's shape, measured on the real engine: each task is parsed once per run, a project's facts match the single
module's, and stop/restart honour stop_timeout the way `docker stop` does."""

import sys
import time

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.dockhand.docker.plugins.module_utils import _container, _project
from ansible_collections.dockhand.docker.plugins.module_utils._client import CONNECTION_ARGS, connect
from ansible_collections.dockhand.docker.plugins.module_utils._container_fields import CONTAINER_SPEC
from ansible_collections.dockhand.docker.plugins.module_utils._runner import converge

from _engine_support import REGISTRY

IMAGE = "dockhand/busybox:latest"


def task(spec, **given):
    """Module params as AnsibleModule makes them: validated, defaults applied, connection options included."""
    result = ArgumentSpecValidator(dict(spec, **CONNECTION_ARGS)).validate(given)
    assert not result.error_messages, result.error_messages
    return result.validated_parameters


@pytest.fixture
def counts(monkeypatch):
    """Counts ContainerKind.desired() calls and parse_ref() calls, wherever the collection calls them from."""
    seen = {"desired": 0, "parse_ref": 0}
    desired = _container.ContainerKind.desired

    def counted_desired(params):
        seen["desired"] += 1
        return desired(params)

    monkeypatch.setattr(_container.ContainerKind, "desired", staticmethod(counted_desired))
    for name, module in list(sys.modules.items()):
        if name.startswith("ansible_collections.dockhand.docker.plugins.module_utils.") and hasattr(module, "parse_ref"):
            original = module.parse_ref

            def counted_parse(*args, _original=original, **kwargs):
                seen["parse_ref"] += 1
                return _original(*args, **kwargs)

            monkeypatch.setattr(module, "parse_ref", counted_parse)
    return seen


def test_a_container_create_parses_its_task_once(engine, prefix, counts):
    params = task(CONTAINER_SPEC, name=f"{prefix}-c", image=IMAGE, command=["sleep", "60"], stop_timeout=0)
    want = _container.ContainerKind.desired(params)
    done = converge(_container.ContainerKind, connect(params), want, check_mode=False)
    assert [a.verb for a in done.plan.actions] == ["create", "start"]
    assert engine.api.inspect_container(f"{prefix}-c")["State"]["Running"]
    assert counts == {"desired": 1, "parse_ref": 1}


def test_a_pull_and_recreate_parses_its_image_reference_once(engine, prefix, counts):
    remote = f"{REGISTRY}/{prefix}/app:1"
    engine.images.get(IMAGE).tag(remote)
    try:
        for line in engine.api.push(remote, stream=True, decode=True):
            assert "error" not in line, line
    finally:
        engine.images.remove(remote)  # only the registry has it now: the task must pull it
    engine.containers.run(IMAGE, ["sleep", "60"], name=f"{prefix}-c", detach=True)
    params = task(CONTAINER_SPEC, name=f"{prefix}-c", image=remote, command=["sleep", "60"], stop_timeout=0, adopt=True)
    client = connect(params)
    counts["parse_ref"] = 0  # what the test itself parsed above does not count
    done = converge(_container.ContainerKind, client, _container.ContainerKind.desired(params), check_mode=False)
    try:
        assert [a.verb for a in done.plan.actions] == ["pull", "recreate"]
        assert engine.api.inspect_container(f"{prefix}-c")["Config"]["Image"] == remote
        assert counts == {"desired": 1, "parse_ref": 1}
    finally:
        engine.api.remove_container(f"{prefix}-c", force=True)
        engine.images.remove(remote)


def test_one_project_entry_with_replicas_is_parsed_once(engine, prefix, counts):
    params = dict(task({}), project=prefix, state="present", networks=None, volumes=None, remove_orphans=False, purge_volumes=False,
                  parallelism=None, containers=[{"name": f"{prefix}-web", "image": IMAGE, "command": ["sleep", "60"], "stop_timeout": 0,
                                                 "replicas": 3}])
    result, failure = _project.run_project(connect(params), params, check_mode=False)
    try:
        assert failure is None, failure
        assert sorted(r["resource"] for r in result["resources"]) == [f"container {prefix}-web-{n}" for n in (1, 2, 3)]
        assert counts == {"desired": 1, "parse_ref": 1}
    finally:
        _project.run_project(connect(params), dict(params, state="absent"), check_mode=False)


def test_a_project_reads_each_container_once_and_shared_things_once(engine, prefix, monkeypatch):
    """Issue 19's round trips: an unchanged project of N containers on one image costs N container inspects, one image
    inspect and one listing of interrupted-recreate leftovers (not three reads per container); creating it writes
    create + start per container and no other request."""
    params = dict(task({}), project=prefix, state="present", networks=None, volumes=None, remove_orphans=False, purge_volumes=False,
                  parallelism=None, containers=[{"name": f"{prefix}-web", "image": IMAGE, "command": ["sleep", "60"], "stop_timeout": 0,
                                                 "replicas": 6}])
    seen = []

    def counting_client():  # a task's client: what it read once is read again by the next task
        client = connect(params)
        read, write = client.read, client.write
        monkeypatch.setattr(client, "read", lambda method, path, *a, **k: seen.append(("GET", path)) or read(method, path, *a, **k))
        monkeypatch.setattr(client, "write", lambda method, path, *a, **k: seen.append((method, path)) or write(method, path, *a, **k))
        return client
    try:
        _result, failure = _project.run_project(counting_client(), params, check_mode=False)
        assert failure is None, failure
        writes = sorted(p for m, p in seen if m != "GET")
        assert writes == ["/containers/create"] * 6 + ["/containers/{0}/start"] * 6
        seen.clear()
        result, failure = _project.run_project(counting_client(), params, check_mode=False)
        assert failure is None and not result["changed"]
        reads = {path: sum(1 for _m, p in seen if p == path) for _m, path in seen}
        assert reads.pop("/containers/{0}/json") == 6
        assert reads.pop("/images/{0}/json") == 1
        assert reads.pop("/containers/json") == 2  # the project's own listing (orphans), the leftovers listing
        assert reads == {"/networks": 1, "/volumes": 1}
    finally:
        _project.run_project(connect(params), dict(params, state="absent"), check_mode=False)


def test_a_project_returns_the_output_of_a_run_to_completion_container(engine, ansible, prefix):
    args = {"project": prefix, "containers": [{"name": f"{prefix}-job", "image": IMAGE, "command": ["echo", "hello from the job"],
                                               "detach": False, "state": "started"}]}
    result = ansible.ok("project", args)
    job = result["resources"][0]
    assert job["status"] == "ok" and job["facts"] == {"status": 0, "output": "hello from the job"}
    single = ansible.ok("container", dict(args["containers"][0], name=f"{prefix}-single"))
    assert {"status": single["status"], "output": single["output"]} == job["facts"], "a project entry has the single module's facts"
    ansible.ok("project", {"project": prefix, "state": "absent"})


def _seconds(ansible, args):
    start = time.monotonic()
    result = ansible.ok("container", args)
    assert result["changed"] is True, result.output
    return time.monotonic() - start


@pytest.mark.serial  # timed
def test_restart_with_stop_timeout_zero_does_not_wait(engine, ansible, prefix):
    # sleep as PID 1 ignores SIGTERM: only the kill after the stop timeout ends it
    args = {"name": f"{prefix}-c", "image": IMAGE, "command": ["sleep", "3600"], "stop_timeout": 0}
    ansible.ok("container", args)
    took = _seconds(ansible, dict(args, state="restarted"))
    assert took < 6, f"restart with stop_timeout: 0 took {took:.1f}s (the engine's default would be 10 s)"
    assert engine.api.inspect_container(f"{prefix}-c")["State"]["Running"]


@pytest.mark.serial  # timed
def test_without_stop_timeout_the_containers_own_stop_timeout_is_used(engine, ansible, prefix):
    engine.api.create_container(IMAGE, ["sleep", "3600"], name=f"{prefix}-c", stop_timeout=2)
    engine.api.start(f"{prefix}-c")
    assert engine.api.inspect_container(f"{prefix}-c")["Config"]["StopTimeout"] == 2
    took = _seconds(ansible, {"name": f"{prefix}-c", "state": "restarted"})
    assert 2 <= took < 8, f"restart took {took:.1f}s: the container's own 2 s stop timeout should apply"
