# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""How to read, compare and apply a container: the plan rules over the option table in _container_fields.py.

- A changed option the engine can update in place is updated (the container keeps its ID); any other change
  recreates the container, safely: the new one is created first under a temporary name, so a failing create leaves
  the old one running; if the new one fails to start or to become healthy, the old one is restored.
- Named and anonymous volumes carry over to a recreated container; nothing is removed with a recreate but the old
  container itself.
- What the task sets is recorded in the label dockhand.managed, so an option, key or network that an earlier run
  set and the task no longer lists is removed, while what others set is left alone.
"""

from __future__ import annotations

import json
import time
from typing import Any

from ._client import APIError, EngineError, NotFound, describe_engine_error, engine_errors
from ._image import local_image, parse_ref, remote_digest, repo_digests, stream_errors
from ._container_fields import ANON_VOLUME, FIELDS, FIELDS_BY_NAME, KEEP, actual_value, image_value, set_path
from ._parse import docker_name, ip_address
from ._plan import Action, Change, ParamError, Plan, compare

MANAGED_LABEL = "dockhand.managed"
SETTLE_SECONDS = 1.0  # a container must stay up this long after start to count as running
_ZERO = (0, "", None)


def _env_file(path):
    env = {}
    try:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                if "=" not in line:
                    raise ParamError("env_file", f"{path} line {number}: {line!r} is not NAME=value")
                key, value = line.split("=", 1)
                env[key.strip()] = value
    except OSError as exc:
        raise ParamError("env_file", f"cannot read {path}: {exc.strerror}") from None
    return env


def _networks(option, networks):
    out = []
    for i, net in enumerate(networks):
        if not net.get("name"):
            raise ParamError(f"{option}[{i}].name", "is needed")
        entry = {"name": net["name"], "aliases": sorted(set(net.get("aliases") or [])), "links": sorted(net.get("links") or [])}
        for key in ("ipv4_address", "ipv6_address"):
            entry[key] = ip_address(f"{option}[{i}].{key}", net[key]) if net.get(key) else None
        out.append(entry)
    return out


class ContainerKind:
    kind = "container"

    def __init__(self, extra_labels=None, known_networks=()):
        self.extra: dict[str, Any] = {}
        self.extra_labels = dict(extra_labels or {})  # labels the caller adds (dockhand.project): not task options
        self.known_networks = set(known_networks)  # networks that exist by the time the plan is applied

    @staticmethod
    def name(params):
        return params["name"]

    @staticmethod
    def desired(params):
        docker_name("name", params["name"])
        _community_compatibility(params)
        if params.get("image"):
            parse_ref("image", params["image"])
        fields = {}
        for field in FIELDS:
            value = params.get(field.name)
            fields[field.name] = None if value is None else field.parse(field.name, value)
        if params.get("env_file"):
            fields["env"] = dict(_env_file(params["env_file"]), **(fields["env"] or {}))
        want = {"fields": fields, "networks": None if params.get("networks") is None else _networks("networks", params["networks"])}
        _check_conflicts(params, fields, want["networks"])
        return want

    def read(self, client, params, want):
        actual: dict[str, Any] = {"container": None, "image": None, "remote_digest": None, "remote_error": None,
                                  "missing_networks": [], "managed": {}}
        try:
            actual["container"] = client.api.inspect_container(params["name"])
        except NotFound:
            pass
        actual["inspect"] = actual["container"]
        if actual["container"]:
            label = (actual["container"]["Config"].get("Labels") or {}).get(MANAGED_LABEL)
            actual["managed"] = json.loads(label) if label else {}
        if params.get("image") and run_state(params) != "absent":
            ref = parse_ref("image", params["image"])
            actual["image"] = local_image(client, ref)
            if pull_policy(params) == "always":
                try:
                    actual["remote_digest"] = remote_digest(client, ref, None)
                    actual["local_digests"] = repo_digests(actual["image"], ref.repository)
                except EngineError as exc:
                    actual["remote_error"] = str(exc)
        for net in want["networks"] or []:
            if net["name"] in self.known_networks:
                continue
            try:
                client.api.inspect_network(net["name"])
            except NotFound:
                actual["missing_networks"].append(net["name"])
        return actual

    def plan(self, want, actual, params):
        name, have = params["name"], actual["container"]
        target = f"container {name}"
        if run_state(params) == "absent":
            plan = Plan("container", name, _summary(have), None)
            if have:
                plan.add(Action("remove", target, note="its volumes are kept" if params.get("keep_volumes", True) else "with its anonymous volumes"))
            return plan
        if actual["missing_networks"]:
            raise ParamError("networks", f"no such network: {', '.join(actual['missing_networks'])}")
        plan = Plan("container", name, _summary(have), None)
        pull = _pull_action(params, actual, plan)
        if have is None:
            if not params.get("image"):
                raise ParamError("image", f"is needed to create {target}")
            plan.after = {"exists": True, "image": params["image"], "state": run_state(params)}
            plan.add(Action("create", target, note=f"from {params['image']}"))
            if run_state(params) in ("started", "restarted"):
                plan.add(Action("start", target, data={"new": True}))
            return plan

        changes = _field_changes(want, actual, params, pull)
        net_actions, net_change = _network_actions(want, actual, target)
        if not actual["managed"] and not params.get("adopt") and (changes or net_actions or params.get("recreate")):
            raise ParamError("name", f"{target} exists but was not created by this module, and the task would change it "
                                     f"({', '.join(c.field for c in changes) or 'networks'}): set adopt: true to manage it")
        recreate = [c for c in changes if c.how == "recreate"]
        running = bool(have["State"].get("Running"))
        plan.after = {"exists": True}
        if recreate or params.get("recreate"):
            all_changes = tuple(changes) + ((net_change,) if net_change else ())
            start = run_state(params) in ("started", "restarted") or (run_state(params) == "present" and running)
            plan.add(Action("recreate", target, all_changes, data={"start": start}, atomic=False,
                            note="forced by recreate: true" if not recreate else "volumes carry over"))
            return plan
        if changes:
            plan.add(Action("update", target, tuple(changes), data={"memory_swap": actual_value(FIELDS_BY_NAME["memory_swap"], have, None)}))
        for action in net_actions:
            plan.add(action)
        if net_change:
            plan.changes.append(net_change)
        if run_state(params) == "started" and not running:
            plan.add(Action("start", target))
        elif run_state(params) == "stopped" and running:
            plan.add(Action("stop", target))
        elif run_state(params) == "restarted" or (params.get("restart") and run_state(params) == "started"):
            plan.add(Action("restart", target))
        if plan.actions and run_state(params) in ("started", "stopped") and running != (run_state(params) == "started"):
            plan.changes.append(Change("running", running, run_state(params) == "started", "start/stop"))
        return plan

    def apply(self, client, action, params):
        name = params["name"]
        if action.verb == "pull":
            _pull(client, params["image"])
        elif action.verb == "create":
            _create(client, name, params, extra_labels=self.extra_labels)
        elif action.verb == "start":
            try:
                client.api.start(name)
                self._after_start(client, name, params)
            except Exception as exc:  # pylint: disable=broad-except
                if not action.data.get("new") or params.get("detach") is False:
                    raise
                logs = _logs(client, name, 20)
                client.api.remove_container(name, force=True)  # nothing half-made: the container this run created goes
                reason = describe_engine_error(exc, f"start container {name}", params.get("docker_host")) or str(exc)
                raise EngineError(f"{reason}; the new container was removed again. Last log lines:\n{logs}") from exc
        elif action.verb == "stop":
            _stop(client, name, params)
        elif action.verb == "restart":
            client.api.restart(name, timeout=params.get("stop_timeout") or 10)
            self._after_start(client, name, params)
        elif action.verb == "update":
            client.api._result(client.api._post_json(client.api._url("/containers/{0}/update", name), data=_update_body(action)), True)
        elif action.verb == "connect":
            net = action.data["network"]
            client.api.connect_container_to_network(name, net["name"], aliases=net["aliases"] or None, links=net["links"] or None,
                                                    ipv4_address=net["ipv4_address"], ipv6_address=net["ipv6_address"])
        elif action.verb == "disconnect":
            client.api.disconnect_container_from_network(name, action.data["network"], force=True)
        elif action.verb == "remove":
            client.api.remove_container(name, force=True, v=not params.get("keep_volumes", True))
        elif action.verb == "recreate":
            self._recreate(client, name, params, action.data["start"])

    def _after_start(self, client, cid, params):
        if params.get("detach") is False:
            status = client.api.wait(cid).get("StatusCode")
            self.extra = {"status": status, "output": _logs(client, cid, 200)}
            if status != 0:
                raise EngineError(f"container {params['name']} exited with code {status}; last log lines:\n{_logs(client, cid, 20)}")
            return
        if wait_mode(params) != "none":
            wait_for(client, cid, wait_mode(params), params.get("wait_timeout") or 60)

    def _recreate(self, client, name, params, start):
        old = client.api.inspect_container(name)
        temp = f"{name}-dockhand-{old['Id'][:12]}"
        try:
            client.api.remove_container(temp, force=True)  # left by an earlier run that was cut off
        except NotFound:
            pass
        new_id = _create(client, temp, params, inherit=old, extra_labels=self.extra_labels)  # a failing create leaves the old container as it is
        was_running = bool(old["State"].get("Running"))
        if was_running:
            _stop(client, old["Id"], params)
        if start:
            try:
                client.api.start(new_id)
                self._after_start(client, new_id, params)
            except Exception as exc:  # pylint: disable=broad-except
                logs = _logs(client, new_id, 20)
                client.api.remove_container(new_id, force=True)
                if was_running:
                    client.api.start(old["Id"])
                state = "running again" if was_running else "kept"
                raise EngineError(f"the new container failed ({exc}); the old container {name} is {state}. "
                                  f"Last log lines of the new one:\n{logs}") from exc
        client.api.remove_container(old["Id"], force=True, v=False)  # its volumes now belong to the new container
        client.api.rename(new_id, name)

    @staticmethod
    def inspect(client, params):
        try:
            return client.api.inspect_container(params["name"])
        except NotFound:
            return {}


def run_state(params):
    """The state to converge to; community.docker's state healthy is started, waited for until healthy."""
    return "started" if params["state"] == "healthy" else params["state"]


def wait_mode(params):
    return "healthy" if params["state"] == "healthy" else (params.get("wait") or "none")


def pull_policy(params):
    """missing, always or never; community.docker's true/false mean always/missing."""
    pull = params.get("pull")
    aliases = {True: "always", False: "missing", "true": "always", "false": "missing", None: "missing"}
    policy = aliases.get(pull, pull) if isinstance(pull, (str, bool, type(None))) else None
    if policy not in ("missing", "always", "never"):
        raise ParamError("pull", f"{pull!r} is not one of missing, always, never (or true/false)")
    return policy


def _community_compatibility(params):
    """community.docker's spellings: pull true/false, and two switches whose only supported value is this module's behaviour."""
    pull_policy(params)
    if params.get("container_default_behavior") == "compatibility":
        raise ParamError("container_default_behavior", "compatibility is not supported: options the task does not set are never compared "
                                                       "(community.docker's no_defaults); set the options you rely on explicitly")
    if params.get("networks_cli_compatible") is False:
        raise ParamError("networks_cli_compatible", "false is not supported: the first network replaces the default bridge, as with "
                                                    "docker run --network; list bridge in networks to keep it")


def _check_conflicts(params, fields, networks):
    mode = fields["network_mode"] or ""
    if networks is not None and (mode in ("host", "none") or mode.startswith("container:")):
        raise ParamError("networks", f"cannot be combined with network_mode: {mode}")
    if fields["published_ports"] and mode == "host":
        raise ParamError("published_ports", "cannot be used with network_mode: host (the container uses the host's ports)")
    if fields["restart_retries"] and (fields["restart_policy"] or "no") != "on-failure":
        raise ParamError("restart_retries", "only applies with restart_policy: on-failure")
    if fields["auto_remove"] and (fields["restart_policy"] or "no") != "no":
        raise ParamError("auto_remove", f"cannot be combined with restart_policy: {fields['restart_policy']}")
    if fields["memory_swap"] not in _ZERO and not fields["memory"]:
        raise ParamError("memory_swap", "needs memory: the engine only limits swap together with memory")
    if fields["memory"] and fields["memory_reservation"] and fields["memory_reservation"] > fields["memory"]:
        raise ParamError("memory_reservation", "must not be more than memory")
    if wait_mode(params) == "healthy" and fields["healthcheck"] == {"test": ["NONE"]}:
        raise ParamError("wait", "healthy needs a healthcheck, but healthcheck.disable is set")


def _summary(have):
    if not have:
        return None
    return {"exists": True, "image": have["Config"].get("Image"), "running": bool(have["State"].get("Running"))}


def _pull_action(params, actual, plan):
    """Add a pull to the plan when the image is missing, or moved in the registry with pull: always."""
    image = params.get("image")
    if not image or run_state(params) == "absent":
        return False
    if actual["image"] is None:
        if pull_policy(params) == "never":
            raise ParamError("pull", f"image {image} is not on the engine and pull is never")
        plan.add(Action("pull", f"image {image}", note="not on the engine"))
        return True
    if pull_policy(params) == "always":
        if actual["remote_digest"] and actual["remote_digest"] not in actual.get("local_digests", []):
            plan.add(Action("pull", f"image {image}", note=f"the registry has {actual['remote_digest'][:19]}"))
            return True
        if actual["remote_error"]:
            plan.add(Action("pull", f"image {image}", note=f"the registry could not be asked ({actual['remote_error'][:80]}); it may not change"))
    return False


def _expected(field, task, managed, image_config, fields):
    """What the container should have for this option, or None when the option is not managed."""
    was_managed = field.name in managed.get("fields", [])
    img = image_value(field, image_config)
    if field.mode == "subset":
        dropped = [k for k in managed.get("keys", {}).get(field.name, []) if task is None or k not in task]
        if task is None and not dropped:
            return None
        expected = {k: (img or {}).get(k) for k in dropped}
        expected.update(task or {})
        return expected
    if task is None:
        if not was_managed:
            return None
        if field.image:
            return img
        return None if field.default is KEEP else field.default
    if field.name == "exposed_ports":
        ports = {p.rsplit(":", 1)[1] for p in fields["published_ports"] or []}
        return sorted(set(task) | set(img or []) | ports)
    return task


def _field_changes(want, actual, params, pulling):
    have, image = actual["container"], actual["image"]
    image_config = (image or {}).get("Config") or {}
    changes = []
    if params.get("image") and (pulling or (image and image["Id"] != have.get("Image"))):
        changes.append(Change("image", have["Config"].get("Image") + f" ({have['Image'][7:19]})",
                              params["image"] + (" (to be pulled)" if pulling else f" ({image['Id'][7:19]})"), "recreate"))
    managed = actual["managed"].get("fields", [])
    for field in FIELDS:
        task = want["fields"][field.name]
        expected = _expected(field, task, actual["managed"], image_config, want["fields"])
        # a dropped option the image has no value for must be unset again; any other None is not managed
        must_be_unset = expected is None and task is None and field.image and field.name in managed
        if expected is None and not must_be_unset:
            continue
        current = actual_value(field, have, image_config)
        if (current in (None, [], {}, "")) if must_be_unset else compare(field.mode, expected, current):
            continue
        shown = {k: (current or {}).get(k) for k in expected} if field.mode == "subset" else current
        in_place = field.update and (field.zero_updates or expected not in _ZERO)
        changes.append(Change(field.name, shown, expected, "update" if in_place else "recreate"))
    return changes


def _network_actions(want, actual, target):
    have = actual["container"]
    attached = have["NetworkSettings"].get("Networks") or {}
    wanted = want["networks"]
    if wanted is None and not actual["managed"].get("networks"):
        return [], None
    actions = []
    wanted = wanted or []
    for net in wanted:
        endpoint = attached.get(net["name"])
        if endpoint is not None and _endpoint_matches(net, endpoint, have["Id"]):
            continue
        if endpoint is not None:
            actions.append(Action("disconnect", f"{target} from network {net['name']}", data={"network": net["name"]}, note="to change its endpoint"))
        actions.append(Action("connect", f"{target} to network {net['name']}", data={"network": net}))
    listed = {n["name"] for n in wanted}
    for name in sorted(set(actual["managed"].get("networks", [])) - listed):
        if name in attached:
            actions.append(Action("disconnect", f"{target} from network {name}", data={"network": name}, note="no longer listed"))
    if not actions:
        return [], None
    before = sorted(attached)
    after = sorted((set(attached) - (set(actual["managed"].get("networks", [])) - listed)) | listed)
    return actions, Change("networks", before, after if after != before else [n["name"] for n in wanted], "connect/disconnect")


def _endpoint_matches(net, endpoint, cid):
    aliases = set(endpoint.get("Aliases") or []) - {cid[:12]}
    ipam = endpoint.get("IPAMConfig") or {}
    return (set(net["aliases"]) <= aliases and (net["ipv4_address"] in (None, ipam.get("IPv4Address")))
            and (net["ipv6_address"] in (None, ipam.get("IPv6Address"))))


def _update_body(action):
    body: dict[str, Any] = {}
    for change in action.changes:
        field = FIELDS_BY_NAME[change.field]
        if field.update == "RestartPolicy":
            policy = body.setdefault("RestartPolicy", {})
            policy["Name" if field.name == "restart_policy" else "MaximumRetryCount"] = change.after
        else:
            body[field.update or field.name] = field.dump(change.after) if field.dump else change.after
    if "RestartPolicy" in body:
        body["RestartPolicy"].setdefault("Name", "on-failure" if body["RestartPolicy"].get("MaximumRetryCount") else "no")
    swap = action.data.get("memory_swap") or 0
    if body.get("Memory") and "MemorySwap" not in body and 0 < swap < body["Memory"]:
        body["MemorySwap"] = 2 * body["Memory"]  # the engine's own default; it refuses memory above the old swap
    return body


def create_body(params, inherit=None, extra_labels=None):
    """The engine's create request from the task (option space -> the same paths inspect shows)."""
    want = ContainerKind.desired(params)
    fields = want["fields"]
    doc: dict[str, Any] = {"Config": {"Image": str(parse_ref("image", params["image"]))}, "HostConfig": {}}
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
    if inherit:  # anonymous volumes of the container being replaced go to the new one
        named_targets = {b.split(":")[1] for b in binds}
        for mount in inherit.get("Mounts") or []:
            if mount.get("Type") == "volume" and ANON_VOLUME.match(mount.get("Name") or "") and mount["Destination"] not in named_targets:
                binds.append(f"{mount['Name']}:{mount['Destination']}")
    if binds:
        doc["HostConfig"]["Binds"] = binds
    if anonymous:
        doc["Config"]["Volumes"] = anonymous
    if fields["published_ports"]:
        exposed = doc["Config"].setdefault("ExposedPorts", {})
        exposed.update({p.rsplit(":", 1)[1]: {} for p in fields["published_ports"]})
    managed = {"fields": sorted(k for k, v in fields.items() if v is not None),
               "keys": {f.name: sorted(fields[f.name]) for f in FIELDS if f.mode == "subset" and fields[f.name]}}
    networks = want["networks"] or []
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
    labels.update(extra_labels or {})
    labels[MANAGED_LABEL] = json.dumps(managed, sort_keys=True, separators=(",", ":"))
    body = dict(doc["Config"], HostConfig=doc["HostConfig"])
    if "NetworkingConfig" in doc:
        body["NetworkingConfig"] = doc["NetworkingConfig"]
    return body, connect_after


def _endpoint_config(net):
    ipam = {k: v for k, v in (("IPv4Address", net["ipv4_address"]), ("IPv6Address", net["ipv6_address"])) if v}
    return {"Aliases": net["aliases"] or None, "Links": net["links"] or None, "IPAMConfig": ipam or None}


def _create(client, name, params, inherit=None, extra_labels=None):
    body, networks = create_body(params, inherit, extra_labels)
    result = client.api._result(client.api._post_json(client.api._url("/containers/create"), data=body, params={"name": name}), True)
    for net in networks + _networks_of_others(inherit, params):
        client.api.connect_container_to_network(result["Id"], net["name"], aliases=net["aliases"] or None, links=net["links"] or None,
                                                ipv4_address=net["ipv4_address"], ipv6_address=net["ipv6_address"])
    return result["Id"]


def _networks_of_others(old, params):
    """Networks the container being replaced was connected to by others: the new one joins them with the same endpoint."""
    if not old:
        return []
    label = (old["Config"].get("Labels") or {}).get(MANAGED_LABEL)
    ours = set(json.loads(label).get("networks", [])) if label else set()
    ours |= {n["name"] for n in params.get("networks") or []}
    mode = params.get("network_mode") or ((params.get("networks") or [{}])[0].get("name"))
    out = []
    for name, endpoint in (old["NetworkSettings"].get("Networks") or {}).items():
        if name in ours or name == mode or (name == "bridge" and not mode):
            continue
        ipam = endpoint.get("IPAMConfig") or {}
        out.append({"name": name, "aliases": [a for a in endpoint.get("Aliases") or [] if a != old["Id"][:12]],
                    "links": endpoint.get("Links") or [], "ipv4_address": ipam.get("IPv4Address"), "ipv6_address": ipam.get("IPv6Address")})
    return out


def _pull(client, image):
    ref = parse_ref("image", image)
    stream_errors(client.api.pull(ref.repository, tag=ref.digest or ref.tag, stream=True, decode=True), f"pull image {image}", ref)


def _stop(client, cid, params):
    if params.get("force_kill"):
        client.api.kill(cid)
    else:
        client.api.stop(cid, timeout=params.get("stop_timeout") if params.get("stop_timeout") is not None else 10)


def _logs(client, cid, lines):
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
            raise EngineError(f"the container exited with code {state.get('ExitCode')}; last log lines:\n{_logs(client, cid, 20)}")
        health = (state.get("Health") or {}).get("Status")
        if mode == "healthy":
            if health is None:
                raise ParamError("wait", "healthy needs a healthcheck: set healthcheck or use an image that has one")
            if health == "healthy":
                return
            if health == "unhealthy":
                probe = ((state["Health"].get("Log") or [{}])[-1].get("Output") or "").strip()
                raise EngineError(f"the container is unhealthy (last check: {probe[:200]!r}); last log lines:\n{_logs(client, cid, 20)}")
        else:
            up_since = up_since or time.monotonic()
            if time.monotonic() - up_since >= SETTLE_SECONDS:
                return
        if time.monotonic() > deadline:
            raise EngineError(f"the container was not {mode} within {timeout}s; last log lines:\n{_logs(client, cid, 20)}")
        time.sleep(0.25)


def container_info(client, params):
    """Inspect data for the named containers (in the order given) and for all containers matching the filters."""
    names, filters = params.get("name") or [], params.get("filters") or {}
    found, missing = [], []
    host = params.get("docker_host")
    for name in names:
        with engine_errors(f"inspecting container {name}", host):
            try:
                found.append(client.api.inspect_container(name))
            except NotFound:
                missing.append(name)
    if filters or not names:
        with engine_errors("listing containers", host):
            listed = client.api.containers(all=True, filters=filters or None)
        seen = {c["Id"] for c in found}
        with engine_errors("inspecting containers", host):
            found += [client.api.inspect_container(c["Id"]) for c in listed if c["Id"] not in seen]
    result: dict[str, Any] = {"containers": found, "missing": missing}
    if len(names) == 1 and not filters:  # community.docker.docker_container_info's shape, for one name
        result.update(exists=bool(found), container=found[0] if found else {})
    return result
