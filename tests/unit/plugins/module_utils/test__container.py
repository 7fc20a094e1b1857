"""Container option table and plan rules on recorded inspect documents (pure: no engine)."""

import copy

import pytest

from ansible_collections.dockhand.docker.plugins.module_utils import _container as C
from ansible_collections.dockhand.docker.plugins.module_utils._container_apply import create_body, update_body
from ansible_collections.dockhand.docker.plugins.module_utils._container_fields import FIELDS, parse_port, parse_volume, read_volumes
from ansible_collections.dockhand.docker.plugins.module_utils._errors import ParamError
from ansible_collections.dockhand.docker.plugins.module_utils._container_fields import CONTAINER_SPEC as ARGUMENT_SPEC

IMAGE = {"Id": "sha256:" + "a" * 64, "RepoDigests": [], "Config": {"Env": ["PATH=/bin", "FROM_IMAGE=1"], "Labels": {"img": "1"},
                                                                   "Cmd": ["sh"], "ExposedPorts": {"7000/tcp": {}}, "Volumes": {"/imgvol": {}}}}


def params(**given):
    out = {name: opt.get("default") for name, opt in ARGUMENT_SPEC.items()}
    out.update(docker_host="unix:///var/run/docker.sock")
    out.update(given)
    return out


def container_from(p, image=None, running=True):
    """What the engine would report for a container created from the task p (a recorded-shape inspect document)."""
    image = image or IMAGE
    body = create_body(C.ContainerKind.desired(p))[0]
    config = {k: v for k, v in body.items() if k not in ("HostConfig", "NetworkingConfig")}
    config["Env"] = sorted(set(config.get("Env") or []) | set(image["Config"]["Env"]))
    config["Labels"] = dict(image["Config"]["Labels"], **config.get("Labels", {}))
    config.setdefault("Cmd", image["Config"]["Cmd"])
    config["ExposedPorts"] = dict(image["Config"]["ExposedPorts"], **config.get("ExposedPorts", {}))
    config["Volumes"] = dict(image["Config"]["Volumes"], **config.get("Volumes", {}))
    nets = {n["name"]: {"Aliases": n["aliases"], "IPAMConfig": None} for n in C.ContainerKind.desired(p).networks or []}
    return {"Id": "c" * 64, "Image": image["Id"], "Config": config, "HostConfig": body["HostConfig"],
            "State": {"Running": running}, "NetworkSettings": {"Networks": nets or {"bridge": {}}}, "Mounts": []}


def plan_for(p, container, image="recorded"):
    image = IMAGE if image == "recorded" else image
    kind = C.ContainerKind
    want = kind.desired(p)
    label = (container or {}).get("Config", {}).get("Labels", {}).get(C.MANAGED_LABEL)
    actual = {"container": container, "image": image, "remote_digest": None, "remote_error": None, "missing_networks": [],
              "managed": __import__("json").loads(label) if label else {}}
    return kind.plan(want, actual)


TASK = dict(name="web", image="shop:1", command="sleep 1", env={"A": "1"}, labels={"x": "y"}, memory="64m", cpus=0.5,
            published_ports=["8080:80"], volumes=["data:/data", "/anon"], restart_policy="always", stop_timeout=1)


def test_fields_are_all_module_options():
    assert {f.name for f in FIELDS} <= set(ARGUMENT_SPEC)


def test_a_container_made_from_the_task_has_no_changes():
    p = params(**TASK)
    assert plan_for(p, container_from(p)).actions == []


def test_in_place_versus_recreate():
    p = params(**TASK)
    container = container_from(p)
    bigger = plan_for(params(**{**TASK, "memory": "128m", "cpus": 1, "restart_policy": "on-failure", "restart_retries": 2}), container)
    assert [a.verb for a in bigger.actions] == ["update"]
    assert bigger.actions[0].data["body"] == {"Memory": 128 * 1024 ** 2, "NanoCpus": 10 ** 9,
                                              "RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 2}}
    env = plan_for(params(**{**TASK, "env": {"A": "2"}}), container)
    assert [a.verb for a in env.actions] == ["recreate"] and env.changes[0].field == "env"
    unlimited = plan_for(params(**{k: v for k, v in TASK.items() if k != "memory"}), container)
    assert [(c.field, c.after, c.how) for c in unlimited.changes] == [("memory", 0, "recreate")]


def test_removed_keys_converge_but_image_values_are_not_drift():
    p = params(**TASK)
    container = container_from(p)
    dropped = plan_for(params(**{**TASK, "env": {}, "labels": {}}), container)
    assert {c.field: c.after for c in dropped.changes} == {"env": {"A": None}, "labels": {"x": None}}
    omitted = plan_for(params(**{k: v for k, v in TASK.items() if k not in ("env", "labels", "published_ports")}), container)
    assert {c.field for c in omitted.changes} == {"env", "labels", "published_ports"}


def test_memory_update_raises_swap_that_would_block_it():
    assert update_body((C.Change("memory", 64, 256 * 1024 ** 2, "update"),), 128 * 1024 ** 2) == {"Memory": 256 * 1024 ** 2, "MemorySwap": 512 * 1024 ** 2}


def test_state_actions():
    p = params(**TASK)
    stopped = container_from(p, running=False)
    assert [a.verb for a in plan_for(p, stopped).actions] == ["start"]
    assert [a.verb for a in plan_for(params(**{**TASK, "state": "stopped"}), container_from(p)).actions] == ["stop"]
    assert [a.verb for a in plan_for(params(**{**TASK, "state": "absent"}), container_from(p)).actions] == ["remove"]
    assert [a.verb for a in plan_for(p, None, image=None).actions] == ["pull", "create", "start"]


def test_foreign_container_needs_adopt():
    p = params(**TASK)
    foreign = copy.deepcopy(container_from(p))
    del foreign["Config"]["Labels"][C.MANAGED_LABEL]
    assert plan_for(p, foreign).actions == []  # already matches: left alone, no failure
    with pytest.raises(ParamError) as err:
        plan_for(params(**{**TASK, "env": {"A": "2"}}), foreign)
    assert err.value.option == "name"


@pytest.mark.parametrize("spec, expected", [
    ("8080:80", [":8080:80/tcp"]), ("127.0.0.1:8080:80/udp", ["127.0.0.1:8080:80/udp"]), ("80", ["::80/tcp"]),
    ("8000-8001:80-81", [":8000:80/tcp", ":8001:81/tcp"]), ("[::1]:8080:80", ["::1:8080:80/tcp"]), ("0.0.0.0:1:2", [":1:2/tcp"]),
])
def test_parse_port(spec, expected):
    assert parse_port("ports", spec) == expected


@pytest.mark.parametrize("spec", ["70000:80", "80:80:80:80", "a:80", "80/xyz", "1.2.3:80:80", "8000-8002:80-81"])
def test_parse_port_refuses(spec):
    with pytest.raises(ParamError):
        parse_port("published_ports", spec)


def test_volumes_read_back_as_written_and_anonymous_carry_over():
    assert parse_volume("volumes", "data:/data") == "data:/data:rw"
    assert parse_volume("volumes", "/anon") == "/anon"
    container = {"HostConfig": {"Binds": ["data:/data:rw", "f" * 64 + ":/anon"]}, "Config": {"Volumes": {"/anon": {}, "/imgvol": {}}}}
    assert read_volumes(container, {"Volumes": {"/imgvol": {}}}) == ["/anon", "data:/data:rw"]


ANON = "f" * 64  # an anonymous volume's generated name


@pytest.mark.parametrize("task", [
    {"volumes": ["/anon"]},
    {"mounts": [{"type": "volume", "target": "/anon"}]},
    {"mounts": [{"type": "volume", "target": "/anon", "no_copy": True}]},
])
@pytest.mark.parametrize("engine", [
    {"Config": {"Volumes": {"/anon": {}}}, "HostConfig": {}},                                              # docker run -v /anon
    {"Config": {"Volumes": {"/anon": {}}}, "HostConfig": {"Binds": [ANON + ":/anon"]}},                     # carried over by a recreate
    {"Config": {}, "HostConfig": {"Mounts": [{"Type": "volume", "Target": "/anon", "VolumeOptions": {}}]}},  # docker compose up
    {"Config": {}, "HostConfig": {"Mounts": [{"Type": "volume", "Target": "/anon", "VolumeOptions": {"NoCopy": True}}]}},
    {"Config": {}, "HostConfig": {"Mounts": [{"Type": "volume", "Source": ANON, "Target": "/anon"}]}},     # recreated by Compose
])
def test_an_anonymous_volume_in_either_form_is_the_same(task, engine):
    p = params(name="web", image="shop:1", adopt=True, **task)
    container = container_from(p)
    container["Config"] = dict(container["Config"], Volumes=dict(IMAGE["Config"]["Volumes"], **engine["Config"].get("Volumes", {})))
    container["HostConfig"] = dict({k: v for k, v in container["HostConfig"].items() if k not in ("Binds", "Mounts")}, **engine["HostConfig"])
    assert plan_for(p, container).actions == []
    # a read-only one, or another target, is not the same
    other = params(name="web", image="shop:1", adopt=True, mounts=[{"type": "volume", "target": "/anon", "read_only": True}])
    assert [c.field for c in plan_for(other, container).changes] == ["mounts"]
    moved = params(name="web", image="shop:1", adopt=True, volumes=["/elsewhere"])
    assert [a.verb for a in plan_for(moved, container).actions] == ["recreate"]


def test_a_recreate_mounts_the_old_anonymous_volume_where_the_task_has_a_volume_mount_without_source():
    p = params(name="web", image="shop:1", volumes=["/plain"], mounts=[{"type": "volume", "target": "/anon", "no_copy": True}])
    old = dict(container_from(p), Mounts=[{"Type": "volume", "Name": ANON, "Destination": "/anon"},
                                          {"Type": "volume", "Name": "e" * 64, "Destination": "/plain"}])
    body = create_body(C.ContainerKind.desired(p), inherit=old)[0]
    assert body["HostConfig"]["Mounts"] == [{"Type": "volume", "Source": ANON, "Target": "/anon", "ReadOnly": False,
                                             "VolumeOptions": {"NoCopy": True}}]
    assert body["HostConfig"]["Binds"] == ["e" * 64 + ":/plain"] and body["Volumes"] == {"/plain": {}}
    renewed = create_body(__import__("dataclasses").replace(C.ContainerKind.desired(p), renew_anon_volumes=True), inherit=old)[0]
    assert renewed["HostConfig"]["Mounts"][0]["Source"] is None and "Binds" not in renewed["HostConfig"]


@pytest.mark.parametrize("given, option", [
    ({"pull": "sometimes"}, "pull"), ({"pull": ["always"]}, "pull"),
    ({"network_mode": "host", "networks": [{"name": "n"}]}, "networks"),
    ({"healthcheck": {"interval": "1s"}}, "healthcheck.test"), ({"memory": "1g", "memory_reservation": "2g"}, "memory_reservation"),
])
def test_desired_refuses(given, option):
    healthcheck = given.get("healthcheck")
    if healthcheck:
        given["healthcheck"] = dict({"test": None, "interval": None, "timeout": None, "retries": None, "start_period": None, "disable": False},
                                    **healthcheck)
    if given.get("networks"):
        given["networks"] = [dict({"aliases": None, "ipv4_address": None, "ipv6_address": None, "links": None}, **n) for n in given["networks"]]
    with pytest.raises(ParamError) as err:
        C.ContainerKind.desired(params(**{**TASK, **given}))
    assert err.value.option == option


def test_pull_true_false_mean_always_missing():
    assert C.pull_policy({"pull": True}) == "always" and C.pull_policy({"pull": False}) == "missing"
    assert C.pull_policy({"pull": None}) == "missing" and C.pull_policy({"pull": "never"}) == "never"
