"""The stack's mapping (pure): a Compose model to the networks, secrets, configs and services of a Swarm stack, named and
labelled as docker stack deploy does, and the keys it cannot honour refused with their path."""

import pytest

from ansible_collections.dockhand.docker.plugins.module_utils import _stack
from ansible_collections.dockhand.docker.plugins.module_utils._errors import ParamError
from ansible_collections.dockhand.docker.plugins.module_utils._network import NetworkKind
from ansible_collections.dockhand.docker.plugins.module_utils._swarm_service import ServiceKind

NS = {"com.docker.stack.namespace": "shop"}


def plan(tmp_path, model, environ=None, **params):
    path = tmp_path / "compose.yaml"
    import yaml  # pylint: disable=import-outside-toplevel
    path.write_text(yaml.safe_dump(model))
    return _stack.plan_stack(dict({"name": "shop", "state": "present", "compose": [str(path)], "docker_host": "unix:///x"}, **params),
                             environ or {})


def by_key(stack):
    return {u.key: u for u in stack.units}


def test_services_networks_secrets_configs(tmp_path):
    (tmp_path / "pw.txt").write_text("secret\n")
    (tmp_path / "app.conf").write_text("port=80\n")
    model = {
        "services": {
            "web": {"image": "busybox", "command": "sleep 3600", "entrypoint": ["sh", "-c"], "environment": {"A": 1, "B": "${X:-dflt}"},
                    "labels": ["tier=web"], "ports": ["8080:80", {"target": 443, "published": 8443, "mode": "host"}, "9000-9001:90-91/udp"],
                    "networks": {"front": {"aliases": ["www"]}}, "volumes": ["data:/data:ro", "./static:/static", {"type": "tmpfs", "target": "/tmp"}],
                    "secrets": ["pw", {"source": "pw", "target": "other", "mode": "0400", "uid": "1"}], "configs": ["conf"],
                    "healthcheck": {"test": ["CMD", "true"], "interval": "5s"},
                    "deploy": {"replicas": 2, "labels": {"svc": "yes"}, "resources": {"limits": {"cpus": "0.5", "memory": "64M"}},
                               "restart_policy": {"condition": "on-failure", "delay": "1s", "max_attempts": 3},
                               "update_config": {"parallelism": 1, "order": "start-first"},
                               "placement": {"constraints": ["node.role==manager"], "preferences": [{"spread": "node.labels.zone"}]}},
                    "x-note": "ignored"},
            "worker": {"image": "busybox", "deploy": {"mode": "global"}},
        },
        "networks": {"front": {"attachable": True}},
        "volumes": {"data": None},
        "secrets": {"pw": {"file": "./pw.txt"}},
        "configs": {"conf": {"file": "app.conf", "name": "fixed-conf"}},
    }
    stack = plan(tmp_path, model)
    units = by_key(stack)
    assert list(units) == ["network shop_default", "network shop_front", "secret shop_pw", "config fixed-conf", "service shop_web",
                           "service shop_worker"]
    assert stack.services == ["shop_web", "shop_worker"]
    net = units["network shop_front"].want
    assert units["network shop_front"].kind is NetworkKind
    assert net.config["driver"] == "overlay" and net.config["attachable"] is True and net.config["labels"] == NS
    secret = units["secret shop_pw"].want
    assert secret.labels == NS and secret.data == b"secret\n"
    web = units["service shop_web"]
    assert web.kind is ServiceKind
    f = web.want.fields
    assert f["image"] == "busybox" and f["command"] == ["sh", "-c"] and f["args"] == ["sleep", "3600"]
    assert sorted(f["env"]) == ["A=1", "B=dflt"]
    assert f["container_labels"] == dict(NS, tier="web")
    assert f["labels"] == dict(NS, svc="yes", **{"com.docker.stack.image": "busybox"})
    assert web.want.replicas == 2 and web.want.mode is None
    assert f["publish"] == [
        {"Protocol": "tcp", "TargetPort": 80, "PublishMode": "ingress", "PublishedPort": 8080},
        {"Protocol": "tcp", "TargetPort": 443, "PublishMode": "host", "PublishedPort": 8443},
        {"Protocol": "udp", "TargetPort": 90, "PublishMode": "ingress", "PublishedPort": 9000},
        {"Protocol": "udp", "TargetPort": 91, "PublishMode": "ingress", "PublishedPort": 9001}]
    assert f["networks"] == [{"Target": "shop_front", "Aliases": ["web", "www"]}]
    assert f["mounts"] == [{"Type": "volume", "Target": "/data", "Source": "shop_data", "ReadOnly": True, "VolumeOptions": {"Labels": NS}},
                           {"Type": "bind", "Target": "/static", "Source": str(tmp_path / "static")},
                           {"Type": "tmpfs", "Target": "/tmp"}]
    assert f["secrets"] == [{"SecretName": "shop_pw", "File": {"Name": "pw", "UID": "0", "GID": "0", "Mode": 0o444}},
                            {"SecretName": "shop_pw", "File": {"Name": "other", "UID": "1", "GID": "0", "Mode": 0o400}}]
    assert f["configs"] == [{"ConfigName": "fixed-conf", "File": {"Name": "conf", "UID": "0", "GID": "0", "Mode": 0o444}}]
    assert f["healthcheck"]["Test"] == ["CMD", "true"] and f["healthcheck"]["Interval"] == 5 * 10 ** 9
    assert f["limits"] == {"NanoCPUs": 500000000, "MemoryBytes": 64 * 1024 ** 2}
    assert f["restart_config"] == {"Condition": "on-failure", "Delay": 10 ** 9, "MaxAttempts": 3}
    assert f["update_config"] == {"Parallelism": 1, "Order": "start-first"}
    assert f["placement.constraints"] == ["node.role==manager"]
    worker = units["service shop_worker"].want
    assert worker.mode == "global" and worker.replicas is None
    assert worker.fields["networks"] == [{"Target": "shop_default", "Aliases": ["worker"]}]


def test_inline_mappings_merge_over_files(tmp_path):
    path = tmp_path / "compose.yaml"
    path.write_text("services:\n  web:\n    image: busybox\n    environment: {A: '1'}\n")
    stack = _stack.plan_stack({"name": "shop", "state": "present", "docker_host": "unix:///x",
                               "compose": [str(path), {"services": {"web": {"environment": {"B": "2"}, "deploy": {"replicas": 3}}}}]}, {})
    web = by_key(stack)["service shop_web"].want
    assert sorted(web.fields["env"]) == ["A=1", "B=2"] and web.replicas == 3


def test_external_and_named(tmp_path):
    model = {"services": {"web": {"image": "busybox", "networks": ["outside"], "secrets": ["token"]}},
             "networks": {"outside": {"external": True, "name": "shared-net"}},
             "secrets": {"token": {"external": True}}}
    stack = plan(tmp_path, model)
    assert list(by_key(stack)) == ["service shop_web"]  # nothing to make: both are external, and no service is on default
    assert stack.external == {"networks": {"shared-net": "networks.outside"}, "secrets": {"token": "secrets.token"}, "configs": {}}
    assert by_key(stack)["service shop_web"].want.fields["networks"] == [{"Target": "shared-net", "Aliases": ["web"]}]


def test_absent_needs_no_model():
    stack = _stack.plan_stack({"name": "shop", "state": "absent", "compose": []}, {})
    assert stack.units == [] and stack.services == []


@pytest.mark.parametrize("model, option, words", [
    ({"services": {"web": {"image": "busybox", "build": "."}}}, "services.web.build", "not supported by stack"),
    ({"services": {"web": {"image": "busybox", "depends_on": ["db"]}}}, "services.web.depends_on", "not supported by stack"),
    ({"services": {"web": {"image": "busybox", "restart": "always"}}}, "services.web.restart", "not supported by stack"),
    ({"services": {"web": {"image": "busybox", "deploy": {"mode": "daemon"}}}}, "services.web.deploy.mode", "not supported by stack"),
    ({"services": {"web": {"image": "busybox", "deploy": {"resources": {"limits": {"pids": 5}}}}}},
     "services.web.deploy.resources.limits.pids", "not supported by stack"),
    ({"services": {"web": {"image": "busybox", "deploy": {"update_config": {"speed": 1}}}}}, "services.web.deploy.update_config.speed",
     "not supported by stack"),
    ({"services": {"web": {"image": "busybox", "ports": ["127.0.0.1:80:80"]}}}, "services.web.ports[0]", "host IP"),
    ({"services": {"web": {"image": "busybox", "ports": ["9000-9001:80"]}}}, "services.web.ports[0]", "range of published ports"),
    ({"services": {"web": {"image": "busybox", "ports": ["70000:80"]}}}, "services.web.ports[0]", "1-65535"),
    ({"services": {"web": {"image": "busybox", "ports": ["80/http"]}}}, "services.web.ports[0]", "not a port mapping"),
    ({"services": {"web": {"image": "busybox", "volumes": ["/data"]}}}, "services.web.volumes[0]", "anonymous volume"),
    ({"services": {"web": {"image": "busybox", "volumes": ["nope:/data"]}}}, "services.web.volumes[0]", "not a volume of the Compose model"),
    ({"services": {"web": {"image": "busybox", "networks": ["nope"]}}}, "services.web.networks.nope", "not a network"),
    ({"services": {"web": {"image": "busybox", "secrets": ["nope"]}}}, "services.web.secrets[0].source", "not one of the top-level secrets"),
    ({"services": {"web": {"command": "true"}}}, "services.web.image", "is needed"),
    ({"services": {"web": {"image": "busybox", "environment": {"A": "1"}, "deploy": {"replicas": -1}}}}, "services.web.deploy.replicas", "0 or more"),
    ({"services": {"web": {"image": "busybox", "deploy": {"resources": {"limits": {"memory": "lots"}}}}}},
     "services.web.deploy.resources.limits.memory", "not a size"),
    ({"services": {"web": {"image": "busybox", "ports": [{"target": 80, "published": 70000}]}}}, "services.web.ports[0].published_port",
     "not a port"),
    ({"services": {"web": {"image": "busybox"}}, "volumes": {"data": {"ipam": {}}}}, "volumes.data.ipam", "not supported by stack"),
    ({"services": {"web": {"image": "busybox", "volumes": [{"type": "volume", "source": "d", "target": "/d", "volume": {"subpath": "x"}}]}},
      "volumes": {"d": None}}, "services.web.volumes[0].volume.subpath", "not supported by stack"),
    ({"services": {"web": {"image": "busybox"}}, "secrets": {"pw": {"file": "missing.txt"}}}, "secrets.pw.file", "no such file"),
    ({"services": {"web": {"image": "busybox"}}, "secrets": {"pw": {"environment": "NOPE"}}}, "secrets.pw.environment", "not set"),
    ({"services": {"web": {"image": "busybox"}}, "secrets": {"pw": {}}}, "secrets.pw", "needs one of file"),
    ({"services": {"web": {"image": "busybox"}}, "include": ["other.yaml"]}, "include", "not supported by stack"),
    ({"services": {}}, "services", "at least one service"),
])
def test_bad_model_names_the_key(tmp_path, model, option, words):
    with pytest.raises(ParamError) as err:
        plan(tmp_path, model)
    assert err.value.option == option and words in err.value.why, str(err.value)


def test_bad_stack_name_and_compose_items(tmp_path):
    with pytest.raises(ParamError) as err:
        _stack.plan_stack({"name": "bad name", "state": "present", "compose": [{}]}, {})
    assert err.value.option == "name"
    with pytest.raises(ParamError) as err:
        _stack.plan_stack({"name": "shop", "state": "present", "compose": [str(tmp_path / "none.yaml")]}, {})
    assert err.value.option == "compose[0]" and "no such file" in err.value.why
    with pytest.raises(ParamError) as err:
        _stack.plan_stack({"name": "shop", "state": "present", "compose": [3]}, {})
    assert err.value.option == "compose[0]"
    with pytest.raises(ParamError) as err:
        _stack.plan_stack({"name": "shop", "state": "present", "compose": []}, {})
    assert err.value.option == "compose"


def test_mount_and_volume_options(tmp_path):
    model = {"services": {"web": {"image": "busybox", "volumes": [
        {"type": "volume", "source": "data", "target": "/data", "volume": {"nocopy": True}},
        {"type": "tmpfs", "target": "/scratch", "tmpfs": {"size": "64m", "mode": 0o1777}}],
        "deploy": {"mode": "replicated-job", "placement": {"max_replicas_per_node": 2}}}},
        "volumes": {"data": {"driver": "local", "driver_opts": {"type": "tmpfs", "device": "tmpfs"}, "labels": {"keep": "yes"}}}}
    web = by_key(plan(tmp_path, model))["service shop_web"].want
    data, scratch = web.fields["mounts"]
    assert data["VolumeOptions"]["NoCopy"] is True and data["VolumeOptions"]["Labels"] == dict(NS, keep="yes")
    assert data["VolumeOptions"]["DriverConfig"] == {"Name": "local", "Options": {"type": "tmpfs", "device": "tmpfs"}}
    assert scratch["TmpfsOptions"] == {"SizeBytes": 64 * 1024 ** 2, "Mode": 0o1777}
    assert web.mode == "replicated-job" and web.fields["placement.replicas_max_per_node"] == 2


def test_container_settings_map_to_the_service_options(tmp_path):
    svc = {"image": "busybox", "user": "nobody", "working_dir": "/srv", "hostname": "h1", "stop_grace_period": "2s", "stop_signal": "SIGINT",
           "dns": "10.0.0.2", "dns_search": ["x.local"], "dns_opt": ["ndots:2"], "cap_add": ["NET_ADMIN"], "cap_drop": ["MKNOD"],
           "group_add": ["users"], "init": True, "tty": True, "read_only": True, "sysctls": {"net.core.somaxconn": 1024},
           "extra_hosts": ["db:10.0.0.5"], "logging": {"driver": "json-file", "options": {"max-size": "1m"}},
           "deploy": {"endpoint_mode": "dnsrr"}}
    f = by_key(plan(tmp_path, {"services": {"web": svc}}))["service shop_web"].want.fields
    assert (f["user"], f["working_dir"], f["hostname"], f["stop_signal"]) == ("nobody", "/srv", "h1", "SIGINT")
    assert f["stop_grace_period"] == 2 * 10 ** 9 and f["endpoint_mode"] == "dnsrr"
    assert (f["dns"], f["dns_search"], f["dns_options"]) == (["10.0.0.2"], ["x.local"], ["ndots:2"])
    assert (f["cap_add"], f["cap_drop"], f["groups"]) == (["CAP_NET_ADMIN"], ["CAP_MKNOD"], ["users"])
    assert (f["init"], f["tty"], f["read_only"]) == (True, True, True)
    assert f["sysctls"] == {"net.core.somaxconn": "1024"} and f["hosts"] == ["10.0.0.5 db"]
    assert f["logging"] == {"Name": "json-file", "Options": {"max-size": "1m"}}


def test_a_bad_container_setting_names_the_compose_key(tmp_path):
    with pytest.raises(ParamError) as err:
        plan(tmp_path, {"services": {"web": {"image": "busybox", "stop_grace_period": "soon"}}})
    assert err.value.option == "services.web.stop_grace_period", str(err.value)


def test_with_registry_auth_reaches_the_service_calls(tmp_path):
    """with_registry_auth: each service's want carries it, its create action says so (no credentials in the plan), and
    the header holds the Docker config's credentials for the image's registry, as the SDK encodes X-Registry-Auth."""
    import base64  # pylint: disable=import-outside-toplevel
    import json  # pylint: disable=import-outside-toplevel
    from ansible_collections.dockhand.docker.plugins.module_utils import _swarm_service  # pylint: disable=import-outside-toplevel

    model = {"services": {"web": {"image": "registry.example:5000/shop/web:1"}}}
    assert by_key(plan(tmp_path, model))["service shop_web"].want.registry_auth is False
    want = by_key(plan(tmp_path, model, with_registry_auth=True))["service shop_web"].want
    assert want.registry_auth is True
    action = ServiceKind.plan(want, {"raw": None, "ids": {("networks", "shop_default"): "n1"}, "missing": []}).actions[0]
    assert action.verb == "create" and action.data["registry_auth"] is True
    assert set(action.data) == {"spec", "wait", "registry_auth"}

    class Api:
        asked: list = []

        def registry_auth(self, registry):
            self.asked.append(registry)
            return {"username": "u", "password": "p", "serveraddress": registry} if registry == "registry.example:5000" else {}

    client = type("Client", (), {"api": Api()})()
    header = _swarm_service._registry_auth_header(client, "registry.example:5000/shop/web:1@sha256:" + "0" * 64)
    decoded = json.loads(base64.urlsafe_b64decode(header["X-Registry-Auth"]))
    assert decoded == {"username": "u", "password": "p", "serveraddress": "registry.example:5000"}
    assert _swarm_service._registry_auth_header(client, "busybox:latest") is None  # no credentials for docker.io: no header
    assert Api.asked == ["registry.example:5000", "docker.io"]
