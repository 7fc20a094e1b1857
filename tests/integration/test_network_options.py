"""community.docker's network options a migrated play still sets (issue 13): appends, config_only/config_from, scope,
ingress and enable_ipv4, on the real engine."""

import docker


def snapshot_of(engine, name):
    def snapshot():
        try:
            data = engine.api.inspect_network(name)
        except docker.errors.NotFound:
            return None
        return data["Id"], data.get("ConfigOnly"), data.get("ConfigFrom"), sorted((data.get("Containers") or {}))
    return snapshot


def test_appends_false_makes_connected_the_exact_list(engine, ansible, prefix, run_container):
    name = f"{prefix}-n"
    ansible.ok("network", {"name": name})
    kept, other = run_container("kept"), run_container("other")
    for container in (kept, other):
        engine.networks.get(name).connect(container)
    args = {"name": name, "connected": [kept.name], "appends": False}
    result = ansible.converge("network", args, snapshot_of(engine, name))
    assert result["actions"] == [f"disconnect container {other.name} from network {name}"]
    assert sorted(c.name for c in engine.networks.get(name).containers) == [kept.name]
    added = ansible.ok("network", {"name": name, "connected": [other.name], "appends": True})
    assert added["changed"] is True and sorted(c.name for c in engine.networks.get(name).containers) == sorted([kept.name, other.name])


def test_config_only_and_config_from(engine, ansible, prefix):
    template = {"name": f"{prefix}-template", "config_only": True, "ipam_config": [{"subnet": "10.244.7.0/24"}]}
    ansible.converge("network", template, snapshot_of(engine, template["name"]))
    assert engine.api.inspect_network(template["name"])["ConfigOnly"] is True
    user = {"name": f"{prefix}-user", "config_from": template["name"], "scope": "local"}
    ansible.converge("network", user, snapshot_of(engine, user["name"]))
    assert engine.api.inspect_network(user["name"])["ConfigFrom"] == {"Network": template["name"]}
    ansible.ok("network", {"name": user["name"], "state": "absent"})


def test_enable_ipv4_and_ingress(engine, ansible, prefix):
    name = f"{prefix}-n"
    ansible.converge("network", {"name": name, "enable_ipv4": True, "ingress": False, "scope": "local"}, snapshot_of(engine, name))
    api = tuple(int(p) for p in engine.version()["ApiVersion"].split("."))
    if api < (1, 47):
        for check in (True, False):
            result = ansible.fails("network", {"name": f"{prefix}-v6only", "enable_ipv4": False, "enable_ipv6": True,
                                               "ipam_config": [{"subnet": "fd00:dead:beef::/64"}]}, check=check)
            assert result["msg"].startswith("enable_ipv4: false needs Docker Engine 28"), result["msg"]
        assert not engine.networks.list(names=[f"{prefix}-v6only"])
    else:
        args = {"name": f"{prefix}-v6only", "enable_ipv4": False, "enable_ipv6": True, "ipam_config": [{"subnet": "fd00:dead:beef::/64"}]}
        ansible.converge("network", args, snapshot_of(engine, args["name"]))
        assert engine.api.inspect_network(args["name"])["EnableIPv4"] is False
