"""The migration promise: a playbook written with community.docker.docker_container's option names runs unchanged
with only the FQCN swapped, and a second run changes nothing."""

import json
import sys
import uuid
from pathlib import Path
from _ansible_forkserver import run_cli

import docker

PLAYBOOK = Path(__file__).with_name("files") / "community_style.yml"


def run_playbook(ansible, prefix, result_file):
    cmd = [str(Path(sys.executable).with_name("ansible-playbook")), "-i", "localhost,", str(PLAYBOOK),
           "-e", json.dumps({"prefix": prefix, "result_file": str(result_file)})]
    proc = run_cli(cmd, env=ansible.env, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(result_file.read_text()), proc.stdout


def test_community_style_playbook_runs_and_is_idempotent(engine, ansible, prefix, tmp_path):
    first = run_playbook(ansible, prefix, tmp_path / "first.json")[0]
    assert first["changed"] is True
    container = engine.api.inspect_container(f"{prefix}-migrated")
    assert container["State"]["Running"] and container["HostConfig"]["Memory"] == 64 * 1024 ** 2
    assert list(container["NetworkSettings"]["Networks"]) == [f"{prefix}-mnet"]
    second, output = run_playbook(ansible, prefix, tmp_path / "second.json")
    assert second["changed"] is False, second["actions"]
    assert output.count("changed: [localhost]") == 1  # only the task that writes the result file
    engine.api.remove_container(f"{prefix}-migrated", force=True)
    engine.volumes.get(f"{prefix}-mdata").remove()


# --- community.docker's own documentation examples, run for real (issue 13) -----------------------------------------
# The tasks come from the EXAMPLES of community.docker's modules (ci/community_docker.py fetches them); only the FQCN is
# swapped, and names, images, paths and subnets that would collide or do not exist here are substituted.
# tests/unit/plugins/modules/test_community_examples.py checks that every example is accepted; these run a subset.

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "ci"))
import community_docker  # noqa: E402  pylint: disable=wrong-import-position

BASE = "dockhand/busybox:latest"
EXAMPLES = {where.split(":")[0]: (called, task) for where, called, task in community_docker.example_tasks()}


def example(key, names, **override):
    """(our module, its arguments) for one community.docker example, values of `names` substituted."""
    called, task = EXAMPLES[key]

    def swap(value):
        if isinstance(value, dict):
            return {k: swap(v) for k, v in value.items()}
        if isinstance(value, list):
            return [swap(v) for v in value]
        return names.get(value, value) if isinstance(value, str) else value
    return community_docker.DOCKHAND_MODULES[called], dict(swap(task[f"community.docker.{called}"]), **override)


def inspected(engine, kind, name):
    try:
        return getattr(engine.api, f"inspect_{kind}")(name)
    except docker.errors.NotFound:
        return None


def snapshot(engine, kind, name):
    return lambda: inspected(engine, kind, name)


def test_community_container_examples(engine, ansible, prefix):
    names = {"mycontainer": f"{prefix}-mycontainer", "sleepy": f"{prefix}-sleepy", "test": f"{prefix}-test", "ohno": f"{prefix}-test",
             "ubuntu:14.04": BASE, "ubuntu:16.04": BASE, "ubuntu:18.04": BASE}
    module, args = example("docker_container example 4", names)  # Container present
    present = ansible.converge(module, args, snapshot(engine, "container", args["name"])).applied
    assert present["container"]["Config"]["Cmd"] == ["sleep", "infinity"] and present["container"]["State"]["Running"] is False
    assert present["diff"]["before"] is not None and "after" in present["diff"]
    module, args = example("docker_container example 5", names)  # Stop a container (no image needed)
    assert ansible.ok(module, args)["changed"] is False, "a created container is not running"

    module, args = example("docker_container example 11", names)  # Start a container with a command
    started = ansible.converge(module, args, snapshot(engine, "container", args["name"])).applied
    assert started["container"]["State"]["Running"] is True and started["container"]["Config"]["Cmd"] == ["sleep", "infinity"]
    module, args = example("docker_container example 17", names)  # Create a container with limited capabilities
    limited = ansible.converge(module, args, snapshot(engine, "container", args["name"]))
    assert limited["actions"][0].startswith(f"recreate container {args['name']}: ")
    host_config = inspected(engine, "container", args["name"])["HostConfig"]
    assert [c.upper().removeprefix("CAP_") for c in host_config["CapAdd"]] == ["SYS_TIME"]
    assert [c.upper().removeprefix("CAP_") for c in host_config["CapDrop"]] == ["ALL"]

    # Finer container restart/update control (ubuntu's shell waits on a terminal; busybox's exits: a command that keeps running)
    module, args = example("docker_container example 18", names, command=["sleep", "infinity"])
    finer = ansible.converge(module, args, snapshot(engine, "container", args["name"])).applied
    assert {"arg1=true", "arg2=whatever"} <= set(finer["container"]["Config"]["Env"])
    assert "/tmp:/tmp:rw" in finer["container"]["HostConfig"]["Binds"] or "/tmp:/tmp" in finer["container"]["HostConfig"]["Binds"]
    module, args = example("docker_container example 19", names)  # ... II: everything ignored but env
    assert ansible.ok(module, args)["changed"] is False
    module, args = example("docker_container example 7", names)  # Remove container
    ansible.converge(module, args, snapshot(engine, "container", args["name"]))
    assert inspected(engine, "container", args["name"]) is None


def test_community_network_and_volume_examples(engine, ansible, prefix, run_container):
    other = run_container("a")
    subnet = f"172.23.{uuid.uuid4().int % 200 + 20}"
    names = {"network_one": f"{prefix}-network_one", "network_three": f"{prefix}-network_three", "network_four": f"{prefix}-network_four",
             "volume_one": f"{prefix}-volume_one", "container_a": other.name,
             "172.23.27.0/24": f"{subnet}.0/24", "172.23.27.2": f"{subnet}.2", "172.23.27.0/26": f"{subnet}.0/26",
             "172.23.27.3": f"{subnet}.3", "172.23.27.4": f"{subnet}.4"}
    module, args = example("docker_volume example 1", names)  # Create a volume
    assert ansible.converge(module, args, snapshot(engine, "volume", args["name"])).applied["volume"]["Name"] == args["name"]
    module, args = example("docker_volume_info example 1", {"mydata": names["volume_one"]})
    info = ansible.ok(module, args)
    assert info["exists"] is True and info["volume"]["Name"] == names["volume_one"]
    module, args = example("docker_volume example 2", names)  # Remove a volume
    ansible.converge(module, args, snapshot(engine, "volume", args["name"]))

    module, args = example("docker_network example 1", names)  # Create a network
    assert ansible.converge(module, args, snapshot(engine, "network", args["name"])).applied["network"]["Name"] == args["name"]
    module, args = example("docker_network example 4", names)  # Add a container to a network, leaving existing ones
    connected = ansible.converge(module, args, snapshot(engine, "network", args["name"])).applied
    assert other.id in connected["network"]["Containers"]
    module, args = example("docker_network example 6", names)  # Create a network with custom IPAM config
    ipam = ansible.converge(module, args, snapshot(engine, "network", args["name"])).applied["network"]["IPAM"]["Config"]
    assert ipam == [{"Subnet": f"{subnet}.0/24", "Gateway": f"{subnet}.2", "IPRange": f"{subnet}.0/26",
                     "AuxiliaryAddresses": {"host1": f"{subnet}.3", "host2": f"{subnet}.4"}}]
    module, args = example("docker_network example 7", names)  # Create a network with labels
    assert ansible.converge(module, args, snapshot(engine, "network", args["name"])).applied["network"]["Labels"] == {
        "key1": "value1", "key2": "value2"}
    module, args = example("docker_network_info example 1", {"mydata": names["network_one"]})
    info = ansible.ok(module, args)
    assert info["exists"] is True and info["network"]["Name"] == names["network_one"]

    # Delete a network, disconnecting all containers: here only with force (README: a task says when containers lose a network)
    module, args = example("docker_network example 10", names)
    refused = ansible.fails(module, args)
    assert refused["msg"].startswith("force: ") and other.name in refused["msg"], refused["msg"]
    ansible.converge(module, dict(args, force=True), snapshot(engine, "network", args["name"]))
    for name in (names["network_three"], names["network_four"]):
        ansible.ok("network", {"name": name, "state": "absent"})


def test_community_image_tag_remove_and_exec_examples(engine, ansible, prefix, run_container):
    first, second = f"{prefix}/python-3:3.12", f"{prefix}/local-registry/python-3/3.12:latest"
    names = {"python:3.12": BASE, "python-3:3.12": first, "local-registry:5000/python-3/3.12:latest": second}
    module, args = example("docker_image_tag example 1", names)  # Tag an image with two new names
    check = ansible.converge(module, args, lambda: [(inspected(engine, "image", n) or {}).get("Id") for n in (first, second)])
    assert check["tagged_images"] == check.applied["tagged_images"] == [first, second]
    assert check.applied["image"]["Id"] == engine.api.inspect_image(BASE)["Id"]
    assert ansible.ok(module, args)["tagged_images"] == []
    try:
        module, args = example("docker_image_remove example 1", {"pacur/centos-7": first})  # Remove an image
        removed = ansible.converge(module, args, snapshot(engine, "image", first))
        assert removed["untagged"] == removed.applied["untagged"] == [first] and removed.applied["deleted"] == []
        assert engine.api.inspect_image(BASE), "the image keeps its other names"
    finally:
        for name in (first, second):
            if inspected(engine, "image", name):
                engine.api.remove_image(name)

    container = run_container("foo")
    module, args = example("docker_container_exec example 3", {"foo": container.name, "/bin/bash": "/bin/sh", "/root": "/"})
    result = ansible.ok(module, args)  # Run a simple command (argv)
    assert result["rc"] == 0 and result["stdout"] == "" and "bin" in result["stderr"]


def test_community_prune_example_in_check_mode(ansible):
    """Prune everything, in check mode only (the engine is shared): every key docker_prune returns, with its type."""
    module, args = example("docker_prune example 3", {})
    result = ansible.ok(module, args, check=True)
    for key in ("containers", "images", "networks", "volumes", "builder_cache_caches_deleted"):
        assert isinstance(result[key], list), key
    for key in ("containers_space_reclaimed", "images_space_reclaimed", "volumes_space_reclaimed", "builder_cache_space_reclaimed"):
        assert isinstance(result[key], int), key
    assert result["changed"] is bool(result["actions"])
    keep_all = ansible.ok(module, dict(args, builder_cache_keep_storage="100t"), check=True)
    assert keep_all["builder_cache_caches_deleted"] == [] and keep_all["builder_cache_space_reclaimed"] == 0
    assert not [a for a in keep_all["actions"] if a.startswith("prune build cache")]
    refused = ansible.fails(module, {"containers": True, "builder_cache_keep_storage": "1g"}, check=True)
    assert refused["msg"] == "builder_cache_keep_storage: is only used with builder_cache: true"
