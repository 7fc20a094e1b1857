"""dockhand.docker.service: the options of community.docker's docker_swarm_service beyond the first set (container settings,
DNS, logging, mount suboptions, force_update, jobs, command_as_args, env_files), against a swarm of one engine in a network
namespace of its own (_swarm_support)."""

import io
import tarfile
import time

import docker
import pytest

from _swarm_support import BASE_IMAGE, registry_in_netns, spec_of, swarm_manager  # noqa: F401  # pylint: disable=unused-import  # the fixture


def task_container(manager, name):
    """The inspect data of the running container of the service's (one) task."""
    deadline = time.monotonic() + 30
    while True:
        found = manager.client.api.containers(filters={"label": f"com.docker.swarm.service.name={name}", "status": "running"})
        if found:
            return manager.client.api.inspect_container(found[0]["Id"])
        assert time.monotonic() < deadline, f"no running container of {name}"
        time.sleep(0.5)


@pytest.fixture(name="cleanup")
def cleanup_fixture(swarm_manager, prefix):  # noqa: F811
    made = []
    yield made
    client = swarm_manager.client
    for service in client.services.list(filters={"name": prefix}):
        service.remove()
    for item in made:
        deadline = time.monotonic() + 30
        while True:  # the services' tasks go first
            try:
                item.remove()
                break
            except docker.errors.APIError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)


def test_container_settings_dns_logging_mounts_in_place(ansible, swarm_manager, prefix, cleanup, tmp_path):  # noqa: F811
    name, host = f"{prefix}-opts", {"docker_host": swarm_manager.host}
    secret = swarm_manager.client.secrets.create(name=f"{prefix}-pw", data=b"pw")
    cleanup.append(secret)
    env_file = tmp_path / "app.env"
    env_file.write_text("# defaults\nA=1\nB=from-file\n")
    args = dict(host, name=name, image=BASE_IMAGE, command="sleep", args=["3600"], command_as_args=True,
                env_files=[str(env_file)], env={"B": "2"},
                hostname="svc-host", user="1000", working_dir="/tmp", groups=["100"],
                dns=["10.217.0.53", "10.217.0.54"], dns_search=["example.test"], dns_options=["ndots:2"],
                hosts={"db.test": "10.217.0.10"}, init=True, tty=True, read_only=True,
                stop_signal="SIGUSR1", stop_grace_period="3s", cap_add=["net_admin"], cap_drop=["CAP_MKNOD"],
                sysctls={"net.core.somaxconn": 1024}, logging={"driver": "json-file", "options": {"max-size": "1m", "max-file": 2}},
                placement={"replicas_max_per_node": 1}, endpoint_mode="dnsrr",
                secrets=[{"secret_name": f"{prefix}-pw", "secret_id": secret.id}],
                mounts=[{"type": "volume", "source": f"{prefix}-data", "target": "/data", "labels": {"app": "opts"}, "no_copy": True,
                         "driver_config": {"name": "local", "options": {"type": "tmpfs", "device": "tmpfs"}}},
                        {"type": "bind", "source": "/tmp", "target": "/host-tmp", "propagation": "rprivate", "readonly": True},
                        {"type": "tmpfs", "target": "/scratch", "tmpfs_size": "8m", "tmpfs_mode": 0o1770}])
    check = ansible.converge("service", args, lambda: spec_of(swarm_manager, name))
    assert check["actions"] == [f"create service {name}"]
    spec = spec_of(swarm_manager, name)[1]
    cs = spec["TaskTemplate"]["ContainerSpec"]
    assert "Command" not in cs and cs["Args"] == ["sleep", "3600"]  # command_as_args: the image's entrypoint kept
    assert sorted(cs["Env"]) == ["A=1", "B=2"]  # env over env_files
    assert (cs["Hostname"], cs["User"], cs["Dir"], cs["Groups"]) == ("svc-host", "1000", "/tmp", ["100"])
    assert cs["DNSConfig"] == {"Nameservers": ["10.217.0.53", "10.217.0.54"], "Search": ["example.test"], "Options": ["ndots:2"]}
    assert cs["Hosts"] == ["10.217.0.10 db.test"]
    assert (cs["Init"], cs["TTY"], cs["ReadOnly"], cs["StopSignal"], cs["StopGracePeriod"]) == (True, True, True, "SIGUSR1", 3 * 10 ** 9)
    assert (cs["CapabilityAdd"], cs["CapabilityDrop"]) == (["CAP_NET_ADMIN"], ["CAP_MKNOD"])
    assert cs["Sysctls"] == {"net.core.somaxconn": "1024"}
    assert cs["Secrets"][0]["SecretID"] == secret.id
    assert spec["TaskTemplate"]["LogDriver"] == {"Name": "json-file", "Options": {"max-size": "1m", "max-file": "2"}}
    assert spec["TaskTemplate"]["Placement"]["MaxReplicas"] == 1
    assert spec["EndpointSpec"]["Mode"] == "dnsrr"
    mounts = {m["Target"]: m for m in cs["Mounts"]}
    assert mounts["/data"]["VolumeOptions"] == {"Labels": {"app": "opts"}, "NoCopy": True,
                                                "DriverConfig": {"Name": "local", "Options": {"type": "tmpfs", "device": "tmpfs"}}}
    assert mounts["/host-tmp"]["BindOptions"] == {"Propagation": "rprivate"} and mounts["/host-tmp"]["ReadOnly"] is True
    assert mounts["/scratch"]["TmpfsOptions"] == {"SizeBytes": 8 * 1024 ** 2, "Mode": 0o1770}

    # the task's container has them: the engine ran the spec
    container = task_container(swarm_manager, name)
    config, host_config = container["Config"], container["HostConfig"]
    assert (config["Hostname"], config["User"], config["WorkingDir"], config["Tty"]) == ("svc-host", "1000", "/tmp", True)
    assert (host_config["Init"], host_config["ReadonlyRootfs"], host_config["GroupAdd"]) == (True, True, ["100"])
    assert host_config["Dns"] == ["10.217.0.53", "10.217.0.54"] and host_config["ExtraHosts"] == ["db.test:10.217.0.10"]
    assert host_config["Sysctls"] == {"net.core.somaxconn": "1024"}
    assert host_config["LogConfig"] == {"Type": "json-file", "Config": {"max-size": "1m", "max-file": "2"}}
    assert "CAP_NET_ADMIN" in host_config["CapAdd"] and "CAP_MKNOD" in host_config["CapDrop"]
    assert swarm_manager.client.volumes.get(f"{prefix}-data").attrs["Labels"] == {"app": "opts"}
    cleanup.append(swarm_manager.client.volumes.get(f"{prefix}-data"))
    service_id = check.applied["service_id"]

    # one of them changed: a rolling update of the same service, that field only
    changed = dict(args, hostname="svc-host-2", dns_options=["ndots:3"])
    check = ansible.converge("service", changed, lambda: spec_of(swarm_manager, name))
    assert check["changes"] == [
        {"field": "hostname", "before": "svc-host", "after": "svc-host-2", "how": "rolling update"},
        {"field": "dns_options", "before": ["ndots:2"], "after": ["ndots:3"], "how": "rolling update"}]
    data = swarm_manager.client.api.inspect_service(name)
    assert data["ID"] == service_id and data["UpdateStatus"]["State"] == "completed"
    assert task_container(swarm_manager, name)["Config"]["Hostname"] == "svc-host-2"

    # false and 0 are the engine's defaults: turning them off converges, and stays converged
    off = dict(changed, init=False, tty=False, read_only=False, placement={"replicas_max_per_node": 0})
    check = ansible.converge("service", off, lambda: spec_of(swarm_manager, name))
    assert [c["field"] for c in check["changes"]] == ["init", "tty", "read_only", "placement.replicas_max_per_node"]
    cs = spec_of(swarm_manager, name)[1]["TaskTemplate"]["ContainerSpec"]
    assert not cs.get("TTY") and not cs.get("ReadOnly") and not cs.get("Init")


def test_force_update_replaces_the_tasks_every_run(ansible, swarm_manager, prefix, cleanup):  # noqa: F811
    name, host = f"{prefix}-forced", {"docker_host": swarm_manager.host}
    args = dict(host, name=name, image=BASE_IMAGE, command=["sleep", "3600"])
    ansible.ok("service", args)
    service_id = swarm_manager.client.api.inspect_service(name)["ID"]
    forced = dict(args, force_update=True)
    for counter in (1, 2):
        before = spec_of(swarm_manager, name)
        check = ansible.ok("service", forced, check=True)
        assert check["changed"] is True and spec_of(swarm_manager, name) == before
        assert check["changes"] == [{"field": "force_update", "before": counter - 1, "after": counter, "how": "rolling update"}]
        applied = ansible.ok("service", forced)
        assert applied["changed"] is True and applied["actions"] == check["actions"]
        data = swarm_manager.client.api.inspect_service(name)
        assert data["ID"] == service_id and data["Spec"]["TaskTemplate"]["ForceUpdate"] == counter
        assert data["UpdateStatus"]["State"] == "completed"
    assert ansible.ok("service", args)["changed"] is False  # without it, nothing to do


def test_jobs_run_to_completion(ansible, swarm_manager, prefix, cleanup):  # noqa: F811
    name, host = f"{prefix}-job", {"docker_host": swarm_manager.host}
    args = dict(host, name=name, image=BASE_IMAGE, command=["sh", "-c", "echo done"], mode="replicated-job", replicas=2)
    check = ansible.converge("service", args, lambda: spec_of(swarm_manager, name))
    assert check["diff"]["after"]["mode"] == {"ReplicatedJob": {"MaxConcurrent": 1, "TotalCompletions": 2}}
    tasks = swarm_manager.client.api.tasks(filters={"service": name})
    assert sorted(t["Status"]["State"] for t in tasks) == ["complete", "complete"]  # the module waited for them

    # a change runs the job again, in place
    check = ansible.converge("service", dict(args, replicas=3), lambda: spec_of(swarm_manager, name))
    assert check["changes"][0]["field"] == "mode"
    data = swarm_manager.client.api.inspect_service(name)
    iteration = data["JobStatus"]["JobIteration"].get("Index")  # (an index of 0 is left out)
    tasks = swarm_manager.client.api.tasks(filters={"service": name})
    assert len([t for t in tasks if (t.get("JobIteration") or {}).get("Index") == iteration and t["Status"]["State"] == "complete"]) == 3

    name = f"{prefix}-gjob"
    args = dict(host, name=name, image=BASE_IMAGE, command=["true"], mode="global-job")
    check = ansible.converge("service", args, lambda: spec_of(swarm_manager, name))
    assert check["diff"]["after"]["mode"] == {"GlobalJob": {}}
    assert [t["Status"]["State"] for t in swarm_manager.client.api.tasks(filters={"service": name})] == ["complete"]


def test_npipe_mount_is_passed_to_windows_nodes(ansible, swarm_manager, prefix, cleanup):  # noqa: F811
    # a named pipe mounts on Windows nodes only; the manager keeps the spec, placed on no node of this Linux swarm
    name = f"{prefix}-npipe"
    args = {"docker_host": swarm_manager.host, "name": name, "image": BASE_IMAGE, "wait_timeout": 0,
            "mounts": [{"type": "npipe", "source": r"\\.\pipe\docker_engine", "target": r"\\.\pipe\docker_engine"}],
            "placement": {"constraints": ["node.platform.os==windows"]}}
    ansible.converge("service", args, lambda: spec_of(swarm_manager, name))
    assert spec_of(swarm_manager, name)[1]["TaskTemplate"]["ContainerSpec"]["Mounts"] == [
        {"Type": "npipe", "Source": r"\\.\pipe\docker_engine", "Target": r"\\.\pipe\docker_engine"}]


@pytest.mark.parametrize("args, option, words", [
    ({"logging": {"options": {"max-size": "1m"}}}, "logging.driver", "is needed"),
    ({"mounts": [{"type": "volume", "source": "v", "target": "/v", "propagation": "shared"}]}, "mounts[0].propagation", "bind"),
    ({"mounts": [{"type": "bind", "source": "/tmp", "target": "/v", "tmpfs_size": "1m"}]}, "mounts[0].tmpfs_size", "tmpfs"),
    ({"mounts": [{"type": "tmpfs", "target": "/v", "tmpfs_size": "lots"}]}, "mounts[0].tmpfs_size", "not a size"),
    ({"mounts": [{"type": "volume", "source": "v", "target": "/v", "driver_config": {"options": {"a": "b"}}}]},
     "mounts[0].driver_config.name", "required"),
    ({"cap_add": ["NOT_A_CAP"]}, "cap_add", "unknown capability"),
    ({"mode": "global-job", "replicas": 2}, "replicas", "global-job"),
    ({"stop_grace_period": "soon"}, "stop_grace_period", "not a duration"),
    ({"hosts": {"db": "not-an-ip"}}, "hosts.db", "not an IP"),
    ({"env_files": ["/nonexistent/app.env"]}, "env_files", "cannot read"),
    ({"placement": {"replicas_max_per_node": -1}}, "placement.replicas_max_per_node", "0 (no limit) or more"),
    ({"sysctls": {"net.core.somaxconn": [1]}}, "sysctls", "must be a string"),
])
def test_bad_input_fails_and_leaves_nothing(ansible, swarm_manager, prefix, args, option, words):  # noqa: F811
    args = dict({"name": f"{prefix}-bad", "image": BASE_IMAGE}, docker_host=swarm_manager.host, **args)
    for check in (True, False):
        result = ansible.fails("service", args, check=check)
        assert result["msg"].startswith(f"{option}: "), result["msg"]
        assert words in result["msg"], result["msg"]
    assert not [s for s in swarm_manager.client.services.list() if s.name.startswith(prefix)]


@pytest.fixture(name="netns_registry")
def netns_registry_fixture(swarm_manager, tmp_path):  # noqa: F811
    with registry_in_netns(swarm_manager, tmp_path) as address:
        yield address


def _push(manager, repository, change):
    """Push an image made of the base image plus one file (so each call pushes another digest) as repository:1."""
    client = manager.client
    container = client.containers.create(BASE_IMAGE, ["true"])
    try:
        container.put_archive("/", _tar("stamp", change.encode()))
        container.commit(repository, "1")
    finally:
        container.remove()
    for line in client.api.push(repository, "1", stream=True, decode=True):
        assert "error" not in line, line
    return client.api.inspect_distribution(f"{repository}:1")["Descriptor"]["digest"]


def _tar(name, data):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_resolve_image_pins_the_registry_digest(ansible, swarm_manager, prefix, cleanup, netns_registry):  # noqa: F811
    name, repository = f"{prefix}-pinned", f"{netns_registry}/{prefix}"
    first = _push(swarm_manager, repository, "one")
    args = {"docker_host": swarm_manager.host, "name": name, "image": f"{repository}:1", "command": ["sleep", "3600"], "resolve_image": True}
    check = ansible.converge("service", args, lambda: spec_of(swarm_manager, name))
    assert check["diff"]["after"]["image"] == f"{repository}:1@{first}"
    assert spec_of(swarm_manager, name)[1]["TaskTemplate"]["ContainerSpec"]["Image"] == f"{repository}:1@{first}"

    # a new image pushed under the tag: the next run updates the service to it, in place
    second = _push(swarm_manager, repository, "two")
    assert second != first
    check = ansible.converge("service", args, lambda: spec_of(swarm_manager, name))
    assert check["changes"] == [{"field": "image", "before": f"{repository}:1@{first}", "after": f"{repository}:1@{second}",
                                 "how": "rolling update"}]
    # without resolve_image, the pinned digest is not compared: the tag is the same
    assert ansible.ok("service", dict(args, resolve_image=False))["changed"] is False
