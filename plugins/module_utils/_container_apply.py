# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""The engine steps of a container plan: one function per verb, found through STEPS.

Each step gets the ContainerWant (parsed once, in desired()) from action.data["want"] and never the task.
The plan rules that choose these steps are in _container.py.
"""

from __future__ import annotations

import json
import time
from typing import Any

from ._client import describe_engine_error
from ._container import MANAGED_LABEL, TEMP_MARK, anonymous_targets
from ._container_fields import ANON_VOLUME, FIELDS, FIELDS_BY_NAME, set_path
from ._errors import APIError, EngineError, NotFound, ParamError
from ._image import pull
from ._plan import Outcome

MADE_VOLUMES: dict[str, list] = {}  # container name -> named volumes its create (in this run) made: see discard()
SETTLE_SECONDS = 1.0  # a container must stay up this long after start to count as running
KILL_GRACE_SECONDS = 10  # how long a killed container may take to exit (the engine's default stop timeout)
_NO_NETWORK = ("host", "none")


def create_body(want, inherit=None, image=None, image_volumes=()):
    """The engine's create request from the task (option space -> the same paths inspect shows), and the networks
    to connect after the create. `inherit`: the container being replaced, whose anonymous volumes the new one mounts
    when the task or the image (`image_volumes`) still declares them; `image`: the image to use when the task names none."""
    fields = want.fields
    doc: dict[str, Any] = {"Config": {"Image": image or str(want.ref)}, "HostConfig": {}}
    for field in FIELDS:
        value = fields[field.name]
        if value is None or field.name == "volumes":
            continue
        set_path(doc, field.path, field.dump(value) if field.dump else value)
    binds: list[str] = []
    anonymous: dict[str, dict] = {}
    for volume in fields["volumes"] or []:
        if ":" in volume:
            binds.append(volume)
        else:
            anonymous[volume] = {}
    if inherit and not want.renew_anon_volumes:  # anonymous volumes of the container being replaced go to the new one, where still declared
        carried = {m["Destination"]: m["Name"] for m in carried_volumes(inherit, want, anonymous_targets(fields) | set(image_volumes))}
        for mount in doc["HostConfig"].get("Mounts") or []:  # a volume mount without source takes the old one's volume, as Compose does
            if mount["Type"] == "volume" and not mount.get("Source") and mount["Target"] in carried:
                mount["Source"] = carried.pop(mount["Target"])
        taken = {b.split(":")[1] for b in binds} | {m["Target"] for m in doc["HostConfig"].get("Mounts") or []} | set(fields["tmpfs"] or [])
        binds += [f"{name}:{target}" for target, name in carried.items() if target not in taken]
    if binds:
        doc["HostConfig"]["Binds"] = binds
    if anonymous:
        doc["Config"]["Volumes"] = anonymous
    if fields["published_ports"]:
        exposed = doc["Config"].setdefault("ExposedPorts", {})
        exposed.update({p.rsplit(":", 1)[1]: {} for p in fields["published_ports"]})
    managed = {"fields": sorted(k for k, v in fields.items() if v is not None),
               "keys": {f.name: sorted(fields[f.name]) for f in FIELDS if f.mode == "subset" and fields[f.name]}}
    networks = want.networks or []
    connect_after = list(networks)
    if networks:
        managed["networks"] = [n["name"] for n in networks]
        # the engine takes one endpoint at create: the network_mode one; the others are connected before start
        mode = doc["HostConfig"].setdefault("NetworkMode", networks[0]["name"])
        first = next((n for n in networks if n["name"] == mode), None)
        if first:
            doc["NetworkingConfig"] = {"EndpointsConfig": {first["name"]: _endpoint_config(first)}}
            connect_after.remove(first)
    labels = doc["Config"].setdefault("Labels", {})
    labels.update(want.extra_labels)
    labels[MANAGED_LABEL] = json.dumps(managed, sort_keys=True, separators=(",", ":"))
    body = dict(doc["Config"], HostConfig=doc["HostConfig"])
    if "NetworkingConfig" in doc:
        body["NetworkingConfig"] = doc["NetworkingConfig"]
    return body, connect_after


def carried_volumes(old, want, declared):
    """The anonymous volume mounts of `old` whose target is still declared (by the task or the image): they carry
    over to the container that replaces it. A target the task dropped is not mounted again; its volume stays on the
    engine, unused. A task that never managed volumes keeps them all."""
    label = (old["Config"].get("Labels") or {}).get(MANAGED_LABEL)
    managed = json.loads(label).get("fields", []) if label else []
    if want.fields["volumes"] is None and "volumes" not in managed:
        declared = declared | {m["Destination"] for m in old.get("Mounts") or []}
    return [m for m in old.get("Mounts") or [] if m.get("Type") == "volume" and ANON_VOLUME.match(m.get("Name") or "")
            and m["Destination"] in declared]


def _endpoint_config(net):
    ipam = {k: v for k, v in (("IPv4Address", net["ipv4_address"]), ("IPv6Address", net["ipv6_address"])) if v}
    extra = {k: net[key] for k, key in (("DriverOpts", "driver_opts"), ("MacAddress", "mac_address"), ("GwPriority", "gw_priority"))
             if net.get(key) is not None}
    return dict({"Aliases": net["aliases"] or None, "Links": net["links"] or None, "IPAMConfig": ipam or None}, **extra)


def create(client, want, name=None, inherit=None):
    """Create the container (under `name`, the temporary name of a recreate) and connect its other networks.
    A create or connect that fails removes what it made: nothing half-made is left behind."""
    image = str(want.ref) if want.ref else inherit["Image"]  # a task without image keeps the container's image
    image_volumes = ((client.api.inspect_image(image).get("Config") or {}).get("Volumes") or {}) if inherit else {}
    body, networks = create_body(want, inherit, image, image_volumes)
    query = {"name": name or want.name, **({"platform": want.platform} if want.platform else {})}
    MADE_VOLUMES[query["name"]] = _missing_volumes(client, body)
    try:
        result = client.api.post_json("/containers/create", body, query=query)
    except Exception:
        discard(client, query["name"], None)  # no container to remove: the name may be another's (a run racing this one)
        raise
    try:
        for net in networks + _networks_of_others(inherit, want):
            _connect(client, result["Id"], net)
    except Exception:
        discard(client, query["name"], result["Id"])
        raise
    return result["Id"]


def _missing_volumes(client, body):
    """The named volumes the create body mounts that do not exist yet: the engine makes them at create."""
    names = [b.split(":")[0] for b in (body["HostConfig"].get("Binds") or []) if not b.startswith("/")]
    names += [m["Source"] for m in body["HostConfig"].get("Mounts") or [] if m.get("Type") == "volume" and m.get("Source")]
    if not names:
        return []
    existing = {v["Name"] for v in (client.api.volumes(filters={"name": names}) or {}).get("Volumes") or []}
    return [n for n in names if n not in existing]


def discard(client, name, cid):
    """Remove the container `cid` this run created as `name` and has to take back (a failed connect or first start),
    with its anonymous volumes and the named volumes its create made (MADE_VOLUMES). A volume in use stays."""
    if cid:
        _remove_quietly(client, cid)
    for volume in MADE_VOLUMES.pop(name, []):
        try:
            client.api.remove_volume(volume)
        except APIError:
            pass


def _connect(client, cid, net):
    # the endpoint as create sends it (the SDK's connect has no GwPriority)
    client.api.post_json("/networks/{0}/connect", {"Container": cid, "EndpointConfig": _endpoint_config(net)}, net["name"])


def _networks_of_others(old, want):
    """Networks the container being replaced was connected to by others: the new one joins them with the same endpoint.
    None when the new container has no networks of its own (network_mode host, none or container:...)."""
    mode = want.fields["network_mode"] or ((want.networks or [{}])[0].get("name"))
    if not old or (mode or "") in _NO_NETWORK or (mode or "").startswith("container:"):
        return []
    label = (old["Config"].get("Labels") or {}).get(MANAGED_LABEL)
    ours = set(json.loads(label).get("networks", [])) if label else set()
    ours |= {n["name"] for n in want.networks or []}
    out = []
    for name, endpoint in (old["NetworkSettings"].get("Networks") or {}).items():
        if name in ours or name == mode or name in _NO_NETWORK or (name == "bridge" and not mode):
            continue
        ipam = endpoint.get("IPAMConfig") or {}
        out.append({"name": name, "aliases": [a for a in endpoint.get("Aliases") or [] if a != old["Id"][:12]],
                    "links": endpoint.get("Links") or [], "ipv4_address": ipam.get("IPv4Address"), "ipv6_address": ipam.get("IPv6Address")})
    return out


def _remove_quietly(client, cid):
    try:
        client.api.remove_container(cid, force=True, v=True)
    except APIError:
        pass


def stop(client, cid, want):
    """Stop (or kill) the container; it no longer runs when this returns. Without stop_timeout the engine uses the
    container's own stop timeout, as `docker stop` does; stop_timeout: 0 stops at once.

    force_kill sends kill_signal (SIGKILL by default), and the engine answers before the container has gone: the task
    waits for it, as `docker stop --signal` does (a signal the container handles may end it later or never): up to
    stop_timeout (else the container's own stop timeout, else 10 s), then SIGKILL. Otherwise a restart would start
    a container still running (a no-op), and a recreate would start the new one beside the old."""
    if not want.force_kill:
        client.api.stop(cid, timeout=want.stop_timeout)
        return
    if want.kill_signal:
        client.api.kill(cid, signal=want.kill_signal)
    else:
        client.api.kill(cid)
    grace = want.stop_timeout
    if grace is None:  # the container's own stop timeout, as for a stop
        grace = client.api.inspect_container(cid)["Config"].get("StopTimeout")
    grace = KILL_GRACE_SECONDS if grace is None else grace
    if _stopped_within(client, cid, grace):
        return
    try:
        client.api.kill(cid)
    except APIError:  # it exited in between
        pass
    _stopped_within(client, cid, KILL_GRACE_SECONDS)


def _stopped_within(client, cid, seconds):
    deadline = time.monotonic() + seconds
    while client.api.inspect_container(cid)["State"].get("Running"):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def logs(client, cid, lines):
    try:
        return client.api.logs(cid, tail=lines).decode("utf-8", "replace").rstrip()
    except APIError:
        return "(no logs)"


def wait_for(client, cid, mode, timeout):
    """Wait until the container is running (and stays up SETTLE_SECONDS) or healthy; fail with its last log lines."""
    deadline = time.monotonic() + timeout
    up_since = None
    while True:
        state = client.api.inspect_container(cid)["State"]
        if not state.get("Running"):
            raise EngineError(f"the container exited with code {state.get('ExitCode')}; last log lines:\n{logs(client, cid, 20)}")
        health = (state.get("Health") or {}).get("Status")
        if mode == "healthy":
            if health is None:
                raise ParamError("wait", "healthy needs a healthcheck: set healthcheck or use an image that has one")
            if health == "healthy":
                return
            if health == "unhealthy":
                probe = ((state["Health"].get("Log") or [{}])[-1].get("Output") or "").strip()
                raise EngineError(f"the container is unhealthy (last check: {probe[:200]!r}); last log lines:\n{logs(client, cid, 20)}")
        else:
            up_since = up_since or time.monotonic()
            if time.monotonic() - up_since >= SETTLE_SECONDS:
                return
        if time.monotonic() > deadline:
            raise EngineError(f"the container was not {mode} within {timeout}s; last log lines:\n{logs(client, cid, 20)}")
        time.sleep(0.25)


def _after_start(client, cid, want):
    """Wait as the task asks; a run-to-completion container (detach: false) reports its exit status and output."""
    if not want.detach:
        status = client.api.wait(cid).get("StatusCode")
        facts = {"status": status, "output": logs(client, cid, 200)}
        if status != 0:
            raise EngineError(f"container {want.name} exited with code {status}; last log lines:\n{logs(client, cid, 20)}")
        return Outcome(facts=facts)
    if want.wait != "none":
        wait_for(client, cid, want.wait, want.wait_timeout)
    return None


# ---- one function per verb ----

def _pull(client, action):
    pull(client, action.data["want"].ref, action.data["want"].platform)
    client.forget(("image", str(action.data["want"].ref)))


def _create(client, action):
    create(client, action.data["want"])


def _start(client, action):
    want = action.data["want"]
    try:
        client.api.start(want.name)
        outcome = _after_start(client, want.name, want)
        if not want.detach and want.cleanup:  # community.docker's cleanup: a one-off run's container goes once it ran
            client.api.remove_container(want.name, force=True, v=True)
        return outcome
    except Exception as exc:  # pylint: disable=broad-except
        if not action.data.get("new") or not want.detach:
            raise
        tail = logs(client, want.name, 20)
        discard(client, want.name, want.name)  # nothing half-made: the container this run created goes, volumes too
        reason = describe_engine_error(exc, f"start container {want.name}", want.host) or str(exc)
        raise EngineError(f"{reason}; the new container was removed again, with the volumes it made. Last log lines:\n{tail}",
                          clean=True, undid=("create",)) from exc


def _stop(client, action):
    stop(client, action.data["want"].name, action.data["want"])


def _restart(client, action):
    want = action.data["want"]
    stop(client, want.name, want)  # stop + start rather than the SDK's restart, which always sends a 10 s timeout
    client.api.start(want.name)
    return _after_start(client, want.name, want)


def _pause(client, action):
    client.api.pause(action.data["want"].name)


def _unpause(client, action):
    client.api.unpause(action.data["want"].name)


def _update(client, action):
    client.api.post_json("/containers/{0}/update", action.data["body"], action.data["want"].name)


def _connect_step(client, action):
    _connect(client, action.data["want"].name, action.data["network"])


def _disconnect(client, action):
    client.api.disconnect_container_from_network(action.data["want"].name, action.data["network"], force=True)


def _remove(client, action):
    want = action.data["want"]
    client.api.remove_container(want.name, force=True, v=not want.keep_volumes)


def _recreate(client, action):
    """Safe recreate: the new container is made under a temporary name first (a failing create leaves the old one as
    it is); if it fails to start or to become ready, it is removed and the old one restarted. The swap renames the
    old container aside before the new one takes the name, and removes the old one last, so a run cut off at any
    step leaves containers that the next run's read() recognises (see swap_leftovers) and settles."""
    want = action.data["want"]
    old = client.api.inspect_container(want.name)
    temp = f"{want.name}{TEMP_MARK}{old['Id'][:12]}"
    try:
        new_id = create(client, want, name=temp, inherit=old)
    except APIError as exc:  # the engine refused the new container: nothing was changed
        raise EngineError(f"the new container was refused ({exc}); the old container {want.name} is unchanged", clean=True) from exc
    was_running = bool(old["State"].get("Running"))
    if was_running:
        stop(client, old["Id"], want)
    outcome = None
    if action.data["start"]:
        try:
            client.api.start(new_id)
            outcome = _after_start(client, new_id, want)
        except Exception as exc:  # pylint: disable=broad-except
            tail = logs(client, new_id, 20)
            discard(client, temp, new_id)  # the new container, its new anonymous volumes and the named ones it made
            if was_running:
                client.api.start(old["Id"])
            state = "running again" if was_running else "kept"
            raise EngineError(f"the new container failed ({exc}); the old container {want.name} is {state}. "
                              f"Last log lines of the new one:\n{tail}", clean=True) from exc
    client.api.rename(old["Id"], f"{want.name}{TEMP_MARK}old-{old['Id'][:12]}")
    client.api.rename(new_id, want.name)
    client.api.remove_container(old["Id"], force=True, v=False)  # its carried volumes now belong to the new container
    return outcome


def settle_plan(current, leftovers):
    """How to finish or undo an interrupted swap: (steps, the ID that ends up named as the task says, or None).

    The container that has the name keeps it; else the newest new container takes it (it was ready: the old one is
    renamed aside only then), else the old one gets its name back. Every other leftover is removed, volumes kept."""
    news = [item for item in leftovers if not item[2]]
    olds = [item for item in leftovers if item[2]]
    if current is not None:
        survivor, rename = current["Id"], None
    elif news:
        survivor, rename = news[0][1], news[0]
    else:
        survivor, rename = olds[0][1], olds[0]
    remove = [item for item in leftovers if item is not rename]
    return {"remove": [(item[0], item[1]) for item in remove], "rename": rename and (rename[0], rename[1])}, survivor


def _settle(client, action):
    want = action.data["want"]
    for _name, cid in action.data["remove"]:
        try:
            client.api.remove_container(cid, force=True, v=False)
        except NotFound:
            pass
    if action.data["rename"]:
        client.api.rename(action.data["rename"][1], want.name)


STEPS = {
    "pull": _pull, "create": _create, "start": _start, "stop": _stop, "restart": _restart, "update": _update,
    "connect": _connect_step, "disconnect": _disconnect, "remove": _remove, "recreate": _recreate, "settle": _settle,
    "pause": _pause, "unpause": _unpause,
}


def update_body(changes, memory_swap):
    """The update endpoint's body for in-place changes (the SDK's update_container drops zeros and lacks some keys)."""
    body: dict[str, Any] = {}
    for change in changes:
        field = FIELDS_BY_NAME[change.field]
        if field.update == "RestartPolicy":
            policy = body.setdefault("RestartPolicy", {})
            policy["Name" if field.name == "restart_policy" else "MaximumRetryCount"] = change.after
        else:
            body[field.update or field.name] = field.dump(change.after) if field.dump else change.after
    if "RestartPolicy" in body:
        body["RestartPolicy"].setdefault("Name", "on-failure" if body["RestartPolicy"].get("MaximumRetryCount") else "no")
    swap = memory_swap or 0
    if body.get("Memory") and "MemorySwap" not in body and 0 < swap < body["Memory"]:
        body["MemorySwap"] = 2 * body["Memory"]  # the engine's own default; it refuses memory above the old swap
    return body
