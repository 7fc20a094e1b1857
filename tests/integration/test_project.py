"""dockhand.docker.project against the real engine."""

import docker

IMAGE = "dockhand/busybox:latest"


def project_state(engine, project):
    label = {"label": f"dockhand.project={project}"}
    containers = sorted((c.name, c.status, c.attrs["Config"]["Image"]) for c in engine.containers.list(all=True, filters=label))
    networks = sorted(n.name for n in engine.networks.list(filters=label))
    volumes = sorted(v.name for v in engine.volumes.list(filters=label))
    return containers, networks, volumes


def shop(prefix, web_replicas=2, web_command=None, extra=None):
    containers = [
        {"name": f"{prefix}-db", "image": IMAGE, "command": ["sleep", "3600"], "stop_timeout": 1,
         "volumes": [f"{prefix}-data:/data"], "networks": [{"name": f"{prefix}-net", "aliases": ["db"]}],
         "healthcheck": {"test": "true", "interval": "1s", "retries": 2}},
        {"name": f"{prefix}-web", "image": IMAGE, "command": web_command or ["sleep", "3600"], "stop_timeout": 1, "replicas": web_replicas,
         "networks": [{"name": f"{prefix}-net"}], "depends_on": [{"name": f"{prefix}-db", "condition": "healthy"}]},
        {"name": f"{prefix}-cache", "image": IMAGE, "command": ["sleep", "3600"], "stop_timeout": 1},
    ]
    return {"project": prefix, "networks": [{"name": f"{prefix}-net"}], "volumes": [{"name": f"{prefix}-data"}],
            "containers": containers + (extra or [])}


def test_create_reapply_check_remove(engine, ansible, prefix):
    args = shop(prefix)
    check = ansible.converge("project", args, lambda: project_state(engine, prefix))
    assert check["actions"][:2] == [f"create network {prefix}-net", f"create volume {prefix}-data"]
    assert f"create container {prefix}-web-2 (from {IMAGE})" in check["actions"]
    containers, networks, volumes = project_state(engine, prefix)
    assert [c[:2] for c in containers] == [(f"{prefix}-cache", "running"), (f"{prefix}-db", "running"),
                                           (f"{prefix}-web-1", "running"), (f"{prefix}-web-2", "running")]
    assert networks == [f"{prefix}-net"] and volumes == [f"{prefix}-data"]
    assert engine.api.inspect_container(f"{prefix}-db")["State"]["Health"]["Status"] == "healthy"
    # without return_inspect the entries carry no inspect; the summary lists say what a play reads
    again = ansible.ok("project", args)
    assert all("inspect" not in r for r in check.applied["resources"] + again["resources"])
    listed = {c["Name"]: c for c in again["containers"]}
    assert sorted(listed) == [c[0] for c in containers]
    web = engine.api.inspect_container(f"{prefix}-web-1")
    assert listed[f"{prefix}-web-1"] == {"ID": web["Id"], "Name": f"{prefix}-web-1", "Image": IMAGE, "Service": f"{prefix}-web",
                                         "State": "running", "Health": "", "ExitCode": 0, "Publishers": []}
    assert listed[f"{prefix}-db"]["Health"] == "healthy"
    assert [n["Name"] for n in again["networks"]] == [f"{prefix}-net"]
    assert [v["Name"] for v in again["volumes"]] == [f"{prefix}-data"]
    full = ansible.ok("project", dict(args, return_inspect=True))
    resources = {r["resource"]: r for r in full["resources"]}
    assert full["changed"] is False and resources[f"container {prefix}-web-1"]["inspect"] == web

    gone = ansible.converge("project", {"project": prefix, "state": "absent"}, lambda: project_state(engine, prefix))
    assert f"remove network {prefix}-net" in gone["actions"]
    assert project_state(engine, prefix) == ([], [], [f"{prefix}-data"])  # the volume is kept
    purge = ansible.converge("project", {"project": prefix, "state": "absent", "purge_volumes": True}, lambda: project_state(engine, prefix))
    assert purge["actions"] == [f"remove volume {prefix}-data"]


def test_orphans_are_removed_only_when_asked(engine, ansible, prefix):
    ansible.ok("project", shop(prefix, web_replicas=3))
    fewer = ansible.ok("project", shop(prefix, web_replicas=2))
    assert fewer["changed"] is False and fewer["orphans"] == [f"container {prefix}-web-3"]
    assert engine.containers.get(f"{prefix}-web-3")
    check = ansible.converge("project", dict(shop(prefix, web_replicas=2), remove_orphans=True), lambda: project_state(engine, prefix))
    assert check["actions"] == [f"remove container {prefix}-web-3 (its volumes are kept)"]
    assert [c[0] for c in project_state(engine, prefix)[0]] == [f"{prefix}-cache", f"{prefix}-db", f"{prefix}-web-1", f"{prefix}-web-2"]


def test_a_failing_container_stops_its_dependents_only(engine, ansible, prefix):
    args = shop(prefix, web_command=["/no/such/binary"])
    args["containers"].append({"name": f"{prefix}-worker", "image": IMAGE, "command": ["sleep", "3600"], "stop_timeout": 1,
                               "depends_on": [f"{prefix}-web"]})
    result = ansible.fails("project", args)
    status = {r["resource"]: r["status"] for r in result["resources"]}
    assert status[f"container {prefix}-web-1"] == "failed" and status[f"container {prefix}-worker"] == "skipped"
    assert status[f"container {prefix}-db"] == "ok" and status[f"container {prefix}-cache"] == "ok"
    assert f"applied: network {prefix}-net, volume {prefix}-data" in result["msg"]
    assert "/no/such/binary" in result["msg"]
    names = [c[0] for c in project_state(engine, prefix)[0]]
    assert f"{prefix}-db" in names and f"{prefix}-cache" in names and f"{prefix}-worker" not in names
    assert f"{prefix}-web-1" not in names  # nothing half-made

    fixed = shop(prefix)
    fixed["containers"].append(args["containers"][-1])
    applied = ansible.ok("project", fixed)
    assert applied["changed"] and all(r["status"] == "ok" for r in applied["resources"])
    assert ansible.ok("project", fixed)["changed"] is False


def test_bad_input_in_one_entry_is_rejected_before_any_write(engine, ansible, prefix):
    args = shop(prefix)
    args["containers"][2]["memory"] = "12XB"
    for check in (True, False):
        result = ansible.fails("project", args, check=check)
        assert result["msg"] == "containers[2].memory: '12XB' is not a size such as 512m or 1g (units b, k, m, g, t, p)"
    unknown = shop(prefix)
    unknown["containers"][0]["no_such_option"] = 1
    result = ansible.fails("project", unknown)
    assert result["msg"].startswith("containers[0]: ") and "no_such_option" in result["msg"]
    cycle = shop(prefix)
    cycle["containers"][0]["depends_on"] = [f"{prefix}-web"]
    assert "cycle" in ansible.fails("project", cycle)["msg"]
    assert project_state(engine, prefix) == ([], [], [])
    assert not [n for n in engine.networks.list() if n.name.startswith(prefix)]


def test_project_label_is_not_drift_for_single_modules(engine, ansible, prefix):
    ansible.ok("project", shop(prefix, web_replicas=1))
    same = ansible.ok("container", {"name": f"{prefix}-cache", "image": IMAGE, "command": ["sleep", "3600"], "stop_timeout": 1})
    assert same["changed"] is False
    assert docker.from_env().api.inspect_container(f"{prefix}-cache")["Config"]["Labels"]["dockhand.project"] == prefix
