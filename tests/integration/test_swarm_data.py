"""dockhand.docker.secret and config against a swarm of one engine in a network namespace of its own (_swarm_support)."""

import base64
import json

import docker
import pytest

from _swarm_support import swarm_manager  # noqa: F401  # pylint: disable=unused-import  # the fixture


def state(manager, kind, name):
    try:
        data = getattr(manager.client.api, f"inspect_{kind}")(name)
    except docker.errors.NotFound:
        return None
    return data["ID"], data["Version"]["Index"], data["Spec"].get("Labels"), data["Spec"].get("Data")


def assert_no_data(result, *data):
    text = json.dumps(result) + result.output
    for item in data:
        assert item not in text
        assert base64.b64encode(item.encode()).decode() not in text


@pytest.mark.parametrize("kind", ["secret", "config"])
def test_create_update_labels_force_remove(ansible, swarm_manager, prefix, kind, tmp_path):  # noqa: F811
    name, host = f"{prefix}-{kind}", {"docker_host": swarm_manager.host}
    args = dict(host, name=name, data="s3cr3t-one", labels={"app": "shop"})
    check = ansible.converge(kind, args, lambda: state(swarm_manager, kind, name))
    assert check["actions"] == [f"create {kind} {name}"]
    assert check["diff"]["before"] == {"exists": False}
    assert check["diff"]["after"]["labels"] == {"app": "shop"} and len(check["diff"]["after"]["data_sha256"]) == 64
    first_id, _version, labels, _data = state(swarm_manager, kind, name)
    assert labels == {"app": "shop", "dockhand.sha256": check["diff"]["after"]["data_sha256"]}
    assert check.applied[f"{kind}_id"] == first_id and check.applied[kind]["ID"] == first_id
    assert "Data" not in check.applied[kind]["Spec"]
    assert_no_data(check, "s3cr3t-one")
    assert_no_data(check.applied, "s3cr3t-one")

    # labels change in place: the same object, a new version
    check = ansible.converge(kind, dict(args, labels={"tier": "web"}), lambda: state(swarm_manager, kind, name))
    assert check["actions"] == [f"update {kind} {name}: labels: {{\"tier\": null}} -> {{\"tier\": \"web\"}} (update)"]
    new_id, _version, labels, _data = state(swarm_manager, kind, name)
    assert new_id == first_id and labels["tier"] == "web" and labels["app"] == "shop"

    # other data: refused, naming the option, unless force
    before = state(swarm_manager, kind, name)
    refused = ansible.fails(kind, dict(args, data="s3cr3t-two"))
    assert refused["option"] == "data" and "cannot change" in refused["msg"] and "force: true" in refused["msg"]
    assert state(swarm_manager, kind, name) == before
    source = tmp_path / "data"
    source.write_text("s3cr3t-two")
    forced = dict(host, name=name, data_src=str(source), force=True)
    check = ansible.converge(kind, forced, lambda: state(swarm_manager, kind, name))
    assert [c["field"] for c in check["changes"]] == ["data_sha256"]
    assert check["actions"][0].startswith(f"recreate {kind} {name}: data_sha256: ")
    assert state(swarm_manager, kind, name)[0] != first_id
    assert_no_data(check.applied, "s3cr3t-two")
    # the same data given as base64 is the same
    same = ansible.ok(kind, dict(host, name=name, data=base64.b64encode(b"s3cr3t-two").decode(), data_is_b64=True))
    assert same["changed"] is False

    check = ansible.converge(kind, dict(host, name=name, state="absent"), lambda: state(swarm_manager, kind, name))
    assert check["actions"] == [f"remove {kind} {name}"]
    assert state(swarm_manager, kind, name) is None


def test_config_template_driver_and_unhashed(ansible, swarm_manager, prefix):  # noqa: F811
    name, host = f"{prefix}-tmpl", {"docker_host": swarm_manager.host}
    args = dict(host, name=name, data="{% raw %}port={{ .Service.Name }}{% endraw %}", template_driver="golang")
    check = ansible.converge("config", args, lambda: state(swarm_manager, "config", name))
    assert check.applied["config"]["Spec"]["Templating"] == {"Name": "golang"}
    untold = {k: v for k, v in args.items() if k != "template_driver"}
    assert ansible.ok("config", untold)["changed"] is False  # not given: not managed
    plain = dict(host, name=f"{prefix}-untemplated", data="x=1")
    ansible.ok("config", plain)
    refused = ansible.fails("config", dict(plain, template_driver="golang"))
    assert refused["option"] == "template_driver" and "force: true" in refused["msg"]
    # a config made elsewhere has no hash to compare: different data cannot be proven, so it is refused without force
    made = swarm_manager.client.configs.create(name=f"{prefix}-plain", data=b"x=1")
    refused = ansible.fails("config", dict(host, name=f"{prefix}-plain", data="x=1"))
    assert refused["option"] == "data" and "dockhand.sha256" in refused["msg"]
    adopted = ansible.ok("config", dict(host, name=f"{prefix}-plain", data="x=1", force=True))
    assert adopted["changed"] is True and adopted["config_id"] != made.id
    assert ansible.ok("config", dict(host, name=f"{prefix}-plain", data="x=1"))["changed"] is False


@pytest.mark.parametrize("args, option, words", [
    ({"name": "bad name!", "data": "x"}, "name", "not a valid name"),
    ({}, "data", "needs the secret's data"),
    ({"data": "x", "data_src": "/etc/hostname"}, "data", "not both"),
    ({"data": "not base64!", "data_is_b64": True}, "data", "not valid base64"),
    ({"data_src": "/no/such/file"}, "data_src", "cannot read /no/such/file"),
    ({"data": ""}, "data", "cannot be empty"),
    ({"data_src": "{big}"}, "data_src", "at most 512000"),
    ({"data": "x", "labels": {"dockhand.sha256": "0"}}, "labels.dockhand.sha256", "hash"),
    ({"data": "x", "labels": {"n": 1}}, "labels", "must be a string"),
])
def test_bad_input_fails_and_leaves_nothing(ansible, swarm_manager, prefix, args, option, words, tmp_path):  # noqa: F811
    if args.get("data_src") == "{big}":
        big = tmp_path / "big"
        big.write_bytes(b"x" * (500 * 1024 + 1))
        args = dict(args, data_src=str(big))
    args = dict({"name": f"{prefix}-bad"}, docker_host=swarm_manager.host, **args)
    for check in (True, False):
        result = ansible.fails("secret", args, check=check)
        assert result["msg"].startswith(f"{option}: "), result["msg"]
        assert words in result["msg"]
    assert not [s for s in swarm_manager.client.secrets.list() if s.name.startswith(prefix)]


def test_needs_a_swarm_manager(ansible, prefix):
    result = ansible.fails("secret", {"name": f"{prefix}-x", "data": "x"})  # the host's engine is in no swarm
    assert "swarm" in result["msg"].lower() and "Traceback" not in result.output
