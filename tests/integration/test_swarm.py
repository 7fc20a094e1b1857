"""dockhand.docker.swarm and swarm_info against real engines, each in a network namespace of its own (_swarm_support)."""

import json

import pytest

from _swarm_support import start_engine, stop_engine


@pytest.fixture(scope="module", name="pair")
def pair_fixture():
    """Two engines in no swarm: the first becomes a manager, the second joins it."""
    engines = []
    try:
        engines.append(start_engine())
        engines.append(start_engine())
        yield engines
    finally:
        for engine in engines:
            stop_engine(engine)


def swarm_state(engine):
    node = engine.client.info()["Swarm"]
    spec = (node.get("Cluster") or {}).get("Spec")
    return node["LocalNodeState"], node.get("ControlAvailable"), node.get("NodeAddr"), spec


def test_lifecycle_init_update_join_leave(ansible, pair):
    manager, worker = pair
    host = {"docker_host": manager.host}
    assert ansible.ok("swarm_info", host)["docker_swarm_active"] is False

    args = dict(host, advertise_addr=manager.address, listen_addr=f"{manager.address}:2377", default_addr_pool=["10.231.0.0/16"],
                subnet_size=26, task_history_retention_limit=3, labels={"site": "lab"})
    check = ansible.converge("swarm", args, lambda: swarm_state(manager))
    assert check["actions"] == ["init swarm"]
    assert check["swarm"] == {}
    assert check["diff"] == {"before": {"exists": False}, "after": dict(
        {k: v for k, v in args.items() if k != "docker_host"}, exists=True)}
    data = manager.client.swarm.attrs
    assert data["Spec"]["Orchestration"]["TaskHistoryRetentionLimit"] == 3
    assert data["Spec"]["Labels"] == {"site": "lab"}
    assert data["DefaultAddrPool"] == ["10.231.0.0/16"] and data["SubnetSize"] == 26
    applied = check.applied["swarm"]
    assert applied["ID"] == data["ID"] and applied["JoinTokens"]["Worker"].startswith("SWMTKN-")

    # the settings the update endpoint takes change in place; the others are refused, naming the option
    update = dict(host, task_history_retention_limit=1, snapshot_interval=5000, labels={"owner": "ops"})
    check = ansible.converge("swarm", update, lambda: swarm_state(manager))
    assert check["changes"] == [
        {"field": "labels", "before": {"owner": None}, "after": {"owner": "ops"}, "how": "update"},
        {"field": "task_history_retention_limit", "before": 3, "after": 1, "how": "update"},
        {"field": "snapshot_interval", "before": 10000, "after": 5000, "how": "update"}]
    assert check["diff"]["before"]["task_history_retention_limit"] == 3 and check["diff"]["after"]["task_history_retention_limit"] == 1
    spec = manager.client.swarm.attrs["Spec"]
    assert spec["Orchestration"]["TaskHistoryRetentionLimit"] == 1 and spec["Raft"]["SnapshotInterval"] == 5000
    assert spec["Labels"] == {"site": "lab", "owner": "ops"}
    before = swarm_state(manager)
    refused = ansible.fails("swarm", dict(host, default_addr_pool=["10.232.0.0/16"]))
    assert refused["option"] == "default_addr_pool" and "cannot change" in refused["msg"]
    assert swarm_state(manager) == before

    # the second engine joins as a worker, with the token the manager returned
    token = manager.client.swarm.attrs["JoinTokens"]["Worker"]
    join = {"docker_host": worker.host, "state": "join", "remote_addrs": [manager.address], "join_token": token,
            "advertise_addr": worker.address, "listen_addr": f"{worker.address}:2377"}
    check = ansible.converge("swarm", join, lambda: swarm_state(worker)[:2])
    assert check["actions"] == [f"join swarm at {manager.address}:2377"]
    assert token not in check.output and token not in check.applied.output  # no_log: never shown, -vvv included
    assert swarm_state(worker)[:2] == ("active", False)
    assert check.applied["swarm"]["RemoteManagers"][0]["Addr"] == f"{manager.address}:2377"
    assert check.applied["swarm_facts"] == check.applied["swarm"]  # community.docker's name for it

    # a worker cannot update the swarm, and cannot join another one
    refused = ansible.fails("swarm", {"docker_host": worker.host, "task_history_retention_limit": 2})
    assert refused["option"] == "state" and "worker" in refused["msg"]
    refused = ansible.fails("swarm", dict(join, remote_addrs=["10.217.250.2"]))
    assert refused["option"] == "remote_addrs"

    info = ansible.ok("swarm_info", dict(host, nodes=True, tasks=True, services=True, unlock_key=True))
    assert info["docker_swarm_active"] is True and info["docker_swarm_manager"] is True and info["can_talk_to_docker"] is True
    assert info["swarm_facts"]["ID"] == data["ID"]
    assert info["swarm_unlock_key"] == ""  # as the engine says it: the swarm is not autolocked
    assert sorted(n["ManagerStatus"] or "worker" for n in info["nodes"]) == ["Leader", "worker"]
    assert {n["Status"] for n in info["nodes"]} == {"ready"}
    assert info["services"] == [] and info["tasks"] == []
    filtered = ansible.ok("swarm_info", dict(host, nodes=True, nodes_filters={"role": "worker"}, verbose_output=True))
    assert [n["Status"]["Addr"] for n in filtered["nodes"]] == [worker.address]
    on_worker = ansible.ok("swarm_info", {"docker_host": worker.host, "nodes": True})
    assert (on_worker["docker_swarm_active"], on_worker["docker_swarm_manager"], "nodes" in on_worker) == (True, False, False)
    bad_filter = ansible.fails("swarm_info", dict(host, nodes=True, nodes_filters={"no-such-filter": "x"}))
    assert bad_filter["msg"].startswith("nodes_filters: ")

    # leave: the worker, then the manager, which needs force
    check = ansible.converge("swarm", {"docker_host": worker.host, "state": "absent"}, lambda: swarm_state(worker)[:2])
    assert check["actions"] == ["leave swarm"]
    assert check["diff"]["after"] == {"exists": False}
    refused = ansible.fails("swarm", dict(host, state="absent"))
    assert refused["option"] == "force"
    assert swarm_state(manager)[:2] == ("active", True)
    check = ansible.converge("swarm", dict(host, state="absent", force=True), lambda: swarm_state(manager)[:2])
    assert check["actions"] == ["leave swarm (as a manager, forced)"]
    assert swarm_state(manager)[:2] == ("inactive", False)


@pytest.mark.parametrize("args, option, words", [
    ({"state": "join", "join_token": "SWMTKN-1-x"}, "remote_addrs", "at least one manager"),
    ({"state": "join", "remote_addrs": ["10.217.250.2"]}, "join_token", "join token"),
    ({"state": "join", "remote_addrs": ["10.217.250.2"], "join_token": "SWMTKN-1-x", "snapshot_interval": 5}, "snapshot_interval", "joining node"),
    ({"default_addr_pool": ["10.0.0.1/16"]}, "default_addr_pool[0]", "not a subnet"),
    ({"subnet_size": 40}, "subnet_size", "from 1 to 32"),
    ({"task_history_retention_limit": -1}, "task_history_retention_limit", "0 or more"),
    ({"labels": {"n": 1}}, "labels", "must be a string"),
])
def test_bad_input_fails_and_leaves_nothing(ansible, pair, args, option, words):
    engine = pair[1]
    before = swarm_state(engine)
    for check in (True, False):
        result = ansible.fails("swarm", dict(args, docker_host=engine.host), check=check)
        assert result["msg"].startswith(f"{option}: "), result["msg"]
        assert words in result["msg"]
        assert "SWMTKN-1-x" not in json.dumps(result)  # (ansible itself echoes a failed ad-hoc task's source line)
    assert swarm_state(engine) == before
