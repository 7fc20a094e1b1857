# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""How to read, compare and apply a Swarm secret or config: one kind, two instances (SECRET, CONFIG).

The engine never returns a secret's data, and neither can change after it is made: only its labels change in place.
So the data is compared through the SHA-256 of the data, kept in the label HASH_LABEL when this collection makes one;
different data needs a new name, or force (remove and create again, which the engine refuses while services use it),
or rolling_versions: the object is then <name>_v<N>, and different data makes <name>_v<N+1>, points every service that
used an older version at it, and removes the versions past versions_to_keep (rotation).
The data itself never leaves this file except in the create call: not in the plan, the diff, nor the result.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass, field

from ._errors import NotFound, ParamError
from ._parse import docker_name, string_map
from ._plan import Action, Change, Outcome, Plan, compare
from ._swarm_service import _wait as wait_for_service

HASH_LABEL = "dockhand.sha256"
VERSION_LABEL = "dockhand.version"  # with rolling_versions: the N of <name>_v<N> (community.docker: ansible_version)
MAX_SIZE = {"secret": 500 * 1024, "config": 1000 * 1024}  # swarmkit's limits, refused by the engine only at create


@dataclass(frozen=True)
class DataWant:
    name: str
    state: str
    labels: dict | None = None
    sha256: str | None = None
    template_driver: str | None = None
    force: bool = False
    data: bytes = field(default=b"", repr=False)
    data_option: str = "data"
    rolling: bool = False
    keep: int = 5
    wait: int = 120


def _data(kind, params):
    """The data as bytes from data (text, or base64 with data_is_b64) or data_src (a file on the engine's host)."""
    if params.get("data") is not None and params.get("data_src") is not None:
        raise ParamError("data", "give data or data_src, not both")
    if params.get("data_src") is not None:
        option = "data_src"
        try:
            with open(params["data_src"], "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise ParamError(option, f"cannot read {params['data_src']}: {exc.strerror}") from None
    elif params.get("data") is not None:
        option = "data"
        data = params["data"].encode("utf-8")
        if params.get("data_is_b64"):
            try:
                data = base64.b64decode(data, validate=True)
            except binascii.Error:
                raise ParamError(option, "is not valid base64 (data_is_b64 is true)") from None
    else:
        raise ParamError("data", f"state: present needs the {kind}'s data, in data or data_src")
    if not data:
        raise ParamError(option, f"a {kind} cannot be empty")
    if len(data) > MAX_SIZE[kind]:
        raise ParamError(option, f"is {len(data)} bytes; a {kind} holds at most {MAX_SIZE[kind]}")
    return option, data


class DataKind:
    """A secret or a config: stateless, both instances differ only in the word and the SDK calls it names."""

    phase = 0

    def __init__(self, kind):
        self.kind = kind

    def desired(self, params):
        name = docker_name("name", params["name"])
        rolling, keep = bool(params.get("rolling_versions")), params.get("versions_to_keep", 5)
        wait = params.get("wait_timeout", 120)
        if wait is not None and wait < 0:
            raise ParamError("wait_timeout", "must be 0 or more seconds")
        if rolling and params.get("force"):
            raise ParamError("force", "and rolling_versions exclude each other: rolling_versions makes a new version instead")
        if params["state"] == "absent":
            return DataWant(name, "absent", rolling=rolling)
        labels = string_map("labels", params.get("labels"))
        if labels and HASH_LABEL in labels:
            raise ParamError(f"labels.{HASH_LABEL}", "is where this collection keeps the data's hash; use another label name")
        option, data = _data(self.kind, params)
        return DataWant(name, "present", labels, hashlib.sha256(data).hexdigest(), params.get("template_driver"),
                        bool(params.get("force")), data, option, rolling, keep, wait or 0)

    def read(self, client, want):
        if want.rolling:
            return self._read_versions(client, want)
        try:
            raw = getattr(client.api, f"inspect_{self.kind}")(want.name)
        except NotFound:
            raw = None
        if raw is not None and (raw.get("Spec") or {}).get("Name") != want.name:
            raw = None  # the engine also finds an object by an ID or an ID's prefix that looks like the name
        return {"raw": raw, "inspect": _shown(raw)}

    def _read_versions(self, client, want):
        """The versions <name>_v<N> (oldest first), the newest as raw, and the services that use any of them."""
        pattern = re.compile(re.escape(want.name) + r"_v(\d+)")
        found = getattr(client.api, f"{self.kind}s")(filters={"name": f"{want.name}_v"})
        versions = sorted((int(m.group(1)), o) for o in found if (m := pattern.fullmatch((o.get("Spec") or {}).get("Name", ""))))
        ids = {o["ID"] for _n, o in versions}
        users = []
        for service in client.api.services() if versions else ():
            refs = ((service["Spec"].get("TaskTemplate") or {}).get("ContainerSpec") or {}).get(self.kind.capitalize() + "s") or []
            used = sorted({r[self.kind.capitalize() + "Name"] for r in refs if r.get(self.kind.capitalize() + "ID") in ids})
            if used:
                users.append({"id": service["ID"], "name": service["Spec"]["Name"], "uses": used})
        raw = versions[-1][1] if versions else None
        return {"raw": raw, "inspect": _shown(raw), "versions": [(n, o["ID"], o["Spec"]["Name"]) for n, o in versions],
                "users": users}

    def _rotate(self, want, plan, actual, create, fixed, labels):
        """A new version, the services that use an older one pointed at it, the versions past versions_to_keep removed."""
        versions = actual["versions"]
        number = versions[-1][0] + 1 if versions else 1
        new_name = f"{want.name}_v{number}"
        create = dict(create, name=new_name, labels=dict(create["labels"], **{VERSION_LABEL: str(number)}))
        plan.facts.update({f"{self.kind}_name": new_name})
        plan.facts.pop(f"{self.kind}_id", None)
        plan.add(Action("create", f"{self.kind} {new_name}", tuple(fixed + labels), data=create))
        old_ids = [i for _n, i, _name in versions]
        for user in actual.get("users", ()):
            repoint = {"service": user["id"], "old_ids": old_ids, "new_name": new_name, "wait": want.wait}
            plan.add(Action("update", f"service {user['name']}", data=repoint, note=f"{', '.join(user['uses'])} -> {new_name}",
                            atomic=False))
        keep = len(versions) + 1 if want.keep < 0 else max(want.keep, 1)
        for _n, old_id, old_name in versions[:max(len(versions) + 1 - keep, 0)]:
            plan.add(Action("remove", f"{self.kind} {old_name}", data={"id": old_id}))
        return plan

    def plan(self, want, actual):
        raw = actual["raw"]
        have = None if raw is None else _option_state(raw)
        target = f"{self.kind} {want.name}"
        if want.state == "absent":
            plan = Plan(self.kind, want.name, have, None)
            for _n, old_id, old_name in actual.get("versions", [(0, raw["ID"], want.name)] if raw is not None else []):
                plan.add(Action("remove", f"{self.kind} {old_name}", data={"id": old_id}))
            return plan
        after = {"labels": dict((have or {}).get("labels") or {}, **(want.labels or {})), "data_sha256": want.sha256,
                 "template_driver": want.template_driver or (have or {}).get("template_driver")}  # None: not managed
        plan = Plan(self.kind, want.name, have, after)
        create = {"name": want.name, "data": want.data, "labels": dict(after["labels"], **{HASH_LABEL: want.sha256}),
                  "template_driver": want.template_driver}
        if raw is None and want.rolling:
            return self._rotate(want, plan, actual, create, [], [])
        if raw is None:
            plan.add(Action("create", target, data=create))
            return plan
        have = have or {}
        plan.facts.update({f"{self.kind}_id": raw["ID"], f"{self.kind}_name": raw["Spec"]["Name"]})
        fixed = [Change(k, have[k], after[k], "recreate") for k in ("data_sha256", "template_driver") if have[k] != after[k]]
        labels = [] if compare("subset", want.labels, have["labels"]) else [
            Change("labels", {k: have["labels"].get(k) for k in want.labels}, want.labels, "update")]
        if fixed and want.rolling:
            return self._rotate(want, plan, actual, create, [Change(c.field, c.before, c.after, "new version") for c in fixed], labels)
        if fixed:
            if not want.force:
                if fixed[0].field == "template_driver":
                    option, what = "template_driver", "its template driver differs"
                elif have["data_sha256"]:
                    option, what = want.data_option, "its data differs from the task"
                else:
                    option, what = want.data_option, f"its data cannot be compared (it has no label {HASH_LABEL})"
                raise ParamError(option, f"{target}: {what}, and a {self.kind} cannot change: give it a new name (and point the "
                                 f"services at that), set rolling_versions: true to make a new version and point the services "
                                 f"that use it there, or set force: true to remove it and create it again")
            plan.add(Action("recreate", target, tuple(fixed + labels), data=dict(create, id=raw["ID"]), atomic=False,
                            note="the engine refuses while services use it"))
        elif labels:
            spec = dict(raw["Spec"], Labels=dict(raw["Spec"].get("Labels") or {}, **want.labels))
            plan.add(Action("update", f"{self.kind} {raw['Spec']['Name']}", tuple(labels),
                            data={"id": raw["ID"], "version": raw["Version"]["Index"], "spec": spec}))
        return plan

    def apply(self, client, action):
        data = action.data
        if action.verb == "update" and "service" in data:
            return self._repoint(client, data)
        if action.verb in ("remove", "recreate"):
            getattr(client.api, f"remove_{self.kind}")(data["id"])
        if action.verb == "update":
            client.api.post_json(f"/{self.kind}s/{{0}}/update", data["spec"], data["id"], query={"version": data["version"]})
            return None
        if action.verb in ("create", "recreate"):
            extra = {}
            if self.kind == "config" and data["template_driver"]:
                extra["templating"] = {"Name": data["template_driver"]}
            created = getattr(client.api, f"create_{self.kind}")(data["name"], data["data"], labels=data["labels"], **extra)
            return Outcome(facts={f"{self.kind}_id": created["ID"], f"{self.kind}_name": data["name"]})
        return None

    def _repoint(self, client, data):
        """Point a service's references to older versions at the new one (the service update endpoint, at the version
        read now), then wait until the service's tasks run with it, as the service module waits for an update."""
        api, key = client.api, self.kind.capitalize()
        new = getattr(api, f"inspect_{self.kind}")(data["new_name"])
        service = api.inspect_service(data["service"])
        spec = service["Spec"]
        for ref in spec["TaskTemplate"]["ContainerSpec"].get(f"{key}s") or []:
            if ref.get(f"{key}ID") in data["old_ids"]:
                ref.update({f"{key}ID": new["ID"], f"{key}Name": data["new_name"]})
        # not the SDK's update_service: it rebuilds the spec from its own arguments
        api.post_json("/services/{0}/update", spec, service["ID"], query={"version": service["Version"]["Index"]})
        return wait_for_service(client, service["ID"], True, (service.get("UpdateStatus") or {}).get("StartedAt"), data["wait"])

    def inspect(self, client, want):
        return self.read(client, want)["inspect"] or {}


def _option_state(raw):
    spec = raw.get("Spec") or {}
    labels = dict(spec.get("Labels") or {})
    sha = labels.pop(HASH_LABEL, None)
    return {"labels": labels, "data_sha256": sha, "template_driver": (spec.get("Templating") or {}).get("Name")}


def _shown(raw):
    """The inspect data without a config's data (the engine returns it; the task's data is no_log)."""
    if raw is None or "Data" not in (raw.get("Spec") or {}):
        return raw
    return dict(raw, Spec={k: v for k, v in raw["Spec"].items() if k != "Data"})


SECRET = DataKind("secret")
CONFIG = DataKind("config")

# The modules' options (documented in plugins/modules/secret.py and config.py).
SECRET_SPEC = dict(
    name=dict(type="str", required=True),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    data=dict(type="str", no_log=True),
    data_is_b64=dict(type="bool", default=False),
    data_src=dict(type="path"),
    labels=dict(type="dict"),
    force=dict(type="bool", default=False),
    rolling_versions=dict(type="bool", default=False),
    versions_to_keep=dict(type="int", default=5),
    wait_timeout=dict(type="int", default=120),
)
CONFIG_SPEC = dict(SECRET_SPEC, template_driver=dict(type="str", choices=["golang"]))
