"""Volume and network plans from recorded actual states: no engine (pure)."""

import pytest

from ansible_collections.dockhand.docker.plugins.module_utils._network import NetworkKind
from ansible_collections.dockhand.docker.plugins.module_utils._network import NETWORK_SPEC
from ansible_collections.dockhand.docker.plugins.module_utils._volume import VOLUME_SPEC
from ansible_collections.dockhand.docker.plugins.module_utils._errors import ParamError
from ansible_collections.dockhand.docker.plugins.module_utils._volume import VolumeKind


def params(spec, **given):
    """Module params as AnsibleModule would pass them: every option present, defaults applied."""
    out = {name: opt.get("default") for name, opt in spec.items()}
    out.update(given)
    return out


def plan(kind, spec, actual, **given):
    p = params(spec, **given)
    return kind.plan(kind.desired(p), actual)


VOLUME = {"driver": "local", "driver_options": {"type": "tmpfs", "o": "size=8m"}, "labels": {"a": "1"}}


def test_volume_absent_is_created_and_present_is_left_alone():
    assert plan(VolumeKind, VOLUME_SPEC, {"state": None, "users": [], "drivers": None}, name="v").describe() == ["create volume v"]
    same = plan(VolumeKind, VOLUME_SPEC, {"state": VOLUME, "users": [], "drivers": None}, name="v", labels={"a": "1"})
    assert not same.changed


def test_volume_recreate_only_when_allowed_and_unused():
    actual = {"state": VOLUME, "users": [], "drivers": None}
    with pytest.raises(ParamError) as err:
        plan(VolumeKind, VOLUME_SPEC, actual, name="v", driver_options={"o": "size=16m"})
    assert err.value.option == "recreate"
    recreate = plan(VolumeKind, VOLUME_SPEC, actual, name="v", driver_options={"o": "size=16m"}, recreate="options-changed")
    assert [a.verb for a in recreate.actions] == ["recreate"]
    # options the task does not list carry over into the new volume
    assert recreate.actions[0].data["config"]["driver_options"] == {"type": "tmpfs", "o": "size=16m"}
    with pytest.raises(ParamError) as err:
        plan(VolumeKind, VOLUME_SPEC, dict(actual, users=["db"]), name="v", driver_options={"o": "x"}, recreate="options-changed")
    assert "db" in str(err.value)
    always = plan(VolumeKind, VOLUME_SPEC, actual, name="v", recreate="always")
    assert [a.verb for a in always.actions] == ["recreate"]


def test_volume_remove_in_use_needs_force():
    actual = {"state": VOLUME, "users": ["db"], "drivers": None}
    with pytest.raises(ParamError) as err:
        plan(VolumeKind, VOLUME_SPEC, actual, name="v", state="absent")
    assert err.value.option == "force"
    forced = plan(VolumeKind, VOLUME_SPEC, actual, name="v", state="absent", force=True)
    assert forced.describe() == ["remove container db (uses volume v)", "remove volume v"]
    assert not plan(VolumeKind, VOLUME_SPEC, {"state": None, "users": [], "drivers": None}, name="v", state="absent").changed


NETWORK = {"driver": "bridge", "driver_options": {}, "ipam_driver": "default", "ipam_driver_options": {},
           "ipam_config": [{"subnet": "10.1.0.0/24", "gateway": "10.1.0.1"}], "internal": False, "attachable": False,
           "enable_ipv6": False, "labels": {}, "connected": ["a", "b"]}


def net_actual(**extra):
    return dict({"state": NETWORK, "members": {"a": "a" * 64, "b": "b" * 64}, "missing": [], "drivers": None}, **extra)


def test_network_connects_in_place_and_never_detaches_unlisted():
    result = plan(NetworkKind, NETWORK_SPEC, net_actual(), name="n", connected=["c", "a"])
    assert result.describe() == ["connect container c to network n"]
    assert [c.as_dict() for c in result.changes] == [{"field": "connected", "before": ["a", "b"], "after": ["a", "b", "c"], "how": "connect/disconnect"}]


def test_network_purge_disconnects_unlisted_and_matches_ids():
    result = plan(NetworkKind, NETWORK_SPEC, net_actual(), name="n", connected=["b" * 12], purge_connected=True)
    assert result.describe() == ["disconnect container a from network n"]


def test_network_difference_needs_recreate_and_reconnects_kept_members():
    with pytest.raises(ParamError) as err:
        plan(NetworkKind, NETWORK_SPEC, net_actual(), name="n", internal=True)
    assert err.value.option == "recreate" and "internal: false -> true" in str(err.value)
    result = plan(NetworkKind, NETWORK_SPEC, net_actual(), name="n", internal=True, recreate="options-changed",
                  connected=["a"], purge_connected=True)
    (action,) = result.actions
    assert action.verb == "recreate" and action.data["reconnect"] == ["a"] and not action.atomic
    assert action.data["config"]["ipam_config"] == NETWORK["ipam_config"]  # unmanaged settings carry over
    assert action.describe().endswith("(reconnects a; does not reconnect b)")


def test_network_ipam_given_keys_only():
    same = plan(NetworkKind, NETWORK_SPEC, net_actual(), name="n", ipam_config=[{"subnet": "10.1.0.0/24"}])
    assert not same.changed


def test_network_remove_with_members_needs_force():
    with pytest.raises(ParamError):
        plan(NetworkKind, NETWORK_SPEC, net_actual(), name="n", state="absent")
    forced = plan(NetworkKind, NETWORK_SPEC, net_actual(), name="n", state="absent", force=True)
    assert forced.describe() == ["disconnect container a from network n", "disconnect container b from network n", "remove network n"]


def test_network_engine_facts_are_checked_before_any_write():
    with pytest.raises(ParamError) as err:
        plan(NetworkKind, NETWORK_SPEC, net_actual(state=None, members={}, drivers=["bridge"]), name="n", driver="weave")
    assert err.value.option == "driver"
    with pytest.raises(ParamError) as err:
        plan(NetworkKind, NETWORK_SPEC, net_actual(missing=["ghost"]), name="n", connected=["ghost"])
    assert err.value.option == "connected"


@pytest.mark.parametrize("block, option", [
    ({"subnet": "10.0.0.0/24", "iprange": "10.0.1.0/25"}, "ipam_config[0].iprange"),
    ({"subnet": "10.0.0.0/24", "iprange": "fd00::/120"}, "ipam_config[0].iprange"),
    ({"subnet": "10.0.0.0/24", "aux_addresses": {"r": "10.9.0.1"}}, "ipam_config[0].aux_addresses.r"),
    ({"subnet": "10.0.0.0/24", "aux_addresses": {"r": 1}}, "ipam_config[0].aux_addresses"),
])
def test_network_ipam_validation(block, option):
    full = dict({"subnet": None, "gateway": None, "iprange": None, "aux_addresses": None}, **block)
    with pytest.raises(ParamError) as err:
        NetworkKind.desired(params(NETWORK_SPEC, name="n", ipam_config=[full]))
    assert err.value.option == option
