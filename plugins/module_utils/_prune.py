# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""The prune kind: what `docker system prune` would remove, listed from the engine's lists with the prune filters.

The plan names every container, image, network and volume to remove, computed from the engine's lists with the same
rules and filters as the engine's prune endpoints; apply removes exactly those, one by one, so check mode and a real
run list the same things. A thing that got used in between is not removed: its removal fails and the task says so.
The build cache has no list to remove from, so it goes through the engine's /build/prune.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ._errors import NotFound, ParamError
from ._parse import duration_ns, size_bytes
from ._plan import Action, Change, Outcome, Plan

# The filters each prune endpoint knows (docker container/image/network/volume/builder prune --filter).
FILTER_KEYS = {
    "containers": ("until", "label", "label!"),
    "images": ("dangling", "until", "label", "label!"),
    "networks": ("until", "label", "label!"),
    "volumes": ("label", "label!", "all"),
    "builder_cache": ("until",),
}
KINDS = tuple(FILTER_KEYS)
STOPPED = ("created", "exited", "dead")  # a container in any other state is not pruned
PREDEFINED_NETWORKS = ("bridge", "host", "none")
ANONYMOUS_LABEL = "com.docker.volume.anonymous"
_ANONYMOUS_NAME = re.compile(r"^[0-9a-f]{64}$")
_TRUE, _FALSE = ("true", "1"), ("false", "0")


@dataclass(frozen=True)
class PruneWant:
    name: str
    filters: dict  # kind -> {filter: [values]} for each kind the task prunes
    builder_cache_all: bool = False
    builder_cache_keep_storage: int | None = None  # bytes of build cache the engine keeps (it picks what goes)


def _values(option, key, value):
    values = value if isinstance(value, list) else [value]
    out = []
    for item in values:
        if isinstance(item, bool):
            item = "true" if item else "false"
        if not isinstance(item, (str, int)):
            raise ParamError(option, f"{key}: {item!r} is not a string")
        out.append(str(item))
    return out


def _bool_filter(option, key, values):
    if len(values) != 1 or values[0].lower() not in _TRUE + _FALSE:
        raise ParamError(option, f"{key}: must be true or false, got {values!r}")
    return values[0].lower() in _TRUE


def until_cutoff(option, value, now):
    """The creation time (epoch seconds) before which things are pruned: a duration ago ('24h') or a time."""
    text = str(value).strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        pass
    try:
        return now - duration_ns(option, text) / 1e9
    except ParamError:
        raise ParamError(option, f"until: {value!r} is not a duration such as 24h or a time such as 2024-01-31T00:00:00Z") from None


def parse_filters(kind, value):
    """{filter: [values]} for kind's prune, refusing filters its prune endpoint does not know."""
    option = f"{kind}_filters"
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ParamError(option, f"must be a mapping of filter names to values, got {type(value).__name__}")
    out = {}
    for key, raw in value.items():
        if key not in FILTER_KEYS[kind]:
            raise ParamError(option, f"unknown filter {key!r}; {kind} prune knows {', '.join(FILTER_KEYS[kind])}")
        values = _values(option, key, raw)
        if key in ("dangling", "all"):
            _bool_filter(option, key, values)
        if key == "until":
            if len(values) != 1:
                raise ParamError(option, "until: give one duration or time")
            until_cutoff(option, values[0], 0.0)
        if key in ("label", "label!") and any(not v or v.startswith("=") for v in values):
            raise ParamError(option, f"{key}: each value is KEY or KEY=VALUE, got {values!r}")
        out[key] = values
    return out


def _label_matches(spec, labels):
    key, sep, value = spec.partition("=")
    return key in labels and (not sep or labels[key] == value)


def matches(filters, labels, created, now):
    """The engine's prune filter rules: every `label` matches, not every `label!` matches, created before `until`."""
    labels = labels or {}
    if not all(_label_matches(s, labels) for s in filters.get("label", [])):
        return False
    if filters.get("label!") and all(_label_matches(s, labels) for s in filters["label!"]):
        return False
    if filters.get("until"):
        cutoff = until_cutoff("until", filters["until"][0], now)
        return created is not None and created < cutoff
    return True


def epoch(value):
    """Seconds since the epoch of an engine time: an int, or RFC 3339 with nanoseconds."""
    if isinstance(value, (int, float)):
        return float(value)
    if not value:
        return None
    # exactly 6 fraction digits: Go trims trailing zeros, and Python before 3.11 reads only 3 or 6
    text = re.sub(r"\.(\d+)", lambda m: "." + (m.group(1) + "00000")[:6], str(value)).replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        return None


def _size(value):
    return value if isinstance(value, int) and value > 0 else 0


def _untagged(image):
    tags = [t for t in image.get("RepoTags") or [] if t != "<none>:<none>"]
    digests = [d for d in image.get("RepoDigests") or [] if d != "<none>@<none>"]
    return not tags and not digests, tags + digests


def images_to_remove(listed, used, filters, now):
    """[(id, refs)] in removal order: each unused top image the filters pick, then the untagged parents the engine
    removes with it (a parent no other image builds on and no container uses), as DELETE /images/{id} does."""
    dangling = _bool_filter("images_filters", "dangling", filters.get("dangling", ["true"]))
    by_id = {i["Id"]: i for i in listed}
    children: dict[str, int] = {}
    for image in listed:
        if image.get("ParentId"):
            children[image["ParentId"]] = children.get(image["ParentId"], 0) + 1
    heads = [i for i in sorted(listed, key=lambda i: i["Id"]) if not children.get(i["Id"])]  # the engine prunes heads only
    out = []
    for image in heads:
        untagged, refs = _untagged(image)
        if image["Id"] in used or (dangling and not untagged):
            continue
        if not matches(filters, image.get("Labels"), epoch(image.get("Created")), now):
            continue
        out.append((image["Id"], refs))
        parent = by_id.get(image.get("ParentId") or "")
        while parent is not None:
            children[parent["Id"]] -= 1
            if children[parent["Id"]] or parent["Id"] in used or not _untagged(parent)[0]:
                break
            out.append((parent["Id"], []))
            parent = by_id.get(parent.get("ParentId") or "")
    return out


def anonymous(volume):
    return ANONYMOUS_LABEL in (volume.get("Labels") or {}) or bool(_ANONYMOUS_NAME.match(volume.get("Name") or ""))


class PruneKind:
    kind = "disk_usage"
    phase = 0

    @staticmethod
    def desired(params):
        filters = {kind: parse_filters(kind, params.get(f"{kind}_filters")) for kind in KINDS if params.get(kind)}
        for kind in KINDS:
            if params.get(f"{kind}_filters") and not params.get(kind):
                raise ParamError(f"{kind}_filters", f"is only used with {kind}: true")
        keep = params.get("builder_cache_keep_storage")
        if keep is not None and not params.get("builder_cache"):
            raise ParamError("builder_cache_keep_storage", "is only used with builder_cache: true")
        return PruneWant("engine", filters, bool(params.get("builder_cache_all")),
                         None if keep is None else size_bytes("builder_cache_keep_storage", keep))

    @staticmethod
    def read(client, want):
        now = time.time()
        from ._info import read_disk_usage  # pylint: disable=import-outside-toplevel
        df = read_disk_usage(client)
        actual: dict[str, Any] = {"now": now, "df": df}
        if "images" in want.filters:
            actual["images"] = client.api.images(all=True)
        if "networks" in want.filters:
            actual["networks"] = client.api.networks()
        from ._info import disk_usage_summary  # pylint: disable=import-outside-toplevel
        actual["inspect"] = disk_usage_summary(df)
        return actual

    @staticmethod
    def plan(want, actual):
        now, df = actual["now"], actual["df"]
        plan = Plan("prune", want.name, {}, {})
        found: dict[str, list] = {}
        space: dict[str, int] = {}
        filters = want.filters
        if "containers" in filters:
            picked = [c for c in df.get("Containers") or [] if c.get("State") in STOPPED
                      and matches(filters["containers"], c.get("Labels"), epoch(c.get("Created")), now)]
            found["containers"] = [(c["Id"], (c.get("Names") or [c["Id"][:12]])[0].lstrip("/")) for c in picked]
            space["containers"] = sum(_size(c.get("SizeRw")) for c in picked)
        if "images" in filters:
            used = {c.get("ImageID") for c in df.get("Containers") or []}
            picked_images = images_to_remove(actual["images"], used, filters["images"], now)
            sizes = {i["Id"]: _size(i.get("Size")) - _size(i.get("SharedSize")) for i in df.get("Images") or []}
            found["images"] = [(image_id, refs[0] if refs else image_id[7:19]) for image_id, refs in picked_images]
            space["images"] = sum(sizes.get(image_id, 0) for image_id, _refs in picked_images)
            refs_of = dict(picked_images)
        if "networks" in filters:
            # in use: a container with an endpoint on it (one that is not stopped), as the engine's network prune sees it
            used_nets = {net.get("NetworkID") for c in df.get("Containers") or [] if c.get("State") not in STOPPED
                         for net in ((c.get("NetworkSettings") or {}).get("Networks") or {}).values()}
            found["networks"] = [(n["Id"], n["Name"]) for n in sorted(actual["networks"], key=lambda n: n["Name"])
                                 if n["Name"] not in PREDEFINED_NETWORKS and n.get("Scope") == "local" and n["Id"] not in used_nets
                                 and not n.get("ConfigOnly") and matches(filters["networks"], n.get("Labels"), epoch(n.get("Created")), now)]
        if "volumes" in filters:
            every = _bool_filter("volumes_filters", "all", filters["volumes"].get("all", ["false"]))
            picked_volumes = [v for v in sorted(df.get("Volumes") or [], key=lambda v: v["Name"])
                              if (v.get("UsageData") or {}).get("RefCount") == 0 and (every or anonymous(v))
                              and matches(filters["volumes"], v.get("Labels"), None, now)]
            found["volumes"] = [(v["Name"], v["Name"]) for v in picked_volumes]
            space["volumes"] = sum(_size((v.get("UsageData") or {}).get("Size")) for v in picked_volumes)

        for kind, items in found.items():
            plan.facts[kind] = [item_id if kind in ("containers", "images") else label for item_id, label in items]
            if kind != "networks":
                plan.facts[f"{kind}_space_reclaimed"] = space[kind]
            if not items:
                continue
            labels = [label for _id, label in items]
            change = Change(kind, labels, [], "remove")
            data: dict[str, Any] = {"kind": kind, "ids": [i for i, _label in items]}
            if kind == "images":
                data["refs"] = {i: refs_of[i] for i, _label in items}
            note = f"frees {space[kind]} bytes" if kind in space else ""
            plan.add(Action("prune", f"{len(items)} {kind[:-1] if len(items) == 1 else kind}", (change,), data=data,
                            note=note, atomic=False))
        if "builder_cache" in filters:
            cutoff_filters = filters["builder_cache"]
            cache = [b for b in df.get("BuildCache") or [] if not b.get("InUse") and (want.builder_cache_all or not b.get("Shared"))
                     and matches(cutoff_filters, {}, epoch(b.get("LastUsedAt") or b.get("CreatedAt")), now)]
            keep = want.builder_cache_keep_storage
            if keep is not None and sum(_size(b.get("Size")) for b in df.get("BuildCache") or []) <= keep:
                cache = []  # the cache is within what it may keep: the engine removes nothing
            plan.facts["builder_cache_space_reclaimed"] = sum(_size(b.get("Size")) for b in cache)
            plan.facts["builder_cache_caches_deleted"] = [b.get("ID") for b in cache]
            if cache:
                change = Change("builder_cache", [b.get("ID") for b in cache], [], "remove")
                plan.add(Action("prune", f"build cache ({len(cache)} records)", (change,), atomic=False,
                                data={"kind": "builder_cache", "all": want.builder_cache_all, "keep": keep,
                                      "until": (cutoff_filters.get("until") or [None])[0]},
                                note=f"frees {plan.facts['builder_cache_space_reclaimed']} bytes" if keep is None else
                                f"frees up to {plan.facts['builder_cache_space_reclaimed']} bytes, keeping {keep} bytes of cache"))
        return plan

    @staticmethod
    def apply(client, action):
        kind = action.data["kind"]
        if kind == "builder_cache":
            return _prune_build_cache(client, action.data)
        for item in action.data["ids"]:
            try:
                if kind == "containers":
                    client.api.remove_container(item)
                elif kind == "networks":
                    client.api.remove_network(item)
                elif kind == "volumes":
                    client.api.remove_volume(item)
                else:
                    _remove_image(client, item, action.data["refs"][item])
            except NotFound:  # gone already (an untagged parent goes with its child)
                pass
        return None

    @staticmethod
    def inspect(client, want):
        from ._info import disk_usage_summary, read_disk_usage  # pylint: disable=import-outside-toplevel
        return disk_usage_summary(read_disk_usage(client))


def _remove_image(client, image_id, refs):
    """Untag each name (the last one deletes the image and its untagged parents, as the engine's prune does), then
    delete the image if it is still there. Never forced: an image a container started to use meanwhile stays."""
    for ref in refs:
        client.api.remove_image(ref)
    try:
        client.api.inspect_image(image_id)
    except NotFound:
        return
    client.api.remove_image(image_id)


def _prune_build_cache(client, data):
    filters = {"until": data["until"]} if data.get("until") else None
    answer = client.api.prune_builds(filters=filters, all=data["all"], keep_storage=data.get("keep"))
    return Outcome(facts={"builder_cache_space_reclaimed": (answer or {}).get("SpaceReclaimed") or 0})


PRUNE_SPEC = dict(
    containers=dict(type="bool", default=False),
    containers_filters=dict(type="dict"),
    images=dict(type="bool", default=False),
    images_filters=dict(type="dict"),
    networks=dict(type="bool", default=False),
    networks_filters=dict(type="dict"),
    volumes=dict(type="bool", default=False),
    volumes_filters=dict(type="dict"),
    builder_cache=dict(type="bool", default=False),
    builder_cache_all=dict(type="bool", default=False),
    builder_cache_filters=dict(type="dict"),
    builder_cache_keep_storage=dict(type="str"),
)
