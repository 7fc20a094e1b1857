"""Regression tests for bugs found by running community.docker's own scenarios against dockhand.docker (issue 20).
Each failed before its fix, on the real engine."""

import docker
import pytest

IMAGE = "dockhand/busybox:latest"


def inspect(engine, name):
    try:
        return engine.api.inspect_container(name)
    except docker.errors.NotFound:
        return None


def snapshot_of(engine, name):
    def snapshot():
        data = inspect(engine, name)
        return data and (data["Id"], data["State"]["Running"], data["Config"], data["HostConfig"])
    return snapshot


def leftovers(engine, name):
    return [c.name for c in engine.containers.list(all=True, filters={"name": name}) if c.name.startswith(f"{name}-dockhand-")]


def base(prefix, suffix="app", **extra):
    return dict({"name": f"{prefix}-{suffix}", "image": IMAGE, "command": ["sleep", "3600"], "stop_timeout": 0}, **extra)


@pytest.mark.parametrize("state", ["stopped", "started", "healthy"])
def test_a_name_and_a_state_act_on_the_existing_container(engine, ansible, prefix, state):
    args = base(prefix, healthcheck={"test": "true", "interval": "1s"}, state="started" if state == "stopped" else "stopped")
    ansible.ok("container", args)
    name = args["name"]
    created = inspect(engine, name)
    result = ansible.converge("container", {"name": name, "state": state}, snapshot_of(engine, name))
    assert [a.split(" (")[0] for a in result["actions"]] == [f"{'stop' if state == 'stopped' else 'start'} container {name}"]
    now = inspect(engine, name)
    assert now["Id"] == created["Id"] and now["State"]["Running"] is (state != "stopped")
    if state == "healthy":
        assert now["State"]["Health"]["Status"] == "healthy"


@pytest.mark.parametrize("before, after", [("host", "none"), ("none", "host"), ("host", "bridge"), ("bridge", "none")])
def test_a_recreate_across_network_modes_works_and_leaves_nothing(engine, ansible, prefix, before, after):
    args = base(prefix, network_mode=before)
    ansible.ok("container", args)
    name = args["name"]
    result = ansible.converge("container", dict(args, network_mode=after, force_kill=True), snapshot_of(engine, name))
    assert result["actions"][0].startswith(f"recreate container {name}: network_mode")
    assert inspect(engine, name)["HostConfig"]["NetworkMode"] == (after if after != "bridge" else "bridge")
    assert leftovers(engine, name) == []


def test_a_failed_create_of_a_recreate_leaves_no_temporary_container(engine, ansible, prefix):
    args = base(prefix)
    ansible.ok("container", args)
    name = args["name"]
    old = inspect(engine, name)["Id"]
    # the engine refuses this device (at create or at start): the old container must stay as it was
    ansible.fails("container", dict(args, devices=["/dev/dhtest-no-such-device:/dev/x"]))
    assert inspect(engine, name)["Id"] == old and inspect(engine, name)["State"]["Running"]
    assert leftovers(engine, name) == []


def test_an_ipv6_only_ipam_config_is_idempotent(engine, ansible, prefix):
    args = {"name": f"{prefix}-v6", "enable_ipv6": True, "ipam_config": [{"subnet": "fdd1:ac8c:557:7cf0::/64"}]}

    def snapshot():
        return [n.attrs["IPAM"] for n in engine.networks.list(names=[args["name"]])]

    ansible.converge("network", args, snapshot)
    pools = [p["Subnet"] for p in engine.networks.get(args["name"]).attrs["IPAM"]["Config"]]
    assert "fdd1:ac8c:557:7cf0::/64" in pools


def test_an_invalid_tag_is_refused_even_when_the_name_has_a_tag(ansible):
    result = ansible.fails("image_pull", {"name": f"{IMAGE}", "tag": "foo/bar"})
    assert result["msg"].startswith("tag: "), result["msg"]


@pytest.mark.parametrize("options, option", [
    ({"mounts": [{"type": "tmpfs", "target": "/x"}, {"type": "tmpfs", "target": "/x"}]}, "mounts"),
    ({"volumes": ["/x"], "mounts": [{"type": "tmpfs", "target": "/x"}]}, "mounts"),
    ({"volumes": ["{prefix}-a:/x", "/x"]}, "volumes"),
    ({"volumes": ["/x"], "tmpfs": ["/x"]}, "tmpfs"),
])
def test_a_path_mounted_twice_is_refused_in_check_mode_too(engine, ansible, prefix, options, option):
    options = {k: [dict(m) if isinstance(m, dict) else m.format(prefix=prefix) for m in v] for k, v in options.items()}
    args = base(prefix, **options)
    for check in (True, False):
        result = ansible.fails("container", args, check=check)
        assert result["msg"].startswith(f"{option}: /x is already mounted"), result["msg"]
    assert inspect(engine, args["name"]) is None


def test_a_dropped_anonymous_volume_is_not_mounted_again(engine, ansible, prefix):
    args = base(prefix, volumes=["/data", "/keep"])
    ansible.ok("container", args)
    name = args["name"]
    engine.containers.get(name).exec_run(["sh", "-c", "echo d > /data/f && echo k > /keep/f"])
    old_volumes = {m["Destination"]: m["Name"] for m in inspect(engine, name)["Mounts"]}
    dropped = dict(args, volumes=["/keep"])
    result = ansible.converge("container", dropped, snapshot_of(engine, name))
    assert "/data: no longer declared" in result["actions"][0], result["actions"]
    mounts = {m["Destination"]: m["Name"] for m in inspect(engine, name)["Mounts"]}
    assert mounts == {"/keep": old_volumes["/keep"]}, "the kept volume carries over, the dropped one is not mounted"
    assert engine.containers.get(name).exec_run(["cat", "/keep/f"]).output == b"k\n"
    assert engine.volumes.get(old_volumes["/data"]).name, "the dropped volume's data stays on the engine"
    readded = ansible.converge("container", args, snapshot_of(engine, name))
    assert readded["actions"][0].startswith(f"recreate container {name}: volumes")
    engine.volumes.get(old_volumes["/data"]).remove()


@pytest.mark.serial  # compares the engine's whole volume list before and after
def test_a_first_start_that_fails_removes_its_anonymous_volumes(engine, ansible, prefix):
    before = {v.name for v in engine.volumes.list()}
    result = ansible.fails("container", base(prefix, command=["/no/such/binary"], volumes=["/fz"]))
    assert "removed again" in result["msg"]
    assert inspect(engine, f"{prefix}-app") is None
    assert {v.name for v in engine.volumes.list()} - before == set()
