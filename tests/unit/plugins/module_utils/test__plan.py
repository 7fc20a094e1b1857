"""The one compare(), field changes, merges and plan diffs (pure)."""

import pytest

from ansible_collections.dockhand.docker.plugins.module_utils._plan import Action, Change, Plan, compare, field_changes, merged


@pytest.mark.parametrize("mode, want, have, same", [
    ("value", None, "anything", True),
    ("value", "bridge", "bridge", True),
    ("value", "bridge", "macvlan", False),
    ("value", False, None, False),
    ("set", ["a", "b"], ["b", "a"], True),
    ("set", ["a"], ["a", "b"], False),
    ("set", [{"x": 1}], [{"x": 1}], True),
    ("set", [], None, True),
    ("subset", {"a": "1"}, {"a": "1", "b": "2"}, True),
    ("subset", {"a": "1"}, {"a": "2"}, False),
    ("subset", {"a": "1"}, None, False),
    ("subset", {}, None, True),
    ("blocks", [{"subnet": "10.0.0.0/24"}], [{"subnet": "10.0.0.0/24", "gateway": "10.0.0.1"}], True),
    ("blocks", [{"subnet": "10.0.0.0/24", "gateway": "10.0.0.2"}], [{"subnet": "10.0.0.0/24", "gateway": "10.0.0.1"}], False),
    ("blocks", [{"subnet": "10.0.1.0/24"}, {"subnet": "10.0.0.0/24"}], [{"subnet": "10.0.0.0/24"}, {"subnet": "10.0.1.0/24"}], True),
    ("blocks", [{"subnet": "10.0.0.0/24"}], [{"subnet": "10.0.0.0/24"}, {"subnet": "10.0.1.0/24"}], False),
    ("blocks", [{"subnet": "10.0.0.0/24"}, {"subnet": "10.0.0.0/24"}], [{"subnet": "10.0.0.0/24"}, {"subnet": "10.0.1.0/24"}], False),
])
def test_compare(mode, want, have, same):
    assert compare(mode, want, have) is same


def test_compare_rejects_unknown_mode():
    with pytest.raises(ValueError):
        compare("fuzzy", 1, 1)


def test_field_changes_only_for_differing_managed_fields():
    fields = {"driver": "value", "labels": "subset", "internal": "value"}
    want = {"driver": "bridge", "labels": {"a": "2"}, "internal": None}
    have = {"driver": "bridge", "labels": {"a": "1", "other": "x"}, "internal": True}
    assert field_changes(fields, want, have, how={"labels": "update"}) == [Change("labels", {"a": "1"}, {"a": "2"}, "update")]
    assert field_changes(fields, want, None) == []


def test_merged_keeps_unmanaged_settings_and_unlisted_keys():
    have = {"driver": "bridge", "labels": {"a": "1", "b": "2"}, "ipam_config": [{"subnet": "10.0.0.0/24"}]}
    want = {"driver": None, "labels": {"a": "3"}, "ipam_config": None, "internal": True}
    assert merged(have, want) == {"driver": "bridge", "labels": {"a": "3", "b": "2"},
                                  "ipam_config": [{"subnet": "10.0.0.0/24"}], "internal": True}
    assert merged(None, want) == {"labels": {"a": "3"}, "internal": True}


def test_diff_of_create_remove_change_and_nothing():
    create = Plan("volume", "v", None, {"driver": "local", "labels": None})
    create.add(Action("create", "volume v"))
    assert create.diff() == {"before": {"exists": False}, "after": {"exists": True, "driver": "local"}}
    remove = Plan("volume", "v", {"driver": "local"}, None)
    remove.add(Action("remove", "volume v"))
    assert remove.diff() == {"before": {"exists": True, "driver": "local"}, "after": {"exists": False}}
    change = Plan("network", "n", {"labels": {"a": "1"}}, {"labels": {"a": "2"}})
    change.add(Action("recreate", "network n", (Change("labels", {"a": "1"}, {"a": "2"}),)))
    assert change.diff() == {"before": {"exists": True, "labels": {"a": "1"}}, "after": {"exists": True, "labels": {"a": "2"}}}
    assert change.changed and change.changes == [Change("labels", {"a": "1"}, {"a": "2"})]
    nothing = Plan("network", "n", {"labels": {}}, {"labels": {}})
    assert not nothing.changed and nothing.diff() == {"before": {}, "after": {}}


def test_describe_is_readable():
    action = Action("recreate", "volume v", (Change("driver_options", {"o": "a"}, {"o": "b"}),), note="its data is deleted")
    assert action.describe() == 'recreate volume v: driver_options: {"o": "a"} -> {"o": "b"} (recreate) (its data is deleted)'
