"""dockhand.docker.container against the real engine: one scenario per option group, removals, in-place updates,
safe recreate, and bad input."""

import docker
import pytest
from _engine_support import REGISTRY

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


def base(prefix, suffix="app", **extra):
    return dict({"name": f"{prefix}-{suffix}", "image": IMAGE, "command": ["sleep", "3600"], "stop_timeout": 1}, **extra)


@pytest.mark.parametrize("group, options, check", [
    ("ports", {"published_ports": ["127.0.0.1:18181:80", "18182-18183:81-82/udp"], "exposed_ports": ["9000"]},
     lambda c: (sorted(c["HostConfig"]["PortBindings"]) == ["80/tcp", "81/udp", "82/udp"]
                and c["HostConfig"]["PortBindings"]["80/tcp"] == [{"HostIp": "127.0.0.1", "HostPort": "18181"}]
                and "9000/tcp" in c["Config"]["ExposedPorts"])),
    ("env and labels", {"env": {"LOG_LEVEL": "debug", "EMPTY": ""}, "labels": {"tier": "web"}},
     lambda c: "LOG_LEVEL=debug" in c["Config"]["Env"] and "EMPTY=" in c["Config"]["Env"] and c["Config"]["Labels"]["tier"] == "web"),
    ("mounts", {"volumes": ["{prefix}-named:/named", "/tmp:/hosttmp:ro", "/anon"],
                "mounts": [{"type": "tmpfs", "target": "/scratch"}, {"source": "{prefix}-m", "target": "/m", "read_only": True}]},
     lambda c: {m["Destination"] for m in c["Mounts"]} >= {"/named", "/hosttmp", "/anon", "/m"}),
    ("resources", {"memory": "64m", "memory_reservation": "32m", "cpus": 0.5, "cpu_shares": 512, "cpuset_cpus": "0",
                   "pids_limit": 100, "ulimits": ["nofile:1024:2048"], "shm_size": "32m"},
     lambda c: c["HostConfig"]["Memory"] == 64 * 1024 ** 2 and c["HostConfig"]["NanoCpus"] == 500_000_000
     and c["HostConfig"]["PidsLimit"] == 100 and c["HostConfig"]["ShmSize"] == 32 * 1024 ** 2),
    ("healthcheck", {"healthcheck": {"test": "true", "interval": "1s", "timeout": "2s", "retries": 2, "start_period": "1s"}},
     lambda c: c["Config"]["Healthcheck"] == {"Test": ["CMD-SHELL", "true"], "Interval": 10 ** 9, "Timeout": 2 * 10 ** 9,
                                              "StartPeriod": 10 ** 9, "Retries": 2}),
    ("restart policy", {"restart_policy": "on-failure", "restart_retries": 3},
     lambda c: c["HostConfig"]["RestartPolicy"] == {"Name": "on-failure", "MaximumRetryCount": 3}),
    ("logging", {"log_driver": "json-file", "log_options": {"max-size": "1m", "max-file": "2"}},
     lambda c: c["HostConfig"]["LogConfig"] == {"Type": "json-file", "Config": {"max-size": "1m", "max-file": "2"}}),
    ("security", {"read_only": True, "capabilities": ["net_admin"], "cap_drop": ["CAP_MKNOD"], "security_opts": ["no-new-privileges"],
                  "init": True, "user": "1000:1000", "working_dir": "/tmp", "hostname": "box", "sysctls": {"net.ipv4.ip_forward": 1},
                  "tmpfs": ["/run:size=1m"], "dns_servers": ["127.0.0.1"], "etc_hosts": {"db": "10.1.2.3"}, "stop_signal": "SIGINT"},
     lambda c: c["HostConfig"]["ReadonlyRootfs"] and c["HostConfig"]["CapAdd"] == ["NET_ADMIN"] and c["Config"]["User"] == "1000:1000"
     and c["HostConfig"]["Sysctls"] == {"net.ipv4.ip_forward": "1"} and c["HostConfig"]["ExtraHosts"] == ["db:10.1.2.3"]),
])
def test_option_group_converges(engine, ansible, prefix, group, options, check):
    options = {k: _fmt(v, prefix) for k, v in options.items()}
    args = base(prefix, **options)
    result = ansible.converge("container", args, snapshot_of(engine, args["name"]))
    assert result["actions"] == [f"create container {args['name']} (from {IMAGE})", f"start container {args['name']}"]
    container = inspect(engine, args["name"])
    assert container["State"]["Running"], group
    assert check(container), f"{group}: {container['HostConfig']}"


def _fmt(value, prefix):
    if isinstance(value, str):
        return value.format(prefix=prefix)
    if isinstance(value, list):
        return [_fmt(v, prefix) for v in value]
    if isinstance(value, dict):
        return {k: _fmt(v, prefix) for k, v in value.items()}
    return value


def test_in_place_updates_keep_the_container(engine, ansible, prefix):
    args = base(prefix, memory="64m", cpus=0.5, pids_limit=100, restart_policy="no", cpu_shares=512, memory_reservation="16m",
                cpuset_cpus="0", memory_swap="128m")
    ansible.ok("container", args)
    first = inspect(engine, args["name"])["Id"]
    args.update(memory="96m", cpus=1.0, pids_limit=0, restart_policy="unless-stopped", cpu_shares=256, memory_reservation="32m",
                cpuset_cpus="0-1", memory_swap="256m")
    result = ansible.converge("container", args, snapshot_of(engine, args["name"]))
    assert len(result["actions"]) == 1 and result["actions"][0].startswith(f"update container {args['name']}: ")
    assert {c["field"]: c["how"] for c in result["changes"]} == {
        "memory": "update", "cpus": "update", "pids_limit": "update", "restart_policy": "update", "cpu_shares": "update",
        "memory_reservation": "update", "cpuset_cpus": "update", "memory_swap": "update"}
    assert {"field": "cpus", "before": 0.5, "after": 1.0, "how": "update"} in result["changes"]
    host = inspect(engine, args["name"])["HostConfig"]
    assert inspect(engine, args["name"])["Id"] == first
    assert (host["Memory"], host["NanoCpus"], host["PidsLimit"], host["RestartPolicy"]["Name"], host["CpuShares"]) == (
        96 * 1024 ** 2, 10 ** 9, 0, "unless-stopped", 256)
    assert (host["CpusetCpus"], host["MemorySwap"], host["MemoryReservation"]) == ("0-1", 256 * 1024 ** 2, 32 * 1024 ** 2)


def test_resetting_a_limit_the_engine_cannot_reset_recreates_and_says_why(engine, ansible, prefix):
    args = base(prefix, memory="64m")
    ansible.ok("container", args)
    args.pop("memory")
    result = ansible.converge("container", args, snapshot_of(engine, args["name"]))
    assert result["changes"] == [{"field": "memory", "before": 64 * 1024 ** 2, "after": 0, "how": "recreate"}]
    assert inspect(engine, args["name"])["HostConfig"]["Memory"] == 0


def test_removals_converge_and_others_settings_stay(engine, ansible, prefix):
    net1, net2 = engine.networks.create(f"{prefix}-n1"), engine.networks.create(f"{prefix}-n2")
    args = base(prefix, env={"A": "1", "B": "2"}, labels={"keep": "x", "drop": "y"}, published_ports=["18191:80", "18192:81"],
                volumes=[f"{prefix}-v1:/v1", f"{prefix}-v2:/v2"], networks=[{"name": net1.name}, {"name": net2.name}],
                mounts=[{"type": "tmpfs", "target": "/t1"}, {"type": "tmpfs", "target": "/t2"}])
    ansible.ok("container", args)
    name = args["name"]
    engine.networks.create(f"{prefix}-other").connect(name)  # connected by someone else: must stay
    args.update(env={"A": "1"}, labels={"keep": "x"}, published_ports=["18191:80"], volumes=[f"{prefix}-v1:/v1"],
                networks=[{"name": net1.name}], mounts=[{"type": "tmpfs", "target": "/t1"}])
    result = ansible.converge("container", args, snapshot_of(engine, name))
    fields = {c["field"] for c in result["changes"]}
    assert fields == {"env", "labels", "published_ports", "volumes", "mounts", "networks"}, result["changes"]
    container = inspect(engine, name)
    assert "B=2" not in container["Config"]["Env"] and "A=1" in container["Config"]["Env"]
    assert "drop" not in container["Config"]["Labels"]
    assert list(container["HostConfig"]["PortBindings"]) == ["80/tcp"]
    assert [m["Target"] for m in container["HostConfig"]["Mounts"]] == ["/t1"]
    assert sorted(container["NetworkSettings"]["Networks"]) == sorted([net1.name, f"{prefix}-other"])
    # a network dropped while nothing else changes is disconnected in place
    args["networks"] = []
    result = ansible.converge("container", args, snapshot_of(engine, name))
    assert result["actions"] == [f"disconnect container {name} from network {net1.name} (no longer listed)"]
    assert sorted(inspect(engine, name)["NetworkSettings"]["Networks"]) == [f"{prefix}-other"]


def test_image_defaults_are_not_drift(engine, ansible, prefix):
    engine.images.build(rm=True, forcerm=True, fileobj=_dockerfile(b'FROM dockhand/busybox:latest\nENV FROM_IMAGE=1\nLABEL from.image=yes\n'
                                                                   b'EXPOSE 7000\nVOLUME /imgvol\nWORKDIR /tmp\nCMD ["sleep", "3600"]\n'),
                        custom_context=True, tag=f"{prefix}-img:1")
    try:
        args = {"name": f"{prefix}-app", "image": f"{prefix}-img:1", "env": {"MINE": "1"}, "labels": {"mine": "1"}, "stop_timeout": 1}
        ansible.converge("container", args, snapshot_of(engine, args["name"]))
        assert ansible.ok("container", dict(args, exposed_ports=["7001"]))["changes"][0]["field"] == "exposed_ports"
    finally:
        engine.containers.get(f"{prefix}-app").remove(force=True, v=True)
        engine.images.remove(f"{prefix}-img:1", force=True)


def _dockerfile(text):
    import io
    import tarfile
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(text)
        tar.addfile(info, io.BytesIO(text))
    buf.seek(0)
    return buf


def test_recreate_keeps_named_and_anonymous_volume_data(engine, ansible, prefix):
    args = base(prefix, volumes=[f"{prefix}-data:/named", "/anon"], env={"V": "1"})
    ansible.ok("container", args)
    name = args["name"]
    old_id = inspect(engine, name)["Id"]
    engine.containers.get(name).exec_run(["sh", "-c", "echo kept-named > /named/f && echo kept-anon > /anon/f"])
    args["env"] = {"V": "2"}
    result = ansible.converge("container", args, snapshot_of(engine, name))
    assert result["actions"][0].startswith(f"recreate container {name}: env")
    container = engine.containers.get(name)
    assert container.id != old_id and container.status == "running"
    assert container.exec_run(["cat", "/named/f", "/anon/f"]).output.decode().split() == ["kept-named", "kept-anon"]
    assert not [c for c in engine.containers.list(all=True, filters={"name": name}) if c.name.startswith(f"{name}-dockhand-")]


def test_failed_health_on_recreate_restores_the_old_container(engine, ansible, prefix):
    serve = ["sh", "-c", "mkdir -p /www && echo ok > /www/index.html && httpd -f -p 8080 -h /www"]
    args = base(prefix, command=serve, published_ports=["127.0.0.1:18199:8080"], wait="healthy", wait_timeout=20,
                healthcheck={"test": "wget -q -O /dev/null http://127.0.0.1:8080/ || exit 1", "interval": "1s", "retries": 2})
    ansible.ok("container", args)
    name = args["name"]
    old_id = inspect(engine, name)["Id"]
    broken = dict(args, healthcheck=dict(args["healthcheck"], test="exit 1"))
    result = ansible.fails("container", broken)
    assert "the new container failed" in result["msg"] and "running again" in result["msg"]
    assert result["changed"] is True
    container = inspect(engine, name)
    assert container["Id"] == old_id and container["State"]["Running"]
    assert engine.containers.get(name).exec_run(["wget", "-q", "-O", "-", "http://127.0.0.1:8080/"]).output.strip() == b"ok"
    assert not [c for c in engine.containers.list(all=True, filters={"name": name}) if c.name.startswith(f"{name}-dockhand-")]
    assert ansible.ok("container", args)["changed"] is False


def test_wait_fails_with_logs_when_the_container_exits(engine, ansible, prefix):
    args = base(prefix, command=["sh", "-c", "echo starting; echo boom >&2; exit 3"], wait="running")
    result = ansible.fails("container", args)
    assert "exited with code 3" in result["msg"] and "boom" in result["msg"]


def test_networks_with_alias_and_address(engine, ansible, prefix):
    engine.networks.create(f"{prefix}-net", ipam=docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(subnet="10.241.0.0/24")]))
    args = base(prefix, networks=[{"name": f"{prefix}-net", "aliases": ["api"], "ipv4_address": "10.241.0.10"}])
    ansible.converge("container", args, snapshot_of(engine, args["name"]))
    endpoint = inspect(engine, args["name"])["NetworkSettings"]["Networks"]
    assert list(endpoint) == [f"{prefix}-net"]  # no default bridge
    assert endpoint[f"{prefix}-net"]["IPAddress"] == "10.241.0.10" and "api" in endpoint[f"{prefix}-net"]["Aliases"]
    args["networks"][0]["aliases"] = ["api", "api2"]
    result = ansible.converge("container", args, snapshot_of(engine, args["name"]))
    assert [a.split(" (")[0] for a in result["actions"]] == [f"disconnect container {args['name']} from network {prefix}-net",
                                                             f"connect container {args['name']} to network {prefix}-net"]


def test_state_transitions(engine, ansible, prefix):
    args = base(prefix, state="present")
    name = args["name"]
    result = ansible.converge("container", args, snapshot_of(engine, name))
    assert result["actions"] == [f"create container {name} (from {IMAGE})"] and not inspect(engine, name)["State"]["Running"]
    ansible.converge("container", dict(args, state="started"), snapshot_of(engine, name))
    assert inspect(engine, name)["State"]["Running"]
    ansible.converge("container", dict(args, state="stopped"), snapshot_of(engine, name))
    assert not inspect(engine, name)["State"]["Running"]
    restarted = ansible.ok("container", dict(args, state="restarted"))
    assert restarted["changed"] and inspect(engine, name)["State"]["Running"]
    result = ansible.converge("container", {"name": name, "state": "absent"}, snapshot_of(engine, name))
    assert result["actions"] == [f"remove container {name} (its volumes are kept)"] and inspect(engine, name) is None


def test_new_container_that_cannot_start_is_removed(engine, ansible, prefix):
    args = base(prefix, user="nobody-here")
    result = ansible.fails("container", args)
    assert "unable to find user nobody-here" in result["msg"] and "removed again" in result["msg"]
    assert inspect(engine, args["name"]) is None


def test_a_first_start_that_takes_its_create_back_reports_no_change(engine, ansible, prefix):
    """Exact changed (issue 20): the create is undone by the failed start, so the engine is as before the run."""
    args = base(prefix, command=["/no/such/binary"])
    result = ansible.fails("container", args)
    assert "removed again" in result["msg"]
    assert result["changed"] is False and result["actions_done"] == []
    assert inspect(engine, args["name"]) is None


def test_one_off_job_returns_output(engine, ansible, prefix):
    result = ansible.ok("container", base(prefix, command=["sh", "-c", "echo hello-job"], detach=False))
    assert result["status"] == 0 and result["output"] == "hello-job"
    failed = ansible.fails("container", base(prefix, "job2", command=["sh", "-c", "echo bad; exit 4"], detach=False))
    assert "exited with code 4" in failed["msg"]


def test_foreign_container_is_not_taken_over_without_adopt(engine, ansible, prefix, run_container):
    other = run_container("foreign")
    args = base(prefix, "foreign", env={"NEW": "1"})
    result = ansible.fails("container", args)
    assert result["option"] == "name" and "adopt: true" in result["msg"]
    assert inspect(engine, other.name)["Id"] == other.id
    adopted = ansible.ok("container", dict(args, adopt=True))
    assert adopted["changed"] and "NEW=1" in inspect(engine, other.name)["Config"]["Env"]


@pytest.mark.parametrize("options, option, words", [
    ({"memory": "12XB"}, "memory", "not a size"),
    ({"published_ports": ["80:80:80:80"]}, "published_ports", "not a port mapping"),
    ({"published_ports": ["70000:80"]}, "published_ports", "1-65535"),
    ({"healthcheck": {"test": "true", "interval": "5 parsecs"}}, "healthcheck.interval", "not a duration"),
    ({"env": {"DEBUG": True}}, "env", "must be a string"),
    ({"networks": [{"name": "no-such-net-dhtest"}]}, "networks", "no such network"),
    ({"image": "dhtest-missing/image:1", "pull": "never"}, "pull", "not on the engine"),
    ({"restart_policy": "always", "auto_remove": True}, "auto_remove", "cannot be combined"),
    ({"restart_policy": "always", "restart_retries": 2}, "restart_retries", "on-failure"),
    ({"network_mode": "host", "published_ports": ["80"]}, "published_ports", "network_mode: host"),
    ({"memory_swap": "1g"}, "memory_swap", "needs memory"),
    ({"volumes": ["data:/data:zz"]}, "volumes", "unknown mode"),
    ({"volumes": ["relative:path"]}, "volumes", "not a volume"),
    ({"published_ports": ["1.2.3:80:80"]}, "published_ports", "not an IP address"),
    ({"cpus": -1}, "cpus", "more than 0"),
])
def test_bad_input_fails_and_leaves_nothing(engine, ansible, prefix, options, option, words):
    args = base(prefix, **options)
    for check in (True, False):
        result = ansible.fails("container", args, check=check)
        assert result["msg"].startswith(f"{option}: "), result["msg"]
        assert words in result["msg"], result["msg"]
    assert inspect(engine, args["name"]) is None
    assert not [c for c in engine.containers.list(all=True, filters={"name": prefix}) if c.name.startswith(prefix)]


def test_check_mode_predicts_pull_of_missing_image(engine, ansible, prefix):
    args = base(prefix, image="dhtest-nowhere.invalid/none:1")
    check = ansible.ok("container", args, check=True)
    assert check["actions"][0] == f"pull image {args['image']} (not on the engine)"
    result = ansible.fails("container", args)
    assert result["msg"].startswith(f"pull image {args['image']}")
    assert inspect(engine, args["name"]) is None


def test_pull_always_follows_the_registry_digest(engine, ansible, prefix):
    repo = f"{REGISTRY}/{prefix}/app"
    built = []
    try:
        for version in ("1", "2"):
            context = _dockerfile(f"FROM {IMAGE}\nLABEL version={version}\n".encode())
            image = engine.images.build(rm=True, forcerm=True, fileobj=context, custom_context=True, tag=f"{repo}:{version}-src")[0]
            built.append(image)
        engine.api.tag(built[0].id, repo, "live")
        engine.images.push(repo, tag="live")
        args = base(prefix, image=f"{repo}:live", pull="always")
        first = ansible.converge("container", args, snapshot_of(engine, args["name"]))
        assert [a.split(" (")[0] for a in first["actions"]] == [f"create container {args['name']}", f"start container {args['name']}"]

        engine.api.tag(built[1].id, repo, "live")  # a new version reaches the registry...
        engine.images.push(repo, tag="live")
        engine.api.tag(built[0].id, repo, "live")  # ...while the engine still has the old one under that name
        result = ansible.converge("container", args, snapshot_of(engine, args["name"]))
        assert result["actions"][0].startswith(f"pull image {repo}:live (the registry has sha256:")
        assert result["actions"][1].startswith(f"recreate container {args['name']}: image:")
        assert inspect(engine, args["name"])["Image"] == built[1].id
    finally:
        engine.api.remove_container(f"{prefix}-app", force=True)
        for ref in (f"{repo}:live", f"{repo}:1-src", f"{repo}:2-src"):
            try:
                engine.api.remove_image(ref, force=True)
            except docker.errors.NotFound:
                pass


@pytest.mark.parametrize("module, args, change, read", [
    ("container", base, {"env": {"NEW": "1"}}, lambda e, n: e.api.inspect_container(n)),
    ("network", lambda p: {"name": f"{p}-app"}, {"labels": {"new": "1"}, "recreate": "options-changed"},
     lambda e, n: e.api.inspect_network(n)),
    ("volume", lambda p: {"name": f"{p}-app"}, {"labels": {"new": "1"}, "recreate": "options-changed"},
     lambda e, n: e.api.inspect_volume(n)),
])
def test_a_run_that_applies_nothing_returns_the_engines_inspect(engine, ansible, prefix, module, args, change, read):
    """Without an applied action the module returns what its plan read (no second inspect): that must be the engine's
    answer, for a no-change run and for a check-mode run whose plan has a change."""
    args = args(prefix)
    ansible.ok(module, args)
    before = read(engine, args["name"])
    again = ansible.ok(module, args)
    assert again["changed"] is False
    assert again[module] == before
    pending = ansible.ok(module, dict(args, **change), check=True)
    assert pending["changed"] is True and pending["actions"]
    assert pending[module] == before
    assert read(engine, args["name"]) == before
