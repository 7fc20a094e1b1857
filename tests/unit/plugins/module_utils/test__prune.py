# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The prune kind's pure parts: its filters, the engine's image removal rules, and the plan from the engine's lists."""

import pytest

from ansible_collections.dockhand.docker.plugins.module_utils._errors import ParamError
from ansible_collections.dockhand.docker.plugins.module_utils._prune import (
    PruneKind, epoch, images_to_remove, matches, parse_filters,
)

NOW = 1_800_000_000.0


def test_filters_are_checked_per_kind():
    assert parse_filters("containers", {"label": "a=b", "until": "24h"}) == {"label": ["a=b"], "until": ["24h"]}
    assert parse_filters("images", {"dangling": False}) == {"dangling": ["false"]}
    with pytest.raises(ParamError, match="unknown filter 'dangling'; containers prune knows until, label, label!") as err:
        parse_filters("containers", {"dangling": True})
    assert err.value.option == "containers_filters"
    with pytest.raises(ParamError, match="until: 'soon' is not a duration"):
        parse_filters("networks", {"until": "soon"})
    with pytest.raises(ParamError, match="all: must be true or false"):
        parse_filters("volumes", {"all": "maybe"})


def test_filters_without_their_kind_are_refused():
    with pytest.raises(ParamError) as err:
        PruneKind.desired({"images": False, "images_filters": {"dangling": False}})
    assert err.value.option == "images_filters"


@pytest.mark.parametrize("filters, labels, created, expected", [
    ({}, None, None, True),
    ({"label": ["a"]}, {"a": "1"}, None, True),
    ({"label": ["a=2"]}, {"a": "1"}, None, False),
    ({"label": ["a", "b"]}, {"a": "1"}, None, False),
    ({"label!": ["a"]}, {"a": "1"}, None, False),
    ({"label!": ["a", "b"]}, {"a": "1"}, None, True),  # the engine skips only when every label! matches
    ({"until": ["1h"]}, {}, NOW - 7200, True),
    ({"until": ["1h"]}, {}, NOW - 60, False),
    ({"until": ["2020-01-01T00:00:00Z"]}, {}, 1_500_000_000, True),
    ({"until": [str(int(NOW - 10))]}, {}, NOW, False),
])
def test_matches_like_the_engine(filters, labels, created, expected):
    assert matches(filters, labels, created, NOW) is expected


def test_epoch_reads_engine_times():
    assert epoch(12) == 12.0 and epoch(None) is None
    assert epoch("2020-01-01T00:00:00.123456789Z") == pytest.approx(1577836800.123456)


def test_images_to_remove_follows_untagged_parents():
    listed = [
        {"Id": "base", "ParentId": "", "RepoTags": ["busybox:latest"]},
        {"Id": "mid", "ParentId": "base", "RepoTags": ["<none>:<none>"]},
        {"Id": "top", "ParentId": "mid", "RepoTags": None, "Labels": {"x": "1"}},
        {"Id": "used", "ParentId": "base", "RepoTags": None},
        {"Id": "tagged", "ParentId": "base", "RepoTags": ["app:1"]},
        {"Id": "shared", "ParentId": "", "RepoTags": None},
        {"Id": "child1", "ParentId": "shared", "RepoTags": ["c:1"]},
        {"Id": "child2", "ParentId": "shared", "RepoTags": None},
    ]
    assert images_to_remove(listed, {"used"}, {}, NOW) == [("child2", []), ("top", []), ("mid", [])]
    assert images_to_remove(listed, {"used"}, {"dangling": ["false"]}, NOW) == [
        ("child1", ["c:1"]), ("child2", []), ("shared", []), ("tagged", ["app:1"]), ("top", []), ("mid", [])]
    assert images_to_remove(listed, set(), {"label": ["x"]}, NOW) == [("top", []), ("mid", [])]


def test_plan_lists_what_goes_and_the_space():
    df = {
        "LayersSize": 10,
        "Containers": [
            {"Id": "c1", "Names": ["/job-1"], "State": "exited", "SizeRw": 5, "Labels": {"ci": "1"}, "Created": 1},
            {"Id": "c2", "Names": ["/web"], "State": "running", "SizeRw": 7, "Labels": {"ci": "1"}, "Created": 1},
            {"Id": "c3", "Names": ["/other"], "State": "exited", "Labels": {}, "Created": 1},
        ],
        "Volumes": [
            {"Name": "a" * 64, "Labels": {"ci": "1"}, "UsageData": {"RefCount": 0, "Size": 100}},
            {"Name": "named", "Labels": {"ci": "1"}, "UsageData": {"RefCount": 0, "Size": 50}},
            {"Name": "b" * 64, "Labels": {"ci": "1"}, "UsageData": {"RefCount": 1, "Size": 9}},
        ],
    }
    want = PruneKind.desired({"containers": True, "containers_filters": {"label": "ci"}, "volumes": True,
                              "volumes_filters": {"label": ["ci"]}})
    plan = PruneKind.plan(want, {"now": NOW, "df": df})
    assert plan.facts == {"containers": ["c1"], "containers_space_reclaimed": 5, "volumes": ["a" * 64], "volumes_space_reclaimed": 100}
    assert plan.describe() == ['prune 1 container: containers: ["job-1"] -> [] (remove) (frees 5 bytes)',
                               f'prune 1 volume: volumes: ["{"a" * 64}"] -> [] (remove) (frees 100 bytes)']
    every = PruneKind.desired({"volumes": True, "volumes_filters": {"all": True, "label": "ci"}})
    assert PruneKind.plan(every, {"now": NOW, "df": df}).facts["volumes"] == ["a" * 64, "named"]
    nothing = PruneKind.plan(PruneKind.desired({"containers": True, "containers_filters": {"label": "none"}}), {"now": NOW, "df": df})
    assert nothing.actions == [] and nothing.facts == {"containers": [], "containers_space_reclaimed": 0}
