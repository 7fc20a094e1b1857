"""Rotation of Swarm secrets and configs with rolling_versions (issue 17), on a swarm of one engine in a network namespace
of its own (_swarm_support): a new version <name>_v<N+1>, the services that used an older one pointed at it, the
versions past versions_to_keep removed; check mode first, apply, apply again changed=false; the data never shown."""

import json

import docker
import pytest

from _swarm_support import BASE_IMAGE, swarm_manager  # noqa: F401  # pylint: disable=unused-import  # the fixture


def objects(manager, kind, prefix):
    return sorted(o.name for o in getattr(manager.client, f"{kind}s").list(filters={"name": prefix}))


def used_by(manager, kind, service):
    spec = manager.client.api.inspect_service(service)["Spec"]
    return sorted(r[f"{kind.capitalize()}Name"] for r in spec["TaskTemplate"]["ContainerSpec"].get(f"{kind.capitalize()}s") or [])


def running_with(manager, kind, service):
    """For each task the service wants running: the versions it runs with, if it runs (else its state)."""
    key = kind.capitalize()
    tasks = manager.client.api.tasks(filters={"service": service, "desired-state": "running"})
    return [sorted(r[f"{key}Name"] for r in t["Spec"]["ContainerSpec"].get(f"{key}s") or []) if t["Status"]["State"] == "running"
            else t["Status"]["State"] for t in tasks]


@pytest.fixture(name="cleanup")
def cleanup_fixture(swarm_manager, prefix):  # noqa: F811
    yield
    client = swarm_manager.client
    for service in client.services.list(filters={"name": prefix}):
        service.remove()
    for kind in ("secret", "config"):
        for found in getattr(client, f"{kind}s").list(filters={"name": prefix}):
            found.remove()


@pytest.mark.parametrize("kind", ["secret", "config"])
def test_rotation_points_the_services_at_the_new_version(ansible, swarm_manager, prefix, kind, cleanup):  # noqa: F811
    name, service = f"{prefix}-{kind}", f"{prefix}-svc"
    args = {"docker_host": swarm_manager.host, "name": name, "data": "first-Zq1", "rolling_versions": True, "versions_to_keep": 0}

    def snapshot():
        services = swarm_manager.client.services.list(filters={"name": service})
        return objects(swarm_manager, kind, prefix), [used_by(swarm_manager, kind, s.id) for s in services]

    check = ansible.converge(kind, args, snapshot)
    assert check["actions"] == [f"create {kind} {name}_v1"]
    assert check.applied[f"{kind}_name"] == f"{name}_v1"
    first = getattr(swarm_manager.client.api, f"inspect_{kind}")(f"{name}_v1")
    assert first["Spec"]["Labels"]["dockhand.version"] == "1"
    reference = (docker.types.SecretReference(first["ID"], f"{name}_v1", filename="token") if kind == "secret"
                 else docker.types.ConfigReference(first["ID"], f"{name}_v1", filename="/token"))
    swarm_manager.client.services.create(BASE_IMAGE, ["sleep", "3600"], name=service, **{f"{kind}s": [reference]})

    # new data: a new version, the service pointed at it, the old version removed (versions_to_keep: 0)
    check = ansible.converge(kind, dict(args, data="second-Zq2"), snapshot)
    rotation = [f"create {kind} {name}_v2", f"update service {service} ({name}_v1 -> {name}_v2)", f"remove {kind} {name}_v1"]
    assert [a.split(":")[0] for a in check["actions"]] == rotation, check["actions"]
    assert [c["field"] for c in check["changes"]] == ["data_sha256"]
    assert objects(swarm_manager, kind, prefix) == [f"{name}_v2"]
    assert used_by(swarm_manager, kind, service) == [f"{name}_v2"]
    assert running_with(swarm_manager, kind, service) == [[f"{name}_v2"]], "the task returned before the service converged"
    assert check.applied[f"{kind}_name"] == f"{name}_v2" and check.applied[kind]["Spec"]["Name"] == f"{name}_v2"
    for result in (check, check.applied):
        text = json.dumps(result) + result.output
        assert "first-Zq1" not in text and "second-Zq2" not in text

    # versions_to_keep: 2 keeps the one before
    check = ansible.converge(kind, dict(args, data="third-Zq3", versions_to_keep=2), snapshot)
    assert len(check["actions"]) == 2 and check["actions"][0].startswith(f"create {kind} {name}_v3")
    assert objects(swarm_manager, kind, prefix) == [f"{name}_v2", f"{name}_v3"]
    assert used_by(swarm_manager, kind, service) == [f"{name}_v3"]

    # labels of the newest version change in place
    check = ansible.converge(kind, dict(args, data="third-Zq3", labels={"tier": "web"}), snapshot)
    assert check["actions"] == [f"update {kind} {name}_v3: labels: {{\"tier\": null}} -> {{\"tier\": \"web\"}} (update)"]

    # state: absent removes every version (once no service uses them)
    swarm_manager.client.services.get(service).remove()
    check = ansible.converge(kind, {"docker_host": swarm_manager.host, "name": name, "state": "absent", "rolling_versions": True},
                             snapshot)
    assert check["actions"] == [f"remove {kind} {name}_v2", f"remove {kind} {name}_v3"]
    assert objects(swarm_manager, kind, prefix) == []


def test_rotation_is_offered_when_data_differs_and_excludes_force(ansible, swarm_manager, prefix, cleanup):  # noqa: F811
    host = {"docker_host": swarm_manager.host}
    assert ansible.ok("secret", dict(host, name=f"{prefix}-plain", data="one"))["changed"] is True
    refused = ansible.fails("secret", dict(host, name=f"{prefix}-plain", data="two"))
    assert refused["option"] == "data" and "rolling_versions: true" in refused["msg"]
    refused = ansible.fails("secret", dict(host, name=f"{prefix}-x", data="one", rolling_versions=True, force=True))
    assert refused["option"] == "force" and "rolling_versions" in refused["msg"]
    assert objects(swarm_manager, "secret", prefix) == [f"{prefix}-plain"]
