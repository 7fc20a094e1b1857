"""dockhand.docker.container: the options community.docker has beyond the first set, one converge scenario per family
against the real engine (check, apply, apply again unchanged, check again), in-place updates that keep the container,
community.docker's value forms, and bad values that fail naming the option and create nothing."""

import os
import socket

import pytest
from test_container import IMAGE, base, inspect, snapshot_of


def block_device():
    """A block device of this host (the engine checks that throttled devices exist)."""
    for name in sorted(os.listdir("/sys/block")):
        if not name.startswith(("loop", "ram", "zram", "nbd")) and os.path.exists(f"/dev/{name}"):
            return f"/dev/{name}"
    raise AssertionError("no block device on this host for the device_*_bps tests")


def free_port_range(length):
    """`length` consecutive loopback ports that are free now (never fixed ports: agents share the engine)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        start = probe.getsockname()[1]
    for first in list(range(start, 60000 - length, 37)) + list(range(20000, start, 37)):
        sockets = []
        try:
            for port in range(first, first + length):
                sock = socket.socket()
                sockets.append(sock)
                sock.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise AssertionError("no free loopback port range")


def _host(c):
    return c["HostConfig"]


FAMILIES = [
    ("resources that recreate",
     lambda prefix: {"memory": "64m", "memory_swappiness": 10, "oom_killer": True, "oom_score_adj": 100, "cgroup_parent": "/docker",
                     "device_cgroup_rules": ["c 1:3 mr", "b 7:* rwm"], "runtime": "runc", "groups": ["123", "456"],
                     "device_read_bps": [{"path": block_device(), "rate": "1m"}], "device_write_bps": [{"path": block_device(), "rate": 2097152}],
                     "device_read_iops": [{"path": block_device(), "rate": 100}], "device_write_iops": [{"path": block_device(), "rate": 200}]},
     lambda c, prefix: (_host(c)["MemorySwappiness"], _host(c)["OomKillDisable"], _host(c)["OomScoreAdj"], _host(c)["CgroupParent"],
                        sorted(_host(c)["DeviceCgroupRules"]), _host(c)["Runtime"], sorted(_host(c)["GroupAdd"]),
                        _host(c)["BlkioDeviceReadBps"], _host(c)["BlkioDeviceWriteBps"][0]["Rate"], _host(c)["BlkioDeviceReadIOps"][0]["Rate"],
                        _host(c)["BlkioDeviceWriteIOps"][0]["Rate"])
     == (10, True, 100, "/docker", ["b 7:* rwm", "c 1:3 mr"], "runc", ["123", "456"], [{"Path": block_device(), "Rate": 1048576}],
         2097152, 100, 200)),
    ("namespaces",
     lambda prefix: {"ipc_mode": "shareable", "pid_mode": "host", "cgroupns_mode": "private", "uts": "host", "userns_mode": "host"},
     lambda c, prefix: (_host(c)["IpcMode"], _host(c)["PidMode"], _host(c)["CgroupnsMode"], _host(c)["UTSMode"], _host(c)["UsernsMode"])
     == ("shareable", "host", "private", "host", "host")),
    ("bridge networking and name resolution",
     lambda prefix: {"mac_address": "02:42:AC:11:00:99", "publish_all_ports": True, "exposed_ports": ["8080"], "dns_opts": ["ndots:2", "timeout:1"],
                     "dns_search_domains": ["b.example", "a.example"]},
     lambda c, prefix: (c["Config"]["MacAddress"], _host(c)["PublishAllPorts"], sorted(_host(c)["DnsOptions"]), _host(c)["DnsSearch"],
                        bool(c["NetworkSettings"]["Ports"]["8080/tcp"]))
     == ("02:42:ac:11:00:99", True, ["ndots:2", "timeout:1"], ["b.example", "a.example"], True)),
    ("volumes and tmpfs mounts",
     lambda prefix: {"volume_driver": "local", "volumes": ["/anon:rw", "/other"],
                     "mounts": [{"type": "tmpfs", "target": "/scratch", "tmpfs_size": "2m", "tmpfs_mode": "1777"}]},
     lambda c, prefix: (_host(c)["VolumeDriver"], sorted(m["Destination"] for m in c["Mounts"] if m["Type"] == "volume"),
                        [m["RW"] for m in c["Mounts"] if m["Destination"] == "/anon"], _host(c)["Mounts"][0]["TmpfsOptions"])
     == ("local", ["/anon", "/other"], [True], {"SizeBytes": 2 * 1024 ** 2, "Mode": 0o1777})),
]


@pytest.mark.parametrize("family, options, check", FAMILIES, ids=[f[0] for f in FAMILIES])
def test_option_family_converges(engine, ansible, prefix, family, options, check):
    args = base(prefix, **options(prefix))
    result = ansible.converge("container", args, snapshot_of(engine, args["name"]))
    assert result["actions"] == [f"create container {args['name']} (from {IMAGE})", f"start container {args['name']}"]
    container = inspect(engine, args["name"])
    assert container["State"]["Running"], family
    assert check(container, prefix), f"{family}: {container['HostConfig']}"


def test_resources_change_in_place_and_keep_the_container(engine, ansible, prefix):
    # kernel_memory only where the engine still has it: API 1.42 (Docker 23) dropped HostConfig.KernelMemory
    kernel = tuple(int(n) for n in engine.version()["ApiVersion"].split(".")) <= (1, 41)
    km = {"kernel_memory": "64m"} if kernel else {}
    args = base(prefix, cpu_period=100000, cpu_quota=50000, cpuset_mems="0", memory="128m", **km)
    result = ansible.converge("container", args, snapshot_of(engine, args["name"]))
    first = inspect(engine, args["name"])
    assert (first["HostConfig"]["CpuPeriod"], first["HostConfig"]["CpuQuota"], first["HostConfig"]["CpusetMems"],
            first["HostConfig"].get("KernelMemory", 64 * 1024 ** 2)) == (100000, 50000, "0", 64 * 1024 ** 2)
    args.update(cpu_period=50000, cpu_quota=25000, cpuset_mems="0-0", **({"kernel_memory": "96m"} if kernel else {}))
    result = ansible.converge("container", args, snapshot_of(engine, args["name"]))
    assert {c["field"]: c["how"] for c in result["changes"]} == dict(
        {"cpu_period": "update", "cpu_quota": "update", "cpuset_mems": "update"}, **({"kernel_memory": "update"} if kernel else {})), result["changes"]
    after = inspect(engine, args["name"])
    assert after["Id"] == first["Id"]
    assert (after["HostConfig"]["CpuPeriod"], after["HostConfig"]["CpuQuota"], after["HostConfig"]["CpusetMems"],
            after["HostConfig"].get("KernelMemory", 96 * 1024 ** 2)) == (50000, 25000, "0-0", 96 * 1024 ** 2)


def test_links_and_volumes_from_another_container(engine, ansible, prefix, run_container):
    other = run_container("data", volumes={f"{prefix}-vol": {"bind": "/shared", "mode": "rw"}})
    args = base(prefix, links=[f"{other.name}:db", other.name], volumes_from=[f"{other.name}:ro"])
    ansible.converge("container", args, snapshot_of(engine, args["name"]))
    container = inspect(engine, args["name"])
    assert sorted(container["HostConfig"]["Links"]) == sorted([f"/{other.name}:/{args['name']}/db", f"/{other.name}:/{args['name']}/{other.name}"])
    assert container["HostConfig"]["VolumesFrom"] == [f"{other.name}:ro"]
    assert [m["RW"] for m in container["Mounts"] if m["Destination"] == "/shared"] == [False]


def test_device_requests_reach_the_engine(engine, ansible, prefix):
    """The engine takes device requests at create; without such a device the container cannot start, so it is only created."""
    args = base(prefix, state="present", device_requests=[{"driver": "nvidia", "count": -1, "capabilities": [["gpu", "utility"]],
                                                           "options": {"mode": "x"}}])
    result = ansible.converge("container", args, snapshot_of(engine, args["name"]))
    assert result["actions"] == [f"create container {args['name']} (from {IMAGE})"]
    assert inspect(engine, args["name"])["HostConfig"]["DeviceRequests"] == [
        {"Driver": "nvidia", "Count": -1, "DeviceIDs": None, "Capabilities": [["gpu", "utility"]], "Options": {"mode": "x"}}]


def test_storage_opts_reach_the_engine(engine, ansible, prefix):
    """overlay2 takes size only over xfs with project quotas: on another file system the task says so before anything is
    written, check mode included, and nothing is left."""
    args = base(prefix, storage_opts={"size": "1G"})
    if engine.info()["Driver"] == "overlay2" and engine.info().get("DriverStatus", [["", ""]])[0][1] != "xfs":
        for check in (True, False):
            result = ansible.fails("container", args, check=check)
            assert result["msg"].startswith("storage_opts: this engine's storage driver, overlay2 on "), result["msg"]
            assert "only over xfs mounted with pquota" in result["msg"], result["msg"]
        assert inspect(engine, args["name"]) is None
        assert not engine.api.containers(all=True, filters={"name": prefix})  # the SDK's list inspects each: racy with others
    else:
        ansible.converge("container", args, snapshot_of(engine, args["name"]))
        assert inspect(engine, args["name"])["HostConfig"]["StorageOpt"] == {"size": "1G"}


def test_community_value_forms(engine, ansible, prefix):
    first = free_port_range(4)
    args = base(prefix, published_ports=[f"127.0.0.1:{first}-{first + 3}:80"], healthcheck={"test": ["CMD", "sleep", 0], "interval": "1s"},
                log_driver="json-file", log_options={"max-file": 2, "max-size": "1m", "compress": False})
    ansible.converge("container", args, snapshot_of(engine, args["name"]))
    container = inspect(engine, args["name"])
    assert container["HostConfig"]["PortBindings"] == {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": f"{first}-{first + 3}"}]}
    bound = int(container["NetworkSettings"]["Ports"]["80/tcp"][0]["HostPort"])
    assert first <= bound <= first + 3
    assert container["Config"]["Healthcheck"]["Test"] == ["CMD", "sleep", "0"]
    assert container["HostConfig"]["LogConfig"]["Config"] == {"max-file": "2", "max-size": "1m", "compress": "false"}


def test_default_host_ip_binds_ports_without_an_ip(engine, ansible, prefix):
    port = free_port_range(1)
    args = base(prefix, published_ports=[f"{port}:80"], default_host_ip="127.0.0.1")
    ansible.converge("container", args, snapshot_of(engine, args["name"]))
    assert inspect(engine, args["name"])["HostConfig"]["PortBindings"] == {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": str(port)}]}


def test_namespace_of_another_container_compares_by_its_id(engine, ansible, prefix, run_container):
    other = run_container("ns", ipc_mode="shareable")
    args = base(prefix, ipc_mode=f"container:{other.name}", pid_mode=f"container:{other.name}", network_mode=f"container:{other.name}")
    ansible.converge("container", args, snapshot_of(engine, args["name"]))
    host = inspect(engine, args["name"])["HostConfig"]
    assert (host["IpcMode"], host["PidMode"], host["NetworkMode"]) == (f"container:{other.id}",) * 3


def test_blkio_weight_converges_where_the_kernel_discards_it(engine, ansible, prefix):
    """The weight changes in place where the kernel has the control; where it lacks it (the engine stores 0 and warns), the
    option set at create is not drift, so the task does not report a change on every run."""
    args = base(prefix, blkio_weight=300)
    ansible.converge("container", args, snapshot_of(engine, args["name"]))
    first = inspect(engine, args["name"])
    args["blkio_weight"] = 400
    again = ansible.ok("container", args)
    after = inspect(engine, args["name"])
    if first["HostConfig"]["BlkioWeight"] == 0:  # discarded by this kernel: nothing to apply, nothing reported
        assert again["changed"] is False, again["actions"]
    else:
        assert [c["how"] for c in again["changes"]] == ["update"] and after["Id"] == first["Id"]
        assert after["HostConfig"]["BlkioWeight"] == 400


@pytest.mark.parametrize("options, option, words", [
    ({"blkio_weight": 5}, "blkio_weight", "10 to 1000"),
    ({"cpus": 1, "cpu_quota": 50000}, "cpu_quota", "cannot be combined with cpus"),
    ({"cpuset_mems": "zero"}, "cpuset_mems", "0-1,3"),
    ({"kernel_memory": "1m"}, "kernel_memory", "at least 6m"),
    ({"device_cgroup_rules": ["x 1:3 q"]}, "device_cgroup_rules", "major:minor"),
    ({"device_read_bps": [{"path": "sda", "rate": "1m"}]}, "device_read_bps[0].path", "absolute path"),
    ({"device_requests": [{"count": 1, "device_ids": ["0"]}]}, "device_requests[0].count", "cannot be combined with device_ids"),
    ({"ipc_mode": "sideways"}, "ipc_mode", "not one of"),
    ({"uts": "private"}, "uts", "not one of"),
    ({"mac_address": "02:42:zz:00:00:01"}, "mac_address", "not a MAC address"),
    ({"default_host_ip": "localhost", "published_ports": ["80"]}, "default_host_ip", "not an IP address"),
    ({"links": ["a:b/c"]}, "links", "not a link"),
    ({"volumes_from": ["data:rx"]}, "volumes_from", "data:ro"),
    ({"mounts": [{"type": "volume", "source": "v", "target": "/v", "tmpfs_size": "1m"}]}, "mounts[0].tmpfs_size", "only applies to a tmpfs"),
    ({"published_ports": ["9001-9002:80-82"]}, "published_ports", "differ in length"),
    ({"volumes": ["/anon:ro"]}, "volumes", "read_only: true"),
    ({"healthcheck": {"test": ["CMD", True]}}, "healthcheck.test", "strings and numbers"),
])
def test_bad_values_fail_naming_the_option(engine, ansible, prefix, options, option, words):
    args = base(prefix, **options)
    result = ansible.fails("container", args)
    assert result["msg"].startswith(f"{option}: "), result["msg"]
    assert words in result["msg"], result["msg"]
    assert inspect(engine, args["name"]) is None
    assert not engine.api.containers(all=True, filters={"name": prefix})  # the SDK's list inspects each: racy with others


def test_values_the_engine_chose_are_not_drift(engine, ansible, prefix):
    """ipc_mode, runtime and cgroupns_mode left out of the task (from the start, or dropped later) are the engine's to pick."""
    args = base(prefix)
    ansible.ok("container", args)
    chosen = inspect(engine, args["name"])["HostConfig"]
    assert chosen["IpcMode"] and chosen["Runtime"] and chosen["CgroupnsMode"]  # the engine filled them in
    args.update(ipc_mode="shareable", runtime=chosen["Runtime"], cgroupns_mode=chosen["CgroupnsMode"])
    changed = ansible.ok("container", args)
    assert [c["field"] for c in changed["changes"]] == ["ipc_mode"], changed["changes"]
    for option in ("ipc_mode", "runtime", "cgroupns_mode"):
        args.pop(option)
    again = ansible.ok("container", args)
    assert again["changed"] is False, again["actions"]
    assert inspect(engine, args["name"])["HostConfig"]["IpcMode"] == "shareable"


def test_community_mount_settings(engine, ansible, prefix, tmp_path):
    """community.docker's mount settings reach the engine and converge; one this engine's API would drop is refused,
    naming it, before anything is written (check mode too)."""
    mounts = [{"type": "bind", "source": str(tmp_path), "target": "/b", "propagation": "rprivate", "non_recursive": True,
               "consistency": "cached"},
              {"type": "volume", "source": f"{prefix}-mv", "target": "/v", "no_copy": True, "labels": {"made.by": prefix},
               "volume_driver": "local", "volume_options": {"type": "tmpfs", "device": "tmpfs"}, "consistency": "default"}]
    args = base(prefix, mounts=mounts)
    ansible.converge("container", args, snapshot_of(engine, args["name"]))
    bind, volume = sorted(inspect(engine, args["name"])["HostConfig"]["Mounts"], key=lambda m: m["Target"])
    assert bind["BindOptions"] == {"Propagation": "rprivate", "NonRecursive": True} and bind["Consistency"] == "cached"
    assert volume["VolumeOptions"] == {"NoCopy": True, "Labels": {"made.by": prefix},
                                       "DriverConfig": {"Name": "local", "Options": {"type": "tmpfs", "device": "tmpfs"}}}
    assert engine.api.inspect_volume(f"{prefix}-mv")["Labels"] == {"made.by": prefix}
    changed = ansible.ok("container", dict(args, mounts=[dict(mounts[0], propagation="private"), mounts[1]]))
    assert changed["changed"] is True and changed["actions"][0].startswith(f"recreate container {args['name']}: mounts")

    api = tuple(int(p) for p in engine.version()["ApiVersion"].split("."))
    tmpfs = base(prefix, "tmpfs", mounts=[{"type": "tmpfs", "target": "/t", "tmpfs_options": [{"noexec": None}]}])
    if api < (1, 46):
        for check in (True, False):
            result = ansible.fails("container", tmpfs, check=check)
            assert result["msg"].startswith("mounts[0].tmpfs_options: needs Engine API 1.46 or newer; this engine speaks API"), result["msg"]
        assert inspect(engine, tmpfs["name"]) is None
    else:
        ansible.converge("container", tmpfs, snapshot_of(engine, tmpfs["name"]))
        assert inspect(engine, tmpfs["name"])["HostConfig"]["Mounts"][0]["TmpfsOptions"] == {"Options": [["noexec"]]}


def test_community_network_endpoint_settings(engine, ansible, prefix):
    """networks[].driver_opts reach the engine at create and at connect, and converge; mac_address and gw_priority,
    which this engine's API may drop, are refused naming them, before anything is written."""
    for suffix in ("n1", "n2"):
        engine.networks.create(f"{prefix}-{suffix}")
    args = base(prefix, networks=[{"name": f"{prefix}-n1", "driver_opts": {"com.example.first": "1"}},
                                  {"name": f"{prefix}-n2", "driver_opts": {"com.example.second": "2"}}])
    ansible.converge("container", args, snapshot_of(engine, args["name"]))
    attached = inspect(engine, args["name"])["NetworkSettings"]["Networks"]
    assert attached[f"{prefix}-n1"]["DriverOpts"] == {"com.example.first": "1"}  # at create
    assert attached[f"{prefix}-n2"]["DriverOpts"] == {"com.example.second": "2"}  # connected before start
    moved = ansible.ok("container", dict(args, networks=[args["networks"][0], dict(args["networks"][1], driver_opts={"com.example.second": "3"})]))
    assert moved["actions"] == [f"disconnect container {args['name']} from network {prefix}-n2 (to change its endpoint)",
                                f"connect container {args['name']} to network {prefix}-n2"]
    assert inspect(engine, args["name"])["NetworkSettings"]["Networks"][f"{prefix}-n2"]["DriverOpts"] == {"com.example.second": "3"}

    api = tuple(int(p) for p in engine.version()["ApiVersion"].split("."))
    for key, value, needed in (("mac_address", "02:42:ac:11:00:99", (1, 44)), ("gw_priority", 10, (1, 48))):
        if api < needed:
            result = ansible.fails("container", base(prefix, "mac", networks=[{"name": f"{prefix}-n1", key: value}]), check=True)
            assert result["msg"].startswith(f"networks[0].{key}: needs Engine API {needed[0]}.{needed[1]} or newer"), result["msg"]
    assert inspect(engine, f"{prefix}-mac") is None
