"""Swarm, secret/config and service plans from recorded engine answers: no engine (pure)."""

import pytest

from ansible_collections.dockhand.docker.plugins.module_utils._errors import ParamError
from ansible_collections.dockhand.docker.plugins.module_utils._swarm import SWARM_SPEC, SwarmKind
from ansible_collections.dockhand.docker.plugins.module_utils._swarm_data import CONFIG, HASH_LABEL, SECRET, SECRET_SPEC
from ansible_collections.dockhand.docker.plugins.module_utils._swarm_node import NODE_SPEC, NodeKind
from ansible_collections.dockhand.docker.plugins.module_utils._swarm_service import SERVICE_SPEC, ServiceKind


def params(spec, **given):
    out = {name: opt.get("default") for name, opt in spec.items()}
    out.update(given)
    return out


def plan(kind, spec, actual, **given):
    return kind.plan(kind.desired(params(spec, **given)), actual)


MANAGER = {"LocalNodeState": "active", "ControlAvailable": True, "NodeID": "n1", "NodeAddr": "10.0.0.1"}
SWARM = {"ID": "s1", "Version": {"Index": 7}, "DefaultAddrPool": ["10.0.0.0/8"], "SubnetSize": 24,
         "Spec": {"Name": "default", "Labels": {"a": "1"}, "Orchestration": {"TaskHistoryRetentionLimit": 5},
                  "Raft": {"SnapshotInterval": 10000, "KeepOldSnapshots": 0, "LogEntriesForSlowFollowers": 500},
                  "Dispatcher": {"HeartbeatPeriod": 5000000000}, "EncryptionConfig": {"AutoLockManagers": False}}}


def test_swarm_update_sends_the_whole_spec_with_the_version():
    result = plan(SwarmKind, SWARM_SPEC, {"node": MANAGER, "raw": SWARM}, task_history_retention_limit=1, labels={"b": "2"})
    (action,) = result.actions
    assert action.verb == "update" and action.data["version"] == 7
    spec = action.data["spec"]
    assert spec["Orchestration"]["TaskHistoryRetentionLimit"] == 1 and spec["Labels"] == {"a": "1", "b": "2"}
    assert spec["Dispatcher"] == SWARM["Spec"]["Dispatcher"]  # unmanaged settings are sent back as they are
    assert SWARM["Spec"]["Labels"] == {"a": "1"}  # the engine's answer is not modified


def test_swarm_same_settings_plan_nothing():
    assert plan(SwarmKind, SWARM_SPEC, {"node": MANAGER, "raw": SWARM}, task_history_retention_limit=5, labels={"a": "1"}).actions == []


def test_swarm_join_already_member_of_that_swarm_and_of_another():
    worker = {"LocalNodeState": "active", "ControlAvailable": False, "RemoteManagers": [{"Addr": "10.0.0.1:2377"}]}
    given = dict(state="join", remote_addrs=["10.0.0.1"], join_token="SWMTKN-1-x")
    assert plan(SwarmKind, SWARM_SPEC, {"node": worker, "raw": None}, **given).actions == []
    with pytest.raises(ParamError) as err:
        plan(SwarmKind, SWARM_SPEC, {"node": worker, "raw": None}, state="join", remote_addrs=["10.9.9.9:2377"], join_token="SWMTKN-1-x")
    assert err.value.option == "remote_addrs"


def test_swarm_locked_node_is_named():
    with pytest.raises(ParamError) as err:
        plan(SwarmKind, SWARM_SPEC, {"node": {"LocalNodeState": "locked"}, "raw": None})
    assert err.value.option == "state" and "locked" in err.value.why


def data_raw(labels, kind_spec=None):
    return {"ID": "x1", "Version": {"Index": 3}, "Spec": dict({"Name": "s", "Labels": labels}, **(kind_spec or {}))}


def test_secret_data_never_in_plan_or_diff():
    result = plan(SECRET, SECRET_SPEC, {"raw": None, "inspect": None}, name="s", data="hunter2")
    assert "hunter2" not in repr(result.diff()) and "hunter2" not in repr(result.describe())
    assert "hunter2" not in repr(SECRET.desired(params(SECRET_SPEC, name="s", data="hunter2")))
    assert result.actions[0].data["data"] == b"hunter2"


def test_secret_labels_update_in_place_keeps_the_hash():
    want = SECRET.desired(params(SECRET_SPEC, name="s", data="x", labels={"b": "2"}))
    raw = data_raw({"a": "1", HASH_LABEL: want.sha256})
    (action,) = SECRET.plan(want, {"raw": raw, "inspect": raw}).actions
    assert action.verb == "update" and action.data["spec"]["Labels"] == {"a": "1", "b": "2", HASH_LABEL: want.sha256}


def test_config_template_driver_change_needs_force():
    want = CONFIG.desired(params(dict(SECRET_SPEC, template_driver={}), name="s", data="x", template_driver="golang"))
    raw = data_raw({HASH_LABEL: want.sha256})
    with pytest.raises(ParamError) as err:
        CONFIG.plan(want, {"raw": raw, "inspect": raw})
    assert err.value.option == "template_driver"


SERVICE = {"ID": "v1", "Version": {"Index": 12}, "Spec": {
    "Name": "web", "Labels": {},
    "TaskTemplate": {"ContainerSpec": {"Image": "busybox:latest@sha256:" + "a" * 64, "Args": ["sleep", "1"], "Env": ["A=1"]},
                     "Resources": {"Limits": {}, "Reservations": {}}, "Networks": [{"Target": "netid"}]},
    "Mode": {"Replicated": {"Replicas": 2}},
    "EndpointSpec": {"Mode": "vip", "Ports": [{"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 8080, "PublishMode": "ingress"}]}}}


def service_actual(ids=None):
    return {"raw": SERVICE, "inspect": SERVICE, "ids": ids or {("networks", "front"): "netid"}, "missing": []}


def test_service_as_the_engine_has_it_plans_nothing():
    given = dict(name="web", image="busybox:latest", args=["sleep", "1"], env={"A": "1"}, networks=["front"],
                 publish=[{"published_port": 8080, "target_port": 80}])
    assert plan(ServiceKind, SERVICE_SPEC, service_actual(), **given).actions == []


def test_service_replicas_kept_when_only_the_mode_is_given_and_updates_carry_the_version():
    assert plan(ServiceKind, SERVICE_SPEC, service_actual(), name="web", mode="replicated").actions == []
    (action,) = plan(ServiceKind, SERVICE_SPEC, service_actual(), name="web", env=["A=2"]).actions
    assert action.verb == "update" and action.data["version"] == 12 and action.data["rolling"] is True
    assert action.data["spec"]["TaskTemplate"]["ContainerSpec"]["Env"] == ["A=2"]
    assert action.data["spec"]["EndpointSpec"] == SERVICE["Spec"]["EndpointSpec"]


def test_service_missing_reference_names_the_option():
    actual = dict(service_actual(), missing=[("secrets", "pw")])
    with pytest.raises(ParamError) as err:
        plan(ServiceKind, SERVICE_SPEC, actual, name="web", secrets=[{"secret_name": "pw"}])
    assert err.value.option == "secrets"


NODE = {"ID": "n2", "Version": {"Index": 40}, "Spec": {"Role": "worker", "Availability": "active", "Labels": {"a": "1", "b": "2"}}}


@pytest.mark.parametrize("given, labels", [
    ({"labels": {"c": "3"}}, {"a": "1", "b": "2", "c": "3"}),
    ({"labels": {"c": "3"}, "labels_state": "replace"}, {"c": "3"}),
    ({"labels_to_remove": ["a", "zz"]}, {"b": "2"}),
    ({"labels": {}, "labels_state": "replace"}, {}),
])
def test_node_labels_merge_replace_remove(given, labels):
    (action,) = plan(NodeKind, NODE_SPEC, {"raw": NODE, "inspect": NODE}, hostname="n2", **given).actions
    assert action.data["spec"]["Labels"] == labels and action.data["version"] == 40
    assert action.data["spec"]["Role"] == "worker" and action.data["spec"]["Availability"] == "active"


def test_node_as_it_is_plans_nothing():
    given = dict(hostname="n2", availability="active", role="worker", labels={"a": "1"})
    assert plan(NodeKind, NODE_SPEC, {"raw": NODE, "inspect": NODE}, **given).actions == []


def test_service_placement_and_healthcheck_in_the_engine_form():
    placement = {"constraints": ["node.role==manager"], "preferences": [{"spread": "node.labels.zone"}]}
    want = ServiceKind.desired(params(SERVICE_SPEC, name="web", placement=placement,
                                      healthcheck={"test": "true", "interval": "2s", "disable": False}))
    assert want.fields["placement.constraints"] == ["node.role==manager"]
    assert want.fields["placement.preferences"] == [{"Spread": {"SpreadDescriptor": "node.labels.zone"}}]
    assert want.fields["healthcheck"] == {"Test": ["CMD-SHELL", "true"], "Interval": 2 * 10 ** 9}
    (action,) = ServiceKind.plan(want, service_actual()).actions
    assert action.data["spec"]["TaskTemplate"]["Placement"] == {
        "Constraints": ["node.role==manager"], "Preferences": [{"Spread": {"SpreadDescriptor": "node.labels.zone"}}]}
