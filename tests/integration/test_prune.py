"""dockhand.docker.prune against the real engine. Every run is limited by label filters to what the test made, so it
never touches other tests' resources (nor the base image)."""

import time

import pytest

BASE = "dockhand/busybox:latest"


@pytest.fixture(name="made")
def made_fixture(engine, prefix, run_container):
    """Labelled things of this test: some the prune must remove, some it must keep. Removed afterwards."""
    label = {"dhtest.prune": prefix}
    things = {
        "stopped": [engine.containers.create(BASE, ["true"], name=f"{prefix}-s{i}", labels=label) for i in (1, 2)],
        "running": run_container("up", labels=label),
        "unlabelled": engine.containers.create(BASE, ["true"], name=f"{prefix}-other"),
        "free_net": engine.networks.create(f"{prefix}-free", labels=label),
        "used_net": engine.networks.create(f"{prefix}-used", labels=label),
        "named": engine.volumes.create(f"{prefix}-named", labels=label),
        "anonymous": engine.volumes.create(labels=label),  # the engine names it (64 hex digits)
    }
    things["used_net"].connect(things["running"])
    commit_from = things["stopped"][0]
    things["image"] = engine.api.commit(commit_from.id, conf={"Labels": label})["Id"]  # untagged: dangling
    yield things
    for image in engine.images.list(all=True, filters={"label": f"dhtest.prune={prefix}"}):
        engine.api.remove_image(image.id, force=True)
    for volume in engine.volumes.list(filters={"label": f"dhtest.prune={prefix}"}):
        volume.remove(force=True)


def labelled(engine, prefix):
    """Everything carrying this test's label, as sorted names/IDs per kind: the snapshot check mode must not change."""
    flt = {"label": f"dhtest.prune={prefix}"}
    return {
        "containers": sorted(c.id for c in engine.containers.list(all=True, filters=flt)),
        "images": sorted(i.id for i in engine.images.list(all=True, filters=flt)),
        "networks": sorted(n.name for n in engine.networks.list(filters=flt)),
        "volumes": sorted(v.name for v in engine.volumes.list(filters=flt)),
    }


def test_prune_removes_exactly_what_check_mode_listed(engine, ansible, prefix, made):
    label = [f"dhtest.prune={prefix}"]
    args = {"containers": True, "containers_filters": {"label": label}, "images": True, "images_filters": {"label": label},
            "networks": True, "networks_filters": {"label": label}, "volumes": True, "volumes_filters": {"label": label}}
    stopped = sorted(c.id for c in made["stopped"])
    expected = {"containers": stopped, "images": [made["image"]], "networks": [f"{prefix}-free"],
                "volumes": [made["anonymous"].name]}  # named volumes only with all: true

    def listed(result):
        return {key: sorted(result[key]) for key in expected}

    # a guard before anything real runs: check mode picks exactly this test's things
    assert listed(ansible.ok("prune", args, check=True)) == expected
    check = ansible.converge("prune", args, lambda: labelled(engine, prefix))
    assert listed(check) == expected
    assert check["containers_space_reclaimed"] >= 0 and check["images_space_reclaimed"] >= 0
    assert set(check["disk_usage"]) >= {"images", "containers", "volumes", "build_cache"}
    applied = check.applied
    for key in ("containers", "images", "networks", "volumes", "containers_space_reclaimed", "images_space_reclaimed",
                "volumes_space_reclaimed"):
        assert applied[key] == check[key], key
    left = labelled(engine, prefix)
    assert left["containers"] == [made["running"].id] and left["images"] == []
    assert left["networks"] == [f"{prefix}-used"] and left["volumes"] == [f"{prefix}-named"]
    assert engine.containers.get(made["unlabelled"].id).status == "created"  # outside the filters: kept
    assert engine.images.get(BASE)

    # with all: true the unused named volume goes too; --diff names it
    every = {"volumes": True, "volumes_filters": {"all": True, "label": label}}
    assert ansible.ok("prune", every, check=True)["volumes"] == [f"{prefix}-named"]
    check = ansible.converge("prune", every, lambda: labelled(engine, prefix))
    assert check["volumes"] == [f"{prefix}-named"] and check.applied["volumes"] == [f"{prefix}-named"]
    assert check.applied["diff"] == {"before": {"exists": True, "volumes": [f"{prefix}-named"]}, "after": {"exists": True, "volumes": []}}
    assert "containers" not in check and labelled(engine, prefix)["volumes"] == []


def test_until_keeps_what_is_newer(engine, ansible, prefix, made):
    args = {"containers": True, "containers_filters": {"label": f"dhtest.prune={prefix}", "until": "1h"}}
    result = ansible.ok("prune", args)
    assert result["changed"] is False and result["containers"] == [] and result["actions"] == []
    assert len(labelled(engine, prefix)["containers"]) == 3
    later = int(time.time()) + 3600  # everything was created before this time: check mode lists both stopped ones
    check = ansible.ok("prune", dict(args, containers_filters={"label": f"dhtest.prune={prefix}", "until": str(later)}), check=True)
    assert sorted(check["containers"]) == sorted(c.id for c in made["stopped"]) and check["changed"] is True
    assert len(labelled(engine, prefix)["containers"]) == 3


@pytest.mark.parametrize("args, option, words", [
    ({"containers": True, "containers_filters": {"dangling": True}}, "containers_filters", "unknown filter 'dangling'"),
    ({"images": True, "images_filters": {"until": "yesterday", "label": "x"}}, "images_filters", "is not a duration"),
    ({"volumes": True, "volumes_filters": {"all": "perhaps"}}, "volumes_filters", "must be true or false"),
    ({"networks_filters": {"label": "x"}}, "networks_filters", "only used with networks: true"),
])
def test_bad_filters_name_the_option_and_remove_nothing(engine, ansible, prefix, made, args, option, words):
    before = labelled(engine, prefix)
    for check in (True, False):
        result = ansible.fails("prune", args, check=check)
        assert result["msg"].startswith(f"{option}: ") and words in result["msg"], result["msg"]
    assert labelled(engine, prefix) == before
