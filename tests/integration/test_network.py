"""dockhand.docker.network against the real engine."""

import docker
import pytest


def network_state(engine, name):
    try:
        data = engine.api.inspect_network(name)
    except docker.errors.NotFound:
        return None
    members = sorted(c.name for c in engine.containers.list(all=True, filters={"network": data["Name"]}))
    return {"Id": data["Id"], "IPAM": data["IPAM"]["Config"], "Labels": data["Labels"], "members": members}


def endpoint(engine, container, network):
    settings = engine.api.inspect_container(container)["NetworkSettings"]["Networks"].get(network)
    return settings and {"aliases": sorted(settings.get("Aliases") or []), "ip": settings.get("IPAddress"),
                         "static": (settings.get("IPAMConfig") or {}).get("IPv4Address")}


def test_create_with_ipam_and_labels(engine, ansible, prefix):
    name = f"{prefix}-net"
    args = {"name": name, "labels": {"app": "shop"}, "internal": False,
            "ipam_config": [{"subnet": "10.231.0.0/24", "gateway": "10.231.0.1", "iprange": "10.231.0.128/25",
                             "aux_addresses": {"router": "10.231.0.2"}}]}
    check = ansible.converge("network", args, lambda: network_state(engine, name))
    assert check["actions"] == [f"create network {name}"]
    assert check["diff"]["before"] == {"exists": False}
    assert check["diff"]["after"]["driver"] == "bridge"
    data = engine.api.inspect_network(name)
    assert data["IPAM"]["Config"] == [{"Subnet": "10.231.0.0/24", "Gateway": "10.231.0.1", "IPRange": "10.231.0.128/25",
                                       "AuxiliaryAddresses": {"router": "10.231.0.2"}}]
    assert data["Labels"] == {"app": "shop"}
    assert check.applied["network"]["Id"] == data["Id"]


def test_connect_in_place_and_leave_unlisted_alone(engine, ansible, prefix, run_container):
    name = f"{prefix}-net"
    engine.networks.create(name)
    web1, web2 = run_container("web1"), run_container("web2")
    stopped = engine.containers.create("dockhand/busybox:latest", ["sleep", "1"], name=f"{prefix}-stopped")

    def snapshot():
        return network_state(engine, name)

    network_id = snapshot()["Id"]

    check = ansible.converge("network", {"name": name, "connected": [web1.name, stopped.name]}, snapshot)
    assert check["actions"] == [f"connect container {web1.name} to network {name}", f"connect container {stopped.name} to network {name}"]
    assert check["changes"] == [{"field": "connected", "before": [], "after": sorted([web1.name, stopped.name]), "how": "connect/disconnect"}]
    assert snapshot()["members"] == sorted([web1.name, stopped.name])

    # web1 is not listed any more, but it is left connected
    check = ansible.converge("network", {"name": name, "connected": [web2.name]}, snapshot)
    assert check["actions"] == [f"connect container {web2.name} to network {name}"]
    assert snapshot()["members"] == sorted([web1.name, web2.name, stopped.name])

    check = ansible.converge("network", {"name": name, "connected": [web2.name], "purge_connected": True}, snapshot)
    assert sorted(check["actions"]) == sorted([f"disconnect container {web1.name} from network {name}",
                                               f"disconnect container {stopped.name} from network {name}"])
    assert snapshot()["members"] == [web2.name]
    assert snapshot()["Id"] == network_id  # changed in place


def test_recreate_reconnects_with_aliases_and_addresses(engine, ansible, prefix, run_container):
    name = f"{prefix}-net"
    engine.api.create_network(name, labels={"v": "1"}, ipam=docker.types.IPAMConfig(
        pool_configs=[docker.types.IPAMPool(subnet="10.232.0.0/24")]))
    web = run_container("web")
    engine.api.connect_container_to_network(web.id, name, aliases=["shop-web"], ipv4_address="10.232.0.50")
    before = endpoint(engine, web.id, name)
    old_id = network_state(engine, name)["Id"]

    args = {"name": name, "labels": {"v": "2"}}
    refused = ansible.fails("network", args)
    assert refused["option"] == "recreate"
    assert 'labels: {"v": "1"} -> {"v": "2"}' in refused["msg"]
    assert network_state(engine, name)["Id"] == old_id

    check = ansible.converge("network", dict(args, recreate="options-changed"), lambda: network_state(engine, name))
    assert check["actions"] == [f'recreate network {name}: labels: {{"v": "1"}} -> {{"v": "2"}} (recreate) (reconnects {web.name})']
    state = network_state(engine, name)
    assert state["Id"] != old_id and state["Labels"] == {"v": "2"} and state["members"] == [web.name]
    after = endpoint(engine, web.id, name)
    assert after["static"] == "10.232.0.50" and after["ip"] == "10.232.0.50"
    assert "shop-web" in after["aliases"] and before["aliases"] == after["aliases"]
    assert web.reload() or engine.containers.get(web.id).status == "running"


def test_remove_with_containers_needs_force(engine, ansible, prefix, run_container):
    name = f"{prefix}-net"
    engine.networks.create(name)
    web = run_container("web", network=name)
    refused = ansible.fails("network", {"name": name, "state": "absent"})
    assert refused["option"] == "force" and web.name in refused["msg"]
    assert network_state(engine, name) is not None

    check = ansible.converge("network", {"name": name, "state": "absent", "force": True}, lambda: network_state(engine, name))
    assert check["actions"] == [f"disconnect container {web.name} from network {name}", f"remove network {name}"]
    assert network_state(engine, name) is None
    assert engine.containers.get(web.id).status == "running"  # the container itself is untouched


@pytest.mark.parametrize("args, option, words", [
    ({"ipam_config": [{"subnet": "10.233.0.300/24"}]}, "ipam_config[0].subnet", "not a subnet"),
    ({"ipam_config": [{"subnet": "10.233.0.1/24"}]}, "ipam_config[0].subnet", "host bits set"),
    ({"ipam_config": [{"subnet": "10.233.0.0/24", "gateway": "10.99.0.1"}]}, "ipam_config[0].gateway", "outside the subnet"),
    ({"ipam_config": [{"gateway": "10.233.0.1"}]}, "ipam_config[0]", "needs a subnet"),
    ({"ipam_config": [{"subnet": "fd00:dead::/64"}]}, "ipam_config[0].subnet", "set enable_ipv6: true"),
    ({"driver": "no-such-driver"}, "driver", "unknown network driver 'no-such-driver'"),
    ({"name": "-bad name"}, "name", "not a valid name"),
    ({"labels": {"replicas": 3}}, "labels", "must be a string"),
    ({"purge_connected": True}, "purge_connected", "needs connected"),
    ({"connected": ["{prefix}-ghost"]}, "connected", "no such container"),
])
def test_bad_input_fails_and_leaves_nothing(engine, ansible, prefix, args, option, words):
    args = dict({"name": f"{prefix}-net"}, **args)
    args["connected"] = [c.format(prefix=prefix) for c in args.get("connected", [])] or None
    args = {k: v for k, v in args.items() if v is not None}
    for check in (True, False):
        result = ansible.fails("network", args, check=check)
        assert result["msg"].startswith(f"{option}: "), result["msg"]
        assert words in result["msg"], result["msg"]
    assert not [n for n in engine.networks.list() if n.name.startswith(prefix)]


def test_unreachable_engine_is_named(ansible, prefix):
    result = ansible.fails("network", {"name": f"{prefix}-net", "docker_host": "unix:///run/no-such-docker.sock"})
    assert result["msg"] == "cannot reach the Docker engine at unix:///run/no-such-docker.sock: No such file or directory"
