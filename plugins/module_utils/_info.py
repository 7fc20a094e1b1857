# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""What the info modules gather: images, networks and volumes by name or filters, and the host's info, lists and disk usage.

Each gather function takes (client, params) and returns the module's result (see run_info_module in _runner.py).
"""

from __future__ import annotations

import time
from typing import Any

from ._client import engine_errors
from ._errors import APIError, NotFound, ParamError

# The columns of `docker <object> ls`, kept per item unless verbose_output (community.docker.docker_host_info's keys).
SHORT_KEYS = {
    "containers": ("Id", "Image", "Command", "Created", "Status", "Ports", "Names"),
    "images": ("Id", "RepoTags", "Created", "Size"),
    "networks": ("Id", "Driver", "Name", "Scope"),
    "volumes": ("Driver", "Name"),
}


def listed(option, doing, host, call):
    """call() inside engine_errors; an engine 400 (a filter it does not know) names the filters option."""
    with engine_errors(doing, host):
        try:
            return call()
        except APIError as exc:
            if exc.status_code == 400:
                raise ParamError(option, f"{doing}: the engine refused the filters: {exc.explanation}") from None
            raise


def named_or_filtered(client, params, what, inspect, list_ids):
    """Inspect data for the names in params["name"] (in order) plus everything list_ids(filters) finds; (found, missing).

    With neither names nor filters, everything list_ids finds."""
    names, filters = params.get("name") or [], params.get("filters") or {}
    host = params.get("docker_host")
    found: list[dict[str, Any]] = []
    missing = []
    for name in names:
        with engine_errors(f"inspecting {what} {name}", host):
            try:
                found.append(inspect(name))
            except NotFound:
                missing.append(name)
    if filters or not names:
        ids = listed("filters", f"listing {what}s", host, lambda: list_ids(filters or None))
        seen = {item.get("Id") or item.get("Name") for item in found}
        with engine_errors(f"inspecting {what}s", host):
            found += [inspect(i) for i in ids if i not in seen]
    return found, missing


def with_one(result, params, key, found):
    """community.docker's shape for exactly one name and no filters: exists and the inspect data under key."""
    if len(params.get("name") or []) == 1 and not params.get("filters"):
        result.update(exists=bool(found), **{key: found[0] if found else {}})
    return result


def image_info(client, params):
    found, missing = named_or_filtered(
        client, params, "image", client.api.inspect_image,
        lambda filters: [i["Id"] for i in client.api.images(filters=filters)])
    return {"images": found, "missing": missing}


def network_info(client, params):
    found, missing = named_or_filtered(
        client, params, "network", client.api.inspect_network,
        lambda filters: [n["Id"] for n in client.api.networks(filters=filters)])
    return with_one({"networks": found, "missing": missing}, params, "network", found)


def volume_info(client, params):
    found, missing = named_or_filtered(
        client, params, "volume", client.api.inspect_volume,
        lambda filters: [v["Name"] for v in (client.api.volumes(filters=filters) or {}).get("Volumes") or []])
    return with_one({"volumes": found, "missing": missing}, params, "volume", found)


def _size(value):
    return value if isinstance(value, int) and value > 0 else 0


def disk_usage_summary(df):
    """`docker system df` from the engine's /system/df answer: count, active, size and reclaimable bytes per type."""
    images = df.get("Images") or []
    containers = df.get("Containers") or []
    volumes = df.get("Volumes") or []
    cache = df.get("BuildCache") or []
    unused_images = [i for i in images if not i.get("Containers")]
    layers = df.get("LayersSize") or 0
    # as `docker system df`: what used images hold exclusively stays, the rest of the layers is reclaimable
    # (summing the unused images' sizes overshoots with the containerd store, whose Size counts content blobs too)
    held = sum(i["Size"] - i["SharedSize"] for i in images
               if i.get("Containers") and _size(i.get("Size")) and isinstance(i.get("SharedSize"), int) and i["SharedSize"] >= 0)
    return {
        "LayersSize": layers,
        "images": {
            "count": len(images), "active": len(images) - len(unused_images), "size": layers,
            "reclaimable": max(0, layers - held),
        },
        "containers": {
            "count": len(containers), "active": sum(1 for c in containers if c.get("State") == "running"),
            "size": sum(_size(c.get("SizeRw")) for c in containers),
            "reclaimable": sum(_size(c.get("SizeRw")) for c in containers if c.get("State") != "running"),
        },
        "volumes": {
            "count": len(volumes), "active": sum(1 for v in volumes if _size((v.get("UsageData") or {}).get("RefCount"))),
            "size": sum(_size((v.get("UsageData") or {}).get("Size")) for v in volumes),
            "reclaimable": sum(_size((v.get("UsageData") or {}).get("Size")) for v in volumes
                               if not _size((v.get("UsageData") or {}).get("RefCount"))),
        },
        "build_cache": {
            "count": len(cache), "active": sum(1 for b in cache if b.get("InUse")),
            "size": sum(_size(b.get("Size")) for b in cache if not b.get("Shared")),
            "reclaimable": sum(_size(b.get("Size")) for b in cache if not b.get("InUse") and not b.get("Shared")),
        },
    }


def short(kind, items, verbose):
    """The items as listed by the engine (verbose) or only the columns of `docker <kind> ls`."""
    if verbose:
        return items
    return [{key: item.get(key) for key in SHORT_KEYS[kind]} for item in items]


DF_ATTEMPTS = 3


def read_disk_usage(client):
    """The engine's /system/df answer. The engine lists its objects, then sizes each: one made or removed in between
    (by another client) fails the whole answer with a 500 or a 404 that says it was not found. Docker 28 with the
    containerd image store answers 500 "rw layer snapshot not found for container ..." for a container removed, and 404
    "snapshot ...-init-parent-view-... does not exist" for one being made. That answer is asked again, up to
    DF_ATTEMPTS times. (A 404 "page not found" is the endpoint itself missing: not asked again.)"""
    for attempt in range(1, DF_ATTEMPTS + 1):
        try:
            return client.api.df()
        except APIError as exc:
            text = str(exc.explanation).lower()
            vanished = exc.status_code in (404, 500) and "not found" in text and "page not found" not in text
            if not vanished or attempt == DF_ATTEMPTS:
                raise
            time.sleep(0.2 * attempt)
    return None  # not reached: the last attempt returns or raises


def host_info(client, params):
    """Engine info and version, and, as asked, disk usage and lists of containers, images, networks and volumes."""
    host = params.get("docker_host")
    verbose = params.get("verbose_output")
    with engine_errors("reading the engine's info", host):
        result: dict[str, Any] = {"can_talk_to_docker": True, "host_info": client.info(), "version": client.api.version()}
    if params.get("disk_usage"):
        with engine_errors("reading the engine's disk usage", host):
            df = read_disk_usage(client)
        result["disk_usage"] = df if verbose else disk_usage_summary(df)
    readers = {
        "containers": lambda f: client.api.containers(all=bool(params.get("containers_all")), filters=f),
        "images": lambda f: client.api.images(filters=f),
        "networks": lambda f: client.api.networks(filters=f),
        "volumes": lambda f: (client.api.volumes(filters=f) or {}).get("Volumes") or [],
    }
    for kind, read in readers.items():
        if params.get(kind):
            option = f"{kind}_filters"
            filters = params.get(option) or None
            items = listed(option, f"listing {kind}", host, lambda read=read, filters=filters: read(filters))
            result[kind] = short(kind, items or [], verbose)
    return result


# The options of the info modules (documented in plugins/modules/*_info.py).
NAMES_AND_FILTERS_SPEC = dict(
    name=dict(type="list", elements="str", aliases=["names"]),
    filters=dict(type="dict"),
)

HOST_INFO_SPEC = dict(
    containers=dict(type="bool", default=False),
    containers_all=dict(type="bool", default=False),
    containers_filters=dict(type="dict"),
    images=dict(type="bool", default=False),
    images_filters=dict(type="dict"),
    networks=dict(type="bool", default=False),
    networks_filters=dict(type="dict"),
    volumes=dict(type="bool", default=False),
    volumes_filters=dict(type="dict"),
    disk_usage=dict(type="bool", default=False),
    verbose_output=dict(type="bool", default=False),
)
