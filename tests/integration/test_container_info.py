"""dockhand.docker.container_info against the real engine."""


def test_one_name_has_community_shape(ansible, prefix, run_container):
    web = run_container("web")
    result = ansible.ok("container_info", {"name": web.name})
    assert result["changed"] is False and result["exists"] is True
    assert result["container"]["Id"] == web.id and result["missing"] == []
    gone = ansible.ok("container_info", {"name": f"{prefix}-nothing"}, check=True)
    assert gone["exists"] is False and gone["container"] == {} and gone["missing"] == [f"{prefix}-nothing"]


def test_names_in_order_and_filters_in_one_call(engine, ansible, prefix, run_container):
    a = run_container("a", labels={"app": prefix})
    b = run_container("b", labels={"app": prefix})
    stopped = engine.containers.create("dockhand/busybox:latest", ["true"], name=f"{prefix}-c", labels={"app": prefix})
    result = ansible.ok("container_info", {"name": [b.name, a.name, f"{prefix}-none"]})
    assert [c["Id"] for c in result["containers"]] == [b.id, a.id] and result["missing"] == [f"{prefix}-none"]
    assert "exists" not in result
    labelled = ansible.ok("container_info", {"filters": {"label": [f"app={prefix}"]}})
    assert sorted(c["Id"] for c in labelled["containers"]) == sorted([a.id, b.id, stopped.id])
    running = ansible.ok("container_info", {"filters": {"label": [f"app={prefix}"], "status": ["running"]}})
    assert sorted(c["Id"] for c in running["containers"]) == sorted([a.id, b.id])


def test_bad_filter_is_named(ansible):
    result = ansible.fails("container_info", {"filters": {"no-such-filter": ["x"]}})
    assert result["msg"].startswith("listing containers: the engine answered 400")
