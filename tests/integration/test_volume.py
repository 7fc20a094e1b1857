"""dockhand.docker.volume against the real engine."""

import docker
import pytest


def volume_state(engine, name):
    try:
        data = engine.api.inspect_volume(name)
    except docker.errors.NotFound:
        return None
    return {k: data.get(k) for k in ("Driver", "Options", "Labels", "CreatedAt")}


def test_create_with_options_and_labels(engine, ansible, prefix):
    name = f"{prefix}-data"
    args = {"name": name, "driver": "local", "labels": {"app": "shop", "tier": "db"},
            "driver_options": {"type": "tmpfs", "device": "tmpfs", "o": "size=16m"}}
    check = ansible.converge("volume", args, lambda: volume_state(engine, name))
    assert check["actions"] == [f"create volume {name}"]
    assert check["volume"] == {}
    assert check["diff"]["before"] == {"exists": False}
    assert check["diff"]["after"]["labels"] == {"app": "shop", "tier": "db"}
    data = engine.api.inspect_volume(name)
    assert data["Labels"] == {"app": "shop", "tier": "db"}
    assert data["Options"] == {"type": "tmpfs", "device": "tmpfs", "o": "size=16m"}
    assert check.applied["volume"]["Name"] == name


def test_labels_not_listed_are_left_alone(engine, ansible, prefix):
    name = f"{prefix}-keep"
    engine.volumes.create(name, labels={"app": "shop", "owner": "someone-else"})
    result = ansible.ok("volume", {"name": name, "labels": {"app": "shop"}})
    assert result["changed"] is False


def test_difference_needs_recreate_permission(engine, ansible, prefix):
    name = f"{prefix}-opts"
    engine.volumes.create(name, driver_opts={"type": "tmpfs", "device": "tmpfs", "o": "size=8m"})
    created = volume_state(engine, name)
    args = {"name": name, "driver_options": {"type": "tmpfs", "device": "tmpfs", "o": "size=16m"}}
    refused = ansible.fails("volume", args)
    assert refused["msg"].startswith("recreate: ")
    assert "driver_options" in refused["msg"] and "size=16m" in refused["msg"]
    assert volume_state(engine, name) == created

    check = ansible.converge("volume", dict(args, recreate="options-changed"), lambda: volume_state(engine, name))
    assert check["actions"][0].startswith(f"recreate volume {name}: driver_options")
    assert check["changes"] == [{"field": "driver_options", "before": {"type": "tmpfs", "device": "tmpfs", "o": "size=8m"},
                                 "after": args["driver_options"], "how": "recreate"}]
    assert check["diff"]["before"]["driver_options"]["o"] == "size=8m"
    assert check["diff"]["after"]["driver_options"]["o"] == "size=16m"
    assert engine.api.inspect_volume(name)["Options"]["o"] == "size=16m"


def test_recreate_refused_while_in_use(engine, ansible, prefix, run_container):
    name = f"{prefix}-busy"
    engine.volumes.create(name, labels={"v": "1"})
    run_container("user", volumes={name: {"bind": "/data", "mode": "rw"}})
    result = ansible.fails("volume", {"name": name, "labels": {"v": "2"}, "recreate": "options-changed"})
    assert result["option"] == "recreate" and f"{prefix}-user" in result["msg"]
    assert engine.api.inspect_volume(name)["Labels"] == {"v": "1"}


def test_remove_in_use_needs_force(engine, ansible, prefix, run_container):
    name = f"{prefix}-inuse"
    engine.volumes.create(name)
    user = run_container("writer", volumes={name: {"bind": "/data", "mode": "rw"}})
    refused = ansible.fails("volume", {"name": name, "state": "absent"})
    assert refused["option"] == "force"
    assert f"{prefix}-writer" in refused["msg"]
    assert volume_state(engine, name) is not None

    def snapshot():
        return volume_state(engine, name), [c.name for c in engine.containers.list(all=True, filters={"id": user.id})]

    check = ansible.converge("volume", {"name": name, "state": "absent", "force": True}, snapshot)
    assert check["actions"] == [f"remove container {prefix}-writer (uses volume {name})", f"remove volume {name}"]
    assert check["diff"]["after"] == {"exists": False}
    assert volume_state(engine, name) is None


def test_remove_unused(engine, ansible, prefix):
    name = f"{prefix}-gone"
    engine.volumes.create(name)
    check = ansible.converge("volume", {"name": name, "state": "absent"}, lambda: volume_state(engine, name))
    assert check["actions"] == [f"remove volume {name}"]


@pytest.mark.parametrize("args, option, words", [
    ({"name": "bad name!"}, "name", "not a valid name"),
    ({"name": "{prefix}-x", "labels": {"version": 2}}, "labels", "must be a string"),
    ({"name": "{prefix}-x", "driver_options": {"size": True}}, "driver_options", "must be a string"),
    ({"name": "{prefix}-x", "driver": "no-such-driver"}, "driver", "unknown volume driver 'no-such-driver'"),
    ({"name": "{prefix}-x", "api_version": "latest"}, "api_version", "MAJOR.MINOR"),
])
def test_bad_input_fails_and_leaves_nothing(engine, ansible, prefix, args, option, words):
    args = {k: (v.format(prefix=prefix) if isinstance(v, str) else v) for k, v in args.items()}
    for check in (True, False):
        result = ansible.fails("volume", args, check=check)
        assert result["msg"].startswith(f"{option}: "), result["msg"]
        assert words in result["msg"]
    assert not [v for v in engine.volumes.list() if v.name.startswith(prefix)]


def test_unreachable_engine_is_named(ansible, prefix):
    result = ansible.fails("volume", {"name": f"{prefix}-x", "docker_host": "unix:///run/no-such-docker.sock"})
    assert result["msg"] == "cannot reach the Docker engine at unix:///run/no-such-docker.sock: No such file or directory"
    result = ansible.fails("volume", {"name": f"{prefix}-x", "docker_host": "tcp://127.0.0.1:1", "timeout": 5})
    assert result["msg"].startswith("cannot reach the Docker engine at tcp://127.0.0.1:1: ")
    assert "refused" in result["msg"].lower()
