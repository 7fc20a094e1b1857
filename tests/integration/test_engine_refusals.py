"""Options only the engine can check (a log driver, this host's CPUs, its kernel's sysctls, a volume driver's options):
when the engine refuses one, the task fails naming the option and what was refused, with the engine's own answer, and
leaves nothing half-made: a refused create or first start leaves no container and none of the volumes it made; a
refused recreate or in-place update leaves the old container running under its name (issue 20)."""

import random
import socket

import docker
import pytest

IMAGE = "dockhand/busybox:latest"


def _leftovers(engine, prefix):
    return ([c.name for c in engine.containers.list(all=True, filters={"name": prefix})],
            [n.name for n in engine.networks.list(names=[prefix]) if n.name.startswith(prefix)],
            [v.name for v in engine.volumes.list(filters={"name": prefix}) if v.name.startswith(prefix)])


def _container(prefix, **options):
    # a named volume the create makes: a refused start must take it back too
    return dict({"name": f"{prefix}-c", "image": IMAGE, "command": ["sleep", "3600"], "stop_timeout": 0,
                 "volumes": [f"{prefix}-data:/data"]}, **options)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# (module, task of the prefix, the option the message starts with, what it says the engine refused; {p}: the prefix)
CASES = [
    ("container", lambda p: _container(p, log_driver="nosuch"), "log_driver", "'nosuch'"),
    ("container", lambda p: _container(p, log_options={"nosuch": "1"}), "log_options.nosuch", "'1'"),
    ("container", lambda p: _container(p, cpuset_cpus="999"), "cpuset_cpus", "'999'"),
    ("container", lambda p: _container(p, cpus=4096), "cpus", "4096"),
    ("container", lambda p: _container(p, memory="1k"), "memory", "1024"),
    ("container", lambda p: _container(p, runtime="nosuchrt"), "runtime", "'nosuchrt'"),
    ("container", lambda p: _container(p, sysctls={"net.nosuch.thing": "1"}), "sysctls.net.nosuch.thing", "'1'"),
    ("container", lambda p: _container(p, devices=[f"/dev/{p}-none:/dev/x"]), "devices", "/dev/{p}-none"),
    ("container", lambda p: _container(p, device_read_bps=[{"path": f"/dev/{p}-none", "rate": "1m"}]), "device_read_bps", "/dev/{p}-none"),
    ("container", lambda p: _container(p, user="nosuchuser"), "user", "'nosuchuser'"),
    ("container", lambda p: _container(p, groups=["nosuchgroup"]), "groups", "'nosuchgroup'"),
    ("container", lambda p: _container(p, command=["/no/such/binary"]), "command", "'/no/such/binary'"),
    ("container", lambda p: _container(p, ulimits=["nosuch:1:1"]), "ulimits", "nosuch"),
    ("container", lambda p: _container(p, stop_signal="SIGNOSUCH"), "stop_signal", "'SIGNOSUCH'"),
    ("container", lambda p: _container(p, pid_mode=f"container:{p}-none"), "pid_mode", "'container:{p}-none'"),
    ("container", lambda p: _container(p, volumes_from=[f"{p}-none"]), "volumes_from", "{p}-none"),
    ("container", lambda p: _container(p, network_mode=f"{p}-nonet"), "network_mode", "'{p}-nonet'"),
    ("container", lambda p: _container(p, volume_driver="nosuchdrv"), "volume_driver", "'nosuchdrv'"),
    ("container", lambda p: _container(p, mounts=[{"type": "bind", "source": f"/{p}/none", "target": "/x"}]), "mounts", "/{p}/none"),
    ("network", lambda p: {"name": f"{p}-n", "ipam_driver": "nosuchipam"}, "ipam_driver", "'nosuchipam'"),
    ("network", lambda p: {"name": f"{p}-n", "driver": "macvlan", "driver_options": {"parent": "nosuchif0"}},
     "driver_options.parent", "'nosuchif0'"),
    ("network", lambda p: {"name": f"{p}-n", "driver": "ipvlan", "driver_options": {"ipvlan_mode": "nosuch"}},
     "driver_options.ipvlan_mode", "'nosuch'"),
    ("volume", lambda p: {"name": f"{p}-v", "driver_options": {"nosuchkey": "1"}}, "driver_options.nosuchkey", "'1'"),
    ("volume", lambda p: {"name": f"{p}-v", "driver_options": {"type": "nfs"}}, "driver_options", "'type': 'nfs'"),
]


@pytest.mark.parametrize("module, args, option, refused", CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_an_engine_refusal_names_the_option_and_leaves_nothing(engine, ansible, prefix, module, args, option, refused):
    result = ansible.fails(module, args(prefix))
    assert result["msg"].startswith(f"{option}: the engine refused "), result["msg"]
    assert refused.format(p=prefix) in result["msg"].split(" the engine answered ")[0], result["msg"]
    assert _leftovers(engine, prefix) == ([], [], []), "nothing half-made is left"


def test_a_port_another_container_holds_is_named(engine, ansible, prefix, run_container):
    port = _free_port()
    run_container("holder", ports={"80/tcp": ("127.0.0.1", port)})
    result = ansible.fails("container", _container(prefix, published_ports=[f"127.0.0.1:{port}:80"]))
    assert result["msg"].startswith("published_ports: the engine refused "), result["msg"]
    assert [c.name for c in engine.containers.list(all=True, filters={"name": prefix})] == [f"{prefix}-holder"]
    assert engine.volumes.list(filters={"name": f"{prefix}-data"}) == []


def test_a_pool_another_network_holds_is_named(engine, ansible, prefix):
    for _attempt in range(20):  # a /24 no other network of the engine holds yet
        subnet = f"10.{random.randint(240, 249)}.{random.randint(0, 255)}.0/24"
        try:
            engine.networks.create(f"{prefix}-holder", ipam=docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(subnet=subnet)]))
            break
        except docker.errors.APIError:
            continue
    result = ansible.fails("network", {"name": f"{prefix}-n", "ipam_config": [{"subnet": subnet}]})
    assert result["msg"].startswith("ipam_config: the engine refused "), result["msg"]
    assert [n.name for n in engine.networks.list(names=[f"{prefix}-n"])] == []


def test_a_refusal_inside_a_project_names_the_entry_and_the_option(engine, ansible, prefix):
    task = {"project": prefix, "volumes": [{"name": f"{prefix}-v"}],
            "containers": [{"name": f"{prefix}-c", "image": IMAGE, "command": ["sleep", "3600"], "log_driver": "nosuch"}]}
    result = ansible.fails("project", task)
    assert f"{prefix}-c" in result["msg"] and "log_driver: the engine refused 'nosuch'" in result["msg"], result["msg"]
    assert engine.containers.list(all=True, filters={"name": f"{prefix}-c"}) == []
    ansible.ok("project", {"project": prefix, "state": "absent", "purge_volumes": True})


@pytest.mark.parametrize("change, option", [
    ({"log_driver": "nosuch"}, "log_driver"),                    # refused at create
    ({"sysctls": {"net.nosuch.thing": "1"}}, "sysctls.net.nosuch.thing"),  # refused at start
    ({"cpuset_cpus": "999"}, "cpuset_cpus"),                      # refused by the in-place update
])
def test_a_refused_change_keeps_the_old_container(engine, ansible, prefix, change, option):
    args = _container(prefix, volumes=[f"{prefix}-data:/data", "/anon"])
    ansible.ok("container", args)
    before = engine.api.inspect_container(args["name"])
    # the change also adds a named and an anonymous volume: a refused recreate must not leave them behind
    changed = dict(args, volumes=args["volumes"] + [f"{prefix}-more:/more", "/anon2"], **change)
    if option == "cpuset_cpus":
        changed = dict(args, **change)
    result = ansible.fails("container", changed)
    assert result["msg"].startswith(f"{option}: the engine refused "), result["msg"]
    assert "partly changed" not in result["msg"], result["msg"]
    now = engine.api.inspect_container(args["name"])
    assert now["Id"] == before["Id"] and now["State"]["Running"], "the old container runs under its name"
    assert now["HostConfig"]["CpusetCpus"] == before["HostConfig"]["CpusetCpus"]
    assert _leftovers(engine, prefix) == ([args["name"]], [], [f"{prefix}-data"])
    assert ansible.ok("container", args)["changed"] is False, "the task as it was still converges"
