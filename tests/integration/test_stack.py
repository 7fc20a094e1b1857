"""dockhand.docker.stack against a swarm of one engine in a network namespace of its own (_swarm_support): a compose file
deployed as a stack, updated in place, pruned, removed; bad models refused before anything is written."""

import base64
import json
import subprocess
import uuid
from pathlib import Path

import pytest
import yaml

from _swarm_support import BASE_IMAGE, registry_in_netns, swarm_manager  # noqa: F401  # pylint: disable=unused-import  # the fixture

NAMESPACE = "com.docker.stack.namespace"


def stack_state(manager, stack):
    """Everything labelled with the stack's namespace, with each object's version index (a write moves it)."""
    api, label = manager.client.api, {"label": f"{NAMESPACE}={stack}"}
    return {
        "services": sorted((s["Spec"]["Name"], s["ID"], s["Version"]["Index"]) for s in api.services(filters=label)),
        "networks": sorted(n["Name"] for n in api.networks(filters=label)),
        "secrets": sorted((s["Spec"]["Name"], s["Version"]["Index"]) for s in api.secrets(filters=label)),
        "configs": sorted((c["Spec"]["Name"], c["Version"]["Index"]) for c in api.configs(filters=label)),
    }


def running(manager, name):
    tasks = manager.client.api.tasks(filters={"service": name, "desired-state": "running"})
    return sorted(t["Status"]["State"] for t in tasks)


def model(replicas=2, env="1", worker=True):
    services = {
        "web": {"image": BASE_IMAGE, "command": ["sleep", "3600"], "environment": {"MODE": env}, "labels": {"tier": "web"},
                "ports": ["18081:80"], "networks": {"front": {"aliases": ["www"]}}, "user": "1000:1000", "working_dir": "/srv",
                "hostname": "web-{{.Task.Slot}}", "stop_grace_period": "1s",
                "secrets": [{"source": "pw", "target": "pw", "mode": 0o400}], "configs": [{"source": "conf", "target": "/etc/app.conf"}],
                "deploy": {"replicas": replicas, "labels": {"app": "shop"}, "update_config": {"parallelism": 2, "order": "start-first"},
                           "resources": {"limits": {"memory": "64M"}}, "restart_policy": {"condition": "any"}}},
        "cache": {"image": BASE_IMAGE, "command": "sleep 3600", "volumes": ["data:/data"], "deploy": {"mode": "global"},
                  "stop_grace_period": "1s"},
    }
    if worker:
        services["worker"] = {"image": BASE_IMAGE, "entrypoint": ["sh", "-c"], "command": ["sleep 3600"], "x-owner": "ops",
                              "stop_grace_period": "1s"}
    return {"services": services, "networks": {"front": {"attachable": True}}, "volumes": {"data": None},
            "secrets": {"pw": {"file": "./pw.txt"}}, "configs": {"conf": {"file": "app.conf"}}}


@pytest.fixture(name="project")
def project_fixture(tmp_path):
    (tmp_path / "pw.txt").write_text("hunter2\n")
    (tmp_path / "app.conf").write_text("port=80\n")

    def write(**kwargs):
        (tmp_path / "compose.yaml").write_text(yaml.safe_dump(model(**kwargs)))
        return str(tmp_path / "compose.yaml")
    return write


def test_deploy_update_prune_remove(ansible, swarm_manager, prefix, project):  # noqa: F811
    stack, host = prefix, {"docker_host": swarm_manager.host}
    api = swarm_manager.client.api
    args = dict(host, name=stack, compose=[project()])
    check = ansible.converge("stack", args, lambda: stack_state(swarm_manager, stack))
    assert sorted(check["actions"]) == sorted([
        f"create network {stack}_default", f"create network {stack}_front", f"create secret {stack}_pw",
        f"create config {stack}_conf", f"create service {stack}_web", f"create service {stack}_cache", f"create service {stack}_worker"])
    assert set(check["stack_spec_diff"]) == {f"{stack}_web", f"{stack}_cache", f"{stack}_worker"}
    state = stack_state(swarm_manager, stack)
    assert [s[0] for s in state["services"]] == [f"{stack}_cache", f"{stack}_web", f"{stack}_worker"]
    assert state["networks"] == [f"{stack}_default", f"{stack}_front"]
    assert running(swarm_manager, f"{stack}_web") == ["running", "running"]  # the module waited for them
    web = api.inspect_service(f"{stack}_web")
    spec, container = web["Spec"], web["Spec"]["TaskTemplate"]["ContainerSpec"]
    front = api.inspect_network(f"{stack}_front")
    assert front["Driver"] == "overlay" and front["Attachable"] is True and front["Labels"][NAMESPACE] == stack
    assert spec["Labels"] == {NAMESPACE: stack, "app": "shop", "com.docker.stack.image": BASE_IMAGE}
    assert container["Labels"] == {NAMESPACE: stack, "tier": "web"}
    assert container["Args"] == ["sleep", "3600"] and container["Env"] == ["MODE=1"]
    assert (container["User"], container["Dir"], container["Hostname"]) == ("1000:1000", "/srv", "web-{{.Task.Slot}}")
    assert container["StopGracePeriod"] == 10 ** 9
    assert spec["TaskTemplate"]["Networks"] == [{"Target": front["Id"], "Aliases": ["web", "www"]}]
    assert container["Secrets"][0]["SecretName"] == f"{stack}_pw" and container["Secrets"][0]["File"]["Mode"] == 0o400
    assert container["Configs"][0]["File"]["Name"] == "/etc/app.conf"
    assert spec["EndpointSpec"]["Ports"][0]["PublishedPort"] == 18081
    assert spec["UpdateConfig"]["Order"] == "start-first" and spec["TaskTemplate"]["Resources"]["Limits"] == {"MemoryBytes": 64 * 1024 ** 2}
    cache = api.inspect_service(f"{stack}_cache")["Spec"]
    assert cache["Mode"] == {"Global": {}}
    mounts = [{"Type": "volume", "Source": f"{stack}_data", "Target": "/data", "VolumeOptions": {"Labels": {NAMESPACE: stack}}}]
    assert cache["TaskTemplate"]["ContainerSpec"]["Mounts"] == mounts
    assert api.inspect_volume(f"{stack}_data")["Labels"] == {NAMESPACE: stack}  # the node's engine made it with the stack's label
    worker = api.inspect_service(f"{stack}_worker")["Spec"]["TaskTemplate"]["ContainerSpec"]
    assert worker["Command"] == ["sh", "-c"] and worker["Args"] == ["sleep 3600"]
    ids = {s[0]: s[1] for s in state["services"]}

    # an edit (replicas, environment) updates the service in place through the update endpoint: the same ID
    args = dict(host, name=stack, compose=[project(replicas=3, env="2")])
    check = ansible.converge("stack", args, lambda: stack_state(swarm_manager, stack))
    assert len(check["actions"]) == 1 and check["actions"][0].startswith(f"update service {stack}_web: "), check["actions"]
    assert check["stack_spec_diff"] == {f"{stack}_web": {
        "mode": {"before": {"Replicated": {"Replicas": 2}}, "after": {"Replicated": {"Replicas": 3}}},
        "env": {"before": ["MODE=1"], "after": ["MODE=2"]}}}
    web = api.inspect_service(f"{stack}_web")
    assert web["ID"] == ids[f"{stack}_web"] and web["Spec"]["TaskTemplate"]["ContainerSpec"]["Env"] == ["MODE=2"]
    assert running(swarm_manager, f"{stack}_web") == ["running"] * 3
    assert {s[0]: s[1] for s in stack_state(swarm_manager, stack)["services"]} == ids

    # a secret's file changed: refused naming it before anything is written (Swarm secrets cannot change)
    path = Path(args["compose"][0]).with_name("pw.txt")
    path.write_text("changed\n")
    before = stack_state(swarm_manager, stack)
    failed = ansible.fails("stack", args)
    assert failed["msg"].startswith(f"secrets.pw: secret {stack}_pw: its data differs"), failed["msg"]
    assert "give it a new name in the model" in failed["msg"] and stack_state(swarm_manager, stack) == before
    path.write_text("hunter2\n")

    # a service no longer in the file stays without prune (listed as an orphan), and goes with it
    args = dict(host, name=stack, compose=[project(replicas=3, env="2", worker=False)])
    kept = ansible.ok("stack", args)
    assert kept["changed"] is False and kept["orphans"] == [f"service {stack}_worker"]
    assert f"{stack}_worker" in [s[0] for s in stack_state(swarm_manager, stack)["services"]]
    check = ansible.converge("stack", dict(args, prune=True), lambda: stack_state(swarm_manager, stack))
    assert check["actions"] == [f"remove service {stack}_worker"]
    assert [s[0] for s in stack_state(swarm_manager, stack)["services"]] == [f"{stack}_cache", f"{stack}_web"]

    # state: absent removes the services, then the networks, secrets and configs
    check = ansible.converge("stack", dict(host, name=stack, state="absent"), lambda: stack_state(swarm_manager, stack))
    assert sorted(check["actions"]) == sorted([
        f"remove service {stack}_web", f"remove service {stack}_cache", f"remove network {stack}_default",
        f"remove network {stack}_front", f"remove secret {stack}_pw", f"remove config {stack}_conf"])
    assert stack_state(swarm_manager, stack) == {"services": [], "networks": [], "secrets": [], "configs": []}


@pytest.mark.parametrize("change, option, words", [
    ({"services": {"web": {"build": "."}}}, "services.web.build", "not supported by stack"),
    ({"services": {"web": {"networks": ["outside"]}}, "networks": {"outside": {"external": True, "name": "no-such-net"}}},
     "networks.outside", "'no-such-net' is external, and the engine does not have it"),
    ({"services": {"web": {"deploy": {"replicas": -1}}}}, "services.web.deploy.replicas", "0 or more"),
])
def test_bad_input_fails_and_leaves_nothing(ansible, swarm_manager, prefix, project, change, option, words):  # noqa: F811
    compose = [project(), change]
    for check in (True, False):
        result = ansible.fails("stack", {"docker_host": swarm_manager.host, "name": prefix, "compose": compose}, check=check)
        assert result["msg"].startswith(f"{option}: "), result["msg"]
        assert words in result["msg"], result["msg"]
    assert stack_state(swarm_manager, prefix) == {"services": [], "networks": [], "secrets": [], "configs": []}


def test_not_a_manager(ansible, swarm_manager, prefix, project, engine):  # noqa: F811  # pylint: disable=unused-argument
    """The host's engine is in no swarm: the task fails naming docker_host before anything is written."""
    result = ansible.fails("stack", {"name": prefix, "compose": [project()]})
    assert result["msg"].startswith("docker_host: the engine is not a swarm manager"), result["msg"]


@pytest.fixture(name="auth_registry")
def auth_registry_fixture(swarm_manager, tmp_path):  # noqa: F811
    """An htpasswd-protected registry inside the swarm engine's network namespace, at localhost:<port> there (the
    distribution binary of the host's registry, started with nsenter; the namespaced engines cannot reach
    the host's loopback): (address, user, password)."""
    user, password = "dhstack", f"pw-{uuid.uuid4().hex}"
    htpasswd = subprocess.run(["htpasswd", "-Bbn", user, password], check=True, capture_output=True, text=True).stdout
    (tmp_path / "htpasswd").write_text(htpasswd)
    with registry_in_netns(swarm_manager, tmp_path, htpasswd=tmp_path / "htpasswd") as address:
        yield address, user, password


def test_with_registry_auth_pulls_from_a_private_registry(ansible, swarm_manager, prefix, auth_registry, tmp_path):  # noqa: F811
    """An image only in an htpasswd-protected registry: with_registry_auth sends the Docker config's credentials with the
    service create (X-Registry-Auth), the swarm pulls with them and the task runs; without it the pull is refused."""
    address, user, password = auth_registry
    repository = f"{address}/{prefix}/app"
    client = swarm_manager.client
    client.images.get(BASE_IMAGE).tag(repository, "1")
    for line in client.api.push(repository, "1", stream=True, decode=True, auth_config={"username": user, "password": password}):
        assert "error" not in line, line
    client.images.remove(f"{repository}:1")  # only the registry has it now: a task must pull it
    config = tmp_path / "docker-config"
    config.mkdir()
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    (config / "config.json").write_text(json.dumps({"auths": {address: {"auth": token}}}))
    old = ansible.env.get("DOCKER_CONFIG")
    ansible.env["DOCKER_CONFIG"] = str(config)
    try:
        compose = [{"services": {"app": {"image": f"{repository}:1", "command": ["sleep", "3600"], "stop_grace_period": "1s"}}}]
        args = {"docker_host": swarm_manager.host, "name": prefix, "compose": compose, "with_registry_auth": True}

        # first without with_registry_auth: the node has no credentials, the pull is refused, the task never runs (first,
        # as a node that has the image runs it even when the pull is refused)
        other = f"{prefix}-noauth"
        failed = ansible.fails("stack", dict(args, name=other, with_registry_auth=False, wait_timeout=20))
        assert "not converged after 20s" in failed["msg"], failed["msg"]
        assert running(swarm_manager, f"{other}_app") != ["running"]
        ansible.ok("stack", {"docker_host": swarm_manager.host, "name": other, "state": "absent"})

        check = ansible.converge("stack", args, lambda: stack_state(swarm_manager, prefix))
        assert f"create service {prefix}_app" in check["actions"]
        assert running(swarm_manager, f"{prefix}_app") == ["running"]  # pulled with the credentials the service carries
        for result in (failed, check, check.applied):
            assert password not in result.output and token not in result.output
    finally:
        if old is None:
            ansible.env.pop("DOCKER_CONFIG", None)
        else:
            ansible.env["DOCKER_CONFIG"] = old
        for stack in (prefix, f"{prefix}-noauth"):
            ansible.ok("stack", {"docker_host": swarm_manager.host, "name": stack, "state": "absent"})
