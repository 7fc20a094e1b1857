# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""The plan: what differs between desired and actual state, and the actions that converge them.

Everything here is pure: no engine, no AnsibleModule. The one compare() is the only place where
comparison semantics are written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


# How a desired value is compared with the actual one. A desired value of None is never compared (not managed).
#   value   equal
#   set     same members, any order (lists)
#   subset  every desired key present with an equal value (a desired None: the key is absent); other keys are left alone
#   blocks  lists of dicts, matched in any order, each desired dict compared as a subset of one actual dict
#   contains  what the task lists must be present, more is fine: list members (any order), dict keys with equal values,
#             else equal (community.docker's comparisons: allow_more_present)


def _canon(value):
    return json.dumps(value, sort_keys=True, default=str)


def _subset(want, have):
    have = have or {}
    return all((k not in have) if v is None else (k in have and have[k] == v) for k, v in want.items())


def compare(mode, want, have):
    """True when `have` satisfies `want` under `mode`."""
    if want is None:
        return True
    if mode == "value":
        return want == have
    if mode == "set":
        return sorted(map(_canon, want)) == sorted(map(_canon, have or []))
    if mode == "subset":
        return _subset(want, have)
    if mode == "contains":
        if isinstance(want, dict):
            return _subset(want, have)
        if isinstance(want, list):
            present = set(map(_canon, have or []))
            return all(_canon(item) in present for item in want)
        return want == have
    if mode == "blocks":
        remaining = list(have or [])
        if len(remaining) != len(want):
            return False
        for block in want:
            match = next((i for i, candidate in enumerate(remaining) if _subset(block, candidate)), None)
            if match is None:
                return False
            remaining.pop(match)
        return True
    raise ValueError(f"unknown compare mode {mode!r}")


@dataclass(frozen=True)
class Change:
    """One field that differs; `how` says how it converges (update in place, recreate, restart, ...)."""

    field: str
    before: Any
    after: Any
    how: str = "recreate"

    def describe(self):
        return f"{self.field}: {_short(self.before)} -> {_short(self.after)} ({self.how})"

    def as_dict(self):
        return {"field": self.field, "before": self.before, "after": self.after, "how": self.how}


def _short(value):
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= 120 else text[:117] + "..."


def field_changes(fields, want, have, how=None):
    """Changes for every field in `fields` ({name: compare mode}) where have does not satisfy want.

    `have` None means the resource does not exist: nothing to compare. `how` maps a field name to how it converges.
    """
    if have is None:
        return []
    found = []
    for name, mode in fields.items():
        desired = want.get(name)
        actual = have.get(name)
        if not compare(mode, desired, actual):
            shown = {k: actual.get(k) for k in desired} if mode == "subset" and isinstance(actual, dict) else actual
            found.append(Change(name, shown, desired, (how or {}).get(name, "recreate")))
    return found


def merged(have, want):
    """The resource's settings after a recreate: what the task sets, over what it has (unmanaged settings carry over).

    Dicts compared as subsets merge key by key, so keys the task does not list carry over too."""
    out = dict(have or {})
    for key, value in want.items():
        if value is None:
            continue
        out[key] = dict(out.get(key) or {}, **value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def describe_changes(changes):
    """'driver: "a" -> "b"; labels: ...' for messages."""
    return "; ".join(f"{c.field}: {_short(c.before)} -> {_short(c.after)}" for c in changes)


@dataclass
class Action:
    """One step of a plan. `verb` is what the kind's apply() dispatches on; `data` carries everything apply needs
    (bodies, parsed references, the resource's name), so apply never goes back to the task."""

    verb: str
    target: str
    changes: tuple = ()
    data: dict = field(default_factory=dict)
    note: str = ""
    atomic: bool = True  # False when the action takes several engine calls and can fail half-way

    def describe(self):
        text = f"{self.verb} {self.target}"
        if self.changes:
            text += ": " + "; ".join(c.describe() for c in self.changes)
        if self.note:
            text += f" ({self.note})"
        return text


@dataclass(frozen=True)
class Outcome:
    """What one applied action reports back: `changed` when it knows better than the plan (a build that left the image
    ID where it was changed nothing), and `facts`, further result keys (a build log, a container's output)."""

    changed: bool | None = None
    facts: dict = field(default_factory=dict)


def add_facts(facts, more):
    """Merge an Outcome's facts into the result's: lists grow, dicts are updated, other values replaced."""
    for key, value in more.items():
        if isinstance(value, list) and isinstance(facts.get(key), list):
            facts[key] = facts[key] + value
        elif isinstance(value, dict) and isinstance(facts.get(key), dict):
            facts[key] = dict(facts[key], **value)
        else:
            facts[key] = value
    return facts


@dataclass
class Plan:
    """The actions that take `before` (actual, or None if absent) to `after` (expected, or None if removed)."""

    kind: str
    name: str
    before: dict | None
    after: dict | None
    actions: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # every field that differs; diff() shows these
    facts: dict = field(default_factory=dict)    # result keys the plan already knows; applied actions add to them

    @property
    def changed(self):
        return bool(self.actions)

    def add(self, action):
        """Append an action and record its field changes."""
        self.actions.append(action)
        self.changes.extend(c for c in action.changes if c not in self.changes)
        return action

    def describe(self):
        return [a.describe() for a in self.actions]

    def diff(self):
        """Before/after of what the plan changes: the whole resource when it appears or goes, else the changed fields."""
        if not self.actions:
            return {"before": {}, "after": {}}
        if self.before is None or self.after is None:
            return {"before": _state(self.before), "after": _state(self.after)}
        before, after = {"exists": True}, {"exists": True}
        for change in self.changes:
            before[change.field] = change.before
            after[change.field] = change.after
        return {"before": before, "after": after}


def _state(state):
    if state is None:
        return {"exists": False}
    return dict({"exists": True}, **{k: v for k, v in state.items() if v is not None})
