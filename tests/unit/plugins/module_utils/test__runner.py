# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""converge(): the one place that plans, applies unless check mode, and reads the result back."""

import pytest

from ansible_collections.dockhand.docker.plugins.module_utils._plan import Action, Plan
from ansible_collections.dockhand.docker.plugins.module_utils._runner import converge


class RecordingKind:
    """A kind that counts its engine reads; `actions` is what its plan asks for."""

    kind = "thing"

    def __init__(self, actions, keeps_inspect=True):
        self.actions, self.keeps_inspect = actions, keeps_inspect
        self.reads, self.applied = [], []

    @staticmethod
    def name(params):
        return params["name"]

    @staticmethod
    def desired(params):
        return {}

    def read(self, client, params, want):
        self.reads.append("read")
        return {"inspect": {"Id": "before"}} if self.keeps_inspect else {}

    def plan(self, want, actual, params):
        plan = Plan("thing", params["name"], {}, {})
        for verb in self.actions:
            plan.add(Action(verb, f"thing {params['name']}"))
        return plan

    def apply(self, client, action, params):
        self.applied.append(action.verb)

    def inspect(self, client, params):
        self.reads.append("inspect")
        return {"Id": "after"}


@pytest.mark.parametrize("actions, check_mode", [([], False), ([], True), (["create"], True)])
def test_nothing_applied_returns_what_read_saw_without_a_second_read(actions, check_mode):
    kind = RecordingKind(actions)
    plan, data = converge(kind, None, {"name": "x"}, check_mode)
    assert kind.reads == ["read"] and kind.applied == []
    assert data == {"Id": "before"}
    assert plan.changed == bool(actions)


def test_an_applied_action_is_read_back():
    kind = RecordingKind(["create"])
    _plan, data = converge(kind, None, {"name": "x"}, False)
    assert kind.applied == ["create"]
    assert kind.reads == ["read", "inspect"] and data == {"Id": "after"}


def test_a_kind_that_keeps_no_inspect_is_always_read_back():
    kind = RecordingKind([], keeps_inspect=False)
    _plan, data = converge(kind, None, {"name": "x"}, False)
    assert kind.reads == ["read", "inspect"] and data == {"Id": "after"}
