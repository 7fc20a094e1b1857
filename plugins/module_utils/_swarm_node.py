# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""How to read, compare and apply a Swarm node's spec: availability, role and labels, all changed in place."""

from __future__ import annotations

from dataclasses import dataclass

from ._errors import NotFound, ParamError
from ._parse import string_map
from ._plan import Action, Change, Plan, field_changes


@dataclass(frozen=True)
class NodeWant:
    name: str
    availability: str | None
    role: str | None
    labels_given: dict | None   # the labels after the run depend on the node's current ones: plan() makes them
    labels_state: str
    labels_to_remove: tuple


class NodeKind:
    kind = "node"
    phase = 0

    @staticmethod
    def desired(params):
        labels = string_map("labels", params.get("labels"))
        remove = tuple(params.get("labels_to_remove") or [])
        both = sorted(set(remove) & set(labels or {}))
        if both:
            raise ParamError("labels_to_remove", f"{', '.join(both)} also in labels: a label is either set or removed")
        if params.get("labels_state") == "replace" and labels is None:
            labels = {}  # community.docker's meaning: replace without labels removes every label
        return NodeWant(params["hostname"], params.get("availability"), params.get("role"), labels,
                        params.get("labels_state") or "merge", remove)

    @staticmethod
    def read(client, want):
        try:
            raw = client.api.inspect_node(want.name)
        except NotFound:
            raw = None
        return {"raw": raw, "inspect": raw}

    @staticmethod
    def plan(want, actual):
        raw = actual["raw"]
        if raw is None:
            raise ParamError("hostname", f"no node {want.name} in the swarm")
        spec = raw["Spec"]
        have = {"availability": spec.get("Availability"), "role": spec.get("Role"), "labels": dict(spec.get("Labels") or {})}
        labels = dict(have["labels"]) if want.labels_state == "merge" or want.labels_given is None else {}
        labels.update(want.labels_given or {})
        for key in want.labels_to_remove:
            labels.pop(key, None)
        wanted = {"availability": want.availability, "role": want.role, "labels": labels}
        changes = field_changes({"availability": "value", "role": "value"}, wanted, have, how={"availability": "update", "role": "update"})
        if labels != have["labels"]:
            changes.append(Change("labels", have["labels"], labels, "update"))
        after = {k: (v if v is not None else have[k]) for k, v in wanted.items()}
        plan = Plan("node", want.name, have, after)
        if changes:
            body = dict(spec, Availability=after["availability"], Role=after["role"], Labels=labels)
            plan.add(Action("update", f"node {want.name}", tuple(changes), data={"id": raw["ID"], "version": raw["Version"]["Index"], "spec": body}))
        return plan

    @staticmethod
    def apply(client, action):
        client.api.update_node(action.data["id"], action.data["version"], node_spec=action.data["spec"])

    @staticmethod
    def inspect(client, want):
        try:
            return client.api.inspect_node(want.name)
        except NotFound:
            return {}


# The module's options (documented in plugins/modules/node.py).
NODE_SPEC = dict(
    hostname=dict(type="str", required=True),
    availability=dict(type="str", choices=["active", "pause", "drain"]),
    role=dict(type="str", choices=["manager", "worker"]),
    labels=dict(type="dict"),
    labels_state=dict(type="str", default="merge", choices=["merge", "replace"]),
    labels_to_remove=dict(type="list", elements="str"),
)
