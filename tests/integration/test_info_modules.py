"""dockhand.docker.image_info, network_info, volume_info and host_info against the real engine."""

import pytest
from _image_support import images_fixture  # noqa: F401  # pylint: disable=unused-import

BASE = "dockhand/busybox:latest"


def test_image_info_names_and_filters(engine, ansible, images):
    base_id = engine.api.inspect_image(BASE)["Id"]
    a, b = images.name("a"), images.name("b")
    engine.api.tag(BASE, a, "1")
    engine.api.tag(BASE, b, "1")
    one = ansible.ok("image_info", {"name": f"{a}:1"}, check=True)
    assert one["changed"] is False and [i["Id"] for i in one["images"]] == [base_id] and one["missing"] == []
    assert f"{a}:1" in one["images"][0]["RepoTags"]
    several = ansible.ok("image_info", {"name": [f"{b}:1", f"{a}:9"]})
    assert [i["Id"] for i in several["images"]] == [base_id] and several["missing"] == [f"{a}:9"]
    by_ref = ansible.ok("image_info", {"filters": {"reference": [f"{images.prefix}/*"]}})
    assert [i["Id"] for i in by_ref["images"]] == [base_id]  # both names are the one image: listed once
    none = ansible.ok("image_info", {"filters": {"reference": [f"{images.prefix}/none"]}})
    assert none["images"] == []


def test_network_info_community_shape_and_filters(engine, ansible, prefix):
    net = engine.networks.create(f"{prefix}-net", labels={"dhtest": prefix})
    other = engine.networks.create(f"{prefix}-other", labels={"dhtest": prefix})
    one = ansible.ok("network_info", {"name": net.name})
    assert one["exists"] is True and one["network"]["Id"] == net.id and one["networks"] == [one["network"]]
    gone = ansible.ok("network_info", {"name": f"{prefix}-none"}, check=True)
    assert gone["exists"] is False and gone["network"] == {} and gone["missing"] == [f"{prefix}-none"]
    labelled = ansible.ok("network_info", {"filters": {"label": [f"dhtest={prefix}"]}})
    assert sorted(n["Id"] for n in labelled["networks"]) == sorted([net.id, other.id]) and "exists" not in labelled
    both = ansible.ok("network_info", {"name": [other.name, net.id], "filters": {"label": [f"dhtest={prefix}"]}})
    assert [n["Id"] for n in both["networks"]] == [other.id, net.id]  # named first, in order, each once


def test_volume_info_community_shape_and_filters(engine, ansible, prefix):
    vol = engine.volumes.create(f"{prefix}-data", labels={"dhtest": prefix})
    engine.volumes.create(f"{prefix}-more", labels={"dhtest": prefix})
    one = ansible.ok("volume_info", {"volume_name": vol.name})
    assert one["exists"] is True and one["volume"]["Name"] == vol.name and one["volume"]["Labels"] == {"dhtest": prefix}
    gone = ansible.ok("volume_info", {"name": f"{prefix}-none"}, check=True)
    assert gone["exists"] is False and gone["volume"] == {}
    labelled = ansible.ok("volume_info", {"filters": {"label": f"dhtest={prefix}"}})
    assert sorted(v["Name"] for v in labelled["volumes"]) == [f"{prefix}-data", f"{prefix}-more"]


def test_host_info_lists_and_disk_usage(engine, ansible, prefix, images, run_container):
    running = run_container("up", labels={"dhtest": prefix})
    stopped = engine.containers.create(BASE, ["true"], name=f"{prefix}-down", labels={"dhtest": prefix})
    engine.networks.create(f"{prefix}-net", labels={"dhtest": prefix})
    engine.volumes.create(f"{prefix}-data", labels={"dhtest": prefix})
    engine.api.tag(BASE, images.name("x"), "1")
    label = [f"dhtest={prefix}"]
    args = {"containers": True, "containers_filters": {"label": label}, "images": True,
            "images_filters": {"reference": f"{images.prefix}/*"}, "networks": True, "networks_filters": {"label": label},
            "volumes": True, "volumes_filters": {"label": label}, "disk_usage": True}
    result = ansible.ok("host_info", args, check=True)
    assert result["changed"] is False and result["can_talk_to_docker"] is True
    assert result["host_info"]["ID"] == engine.info()["ID"] and result["version"]["ApiVersion"] == engine.version()["ApiVersion"]
    assert [c["Id"] for c in result["containers"]] == [running.id]  # running only, as docker ps
    assert set(result["containers"][0]) == {"Id", "Image", "Command", "Created", "Status", "Ports", "Names"}
    assert [i["RepoTags"] for i in result["images"]] == [[f"{images.name('x')}:1"]]
    assert [n["Name"] for n in result["networks"]] == [f"{prefix}-net"] and set(result["networks"][0]) == {"Id", "Driver", "Name", "Scope"}
    assert result["volumes"] == [{"Driver": "local", "Name": f"{prefix}-data"}]
    usage = result["disk_usage"]
    assert set(usage) == {"LayersSize", "images", "containers", "volumes", "build_cache"}
    assert usage["images"]["count"] >= 1 and usage["containers"]["active"] >= 1 and usage["volumes"]["count"] >= 1
    assert 0 <= usage["images"]["reclaimable"] <= usage["images"]["size"] == usage["LayersSize"]

    verbose = ansible.ok("host_info", dict(args, containers_all=True, verbose_output=True, images=False, networks=False))
    assert sorted(c["Id"] for c in verbose["containers"]) == sorted([running.id, stopped.id])
    assert "Labels" in verbose["containers"][0] and "images" not in verbose and "networks" not in verbose
    assert isinstance(verbose["disk_usage"]["Images"], list)


@pytest.mark.parametrize("module, args, option", [
    ("host_info", {"containers": True, "containers_filters": {"no-such-filter": "x"}}, "containers_filters"),
    ("host_info", {"volumes": True, "volumes_filters": {"no-such-filter": "x"}}, "volumes_filters"),
    ("image_info", {"filters": {"no-such-filter": "x"}}, "filters"),
    ("network_info", {"filters": {"no-such-filter": "x"}}, "filters"),
    ("volume_info", {"filters": {"no-such-filter": "x"}}, "filters"),
])
def test_bad_filters_name_the_option(ansible, module, args, option):
    for check in (True, False):
        result = ansible.fails(module, args, check=check)
        assert result["option"] == option and result["msg"].startswith(f"{option}: "), result["msg"]
