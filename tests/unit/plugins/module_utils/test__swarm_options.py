"""The community.docker options of the service and swarm kinds, from recorded engine answers: no engine (pure)."""

import copy

import pytest

from ansible_collections.dockhand.docker.plugins.module_utils._errors import ParamError
from ansible_collections.dockhand.docker.plugins.module_utils._swarm import SWARM_SPEC, SwarmKind
from ansible_collections.dockhand.docker.plugins.module_utils._swarm_service import SERVICE_SPEC, ServiceKind


def params(spec, **given):
    out = {name: opt.get("default") for name, opt in spec.items()}
    out.update(given)
    return out


def service_plan(raw, **given):
    actual = {"raw": raw, "inspect": raw, "ids": {}, "missing": []}
    return ServiceKind.plan(ServiceKind.desired(params(SERVICE_SPEC, name="web", **given)), actual)


SERVICE = {
    "ID": "svc1", "Version": {"Index": 12},
    "Spec": {"Name": "web", "Labels": {},
             "TaskTemplate": {"ContainerSpec": {"Image": "busybox:latest@sha256:" + "a" * 64, "Args": ["sleep", "1"],
                                                "StopGracePeriod": 10 * 10 ** 9, "DNSConfig": {}},
                              "Placement": {}, "ForceUpdate": 3},
             "Mode": {"Replicated": {"Replicas": 1}}, "EndpointSpec": {"Mode": "vip"}}}


def test_engine_defaults_left_out_of_the_spec_equal_the_tasks_false_and_zero():
    given = dict(init=False, tty=False, read_only=False, placement={"replicas_max_per_node": 0}, endpoint_mode="vip",
                 stop_grace_period="10s", command=[], args=["sleep", "1"])
    assert service_plan(SERVICE, **given).actions == []


def test_container_settings_in_the_engine_form_update_in_place():
    given = dict(hostname="h", user="1000:100", working_dir="/w", groups=[100], dns=["10.0.0.53"], dns_search=["a.test"],
                 dns_options=["ndots:2"], hosts={"db": "10.0.0.10"}, tty=True, stop_signal="SIGQUIT", stop_grace_period="1m30s",
                 cap_add=["net_admin", "CAP_SYS_TIME"], cap_drop=["ALL"], sysctls={"net.core.somaxconn": 1024},
                 logging={"driver": "local", "options": {"max-file": 3, "compress": False}}, endpoint_mode="dnsrr")
    (action,) = service_plan(SERVICE, **given).actions
    assert action.verb == "update" and action.data["rolling"] is True
    cs = action.data["spec"]["TaskTemplate"]["ContainerSpec"]
    assert (cs["Hostname"], cs["User"], cs["Dir"], cs["Groups"], cs["TTY"], cs["StopSignal"]) == ("h", "1000:100", "/w", ["100"], True, "SIGQUIT")
    assert cs["StopGracePeriod"] == 90 * 10 ** 9 and cs["Hosts"] == ["10.0.0.10 db"]
    assert cs["DNSConfig"] == {"Nameservers": ["10.0.0.53"], "Search": ["a.test"], "Options": ["ndots:2"]}
    assert (cs["CapabilityAdd"], cs["CapabilityDrop"]) == (["CAP_NET_ADMIN", "CAP_SYS_TIME"], ["ALL"])
    assert cs["Sysctls"] == {"net.core.somaxconn": "1024"}
    assert action.data["spec"]["TaskTemplate"]["LogDriver"] == {"Name": "local", "Options": {"max-file": "3", "compress": "false"}}
    assert action.data["spec"]["EndpointSpec"]["Mode"] == "dnsrr"
    assert action.data["spec"]["TaskTemplate"]["ForceUpdate"] == 3  # not asked: the counter is left as it is
    # the engine's form of it, read back, plans nothing (capabilities as the CLI writes them, either way)
    raw = copy.deepcopy(SERVICE)
    raw["Spec"] = action.data["spec"]
    given["cap_add"] = ["CAP_SYS_TIME", "NET_ADMIN"]
    assert service_plan(raw, **given).actions == []


def test_force_update_bumps_the_counter_every_run():
    (action,) = service_plan(SERVICE, force_update=True).actions
    assert [(c.field, c.before, c.after, c.how) for c in action.changes] == [("force_update", 3, 4, "rolling update")]
    assert action.data["spec"]["TaskTemplate"]["ForceUpdate"] == 4


def test_command_as_args_moves_the_command_into_args():
    raw = copy.deepcopy(SERVICE)
    raw["Spec"]["TaskTemplate"]["ContainerSpec"]["Command"] = ["/bin/app"]
    (action,) = service_plan(raw, command="--config /etc/app.yml", args=["-v"], command_as_args=True).actions
    cs = action.data["spec"]["TaskTemplate"]["ContainerSpec"]
    assert cs["Command"] == [] and cs["Args"] == ["--config", "/etc/app.yml", "-v"]
    raw["Spec"]["TaskTemplate"]["ContainerSpec"].pop("Command")
    raw["Spec"]["TaskTemplate"]["ContainerSpec"]["Args"] = ["--config", "/etc/app.yml", "-v"]
    assert service_plan(raw, command="--config /etc/app.yml", args=["-v"], command_as_args=True).actions == []


def test_env_over_env_files_in_order(tmp_path):
    first, second = tmp_path / "a.env", tmp_path / "b.env"
    first.write_text("# base\nA=1\nB=file\n")
    second.write_text("B=second\nC=x=y\n")
    want = ServiceKind.desired(params(SERVICE_SPEC, name="web", env_files=[str(first), str(second)], env=["C=env"]))
    assert want.fields["env"] == ["A=1", "B=second", "C=env"]
    bad = tmp_path / "bad.env"
    bad.write_text("NOVALUE\n")
    with pytest.raises(ParamError, match="^env_files: "):
        ServiceKind.desired(params(SERVICE_SPEC, name="web", env_files=[str(bad)]))


def test_mount_suboptions_and_their_mount_types():
    mounts = [{"type": "volume", "source": "v", "target": "/v", "labels": {"a": "b"}, "no_copy": True,
               "driver_config": {"name": "local", "options": {"type": "tmpfs"}}},
              {"type": "bind", "source": "/srv", "target": "/b", "propagation": "rprivate", "readonly": False},
              {"type": "tmpfs", "target": "/t", "tmpfs_size": "1m", "tmpfs_mode": 0o1777},
              {"type": "npipe", "source": r"\\.\pipe\x", "target": r"\\.\pipe\x"}]
    want = ServiceKind.desired(params(SERVICE_SPEC, name="web", mounts=mounts))
    assert want.fields["mounts"] == [
        {"Type": "volume", "Source": "v", "Target": "/v",
         "VolumeOptions": {"Labels": {"a": "b"}, "NoCopy": True, "DriverConfig": {"Name": "local", "Options": {"type": "tmpfs"}}}},
        {"Type": "bind", "Source": "/srv", "Target": "/b", "BindOptions": {"Propagation": "rprivate"}},
        {"Type": "tmpfs", "Target": "/t", "TmpfsOptions": {"SizeBytes": 1024 ** 2, "Mode": 0o1777}},
        {"Type": "npipe", "Source": r"\\.\pipe\x", "Target": r"\\.\pipe\x"}]
    with pytest.raises(ParamError, match=r"^mounts\[0\]\.no_copy: only applies to a volume mount"):
        ServiceKind.desired(params(SERVICE_SPEC, name="web", mounts=[{"type": "bind", "source": "/a", "target": "/a", "no_copy": True}]))


def test_jobs_and_their_completions():
    want = ServiceKind.desired(params(SERVICE_SPEC, name="job", image="busybox", mode="replicated-job", replicas=3))
    (action,) = ServiceKind.plan(want, {"raw": None, "inspect": None, "ids": {}, "missing": []}).actions
    assert action.data["spec"]["Mode"] == {"ReplicatedJob": {"MaxConcurrent": 1, "TotalCompletions": 3}}
    with pytest.raises(ParamError, match="^replicas: a global-job service"):
        ServiceKind.desired(params(SERVICE_SPEC, name="job", mode="global-job", replicas=2))


def test_given_secret_id_is_used_without_a_look_up():
    want = ServiceKind.desired(params(SERVICE_SPEC, name="web", secrets=[{"secret_name": "pw", "secret_id": "sid1"}]))
    (action,) = ServiceKind.plan(want, {"raw": SERVICE, "inspect": SERVICE, "ids": {}, "missing": []}).actions
    assert action.data["spec"]["TaskTemplate"]["ContainerSpec"]["Secrets"][0]["SecretID"] == "sid1"


MANAGER = {"LocalNodeState": "active", "ControlAvailable": True, "NodeID": "n1", "NodeAddr": "10.0.0.1"}
SWARM = {"ID": "s1", "Version": {"Index": 7}, "DefaultAddrPool": ["10.0.0.0/8"], "SubnetSize": 24, "DataPathPort": 4789,
         "TLSInfo": {"TrustRoot": "-----BEGIN CERTIFICATE-----\nROOT\n-----END CERTIFICATE-----\n"},
         "Spec": {"Name": "default", "Raft": {"HeartbeatTick": 1, "ElectionTick": 10}, "Dispatcher": {"HeartbeatPeriod": 5000000000},
                  "CAConfig": {"NodeCertExpiry": 7776000000000000}}}
CERT = "-----BEGIN CERTIFICATE-----\nNEW\n-----END CERTIFICATE-----"
KEY = "-----BEGIN EC PRIVATE KEY-----\nSECRET\n-----END EC PRIVATE KEY-----"


def swarm_plan(**given):
    return SwarmKind.plan(SwarmKind.desired(params(SWARM_SPEC, **given)), {"node": MANAGER, "raw": SWARM})


def test_swarm_rotation_is_asked_not_compared():
    (action,) = swarm_plan(rotate_worker_token=True).actions
    assert [(c.field, c.before, c.after) for c in action.changes] == [("rotate_worker_token", False, True)]
    assert action.data["rotate_worker_token"] is True and "rotate_manager_token" not in action.data
    assert swarm_plan(heartbeat_tick=1, election_tick=10, ca_force_rotate=0, name="default", data_path_port=4789).actions == []


def test_swarm_signing_ca_compared_with_the_root_and_its_key_never_in_the_changes():
    (action,) = swarm_plan(signing_ca_cert=CERT, signing_ca_key=KEY).actions
    assert [c.field for c in action.changes] == ["signing_ca_cert"] and "SECRET" not in repr(action.changes)
    assert action.data["spec"]["CAConfig"]["SigningCAKey"] == KEY + "\n" and action.data["ca_rotation"] is True
    # the same root: nothing to do, and a change of something else does not send the CA again
    assert swarm_plan(signing_ca_cert=SWARM["TLSInfo"]["TrustRoot"], signing_ca_key=KEY).actions == []
    (action,) = swarm_plan(signing_ca_cert=SWARM["TLSInfo"]["TrustRoot"], signing_ca_key=KEY, heartbeat_tick=2, election_tick=20).actions
    assert "SigningCACert" not in action.data["spec"]["CAConfig"] and "SigningCAKey" not in action.data["spec"]["CAConfig"]


@pytest.mark.parametrize("given, option", [
    (dict(data_path_port=4800), "data_path_port"),
    (dict(name="prod"), "name"),
    (dict(signing_ca_key=KEY), "signing_ca_key"),
    (dict(state="remove"), "node_id"),
])
def test_swarm_refusals_name_the_option(given, option):
    with pytest.raises(ParamError) as raised:
        swarm_plan(**given)
    assert raised.value.option == option


def test_swarm_remove_plans_on_the_node_state():
    want = SwarmKind.desired(params(SWARM_SPEC, state="remove", node_id="w1"))
    down = {"ID": "w1", "Description": {"Hostname": "worker"}, "Status": {"State": "down"}, "Spec": {"Role": "worker"}}
    (action,) = SwarmKind.plan(want, {"node": MANAGER, "raw": SWARM, "target": down}).actions
    assert (action.verb, action.data) == ("remove", {"node_id": "w1", "force": False})
    assert SwarmKind.plan(want, {"node": MANAGER, "raw": SWARM, "target": None}).actions == []
    with pytest.raises(ParamError, match="^node_id: .* is ready, not down"):
        SwarmKind.plan(want, {"node": MANAGER, "raw": SWARM, "target": dict(down, Status={"State": "ready"})})
    with pytest.raises(ParamError, match="^force: "):
        SwarmKind.plan(want, {"node": MANAGER, "raw": SWARM, "target": dict(down, ManagerStatus={"Reachability": "unreachable"})})
