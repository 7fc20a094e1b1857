# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""How to read, compare and apply a Docker volume. Nothing about a volume can change in place."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

from ._errors import NotFound, ParamError
from ._parse import docker_name, string_map
from ._plan import Action, Plan, describe_changes, field_changes, merged

# option -> compare mode. Options and labels are compared on the keys the task lists: a key the task does not
# mention never forces a recreate (which would lose data).
FIELDS = {"driver": "value", "driver_options": "subset", "labels": "subset"}


@dataclass(frozen=True)
class VolumeWant:
    name: str
    state: str
    config: dict  # driver, driver_options, labels (None: not managed)
    recreate: str
    force: bool


def _check_local_options(options):
    """The local driver's mount options for a tmpfs: the engine refuses a bad size only when a container mounts it."""
    if options.get("type") != "tmpfs":
        return
    for item in (options.get("o") or "").split(","):
        key, _eq, value = item.partition("=")
        if key == "size":
            size = value[:-1] if value.endswith("%") else value
            if not re.fullmatch(r"\d+[kmg]?", size, re.IGNORECASE):
                raise ParamError("driver_options.o", f"size={value!r} is not a tmpfs size such as 64m, 1g or 50%")
        elif key in ("nr_inodes", "uid", "gid") and not value.isdigit():
            raise ParamError("driver_options.o", f"{key}={value!r} is not a whole number")
        elif key == "mode" and not re.fullmatch(r"[0-7]{3,4}", value):
            raise ParamError("driver_options.o", f"mode={value!r} is not an octal mode such as 1777")


class VolumeKind:
    kind = "volume"
    phase = 0

    @staticmethod
    def desired(params):
        docker_name("name", params["name"])
        config = {
            "driver": params.get("driver"),
            "driver_options": string_map("driver_options", params.get("driver_options")),
            "labels": string_map("labels", params.get("labels")),
        }
        if (config["driver"] or "local") == "local":
            _check_local_options(config["driver_options"] or {})
        return VolumeWant(params["name"], params.get("state") or "present", config,
                          params.get("recreate") or "never", bool(params.get("force")))

    @staticmethod
    def read(client, want):
        actual: dict[str, Any] = {"state": None, "users": [], "drivers": None}
        try:
            raw = client.api.inspect_volume(want.name)
        except NotFound:
            raw = None
        actual["inspect"] = raw
        if raw is not None:
            actual["state"] = {"driver": raw.get("Driver"), "driver_options": raw.get("Options") or {}, "labels": raw.get("Labels") or {}}
            users = client.api.containers(all=True, filters={"volume": want.name})
            actual["users"] = sorted(c["Names"][0].lstrip("/") for c in users)
        driver = want.config["driver"]
        if want.state == "present" and driver and (raw is None or raw.get("Driver") != driver):
            actual["drivers"] = sorted((client.info().get("Plugins") or {}).get("Volume") or [])
        return actual

    @staticmethod
    def plan(want, actual):
        name, have, users = want.name, actual["state"], actual["users"]
        target = f"volume {name}"
        if want.state == "absent":
            plan = Plan("volume", name, have, None)
            if have is None:
                return plan
            if users and not want.force:
                raise ParamError("force", f"volume {name} is in use by containers {', '.join(users)}; "
                                 "set force: true to remove those containers and the volume")
            for user in users:
                plan.add(Action("remove", f"container {user}", data={"container": user}, note=f"uses {target}"))
            plan.add(Action("remove", target, data={"name": name}))
            return plan

        if actual["drivers"] is not None and want.config["driver"] not in actual["drivers"]:
            raise ParamError("driver", f"unknown volume driver {want.config['driver']!r}; the engine has {', '.join(actual['drivers'])}")
        after = merged(have, want.config)
        after.setdefault("driver", "local")
        plan = Plan("volume", name, have, after)
        if have is None:
            plan.add(Action("create", target, data={"name": name, "config": after}))
            return plan
        changes = field_changes(FIELDS, want.config, have)
        if not changes and want.recreate != "always":
            return plan
        if changes and want.recreate == "never":
            raise ParamError("recreate", f"volume {name} differs from the task ({describe_changes(changes)}) and a volume cannot change in place: "
                             "set recreate: options-changed to recreate it, which deletes its data")
        if users:
            raise ParamError("recreate", f"volume {name} must be recreated but is in use by containers {', '.join(users)}; remove them first")
        plan.add(Action("recreate", target, tuple(changes), data={"name": name, "config": after}, note="its data is deleted", atomic=False))
        return plan

    @staticmethod
    def apply(client, action):
        if "container" in action.data:
            client.api.remove_container(action.data["container"], force=True)
            return
        if action.verb in ("remove", "recreate"):
            client.api.remove_volume(action.data["name"])
        if action.verb in ("create", "recreate"):
            config: dict[str, Optional[Any]] = action.data["config"]
            client.api.create_volume(name=action.data["name"], driver=config.get("driver") or "local",
                                     driver_opts=config.get("driver_options") or None, labels=config.get("labels") or None)

    @staticmethod
    def inspect(client, want):
        try:
            return client.api.inspect_volume(want.name)
        except NotFound:
            return {}


# The module's options (documented in plugins/modules/volume.py); also used for the entries of dockhand.docker.project.
VOLUME_SPEC = dict(
    name=dict(type="str", required=True, aliases=["volume_name"]),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    driver=dict(type="str"),
    driver_options=dict(type="dict", aliases=["driver_opts"]),
    labels=dict(type="dict"),
    recreate=dict(type="str", default="never", choices=["never", "options-changed", "always"]),
    force=dict(type="bool", default=False),
)
