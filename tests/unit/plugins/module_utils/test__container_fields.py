"""The container option table's parsers, loaders and rules between rows (pure: no engine)."""

import pytest

from ansible_collections.dockhand.docker.plugins.module_utils import _container_fields as F
from ansible_collections.dockhand.docker.plugins.module_utils._errors import ParamError


def params(**given):
    out = {name: opt.get("default") for name, opt in F.CONTAINER_SPEC.items()}
    out.update(given)
    return out


def parse(name, value):
    return F.FIELDS_BY_NAME[name].parse(name, value)


def load(name, raw):
    field = F.FIELDS_BY_NAME[name]
    return field.load(raw) if field.load else raw


def dump(name, value):
    field = F.FIELDS_BY_NAME[name]
    return field.dump(value) if field.dump else value


def test_every_row_is_an_option_of_the_module():
    assert set(F.FIELDS_BY_NAME) <= set(F.CONTAINER_SPEC)
    assert len(F.FIELDS_BY_NAME) == len(F.FIELDS)


@pytest.mark.parametrize("name, value, option_space, engine", [
    ("blkio_weight", 300, 300, 300),
    ("cpu_period", "50000", 50000, 50000),
    ("cpu_quota", -1, -1, -1),
    ("cpuset_mems", "0-1,3", "0-1,3", "0-1,3"),
    ("kernel_memory", "64m", 64 * 1024 ** 2, 64 * 1024 ** 2),
    ("memory_swappiness", -1, -1, None),
    ("memory_swappiness", 0, 0, 0),
    ("oom_killer", True, True, True),
    ("oom_score_adj", -500, -500, -500),
    ("device_cgroup_rules", ["c 1:3 mr", "b *:* rwm", "c 1:3 mr"], ["b *:* rwm", "c 1:3 mr"], ["b *:* rwm", "c 1:3 mr"]),
    ("device_read_bps", [{"path": "/dev/sdb", "rate": "2m"}, {"path": "/dev/sda", "rate": 10}],
     [{"path": "/dev/sda", "rate": 10}, {"path": "/dev/sdb", "rate": 2097152}],
     [{"Path": "/dev/sda", "Rate": 10}, {"Path": "/dev/sdb", "Rate": 2097152}]),
    ("device_write_iops", [{"path": "/dev/sda", "rate": 100}], [{"path": "/dev/sda", "rate": 100}], [{"Path": "/dev/sda", "Rate": 100}]),
    ("device_requests", [{"driver": "nvidia", "count": -1, "capabilities": [["gpu"]]}],
     [{"driver": "nvidia", "count": -1, "device_ids": [], "capabilities": [["gpu"]], "options": {}}],
     [{"Driver": "nvidia", "Count": -1, "DeviceIDs": None, "Capabilities": [["gpu"]], "Options": {}}]),
    ("ipc_mode", "container:db", "container:db", "container:db"),
    ("pid_mode", "host", "host", "host"),
    ("groups", [123, "audio"], ["123", "audio"], ["123", "audio"]),
    ("mac_address", "02:42:AC:11:00:02", "02:42:ac:11:00:02", "02:42:ac:11:00:02"),
    ("dns_search_domains", ["b.example", "a.example"], ["b.example", "a.example"], ["b.example", "a.example"]),
    ("links", ["db", "/cache:kv"], ["cache:kv", "db:db"], ["cache:kv", "db:db"]),
    ("volumes_from", ["data:ro", "logs"], ["data:ro", "logs"], ["data:ro", "logs"]),
    ("log_options", {"max-file": 5, "max-size": "1m", "compress": True, "ratio": 0.5},
     {"max-file": "5", "max-size": "1m", "compress": "true", "ratio": "0.5"}, {"max-file": "5", "max-size": "1m", "compress": "true", "ratio": "0.5"}),
])
def test_parse_and_dump(name, value, option_space, engine):
    assert parse(name, value) == option_space
    assert dump(name, option_space) == engine


@pytest.mark.parametrize("name, engine, option_space", [
    ("memory_swappiness", None, -1),
    ("blkio_weight", None, 0),
    ("pid_mode", None, ""),
    ("mac_address", None, ""),
    ("links", ["/db:/web/database", "/cache:/web/cache"], ["cache:cache", "db:database"]),
    ("device_read_iops", None, []),
    ("device_requests", [{"Driver": "", "Count": 1, "DeviceIDs": None, "Capabilities": None, "Options": None}],
     [{"driver": "", "count": 1, "device_ids": [], "capabilities": [], "options": {}}]),
    ("storage_opts", None, {}),
    ("oom_killer", None, False),
])
def test_load(name, engine, option_space):
    assert load(name, engine) == option_space


@pytest.mark.parametrize("name, value, option, words", [
    ("blkio_weight", 5, "blkio_weight", "10 to 1000 or 0"),
    ("blkio_weight", "heavy", "blkio_weight", "not a whole number"),
    ("cpu_period", 999, "cpu_period", "1000 to 1000000"),
    ("cpu_quota", 5, "cpu_quota", "at least 1000 or 0 or -1"),
    ("cpuset_mems", "0,", "cpuset_mems", "0-1,3"),
    ("kernel_memory", "4m", "kernel_memory", "at least 6m"),
    ("memory_swappiness", -2, "memory_swappiness", "0 to 100 or -1"),
    ("oom_score_adj", -1001, "oom_score_adj", "-1000 to 1000"),
    ("device_cgroup_rules", ["c 1:3"], "device_cgroup_rules", "major:minor"),
    ("device_read_bps", [{"path": "/dev/sda"}], "device_read_bps[0].rate", "is needed"),
    ("device_read_iops", [{"path": "/dev/sda", "rate": -1}], "device_read_iops[0].rate", "at least 0"),
    ("device_write_bps", [{"path": "/dev/sda", "rate": "fast"}], "device_write_bps[0].rate", "not a size"),
    ("device_requests", [{"capabilities": "gpu"}], "device_requests[0].capabilities", "list of lists"),
    ("device_requests", [{"options": {"n": 1}}], "device_requests[0].options", "must be a string"),
    ("ipc_mode", "container:", "ipc_mode", "not one of"),
    ("pid_mode", "private", "pid_mode", "not one of"),
    ("userns_mode", "remap", "userns_mode", "not one of"),
    ("mac_address", "02:42:ac:11:00", "mac_address", "not a MAC address"),
    ("links", [":alias"], "links", "not a link"),
    ("volumes_from", ["data:z"], "volumes_from", "data:ro"),
    ("log_options", {"tag": None}, "log_options", "must be a string"),
    ("log_options", ["max-file=5"], "log_options", "mapping"),
])
def test_bad_values_name_the_option(name, value, option, words):
    with pytest.raises(ParamError) as caught:
        parse(name, value)
    assert caught.value.option == option and words in caught.value.why, str(caught.value)


def test_port_forms():
    assert F.parse_port("published_ports", "9001-9010:80") == [":9001-9010:80/tcp"]
    assert F.parse_port("published_ports", "127.0.0.1:9001-9003:53/udp") == ["127.0.0.1:9001-9003:53/udp"]
    assert F.parse_port("published_ports", "8000-8001:80-81") == [":8000:80/tcp", ":8001:81/tcp"]
    with pytest.raises(ParamError, match="differ in length"):
        F.parse_port("published_ports", "9001-9003:80-81")
    binding = dump("published_ports", [":9001-9010:80/tcp"])
    assert binding == {"80/tcp": [{"HostIp": "", "HostPort": "9001-9010"}]}
    assert load("published_ports", binding) == [":9001-9010:80/tcp"]


def test_anonymous_volume_with_a_mode():
    assert F.parse_volume("volumes", "/anon:rw") == "/anon"
    assert F.parse_volume("volumes", "/anon") == "/anon"
    assert F.parse_volume("volumes", "data:/data") == "data:/data:rw"
    with pytest.raises(ParamError, match="read_only: true"):
        F.parse_volume("volumes", "/anon:ro")
    with pytest.raises(ParamError, match="unknown mode"):
        F.parse_volume("volumes", "/anon:")
    assert F.bind_source_target("data:/data:ro") == ("data", "/data")
    assert F.bind_source_target("/anon:rw") == ("", "/anon")


def test_healthcheck_numbers_become_strings():
    assert parse("healthcheck", {"test": ["CMD", "sleep", 1, 0.5]}) == {"test": ["CMD", "sleep", "1", "0.5"]}
    assert parse("healthcheck", {"test": ["sleep", 1]}) == {"test": ["CMD", "sleep", "1"]}
    with pytest.raises(ParamError, match="healthcheck.test"):
        parse("healthcheck", {"test": ["CMD", True]})


def test_tmpfs_mount_options():
    mounts = parse("mounts", [{"type": "tmpfs", "target": "/t", "tmpfs_size": "1m", "tmpfs_mode": "01777"},
                              {"type": "tmpfs", "target": "/u", "tmpfs_mode": 0o700}, {"source": "v", "target": "/v"}])
    assert mounts[0] == {"type": "tmpfs", "source": "", "target": "/t", "read_only": False, "tmpfs_size": 1048576, "tmpfs_mode": "1777"}
    assert mounts[1]["tmpfs_mode"] == "700" and "tmpfs_size" not in mounts[1]
    engine = dump("mounts", mounts)
    assert engine[0]["TmpfsOptions"] == {"SizeBytes": 1048576, "Mode": 0o1777}
    assert "TmpfsOptions" not in engine[2]
    assert load("mounts", engine) == mounts  # what the engine reports reads back the same
    for mount, option in (({"type": "bind", "source": "/x", "target": "/x", "tmpfs_mode": "700"}, "mounts[0].tmpfs_mode"),
                          ({"type": "tmpfs", "target": "/x", "tmpfs_mode": "8"}, "mounts[0].tmpfs_mode"),
                          ({"type": "tmpfs", "target": "/x", "tmpfs_size": "lots"}, "mounts[0].tmpfs_size")):
        with pytest.raises(ParamError) as caught:
            parse("mounts", [mount])
        assert caught.value.option == option


def test_community_mount_settings():
    """community.docker's mount settings: written where the engine keeps them, read back the same; unset, false,
    empty and consistency: default are not sent (the engine keeps none of them)."""
    mounts = parse("mounts", [
        {"type": "bind", "source": "/srv", "target": "/b", "propagation": "rslave", "non_recursive": True, "consistency": "cached"},
        {"type": "volume", "source": "v", "target": "/v", "no_copy": True, "labels": {"a": "b"}, "volume_driver": "local",
         "volume_options": {"type": "tmpfs"}, "consistency": "default", "subpath": "sub/dir"},
        {"type": "tmpfs", "target": "/t", "tmpfs_options": [{"noexec": None}, {"nr_inodes": 100}], "no_copy": False}])
    assert mounts[0] == {"type": "bind", "source": "/srv", "target": "/b", "read_only": False, "propagation": "rslave",
                         "non_recursive": True, "consistency": "cached"}
    assert "consistency" not in mounts[2] and mounts[2]["subpath"] == "sub/dir"
    assert mounts[1]["tmpfs_options"] == [["noexec"], ["nr_inodes", "100"]] and "no_copy" not in mounts[1]
    engine = dump("mounts", mounts)
    assert engine[0]["BindOptions"] == {"Propagation": "rslave", "NonRecursive": True} and engine[0]["Consistency"] == "cached"
    assert engine[2]["VolumeOptions"] == {"NoCopy": True, "Labels": {"a": "b"}, "Subpath": "sub/dir",
                                          "DriverConfig": {"Name": "local", "Options": {"type": "tmpfs"}}}
    assert engine[1]["TmpfsOptions"] == {"Options": [["noexec"], ["nr_inodes", "100"]]}
    assert load("mounts", engine) == mounts
    assert sorted(F.api_needs({"mounts": mounts})) == [("mounts[0].non_recursive", (1, 40)), ("mounts[1].tmpfs_options", (1, 46)),
                                                       ("mounts[2].subpath", (1, 45))]
    for mount, option, words in (
            ({"type": "volume", "source": "v", "target": "/x", "propagation": "shared"}, "mounts[0].propagation", "only applies to a bind"),
            ({"type": "bind", "source": "/x", "target": "/x", "labels": {"a": "b"}}, "mounts[0].labels", "only applies to a volume"),
            ({"type": "volume", "source": "v", "target": "/x", "subpath": "../up"}, "mounts[0].subpath", "without '..'"),
            ({"type": "tmpfs", "target": "/x", "tmpfs_options": [{"a": 1, "b": 2}]}, "mounts[0].tmpfs_options[0]", "one option name"),
            ({"type": "npipe", "source": "x", "target": "/x"}, "mounts[0].type", "Docker for Windows"),
            ({"type": "cluster", "source": "x", "target": "/x"}, "mounts[0].type", "Swarm service")):
        with pytest.raises(ParamError) as caught:
            parse("mounts", [mount])
        assert caught.value.option == option and words in caught.value.why


def test_default_host_ip_binds_ports_without_an_ip():
    fields = F.parse_fields(params(published_ports=["8080:80", "10.0.0.1:8081:81", "[::1]:8082:82"], default_host_ip="127.0.0.1"))
    assert set(fields["published_ports"]) == {"127.0.0.1:8080:80/tcp", "10.0.0.1:8081:81/tcp", "::1:8082:82/tcp"}
    for every in ("", "0.0.0.0"):
        assert F.parse_fields(params(published_ports=["8080:80"], default_host_ip=every))["published_ports"] == [":8080:80/tcp"]
    with pytest.raises(ParamError, match="^default_host_ip: "):
        F.parse_fields(params(published_ports=["8080:80"], default_host_ip="localhost"))


def test_cpu_limit_one_way_only():
    with pytest.raises(ParamError, match="^cpu_quota: .*cpus"):
        F.parse_fields(params(cpus=1.0, cpu_quota=50000))
    assert F.parse_fields(params(cpu_period=100000, cpu_quota=50000))["cpu_quota"] == 50000


def test_container_refs_compare_by_id():
    fields = F.parse_fields(params(ipc_mode="container:db", pid_mode="host", network_mode="container:db"))
    assert F.container_refs(fields) == ["db"]
    resolved = F.with_container_ids(fields, {"db": "f" * 64})
    assert resolved["ipc_mode"] == resolved["network_mode"] == "container:" + "f" * 64 and resolved["pid_mode"] == "host"
    assert fields["ipc_mode"] == "container:db"  # the task's own values stay as written
    assert F.with_container_ids(fields, {})["ipc_mode"] == "container:db"


def test_discarded_value_is_not_drift_once_recorded():
    weight = F.FIELDS_BY_NAME["blkio_weight"]
    assert F.matches(weight, 300, 300)
    assert not F.matches(weight, 300, 0)  # never set at create: a real difference
    assert F.matches(weight, 300, 0, ["blkio_weight"])  # set at create, stored as 0: the kernel discarded it
    assert not F.matches(weight, 300, 200, ["blkio_weight"])
    assert not F.matches(F.FIELDS_BY_NAME["cpu_shares"], 512, 0, ["cpu_shares"])  # the engine never discards it
    swappiness = F.FIELDS_BY_NAME["memory_swappiness"]
    assert F.matches(swappiness, 10, -1, ["memory_swappiness"])


def test_in_place_rules():
    weight = F.FIELDS_BY_NAME["blkio_weight"]
    assert F.in_place(weight, 400, 300)
    assert not F.in_place(weight, 0, 300)  # the update endpoint ignores zeros
    assert not F.in_place(weight, 400, 0)  # may be a discard: recreate, so that it is recorded at create
    assert F.in_place(F.FIELDS_BY_NAME["cpuset_mems"], "0", "")
    assert not F.in_place(F.FIELDS_BY_NAME["oom_score_adj"], 5, 0)
    assert {f.name for f in F.FIELDS if f.update} >= {"blkio_weight", "cpu_period", "cpu_quota", "cpuset_mems", "kernel_memory"}
