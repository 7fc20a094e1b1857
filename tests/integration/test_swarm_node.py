"""dockhand.docker.node against a swarm of two engines, each in a network namespace of its own (_swarm_support)."""

import time

import docker
import pytest

from _swarm_support import BASE_IMAGE, init_swarm, start_engine, stop_engine


@pytest.fixture(scope="module", name="swarm")
def swarm_fixture():
    """A manager and a worker: (manager engine, worker engine, the worker's node ID)."""
    engines = []
    try:
        engines.append(init_swarm(start_engine()))
        engines.append(start_engine())
        manager, worker = engines
        worker.client.swarm.join(remote_addrs=[f"{manager.address}:2377"], join_token=manager.client.swarm.attrs["JoinTokens"]["Worker"],
                                 advertise_addr=worker.address, listen_addr=f"{worker.address}:2377")
        yield manager, worker, worker.client.info()["Swarm"]["NodeID"]
    finally:
        for engine in reversed(engines):
            stop_engine(engine)


def node_spec(manager, node_id):
    """The node's spec (its version index also moves when the node reports its status)."""
    return manager.client.api.inspect_node(node_id)["Spec"]


def tasks_on(manager, service, node_id):
    return [t for t in manager.client.api.tasks(filters={"service": service, "desired-state": "running"}) if t.get("NodeID") == node_id]


def test_labels_availability_role(ansible, swarm, prefix):
    manager, _worker, node_id = swarm
    host = {"docker_host": manager.host, "hostname": node_id}

    check = ansible.converge("node", dict(host, labels={"disk": "ssd", "zone": "a"}), lambda: node_spec(manager, node_id))
    assert check["changes"] == [{"field": "labels", "before": {}, "after": {"disk": "ssd", "zone": "a"}, "how": "update"}]
    check = ansible.converge("node", dict(host, labels={"rack": "1"}, labels_to_remove=["zone"]), lambda: node_spec(manager, node_id))
    assert node_spec(manager, node_id)["Labels"] == {"disk": "ssd", "rack": "1"}
    check = ansible.converge("node", dict(host, labels={"only": "this"}, labels_state="replace"), lambda: node_spec(manager, node_id))
    assert check["diff"]["after"]["labels"] == {"only": "this"}
    assert node_spec(manager, node_id)["Labels"] == {"only": "this"}

    # a drained node's tasks move to the other node
    service = manager.client.services.create(BASE_IMAGE, command=["sleep", "3600"], name=f"{prefix}-spread",
                                             mode=docker.types.ServiceMode("replicated", replicas=4))
    try:
        deadline = time.monotonic() + 90
        while not tasks_on(manager, service.id, node_id) or len([t for t in manager.client.api.tasks(
                filters={"service": service.id, "desired-state": "running"}) if t["Status"]["State"] == "running"]) < 4:
            assert time.monotonic() < deadline, "the service's tasks did not spread over both nodes"
            time.sleep(1)
        check = ansible.converge("node", dict(host, availability="drain"), lambda: node_spec(manager, node_id))
        assert check["actions"] == [f"update node {node_id}: availability: \"active\" -> \"drain\" (update)"]
        deadline = time.monotonic() + 90
        while tasks_on(manager, service.id, node_id):
            assert time.monotonic() < deadline, "the drained node kept its tasks"
            time.sleep(1)
        ansible.converge("node", dict(host, availability="active"), lambda: node_spec(manager, node_id))
    finally:
        service.remove()

    check = ansible.converge("node", dict(host, role="manager"), lambda: node_spec(manager, node_id))
    assert check["changes"][0]["field"] == "role"
    assert node_spec(manager, node_id)["Role"] == "manager"
    ansible.converge("node", dict(host, role="worker"), lambda: node_spec(manager, node_id))
    assert node_spec(manager, node_id)["Role"] == "worker"


@pytest.mark.parametrize("args, option, words", [
    ({"hostname": "no-such-node", "availability": "drain"}, "hostname", "no node no-such-node"),
    ({"labels": {"a": "1"}, "labels_to_remove": ["a"]}, "labels_to_remove", "either set or removed"),
    ({"labels": {"n": 1}}, "labels", "must be a string"),
])
def test_bad_input_fails_and_changes_nothing(ansible, swarm, args, option, words):
    manager, _worker, node_id = swarm
    before = node_spec(manager, node_id)
    for check in (True, False):
        result = ansible.fails("node", dict({"hostname": node_id, "docker_host": manager.host}, **args), check=check)
        assert result["msg"].startswith(f"{option}: "), result["msg"]
        assert words in result["msg"]
    assert node_spec(manager, node_id) == before
