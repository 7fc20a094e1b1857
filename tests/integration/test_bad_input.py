"""Malformed input found by a fuzz of the modules (issue 20): each case fails in check mode and for real, with a
message that names the option, no traceback, and nothing left on the engine."""

import pytest

IMAGE = "dockhand/busybox:latest"


def _resources(engine, prefix):
    # filtered by the engine: a listing of every container races with other tests removing theirs
    return ([c.name for c in engine.containers.list(all=True, filters={"name": prefix}) if c.name.startswith(prefix)],
            [n.name for n in engine.networks.list(names=[prefix]) if n.name.startswith(prefix)],
            [v.name for v in engine.volumes.list(filters={"name": prefix}) if v.name.startswith(prefix)])


def _container(prefix, **options):
    return dict({"name": f"{prefix}-c", "image": IMAGE, "command": ["sleep", "60"]}, **options)


def _network(prefix, **options):
    return dict({"name": f"{prefix}-n"}, **options)


def _volume(prefix, **options):
    return dict({"name": f"{prefix}-v"}, **options)


def _project(prefix, **sections):
    return dict({"project": prefix}, **sections)


CASES = [
    ("container", lambda p: dict(_container(p), name=p + "x" * 300), "name", "at most 255"),
    ("network", lambda p: _network(p, name=p + "x" * 300), "name", "at most 255"),
    ("volume", lambda p: _volume(p, name=p + "x" * 300), "name", "at most 255"),
    ("container", lambda p: _container(p, mounts=[{"type": "tmpfs", "target": "/t"}], tmpfs=["/t"]), "tmpfs", "already mounted"),
    ("container", lambda p: _container(p, env={"A=B": "c"}), "env", "not a variable name"),
    ("container", lambda p: _container(p, labels={"dockhand.managed": "{}"}), "labels", "module's own record"),
    ("container", lambda p: _container(p, pids_limit=-5), "pids_limit", "at least -1"),
    ("container", lambda p: _container(p, stop_timeout=-5), "stop_timeout", "at least -1"),
    ("container", lambda p: _container(p, exposed_ports=["abc"]), "exposed_ports", "not a port"),
    ("container", lambda p: _container(p, exposed_ports=["-80"]), "exposed_ports", "not a port"),
    ("container", lambda p: _container(p, cpu_shares=-10), "cpu_shares", "must be 0 to 262144"),
    ("container", lambda p: _container(p, restart_policy="on-failure", restart_retries=-1), "restart_retries", "at least 0"),
    ("container", lambda p: _container(p, dns_servers=["not-an-ip"]), "dns_servers", "not an IP address"),
    ("container", lambda p: _container(p, etc_hosts={"db": "10.1.2"}), "etc_hosts.db", "not an IP address"),
    ("container", lambda p: _container(p, capabilities=["NOT_A_CAP"]), "capabilities", "unknown capability NOT_A_CAP"),
    ("container", lambda p: _container(p, working_dir="relative/dir"), "working_dir", "not an absolute path"),
    ("project", lambda p: _project(p, volumes=[{"name": f"{p}-v"}], containers=[_container(p, capabilities=["NOT_A_CAP"])]),
     "containers[0].capabilities", "unknown capability"),
    ("network", lambda p: _network(p, driver_options={"com.docker.network.driver.mtu": "abc"}),
     "driver_options.com.docker.network.driver.mtu", "not an MTU"),
    ("network", lambda p: _network(p, driver_options={"com.docker.network.driver.mtu": "99999999"}),
     "driver_options.com.docker.network.driver.mtu", "from 68 to 65535"),
    ("network", lambda p: _network(p, driver_options={"com.docker.network.bridge.enable_icc": "maybe"}),
     "driver_options.com.docker.network.bridge.enable_icc", "true or false"),
    ("network", lambda p: _network(p, ipam_config=[{"subnet": "10.250.0.0/16"}, {"subnet": "10.250.1.0/24"}]),
     "ipam_config[1].subnet", "overlaps"),
    ("volume", lambda p: _volume(p, driver_options={"type": "tmpfs", "device": "tmpfs", "o": "size=abc"}), "driver_options.o", "tmpfs size"),
    ("project", lambda p: _project(p, parallelism=-1, volumes=[{"name": f"{p}-v"}]), "parallelism", "less than 1"),
    ("project", lambda p: _project(p, volumes=[{"name": f"{p}-v"}, {"name": f"{p}-v"}]), "volumes[1].name", "declared twice"),
    ("project", lambda p: _project(p, networks=[{"name": f"{p}-n"}, {"name": f"{p}-n"}]), "networks[1].name", "declared twice"),
    ("project", lambda p: _project(p, volumes=[{"name": f"{p}-v"}], containers=[{"name": f"{p}-c", "command": ["true"]}]),
     "containers[0].image", "is needed"),
    ("project", lambda p: _project(p, volumes=[{"name": f"{p}-v"}],
                                   containers=[_container(p, networks=[{"name": f"{p}-nowhere"}])]), "containers", "does not declare"),
    ("project", lambda p: _project(p, volumes=[{"name": f"{p}-v"}],
                                   containers=[_container(p, replicas=2, published_ports=["127.0.0.1:18555:80"])]),
     "containers[0].published_ports", "fixed host port"),
]


@pytest.mark.parametrize("module, args, option, words", CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_bad_input_is_refused_naming_the_option(engine, ansible, prefix, module, args, option, words):
    args = args(prefix)
    for check in (True, False):
        result = ansible.fails(module, args, check=check)
        assert result["msg"].startswith(f"{option}: "), result["msg"]
        assert words in result["msg"], result["msg"]
    assert _resources(engine, prefix) == ([], [], [])


def test_a_clean_rollback_does_not_say_the_engine_may_be_partly_changed(engine, ansible, prefix):
    args = _container(prefix, stop_timeout=0)
    ansible.ok("container", args)
    result = ansible.fails("container", dict(args, command=["sh", "-c", "exit 3"], wait="running"))
    assert "the old container" in result["msg"] and "running again" in result["msg"], result["msg"]
    assert "partly changed" not in result["msg"], result["msg"]
    assert engine.api.inspect_container(args["name"])["State"]["Running"]


@pytest.mark.parametrize("module, args, option", [
    ("network", lambda p: _network(p, ipam_config="10.250.0.0/24"), "ipam_config"),
    ("container", lambda p: _container(p, mounts="/t"), "mounts"),
    ("project", lambda p: _project(p, containers="web"), "containers"),
], ids=["network-ipam_config", "container-mounts", "project-containers"])
def test_a_string_for_a_list_of_dictionaries_names_the_option(engine, ansible, prefix, module, args, option):
    """ansible-core says first that its no_log scan could not read the value, in words that name no option."""
    for check in (True, False):
        result = ansible.fails(module, args(prefix), check=check)
        assert f"option '{option}'" in result["msg"], result["msg"]
    assert _resources(engine, prefix) == ([], [], [])
