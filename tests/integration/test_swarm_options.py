"""dockhand.docker.swarm: the options of community.docker's docker_swarm beyond the first set (raft, dispatcher and CA settings,
token rotation, data_path_port, state: remove), against real engines in network namespaces of their own (_swarm_support)."""

import json
import subprocess
import time

import pytest

from _swarm_support import fresh_engine, swarm_manager  # noqa: F401  # pylint: disable=unused-import  # the fixtures


def swarm_of(engine):
    data = engine.client.api.inspect_swarm()
    return data["Version"]["Index"], data["Spec"], data["JoinTokens"], data["TLSInfo"]["TrustRoot"]


def test_settings_at_init_update_and_token_rotation(ansible, fresh_engine):  # noqa: F811
    engine, host = fresh_engine, {"docker_host": fresh_engine.host}
    day = 24 * 3600 * 10 ** 9
    args = dict(host, advertise_addr=engine.address, listen_addr=f"{engine.address}:2377", data_path_port=4790, name="default",
                heartbeat_tick=2, election_tick=20, dispatcher_heartbeat_period=10 * 10 ** 9, node_cert_expiry=30 * day)
    check = ansible.converge("swarm", args, lambda: engine.client.info()["Swarm"]["LocalNodeState"])
    assert check["actions"] == ["init swarm"]
    data = engine.client.api.inspect_swarm()
    assert data["DataPathPort"] == 4790 and data["Spec"]["Name"] == "default"
    assert (data["Spec"]["Raft"]["HeartbeatTick"], data["Spec"]["Raft"]["ElectionTick"]) == (2, 20)
    assert data["Spec"]["Dispatcher"]["HeartbeatPeriod"] == 10 * 10 ** 9
    assert data["Spec"]["CAConfig"]["NodeCertExpiry"] == 30 * day

    # changed in place through the update endpoint
    update = dict(args, heartbeat_tick=1, election_tick=10, dispatcher_heartbeat_period=5 * 10 ** 9, node_cert_expiry=60 * day)
    check = ansible.converge("swarm", update, lambda: swarm_of(engine))
    assert check["changes"] == [
        {"field": "heartbeat_tick", "before": 2, "after": 1, "how": "update"},
        {"field": "election_tick", "before": 20, "after": 10, "how": "update"},
        {"field": "dispatcher_heartbeat_period", "before": 10 * 10 ** 9, "after": 5 * 10 ** 9, "how": "update"},
        {"field": "node_cert_expiry", "before": 30 * day, "after": 60 * day, "how": "update"}]
    spec = engine.client.api.inspect_swarm()["Spec"]
    assert (spec["Raft"]["HeartbeatTick"], spec["Raft"]["ElectionTick"], spec["CAConfig"]["NodeCertExpiry"]) == (1, 10, 60 * day)

    # token rotation: asked for, never compared; every run that asks rotates, the other token stays
    for role, other in (("worker", "manager"), ("manager", "worker")):
        tokens = swarm_of(engine)[2]
        rotate = dict(update, **{f"rotate_{role}_token": True})
        before = swarm_of(engine)
        check = ansible.ok("swarm", rotate, check=True)
        assert check["changed"] is True and swarm_of(engine) == before
        assert check["changes"] == [{"field": f"rotate_{role}_token", "before": False, "after": True, "how": "update"}]
        applied = ansible.ok("swarm", rotate)
        assert applied["changed"] is True and applied["actions"] == check["actions"]
        new = swarm_of(engine)[2]
        assert new[role.capitalize()] != tokens[role.capitalize()] and new[other.capitalize()] == tokens[other.capitalize()]
        assert applied["swarm"]["JoinTokens"] == new  # the result has the new token
        assert ansible.ok("swarm", rotate)["changed"] is True
        assert swarm_of(engine)[2][role.capitalize()] != new[role.capitalize()]
        assert ansible.ok("swarm", update)["changed"] is False

    # fixed when the swarm is made, and the one name the engine takes
    before = swarm_of(engine)
    refused = ansible.fails("swarm", dict(update, data_path_port=4791))
    assert refused["option"] == "data_path_port" and "cannot change" in refused["msg"]
    refused = ansible.fails("swarm", dict(update, name="prod"))
    assert refused["option"] == "name" and "default" in refused["msg"]
    assert swarm_of(engine) == before


def _ca(tmp_path):
    """A root CA of our own (certificate, key), as `docker swarm ca --ca-cert --ca-key` takes it."""
    key, cert = tmp_path / "ca-key.pem", tmp_path / "ca.pem"
    subprocess.run(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", str(key)], check=True, capture_output=True)
    subprocess.run(["openssl", "req", "-x509", "-new", "-key", str(key), "-out", str(cert), "-days", "3650", "-subj", "/CN=dockhand-test-ca",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
                   check=True, capture_output=True)
    return cert.read_text(), key.read_text()


def test_ca_force_rotate_and_own_signing_ca(ansible, swarm_manager, tmp_path):  # noqa: F811
    engine, host = swarm_manager, {"docker_host": swarm_manager.host}
    root = swarm_of(engine)[3]
    check = ansible.converge("swarm", dict(host, ca_force_rotate=1), lambda: swarm_of(engine))
    assert check["changes"] == [{"field": "ca_force_rotate", "before": 0, "after": 1, "how": "update"}]
    data = engine.client.api.inspect_swarm()
    assert data["Spec"]["CAConfig"]["ForceRotate"] == 1 and data["RootRotationInProgress"] is False  # the module waited
    assert data["TLSInfo"]["TrustRoot"] != root  # a new root CA, made by the swarm

    cert, key = _ca(tmp_path)
    args = dict(host, signing_ca_cert=cert, signing_ca_key=key)
    check = ansible.converge("swarm", args, lambda: swarm_of(engine))
    assert [c["field"] for c in check["changes"]] == ["signing_ca_cert"]
    assert engine.client.api.inspect_swarm()["TLSInfo"]["TrustRoot"].strip() == cert.strip()
    key_body = key.strip().splitlines()[1]
    for result in (check, check.applied):
        assert key_body not in result.output  # no_log: never shown, -vvv included
    assert engine.client.info()["Swarm"]["LocalNodeState"] == "active"  # the node has a certificate of the new CA


def test_remove_a_node_that_left(ansible, swarm_manager, fresh_engine):  # noqa: F811
    manager, worker = swarm_manager, fresh_engine
    host = {"docker_host": manager.host}
    token = manager.client.api.inspect_swarm()["JoinTokens"]["Worker"]
    worker.client.swarm.join(remote_addrs=[f"{manager.address}:2377"], join_token=token, advertise_addr=worker.address,
                             listen_addr=f"{worker.address}:2377")
    node_id = worker.client.info()["Swarm"]["NodeID"]

    def nodes():
        return sorted((n["ID"], n["Status"]["State"]) for n in manager.client.api.nodes())

    # a node that is up is not removed: it must leave first
    before = nodes()
    refused = ansible.fails("swarm", dict(host, state="remove", node_id=node_id))
    assert refused["option"] == "node_id" and "not down" in refused["msg"], refused["msg"]
    assert nodes() == before

    worker.client.swarm.leave()
    deadline = time.monotonic() + 30
    while dict(nodes())[node_id] != "down":
        assert time.monotonic() < deadline, nodes()
        time.sleep(0.5)
    check = ansible.converge("swarm", dict(host, state="remove", node_id=node_id), nodes)
    assert check["actions"] == [f"remove node {worker.client.info()['Name']} from the swarm"]
    assert check["diff"]["before"]["node_id"] == node_id and check["diff"]["after"] == {"exists": False}
    assert node_id not in dict(nodes())


@pytest.mark.parametrize("args, option, words", [
    ({"name": "prod"}, "name", "named 'default'"),
    ({"heartbeat_tick": 5, "election_tick": 5}, "election_tick", "more than heartbeat_tick"),
    ({"heartbeat_tick": 0}, "heartbeat_tick", "1 or more"),
    ({"signing_ca_key": "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----"}, "signing_ca_key", "give both"),
    ({"signing_ca_cert": "/etc/ssl/ca.pem"}, "signing_ca_cert", "not a path"),
    ({"data_path_port": 80}, "data_path_port", "1024 to 49151"),
    ({"dispatcher_heartbeat_period": -1}, "dispatcher_heartbeat_period", "0 or more"),
    ({"state": "remove"}, "node_id", "needs the ID"),
    ({"state": "join", "remote_addrs": ["10.217.250.2"], "join_token": "SWMTKN-1-x", "rotate_worker_token": True},
     "rotate_worker_token", "joining node"),
])
def test_bad_input_fails_and_leaves_nothing(ansible, swarm_manager, args, option, words):  # noqa: F811
    before = swarm_of(swarm_manager)
    for check in (True, False):
        result = ansible.fails("swarm", dict(args, docker_host=swarm_manager.host), check=check)
        assert result["msg"].startswith(f"{option}: "), result["msg"]
        assert words in result["msg"]
        assert "AAAA" not in json.dumps(result.get("invocation") or {})
    assert swarm_of(swarm_manager) == before
