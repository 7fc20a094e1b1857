# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""How to read and compare a container: the plan rules over the option table in _container_fields.py.
The engine steps that carry a plan out are in _container_apply.py.

- A changed option the engine can update in place is updated (the container keeps its ID); any other change
  recreates the container, safely: the new one is created first under a temporary name, so a failing create leaves
  the old one running; if the new one fails to start or to become healthy, the old one is restored.
- Named volumes, and the anonymous volumes the task or the image still declares, carry over to a recreated
  container; nothing is removed with a recreate but the old container itself.
- What the task sets is recorded in the label dockhand.managed, so an option, key or network that an earlier run
  set and the task no longer lists is removed, while what others set is left alone.
- A task without image (a name and a state) starts, stops or removes the container and compares nothing else.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Optional

from ._container_fields import (ANON_VOLUME, FIELDS, FIELDS_BY_NAME, KEEP, actual_value, anonymous_alike, anonymous_target, api_needs,
                                container_refs, image_value, in_place, matches, parse_fields, with_container_ids)
from ._errors import EngineError, NotFound, ParamError
from ._container_compat import comparison, comparisons, compatible_params, image_label_check
from ._image import Ref, check_platform, local_image, parse_ref, remote_digest, repo_digests
from ._parse import docker_name, ip_address, string_map
from ._plan import Action, Change, Plan, compare

_ZERO = (0, "", None)
MANAGED_LABEL = "dockhand.managed"  # what the task set, so that what it no longer sets is removed
TEMP_MARK = "-dockhand-"  # a recreate's new container is made as <name>-dockhand-<old id> and renamed at the end


@dataclass(frozen=True)
class ContainerWant:
    name: str
    state: str                    # absent | present | stopped | started | restarted (healthy: started, waited for)
    image: Optional[str]          # as the task wrote it; None: act on the existing container, compare nothing
    ref: Optional[Ref]            # the image reference, parsed once
    pull: str                     # missing | always | never
    fields: dict                  # every option of the table in option space (None: the task does not set it)
    networks: Optional[list]
    wait: str                     # none | running | healthy
    wait_timeout: int
    detach: bool
    restart: bool
    recreate: bool
    adopt: bool
    keep_volumes: bool
    force_kill: bool
    stop_timeout: Optional[int]
    host: Optional[str]
    extra_labels: dict = field(default_factory=dict)    # labels the caller adds (dockhand.project): not task options
    known_networks: frozenset = frozenset()             # networks that exist by the time the plan is applied
    # community.docker's switches (see _container_compat.py); the defaults are dockhand's behaviour
    comparisons: dict = field(default_factory=dict)
    image_comparison: str = "desired-image"            # desired-image | current-image
    image_name_mismatch: str = "ignore"                # ignore | recreate
    image_label_mismatch: str = "ignore"               # ignore | fail
    paused: Optional[bool] = None
    cleanup: bool = False                               # with detach: false, remove the container after it ran
    kill_signal: Optional[str] = None                  # the signal of force_kill
    renew_anon_volumes: bool = False                    # a recreate makes new anonymous volumes (Compose's --renew-anon-volumes)
    platform: Optional[str] = None


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
        # community.docker's endpoint settings: set only when the task gives them
        entry["driver_opts"] = string_map(f"{option}[{i}].driver_opts", net.get("driver_opts")) or None
        entry["mac_address"] = FIELDS_BY_NAME["mac_address"].parse(f"{option}[{i}].mac_address", net["mac_address"]) if net.get("mac_address") else None
        entry["gw_priority"] = net.get("gw_priority")
        out.append(entry)
    return out


class ContainerKind:
    kind = "container"
    phase = 2

    @staticmethod
    def desired(params):
        docker_name("name", params["name"])
        params = compatible_params(params)
        ref = parse_ref("image", params["image"]) if params.get("image") else None
        fields = parse_fields(params)
        if params.get("env_file"):
            fields["env"] = dict(_env_file(params["env_file"]), **(fields["env"] or {}))
        networks = None if params.get("networks") is None else _networks("networks", params["networks"])
        state = params.get("state") or "started"
        want = ContainerWant(
            name=params["name"], state="started" if state == "healthy" else state, image=params.get("image"), ref=ref,
            pull=pull_policy(params), fields=fields, networks=networks,
            wait="healthy" if state == "healthy" else (params.get("wait") or "none"), wait_timeout=params.get("wait_timeout") or 60,
            detach=params.get("detach") is not False, restart=bool(params.get("restart")), recreate=bool(params.get("recreate")),
            adopt=bool(params.get("adopt")), keep_volumes=params.get("keep_volumes", True) is not False,
            force_kill=bool(params.get("force_kill")), stop_timeout=params.get("stop_timeout"), host=params.get("docker_host"),
            comparisons=comparisons(params, params.keys()), image_comparison=params.get("image_comparison") or "desired-image",
            image_name_mismatch=params.get("image_name_mismatch") or "ignore",
            image_label_mismatch=params.get("image_label_mismatch") or "ignore", paused=params.get("paused"),
            cleanup=bool(params.get("cleanup")), kill_signal=params.get("kill_signal"), platform=check_platform("platform", params.get("platform")))
        _check_conflicts(want)
        return want

    @staticmethod
    def read(client, want):
        actual: dict[str, Any] = {"container": None, "image": None, "remote_digest": None, "remote_error": None,
                                  "missing_networks": [], "managed": {}}
        try:
            actual["container"] = client.api.inspect_container(want.name)
        except NotFound:
            pass
        leftovers = swap_leftovers(client, want.name)
        if leftovers:  # an earlier run was cut off in the middle of a recreate
            from ._container_apply import settle_plan  # the engine steps load only when a run has some to do
            actual["settle"], survivor = settle_plan(actual["container"], leftovers)
            if actual["container"] is None:
                actual["container"] = client.api.inspect_container(survivor)
        actual["inspect"] = actual["container"]
        actual["container_ids"] = {}  # container:NAME values of the task, as the engine records them (container:<ID>)
        for ref in container_refs(want.fields) if actual["container"] else []:
            try:
                actual["container_ids"][ref] = client.api.inspect_container(ref)["Id"]
            except NotFound:
                pass
        if actual["container"]:
            label = (actual["container"]["Config"].get("Labels") or {}).get(MANAGED_LABEL)
            actual["managed"] = json.loads(label) if label else {}
        if want.ref and want.state != "absent":
            actual["image"] = client.shared(("image", str(want.ref)), lambda: local_image(client, want.ref))
            if want.pull == "always":
                try:
                    actual["remote_digest"] = remote_digest(client, want.ref, None)
                    actual["local_digests"] = repo_digests(actual["image"], want.ref.repository)
                except EngineError as exc:
                    actual["remote_error"] = str(exc)
        if want.state != "absent" and _api_needs(want):
            actual["api_version"] = client.api.version().get("ApiVersion")
        if want.state != "absent" and want.fields["storage_opts"]:
            info = client.info()
            actual["storage"] = (info.get("Driver"), dict(tuple(pair) for pair in info.get("DriverStatus") or [] if len(pair) == 2))
        for net in want.networks or []:
            if net["name"] in want.known_networks:
                continue
            try:
                client.api.inspect_network(net["name"])
            except NotFound:
                actual["missing_networks"].append(net["name"])
        return actual

    @staticmethod
    def plan(want, actual):
        name, have = want.name, actual["container"]
        target = f"container {name}"
        data = {"want": want}
        settle = _settle_action(want, actual, target)
        if want.state == "absent":
            plan = Plan("container", name, _summary(have), None)
            if settle:
                plan.add(settle)
            if have:
                plan.add(Action("remove", target, data=data, note="its volumes are kept" if want.keep_volumes else "with its anonymous volumes"))
            return plan
        if actual["missing_networks"]:
            raise ParamError("networks", f"no such network: {', '.join(actual['missing_networks'])}")
        _check_engine_api(want, actual)
        plan = Plan("container", name, _summary(have), None)
        if settle:
            plan.add(settle)
        pulling = _pull_action(want, actual, plan)
        image_label_check(want, actual["image"])
        if have is None:
            if not want.ref:
                raise ParamError("image", f"is needed to create {target}")
            plan.after = {"exists": True, "image": want.image, "state": want.state}
            plan.add(Action("create", target, data=data, note=f"from {want.image}"))
            if want.state in ("started", "restarted"):
                plan.add(Action("start", target, data=dict(data, new=True)))
                _pause_action(want, plan, target, running=True, paused=False)
            return plan

        changes = _field_changes(want, actual, pulling) if want.ref else []
        net_actions, net_change = _network_actions(want, actual, target)
        if not actual["managed"] and not want.adopt and (changes or net_actions or want.recreate):
            raise ParamError("name", f"{target} exists but was not created by this module, and the task would change it "
                                     f"({', '.join(c.field for c in changes) or 'networks'}): set adopt: true to manage it")
        recreate = [c for c in changes if c.how == "recreate"]
        running = bool(have["State"].get("Running"))
        plan.after = {"exists": True}
        if recreate or want.recreate:
            all_changes = tuple(changes) + ((net_change,) if net_change else ())
            start = want.state in ("started", "restarted") or (want.state == "present" and running)
            plan.add(Action("recreate", target, all_changes, data=dict(data, start=start), atomic=False,
                            note="forced by recreate: true" if not recreate else _carry_note(want, have, actual["image"])))
            _pause_action(want, plan, target, running=start, paused=False)
            return plan
        if changes:
            swap = actual_value(FIELDS_BY_NAME["memory_swap"], have, None)
            from ._container_apply import update_body
            plan.add(Action("update", target, tuple(changes), data=dict(data, body=update_body(changes, swap))))
        for action in net_actions:
            plan.add(action)
        if net_change:
            plan.changes.append(net_change)
        _run_state_actions(want, have, plan, target)
        return plan

    @staticmethod
    def apply(client, action):
        from ._container_apply import STEPS
        return STEPS[action.verb](client, action)

    @staticmethod
    def inspect(client, want):
        try:
            return client.api.inspect_container(want.name)
        except NotFound:
            return {}


def _settle_action(want, actual, target):
    """The first step when an earlier run was cut off in the middle of a recreate: finish or undo that swap."""
    steps = actual.get("settle")
    if not steps:
        return None
    said = [f"rename {steps['rename'][0]} to {want.name}"] if steps["rename"] else []
    said += [f"remove {name} (volumes kept)" for name, _cid in steps["remove"]]
    return Action("settle", target, data=dict(steps, want=want), atomic=False,
                  note=f"an earlier run was cut off in a recreate: {'; '.join(said)}")


def swap_leftovers(client, name):
    """Containers an interrupted recreate of `name` left: [(name, id, is_old, created)], newest first.
    One listing per task serves every container of a project (a recreate names its own leftovers only after its read)."""
    pattern = re.compile(rf"^/{re.escape(name)}{TEMP_MARK}(old-)?[0-9a-f]{{12}}$")
    found = []
    listing = client.shared("swap leftovers", lambda: client.api.containers(all=True, filters={"name": TEMP_MARK}))
    for entry in listing:
        match = next((pattern.match(n) for n in entry.get("Names") or [] if pattern.match(n)), None)
        if match:
            found.append((match.group(0).lstrip("/"), entry["Id"], bool(match.group(1)), entry.get("Created") or 0))
    return sorted(found, key=lambda item: -item[3])


def pull_policy(params):
    """missing, always or never; community.docker's true/false mean always/missing."""
    pull = params.get("pull")
    aliases = {True: "always", False: "missing", "true": "always", "false": "missing", None: "missing"}
    policy = aliases.get(pull, pull) if isinstance(pull, (str, bool, type(None))) else None
    if policy not in ("missing", "always", "never"):
        raise ParamError("pull", f"{pull!r} is not one of missing, always, never (or true/false)")
    return policy


def _run_state_actions(want, have, plan, target):
    """Start, stop, restart, pause or unpause an existing container as the task's state says."""
    data = {"want": want}
    running, paused = bool(have["State"].get("Running")), bool(have["State"].get("Paused"))
    if paused and want.paused is False or (paused and want.state in ("stopped", "restarted")):
        plan.add(Action("unpause", target, data=data))
        paused = False
    if want.state == "started" and not running:
        plan.add(Action("start", target, data=data))
    elif want.state == "stopped" and running:
        plan.add(Action("stop", target, data=data))
    elif want.state == "restarted" or (want.restart and want.state == "started"):
        plan.add(Action("restart", target, data=data))
    if plan.actions and want.state in ("started", "stopped") and running != (want.state == "started"):
        plan.changes.append(Change("running", running, want.state == "started", "start/stop"))
    _pause_action(want, plan, target, running=want.state in ("started", "restarted") or (running and want.state == "present"), paused=paused)


def _pause_action(want, plan, target, running, paused):
    """paused: true pauses the running container (community.docker's paused)."""
    if want.paused and running and not paused:
        plan.add(Action("pause", target, data={"want": want}))
        plan.changes.append(Change("paused", False, True, "pause"))


def _api_needs(want):
    """api_needs() of the option table, and of the endpoint settings of the task's networks."""
    needs = api_needs(want.fields)
    for i, net in enumerate(want.networks or []):
        needs.extend((f"networks[{i}].{key}", version) for key, version in (("mac_address", (1, 44)), ("gw_priority", (1, 48)))
                     if net.get(key) is not None)
    return needs


def _check_engine_api(want, actual):
    """Options this engine cannot keep fail before anything is written, check mode included: an older API would drop them,
    a storage driver refuse them."""
    version = actual.get("api_version")
    speaks = tuple(int(p) for p in version.split(".")) if version else None
    for option, needed in _api_needs(want) if speaks else []:
        if speaks < needed:
            raise ParamError(option, f"needs Engine API {needed[0]}.{needed[1]} or newer; this engine speaks API {version}, "
                                     "which would drop it, so it could never converge")
    storage: tuple = actual.get("storage") or (None, {})
    driver, status = storage
    backing = status.get("Backing Filesystem")
    if driver == "overlay2" and backing and backing != "xfs":
        raise ParamError("storage_opts", f"this engine's storage driver, overlay2 on {backing}, cannot apply them: overlay2 takes only size, and "
                                         "only over xfs mounted with pquota (the engine refuses the create)")


def _carry_note(want, have, image):
    """What a recreate does with the old container's anonymous volumes: the plan says so before it happens."""
    if want.renew_anon_volumes:
        return "new anonymous volumes (renew_anon_volumes); the old ones are kept on the engine, unused"
    declared = anonymous_targets(want.fields) | set(((image or {}).get("Config") or {}).get("Volumes") or {})
    if want.fields["volumes"] is None and "volumes" not in _managed_fields(have):
        return "volumes carry over"
    dropped = sorted(m["Destination"] for m in have.get("Mounts") or [] if m.get("Type") == "volume"
                     and ANON_VOLUME.match(m.get("Name") or "") and m["Destination"] not in declared)
    if not dropped:
        return "volumes carry over"
    return f"volumes carry over, but for {', '.join(dropped)}: no longer declared, its anonymous volume is kept on the engine, unused"


def anonymous_targets(fields):
    """Where the task declares anonymous volumes (in volumes, or as volume mounts without source)."""
    return {t for t in map(anonymous_target, (fields["volumes"] or []) + (fields["mounts"] or [])) if t}


def _managed_fields(have):
    label = (have["Config"].get("Labels") or {}).get(MANAGED_LABEL)
    return json.loads(label).get("fields", []) if label else []


def _check_conflicts(want):
    fields, networks = want.fields, want.networks
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
    if want.wait == "healthy" and fields["healthcheck"] == {"test": ["NONE"]}:
        raise ParamError("wait", "healthy needs a healthcheck, but healthcheck.disable is set")
    _check_mount_targets(fields)


def _check_mount_targets(fields):
    """A path in the container takes one mount: the engine refuses a second with a 400 only at create time."""
    seen: dict[str, str] = {}
    targets = [("volumes", v if ":" not in v else v.split(":")[1]) for v in fields["volumes"] or []]
    targets += [("mounts", m["target"]) for m in fields["mounts"] or []]
    targets += [("tmpfs", path) for path in fields["tmpfs"] or {}]
    for option, target in targets:
        if target in seen:
            raise ParamError(option, f"{target} is already mounted by {seen[target]}: a path in the container takes one mount")
        seen[target] = option


def _summary(have):
    if not have:
        return None
    return {"exists": True, "image": have["Config"].get("Image"), "running": bool(have["State"].get("Running"))}


def _pull_action(want, actual, plan):
    """Add a pull to the plan when the image is missing, or moved in the registry with pull: always."""
    image, data = want.image, {"want": want}
    if not want.ref or want.state == "absent":
        return False
    if actual["image"] is None:
        if want.pull == "never":
            raise ParamError("pull", f"image {image} is not on the engine and pull is never")
        plan.add(Action("pull", f"image {image}", data=data, note="not on the engine"))
        return True
    if want.pull == "always":
        if actual["remote_digest"] and actual["remote_digest"] not in actual.get("local_digests", []):
            plan.add(Action("pull", f"image {image}", data=data, note=f"the registry has {actual['remote_digest'][:19]}"))
            return True
        if actual["remote_error"]:
            plan.add(Action("pull", f"image {image}", data=data, note=f"the registry could not be asked ({actual['remote_error'][:80]}); it may not change"))
    return False


def _expected(option, task, managed, image_config, fields):
    """What the container should have for this option, or None when the option is not managed."""
    was_managed = option.name in managed.get("fields", [])
    img = image_value(option, image_config)
    if option.mode == "subset":
        dropped = [k for k in managed.get("keys", {}).get(option.name, []) if task is None or k not in task]
        if task is None and not dropped:
            return None
        expected = {k: (img or {}).get(k) for k in dropped}
        expected.update(task or {})
        return expected
    if task is None:
        if not was_managed:
            return None
        if option.image:
            return img
        return None if option.default is KEEP else option.default
    if option.name == "exposed_ports":
        ports = {p.rsplit(":", 1)[1] for p in fields["published_ports"] or []}
        return sorted(set(task) | set(img or []) | ports)
    if option.name == "healthcheck":  # the engine fills what the task leaves unset (the test too) from the image's
        return dict(img or {}, **task)
    return task


def _field_changes(want, actual, pulling):
    have, image = actual["container"], actual["image"]
    image_config = (image or {}).get("Config") or {}
    changes = [change for change in [_image_change(want, have, image, pulling)] if change]
    managed = actual["managed"].get("fields", [])
    fields = with_container_ids(want.fields, actual.get("container_ids") or {})
    # an anonymous volume in volumes or as a volume mount without source is the same volume: compared in one form
    pair = [FIELDS_BY_NAME["volumes"], FIELDS_BY_NAME["mounts"]]
    expected_of, current_of = anonymous_alike({f.name: _expected(f, fields[f.name], actual["managed"], image_config, fields) for f in pair},
                                              {f.name: actual_value(f, have, image_config) for f in pair})
    tasks_of = anonymous_alike({f.name: fields[f.name] for f in pair}, current_of)[0]
    for option in FIELDS:
        task = tasks_of.get(option.name, fields[option.name])
        how = comparison(want, option.name)
        if how == "ignore":
            continue
        current = current_of[option.name] if option.name in current_of else actual_value(option, have, image_config)
        if how == "allow_more_present":  # what the task lists must be there; more is fine, nothing dropped is removed
            if task is None or compare("contains", task, current):
                continue
            changes.append(Change(option.name, current, task, "update" if in_place(option, task, current) else "recreate"))
            continue
        expected = expected_of[option.name] if option.name in expected_of else _expected(option, task, actual["managed"], image_config, fields)
        # a dropped option the image has no value for must be unset again; any other None is not managed
        must_be_unset = expected is None and task is None and option.image and option.name in managed
        if expected is None and not must_be_unset:
            continue
        if (current in (None, [], {}, "")) if must_be_unset else matches(option, expected, current, managed):
            continue
        shown = {k: (current or {}).get(k) for k in expected} if option.mode == "subset" else current
        changes.append(Change(option.name, shown, expected, "update" if in_place(option, expected, current) else "recreate"))
    return changes


def _image_change(want, have, image, pulling):
    """The image field's change, if any: by image ID (dockhand's default), by the name the container was made from
    (image_comparison: current-image), and by name as well as ID (image_name_mismatch: recreate)."""
    if comparison(want, "image") == "ignore":
        return None
    named = have["Config"].get("Image") or ""
    if want.image_comparison == "current-image":
        moved = not _same_image_name(named, want.ref)
    else:
        moved = pulling or bool(image and image["Id"] != have.get("Image"))
        moved = moved or (want.image_name_mismatch == "recreate" and not _same_image_name(named, want.ref))
    if not moved:
        return None
    return Change("image", named + f" ({have['Image'][7:19]})",
                  want.image + (" (to be pulled)" if pulling else f" ({image['Id'][7:19]})" if image else ""), "recreate")


def _same_image_name(named, ref):
    try:
        return str(parse_ref("image", named)) == str(ref)
    except ParamError:  # the container was made from an image ID
        return False


def _network_actions(want, actual, target):
    have = actual["container"]
    attached = have["NetworkSettings"].get("Networks") or {}
    wanted = want.networks
    if comparison(want, "networks") == "ignore" or (wanted is None and not actual["managed"].get("networks")):
        return [], None
    actions = []
    wanted = wanted or []
    for net in wanted:
        endpoint = attached.get(net["name"])
        if endpoint is not None and _endpoint_matches(net, endpoint, have["Id"]):
            continue
        if endpoint is not None:
            actions.append(Action("disconnect", f"{target} from network {net['name']}", data={"want": want, "network": net["name"]},
                                  note="to change its endpoint"))
        actions.append(Action("connect", f"{target} to network {net['name']}", data={"want": want, "network": net}))
    listed = {n["name"] for n in wanted}
    dropped = set() if comparison(want, "networks") == "allow_more_present" else set(actual["managed"].get("networks", [])) - listed
    for name in sorted(dropped):
        if name in attached:
            actions.append(Action("disconnect", f"{target} from network {name}", data={"want": want, "network": name}, note="no longer listed"))
    if not actions:
        return [], None
    before = sorted(attached)
    after = sorted((set(attached) - dropped) | listed)
    return actions, Change("networks", before, after if after != before else [n["name"] for n in wanted], "connect/disconnect")


def _endpoint_matches(net, endpoint, cid):
    aliases = set(endpoint.get("Aliases") or []) - {cid[:12]}
    ipam = endpoint.get("IPAMConfig") or {}
    return (set(net["aliases"]) <= aliases and (net["ipv4_address"] in (None, ipam.get("IPv4Address")))
            and (net["ipv6_address"] in (None, ipam.get("IPv6Address")))
            and (net.get("driver_opts") is None or (endpoint.get("DriverOpts") or {}) == net["driver_opts"])
            and (net.get("mac_address") is None or (endpoint.get("MacAddress") or "").lower() == net["mac_address"])
            and (net.get("gw_priority") is None or (endpoint.get("GwPriority") or 0) == net["gw_priority"]))
