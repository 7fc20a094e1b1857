"""dockhand.docker.service against a swarm of one engine in a network namespace of its own (_swarm_support)."""

import time

import docker
import pytest

from _swarm_support import BASE_IMAGE, spec_of, swarm_manager  # noqa: F401  # pylint: disable=unused-import  # the fixture


def running(manager, name):
    tasks = manager.client.api.tasks(filters={"service": name, "desired-state": "running"})
    return sorted(t["Status"]["State"] for t in tasks)


@pytest.fixture(name="refs")
def refs_fixture(swarm_manager, prefix):  # noqa: F811
    client = swarm_manager.client
    made = [client.networks.create(f"{prefix}-net", driver="overlay"),
            client.secrets.create(name=f"{prefix}-pw", data=b"pw"),
            client.configs.create(name=f"{prefix}-conf", data=b"port=80")]
    yield made
    for service in client.services.list(filters={"name": prefix}):
        service.remove()
    for item in reversed(made):
        deadline = time.monotonic() + 30
        while True:  # the services' tasks go first
            try:
                item.remove()
                break
            except docker.errors.APIError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)


def test_create_scale_update_rollback_remove(ansible, swarm_manager, prefix, refs):  # noqa: F811
    name, host = f"{prefix}-web", {"docker_host": swarm_manager.host}
    net, secret, config = refs
    args = dict(host, name=name, image=BASE_IMAGE, command=["sleep", "3600"], env={"A": "1"}, labels={"app": "shop"},
                container_labels={"tier": "web"}, replicas=2, publish=[{"published_port": 18080, "target_port": 80}],
                networks=[f"{prefix}-net"], mounts=[{"type": "tmpfs", "target": "/scratch"}],
                secrets=[{"secret_name": f"{prefix}-pw", "filename": "pw", "mode": 0o400}],
                configs=[{"config_name": f"{prefix}-conf", "filename": "/etc/app.conf"}],
                limits={"cpus": 0.5, "memory": "64m"}, reservations={"memory": "16m"},
                restart_config={"condition": "any", "delay": "1s"},
                update_config={"parallelism": 1, "order": "start-first", "failure_action": "rollback", "monitor": "2s"},
                rollback_config={"parallelism": 0})
    check = ansible.converge("service", args, lambda: spec_of(swarm_manager, name))
    assert check["actions"] == [f"create service {name}"]
    assert check["diff"]["before"] == {"exists": False} and check["diff"]["after"]["mode"] == {"Replicated": {"Replicas": 2}}
    assert running(swarm_manager, name) == ["running", "running"]  # the module waited for them
    spec = spec_of(swarm_manager, name)[1]
    container = spec["TaskTemplate"]["ContainerSpec"]
    assert container["Env"] == ["A=1"] and container["Labels"] == {"tier": "web"}
    assert container["Secrets"][0]["SecretID"] == secret.id and container["Secrets"][0]["File"]["Mode"] == 0o400
    assert container["Configs"][0]["ConfigID"] == config.id
    assert spec["TaskTemplate"]["Networks"] == [{"Target": net.id}]
    assert spec["TaskTemplate"]["Resources"]["Limits"] == {"NanoCPUs": 500000000, "MemoryBytes": 64 * 1024 ** 2}
    assert spec["UpdateConfig"]["Order"] == "start-first" and spec["UpdateConfig"]["Monitor"] == 2 * 10 ** 9
    assert check.applied["service_id"] == check.applied["service"]["ID"]
    assert check.applied["rebuilt"] is False  # community.docker's key

    # scaling is an update in place, not a rolling one
    check = ansible.converge("service", dict(args, replicas=3), lambda: spec_of(swarm_manager, name))
    assert check["changes"] == [{"field": "mode", "before": {"Replicated": {"Replicas": 2}},
                                 "after": {"Replicated": {"Replicas": 3}}, "how": "update"}]
    assert running(swarm_manager, name) == ["running"] * 3
    service_id = check.applied["service"]["ID"]

    # a task template change is a rolling update through the update endpoint: the same service, new tasks
    check = ansible.converge("service", dict(args, replicas=3, env=["A=2", "B=3"]), lambda: spec_of(swarm_manager, name))
    assert check["actions"] == [f"update service {name}: env: [\"A=1\"] -> [\"A=2\", \"B=3\"] (rolling update)"]
    data = swarm_manager.client.api.inspect_service(name)
    assert data["ID"] == service_id and data["UpdateStatus"]["State"] == "completed"
    assert data["Spec"]["TaskTemplate"]["ContainerSpec"]["Env"] == ["A=2", "B=3"]
    assert running(swarm_manager, name) == ["running"] * 3

    # an update whose tasks fail is rolled back by the engine, and the task says so
    before = spec_of(swarm_manager, name)[1]
    failed = ansible.fails("service", dict(args, replicas=3, env=["A=2", "B=3"], command=["sh", "-c", "exit 1"]))
    assert "rolled the service back" in failed["msg"], failed["msg"]
    assert failed["changed"] is True and "partly" not in failed["msg"]  # the engine changed the tasks and put them back
    after = swarm_manager.client.api.inspect_service(name)
    assert after["Spec"]["TaskTemplate"]["ContainerSpec"]["Command"] == ["sleep", "3600"]
    assert after["Spec"]["TaskTemplate"] == before["TaskTemplate"]

    check = ansible.converge("service", dict(host, name=name, state="absent"), lambda: spec_of(swarm_manager, name))
    assert check["actions"] == [f"remove service {name}"]
    assert spec_of(swarm_manager, name) is None


def test_global_service(ansible, swarm_manager, prefix):  # noqa: F811
    name = f"{prefix}-agent"
    args = {"docker_host": swarm_manager.host, "name": name, "image": BASE_IMAGE, "command": "sleep 3600", "mode": "global"}
    check = ansible.converge("service", args, lambda: spec_of(swarm_manager, name))
    assert check["diff"]["after"]["mode"] == {"Global": {}}
    assert running(swarm_manager, name) == ["running"]
    info = ansible.ok("swarm_info", {"docker_host": swarm_manager.host, "services": True, "services_filters": {"name": name}})
    assert [(s["Name"], s["Mode"], s["Replicas"]) for s in info["services"]] == [(name, "Global", 1)]
    swarm_manager.client.api.remove_service(name)


def test_placement_healthcheck_and_unplaceable_tasks(ansible, swarm_manager, prefix):  # noqa: F811
    name, host = f"{prefix}-placed", {"docker_host": swarm_manager.host}
    args = dict(host, name=name, image=BASE_IMAGE, command=["sleep", "3600"],
                placement={"constraints": ["node.role==manager"], "preferences": [{"spread": "node.labels.zone"}]},
                healthcheck={"test": ["CMD", "true"], "interval": "2s", "retries": 2})
    ansible.converge("service", args, lambda: spec_of(swarm_manager, name))
    spec = spec_of(swarm_manager, name)[1]["TaskTemplate"]
    assert spec["Placement"]["Constraints"] == ["node.role==manager"]
    assert spec["Placement"]["Preferences"] == [{"Spread": {"SpreadDescriptor": "node.labels.zone"}}]
    assert spec["ContainerSpec"]["Healthcheck"] == {"Test": ["CMD", "true"], "Interval": 2 * 10 ** 9, "Retries": 2}
    # a constraint no node meets: the module says why the tasks stay pending instead of waiting out wait_timeout
    started = time.monotonic()
    failed = ansible.fails("service", dict(args, placement={"constraints": ["node.labels.nosuch==x"]}, wait_timeout=300))
    assert "no node can run the service's tasks" in failed["msg"] and "no suitable node" in failed["msg"], failed["msg"]
    assert time.monotonic() - started < 120
    swarm_manager.client.api.remove_service(name)


@pytest.mark.parametrize("args, option, words", [
    ({"name": "bad name!", "image": BASE_IMAGE}, "name", "not a valid name"),
    ({"command": ["sleep", "60"]}, "image", "needs an image"),
    ({"image": BASE_IMAGE, "networks": ["no-such-net"]}, "networks", "no such network: no-such-net"),
    ({"image": BASE_IMAGE, "secrets": [{"secret_name": "no-such-secret"}]}, "secrets", "no such secret: no-such-secret"),
    ({"image": BASE_IMAGE, "configs": [{"config_name": "no-such-config"}]}, "configs", "no such config: no-such-config"),
    ({"image": BASE_IMAGE, "mode": "global", "replicas": 2}, "replicas", "global"),
    ({"image": BASE_IMAGE, "replicas": -1}, "replicas", "0 or more"),
    ({"image": BASE_IMAGE, "publish": [{"published_port": 70000, "target_port": 80}]}, "publish[0].published_port", "not a port"),
    ({"image": BASE_IMAGE, "publish": [{"target_port": 80, "mode": "host"}]}, "publish[0].published_port", "host-mode"),
    ({"image": BASE_IMAGE, "mounts": [{"source": "data", "target": "relative"}]}, "mounts[0].target", "absolute"),
    ({"image": BASE_IMAGE, "env": ["NOVALUE"]}, "env[0]", "NAME=value"),
    ({"image": BASE_IMAGE, "update_config": {"delay": "soon"}}, "update_config.delay", "not a duration"),
    ({"image": BASE_IMAGE, "update_config": {"max_failure_ratio": 2}}, "update_config.max_failure_ratio", "from 0 to 1"),
    ({"image": BASE_IMAGE, "limits": {"memory": "lots"}}, "limits.memory", "not a size"),
    ({"image": BASE_IMAGE, "labels": {"n": 1}}, "labels", "must be a string"),
    ({"image": BASE_IMAGE, "placement": {"constraints": ["node.role"]}}, "placement.constraints[0]", "ATTRIBUTE==VALUE"),
    ({"image": BASE_IMAGE, "placement": {"preferences": [{"pack": "x"}]}}, "placement.preferences[0]", "spread"),
    ({"image": BASE_IMAGE, "healthcheck": {"interval": "2s"}}, "healthcheck.test", "is needed"),
])
def test_bad_input_fails_and_leaves_nothing(ansible, swarm_manager, prefix, args, option, words):  # noqa: F811
    args = dict({"name": f"{prefix}-bad"}, docker_host=swarm_manager.host, **args)
    for check in (True, False):
        result = ansible.fails("service", args, check=check)
        assert result["msg"].startswith(f"{option}: "), result["msg"]
        assert words in result["msg"]
    assert not [s for s in swarm_manager.client.services.list() if s.name.startswith(prefix)]
