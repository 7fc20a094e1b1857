# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure parts of the info modules: the `docker system df` summary and the short listing columns."""

import pytest
from ansible_collections.dockhand.docker.plugins.module_utils import _info
from ansible_collections.dockhand.docker.plugins.module_utils._errors import APIError
from ansible_collections.dockhand.docker.plugins.module_utils._info import disk_usage_summary, read_disk_usage, short

DF = {
    "LayersSize": 1000,
    "Images": [
        {"Id": "a", "Containers": 1, "Size": 600, "SharedSize": 100},
        {"Id": "b", "Containers": 0, "Size": 500, "SharedSize": 100},
        {"Id": "c", "Containers": 0, "Size": 50, "SharedSize": -1},
    ],
    "Containers": [{"State": "running", "SizeRw": 10}, {"State": "exited", "SizeRw": 7}, {"State": "created"}],
    "Volumes": [{"UsageData": {"RefCount": 1, "Size": 300}}, {"UsageData": {"RefCount": 0, "Size": 40}},
                {"UsageData": {"RefCount": -1, "Size": -1}}],
    "BuildCache": [{"InUse": True, "Size": 5}, {"InUse": False, "Shared": False, "Size": 8}, {"Shared": True, "Size": 9}],
}


def test_disk_usage_summary_counts_like_docker_system_df():
    usage = disk_usage_summary(DF)
    assert usage["LayersSize"] == 1000
    assert usage["images"] == {"count": 3, "active": 1, "size": 1000, "reclaimable": 1000 - (600 - 100)}  # all but what "a" holds alone
    assert usage["containers"] == {"count": 3, "active": 1, "size": 17, "reclaimable": 7}
    assert usage["volumes"] == {"count": 3, "active": 1, "size": 340, "reclaimable": 40}  # -1: the engine did not measure
    assert usage["build_cache"] == {"count": 3, "active": 1, "size": 13, "reclaimable": 8}


def test_image_reclaimable_never_exceeds_the_layers_with_the_containerd_store():
    # the containerd store's image Size also counts the compressed content blobs, so it can exceed LayersSize
    df = {"LayersSize": 300, "Images": [{"Containers": 0, "Size": 400, "SharedSize": 0},
                                        {"Containers": 2, "Size": 900, "SharedSize": 0}]}
    images = disk_usage_summary(df)["images"]
    assert images["reclaimable"] == 0 and images["size"] == 300
    df["Images"][1]["Containers"] = 0
    assert disk_usage_summary(df)["images"]["reclaimable"] == 300


def test_disk_usage_summary_of_an_empty_engine():
    usage = disk_usage_summary({"LayersSize": 0, "Images": None, "Containers": [], "Volumes": None, "BuildCache": None})
    assert all(usage[k] == {"count": 0, "active": 0, "size": 0, "reclaimable": 0} for k in ("images", "containers", "volumes", "build_cache"))


def test_short_keeps_the_ls_columns_unless_verbose():
    items = [{"Name": "v", "Driver": "local", "Labels": {"a": "b"}, "Mountpoint": "/x"}]
    assert short("volumes", items, False) == [{"Driver": "local", "Name": "v"}]
    assert short("volumes", items, True) is items
    assert short("networks", [{"Id": "n"}], False) == [{"Id": "n", "Driver": None, "Name": None, "Scope": None}]


class _DfEngine:
    """An engine whose /system/df answers with the given errors first, then DF."""

    def __init__(self, errors):
        self.errors, self.calls = list(errors), 0
        self.api = self

    def df(self):
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return DF


REMOVED = APIError(500, "failed to retrieve container list: rw layer snapshot not found for container 3bbaa9d0a18b")
BEING_MADE = APIError(404, "NotFound: snapshot 327f513e5d08-init-parent-view-99289892-DiQ8 does not exist: not found")


@pytest.mark.parametrize("vanished", [REMOVED, BEING_MADE], ids=["removed-500", "being-made-404"])
def test_disk_usage_is_asked_again_when_an_object_vanished_while_the_engine_sized_it(monkeypatch, vanished):
    """Both answers met in CI on Docker 28.5 with the containerd store, while other tests made and removed containers."""
    monkeypatch.setattr(_info.time, "sleep", lambda seconds: None)
    engine = _DfEngine([vanished, vanished])
    assert read_disk_usage(engine) is DF and engine.calls == 3
    engine = _DfEngine([vanished] * 3)
    with pytest.raises(APIError, match="snapshot"):
        read_disk_usage(engine)
    assert engine.calls == 3


@pytest.mark.parametrize("error", [APIError(500, "something else broke"), APIError(404, "page not found"),
                                   APIError(409, "conflict: not found")])
def test_other_disk_usage_errors_are_not_asked_again(error):
    engine = _DfEngine([error])
    with pytest.raises(APIError):
        read_disk_usage(engine)
    assert engine.calls == 1
