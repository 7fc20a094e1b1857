# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""converge(): the one place that plans, applies unless check mode, and reads the result back."""

from dataclasses import dataclass

import pytest

from ansible_collections.dockhand.docker.plugins.module_utils._plan import Action, Plan
from ansible_collections.dockhand.docker.plugins.module_utils._runner import converge


@dataclass(frozen=True)
class Want:
    name: str


class RecordingKind:
    """A kind that counts its engine reads; `actions` is what its plan asks for."""

    kind = "thing"
    phase = 0

    def __init__(self, actions, keeps_inspect=True):
        self.actions, self.keeps_inspect = actions, keeps_inspect
        self.reads, self.applied = [], []

    @staticmethod
    def desired(params):
        return Want(params["name"])

    def read(self, client, want):
        self.reads.append("read")
        return {"inspect": {"Id": "before"}} if self.keeps_inspect else {}

    def plan(self, want, actual):
        plan = Plan("thing", want.name, {}, {})
        for verb in self.actions:
            plan.add(Action(verb, f"thing {want.name}"))
        return plan

    def apply(self, client, action):
        self.applied.append(action.verb)

    def inspect(self, client, want):
        self.reads.append("inspect")
        return {"Id": "after"}


@pytest.mark.parametrize("actions, check_mode", [([], False), ([], True), (["create"], True)])
def test_nothing_applied_returns_what_read_saw_without_a_second_read(actions, check_mode):
    kind = RecordingKind(actions)
    converged = converge(kind, None, Want("x"), check_mode)
    plan, data = converged.plan, converged.data
    assert kind.reads == ["read"] and kind.applied == []
    assert data == {"Id": "before"}
    assert plan.changed == bool(actions)


def test_an_applied_action_is_read_back():
    kind = RecordingKind(["create"])
    converged = converge(kind, None, Want("x"), False)
    _plan, data = converged.plan, converged.data
    assert kind.applied == ["create"]
    assert kind.reads == ["read", "inspect"] and data == {"Id": "after"}


def test_a_kind_that_keeps_no_inspect_is_always_read_back():
    kind = RecordingKind([], keeps_inspect=False)
    converged = converge(kind, None, Want("x"), False)
    _plan, data = converged.plan, converged.data
    assert kind.reads == ["read", "inspect"] and data == {"Id": "after"}
