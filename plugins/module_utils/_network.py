# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""How to read, compare and apply a Docker network and the containers connected to it.

Only the connected containers change in place; any other difference needs a recreate, which the task must allow.
A recreate reconnects every container that was attached, with its aliases and static addresses.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from ._errors import NotFound, ParamError
from ._parse import docker_name, ip_address, ip_network, string_map
from ._plan import Action, Change, Plan, describe_changes, field_changes, merged

FIELDS = {
    "driver": "value",
    "driver_options": "subset",
    "ipam_driver": "value",
    "ipam_driver_options": "subset",
    "ipam_config": "blocks",
    "internal": "value",
    "attachable": "value",
    "enable_ipv6": "value",
    "labels": "subset",
    "enable_ipv4": "value",
    "scope": "value",
    "ingress": "value",
    "config_only": "value",
    "config_from": "value",
}
IPV4_SWITCH_API = (1, 47)  # Docker 28: the first engine that can make a network without IPv4


def _ipam_block(index, block):
    """Validate one ipam_config entry; returns it with canonical addresses and only the keys given."""
    option = f"ipam_config[{index}]"
    given = {k: v for k, v in block.items() if v not in (None, {}, "")}
    if "subnet" not in given:
        if given:
            raise ParamError(option, f"{', '.join(sorted(given))} needs a subnet")
        raise ParamError(option, "needs at least a subnet")
    subnet = ip_network(f"{option}.subnet", given["subnet"])
    net = ipaddress.ip_network(subnet)
    out = {"subnet": subnet}
    if "gateway" in given:
        out["gateway"] = ip_address(f"{option}.gateway", given["gateway"])
        if ipaddress.ip_address(out["gateway"]) not in net:
            raise ParamError(f"{option}.gateway", f"{out['gateway']} is outside the subnet {subnet}")
    if "iprange" in given:
        out["iprange"] = ip_network(f"{option}.iprange", given["iprange"])
        iprange = ipaddress.ip_network(out["iprange"])
        if iprange.version != net.version or not iprange.subnet_of(net):  # type: ignore[arg-type]
            raise ParamError(f"{option}.iprange", f"{out['iprange']} is not inside the subnet {subnet}")
    if "aux_addresses" in given:
        aux = {}
        for host, address in string_map(f"{option}.aux_addresses", given["aux_addresses"]).items():
            aux[host] = ip_address(f"{option}.aux_addresses.{host}", address)
            if ipaddress.ip_address(aux[host]) not in net:
                raise ParamError(f"{option}.aux_addresses.{host}", f"{aux[host]} is outside the subnet {subnet}")
        out["aux_addresses"] = aux
    return out


# The bridge driver's options and how each is checked: the engine refuses a bad value only when it creates the network.
_BRIDGE_FLAGS = ("com.docker.network.bridge.enable_icc", "com.docker.network.bridge.enable_ip_masquerade",
                 "com.docker.network.bridge.default_bridge")


def _check_bridge_options(options):
    for key, value in options.items():
        option = f"driver_options.{key}"
        if key == "com.docker.network.driver.mtu":
            if not value.isdigit() or not 68 <= int(value) <= 65535:
                raise ParamError(option, f"{value!r} is not an MTU (a whole number from 68 to 65535)")
        elif key in _BRIDGE_FLAGS and value.lower() not in ("true", "false"):
            raise ParamError(option, f"{value!r} is not true or false")
        elif key == "com.docker.network.bridge.host_binding_ipv4":
            ip_address(option, value)
        elif key == "com.docker.network.bridge.name" and not 0 < len(value) <= 15:
            raise ParamError(option, f"{value!r}: an interface name has 1 to 15 characters")


def _check_overlaps(blocks):
    """Two pools of one network must not overlap: the engine refuses them at create time only."""
    nets = [ipaddress.ip_network(b["subnet"]) for b in blocks]
    for i, net in enumerate(nets):
        for j in range(i):
            if net.version == nets[j].version and net.overlaps(nets[j]):  # type: ignore[arg-type]
                raise ParamError(f"ipam_config[{i}].subnet", f"{net} overlaps ipam_config[{j}].subnet {nets[j]}")


def _family(subnet):
    return ipaddress.ip_network(subnet, strict=False).version


@dataclass(frozen=True)
class NetworkWant:
    name: str
    state: str
    config: dict                 # the FIELDS in option space (None: not managed)
    connected: list | None       # containers to keep attached (names or IDs), None: not managed
    purge_connected: bool
    recreate: str
    force: bool
    leaving: frozenset = frozenset()  # containers removed before this network is applied (dockhand.docker.project)


def _actual_ipam_block(block):
    out = {"subnet": block.get("Subnet"), "gateway": block.get("Gateway"), "iprange": block.get("IPRange"),
           "aux_addresses": block.get("AuxiliaryAddresses")}
    return {k: v for k, v in out.items() if v}


class NetworkKind:
    kind = "network"
    phase = 0

    @staticmethod
    def desired(params):
        docker_name("name", params["name"])
        config = _config(params)
        if params.get("purge_connected") and params.get("connected") is None:
            raise ParamError("purge_connected", "needs connected, the list of containers to keep (an empty list detaches all)")
        if params["state"] == "absent" and params.get("connected"):
            raise ParamError("connected", "cannot connect containers to a network that state: absent removes")
        connected = None if params.get("connected") is None else list(dict.fromkeys(params["connected"]))
        # community.docker's appends: false (written by the task) makes connected the exact list, as purge_connected does
        purge = bool(params.get("purge_connected")) or params.get("appends") is False
        if purge and connected is None:
            connected = []
        return NetworkWant(params["name"], params["state"], config, connected, purge,
                           params.get("recreate") or "never", bool(params.get("force")))

    @staticmethod
    def read(client, want):
        actual: dict[str, Any] = {"state": None, "members": {}, "missing": [], "drivers": None}
        try:
            raw = client.api.inspect_network(want.name)
        except NotFound:
            raw = None
        actual["inspect"] = raw
        if raw is not None:
            ipam = raw.get("IPAM") or {}
            actual["state"] = {
                "driver": raw.get("Driver"),
                "driver_options": raw.get("Options") or {},
                "ipam_driver": ipam.get("Driver") or "default",
                "ipam_driver_options": ipam.get("Options") or {},
                "ipam_config": [_actual_ipam_block(b) for b in ipam.get("Config") or []],
                "internal": bool(raw.get("Internal")),
                "attachable": bool(raw.get("Attachable")),
                "enable_ipv6": bool(raw.get("EnableIPv6")),
                "labels": raw.get("Labels") or {},
                "enable_ipv4": raw.get("EnableIPv4", True),
                "scope": raw.get("Scope") or "local",
                "ingress": bool(raw.get("Ingress")),
                "config_only": bool(raw.get("ConfigOnly")),
                "config_from": (raw.get("ConfigFrom") or {}).get("Network") or None,
            }
            # running and stopped containers alike (the network's own inspect lists only running ones)
            for c in client.api.containers(all=True, filters={"network": raw["Name"]}):
                if c["Names"][0].lstrip("/") not in want.leaving:
                    actual["members"][c["Names"][0].lstrip("/")] = c["Id"]
            actual["state"]["connected"] = sorted(actual["members"])
        for wanted in want.connected or []:
            if _member(actual["members"], wanted) is None:
                try:
                    client.api.inspect_container(wanted)
                except NotFound:
                    actual["missing"].append(wanted)
        if want.config["enable_ipv4"] is False:
            actual["api_version"] = client.api.version().get("ApiVersion")
        have, driver = actual["state"], want.config["driver"]
        if want.state == "present" and driver and (have is None or have["driver"] != driver):
            actual["drivers"] = sorted((client.info().get("Plugins") or {}).get("Network") or [])
        return actual

    @staticmethod
    def plan(want, actual):
        name, have, members = want.name, actual["state"], actual["members"]
        target = f"network {name}"
        if want.state == "absent":
            return _removal(want, have, members)

        if actual["missing"]:
            raise ParamError("connected", f"no such container: {', '.join(actual['missing'])}")
        api = tuple(int(p) for p in (actual.get("api_version") or "99.0").split("."))
        if want.config["enable_ipv4"] is False and api < IPV4_SWITCH_API:
            raise ParamError("enable_ipv4", f"false needs Docker Engine 28 or newer (API 1.47); this engine speaks API {actual['api_version']}, "
                                            "where every network has IPv4")
        if actual["drivers"] is not None and want.config["driver"] not in actual["drivers"]:
            raise ParamError("driver", f"unknown network driver {want.config['driver']!r}; the engine has {', '.join(actual['drivers'])}")

        wanted = want.connected
        kept = [m for m in members if wanted is None or not want.purge_connected or _listed(wanted, m, members[m])]
        to_connect = [w for w in wanted or [] if _member(members, w) is None]
        after_members = sorted(set(kept) | set(to_connect))
        after = merged(have, dict(want.config, connected=after_members))
        after.setdefault("driver", "bridge")
        plan = Plan("network", name, have, after)

        if have is None:
            plan.add(Action("create", target, data={"name": name, "config": after}))
        else:
            changes = field_changes(FIELDS, want.config, _engine_pools_dropped(want.config, have))
            recreate = want.recreate
            if changes and recreate == "never":
                raise ParamError("recreate", f"network {name} differs from the task ({describe_changes(changes)}) and a network cannot change "
                                 "in place: set recreate: options-changed to recreate it (attached containers are reconnected)")
            dropped = sorted(set(members) - set(kept))
            if changes or recreate == "always":
                # the recreate detaches everything and reconnects only the kept containers
                note = "; ".join(n for n in (f"reconnects {', '.join(sorted(kept))}" if kept else "",
                                             f"does not reconnect {', '.join(dropped)}" if dropped else "") if n)
                plan.add(Action("recreate", target, tuple(changes), data={"name": name, "reconnect": sorted(kept), "config": after},
                                note=note, atomic=False))
            else:
                for member in dropped:
                    plan.add(Action("disconnect", f"container {member} from {target}", data={"name": name, "container": member}))
        for container in to_connect:
            plan.add(Action("connect", f"container {container} to {target}", data={"name": name, "container": container}))
        before_members = sorted(members)
        if have is not None and before_members != after_members:
            plan.changes.append(Change("connected", before_members, after_members, "connect/disconnect"))
        return plan

    @staticmethod
    def apply(client, action):
        name = action.data["name"]
        if action.verb == "create":
            _create(client, name, action.data["config"])
        elif action.verb == "connect":
            client.api.connect_container_to_network(action.data["container"], name)
        elif action.verb == "disconnect":
            client.api.disconnect_container_from_network(action.data["container"], name, force=True)
        elif action.verb == "remove":
            client.api.remove_network(name)
        elif action.verb == "recreate":
            endpoints = {c: _endpoint(client, c, name) for c in action.data["reconnect"]}
            for container in _all_members(client, name):
                client.api.disconnect_container_from_network(container, name, force=True)
            client.api.remove_network(name)
            _create(client, name, action.data["config"])
            for container, endpoint in endpoints.items():
                client.api.connect_container_to_network(container, name, **endpoint)

    @staticmethod
    def inspect(client, want):
        try:
            return client.api.inspect_network(want.name)
        except NotFound:
            return {}


def _config(params):
    """The network's settings in option space (None: not managed), validated."""
    blocks = params.get("ipam_config")
    ipam = None if blocks is None else [_ipam_block(i, b) for i, b in enumerate(blocks)]
    if ipam and params.get("enable_ipv6") is not True:
        for i, block in enumerate(ipam):
            if ":" in block["subnet"]:
                raise ParamError(f"ipam_config[{i}].subnet", f"{block['subnet']} is an IPv6 subnet: set enable_ipv6: true")
    _check_overlaps(ipam or [])
    driver_options = string_map("driver_options", params.get("driver_options"))
    if (params.get("driver") or "bridge") == "bridge":
        _check_bridge_options(driver_options or {})
    config = {option: params.get(option) for option in FIELDS}
    config.update(driver_options=driver_options, ipam_config=ipam, labels=string_map("labels", params.get("labels")),
                  ipam_driver_options=string_map("ipam_driver_options", params.get("ipam_driver_options")))
    return config


def _removal(want, have, members):
    """state: absent: disconnect the attached containers (only with force) and remove the network."""
    target = f"network {want.name}"
    plan = Plan("network", want.name, have, None)
    if have is None:
        return plan
    if members and not want.force:
        raise ParamError("force", f"network {want.name} has containers attached ({', '.join(sorted(members))}); "
                         "set force: true to disconnect them and remove it")
    for member in sorted(members):
        plan.add(Action("disconnect", f"container {member} from {target}", data={"name": want.name, "container": member}))
    plan.add(Action("remove", target, data={"name": want.name}))
    return plan


def _engine_pools_dropped(config, have):
    """The network as compared with the task: the engine adds a pool of a family the task gives none of (an IPv4 pool
    to an IPv6-only ipam_config); such pools are the engine's own choice, not drift."""
    if not config.get("ipam_config"):
        return have
    families = {_family(b["subnet"]) for b in config["ipam_config"]}
    return dict(have, ipam_config=[b for b in have["ipam_config"] if "subnet" not in b or _family(b["subnet"]) in families])


def _member(members, wanted):
    """The attached container's name matching `wanted` (a name or an ID prefix), or None."""
    for member, cid in members.items():
        if _listed([wanted], member, cid):
            return member
    return None


def _listed(wanted, member, cid):
    return any(w == member or (len(w) >= 12 and cid.startswith(w)) for w in wanted)


def _all_members(client, name):
    return [c["Id"] for c in client.api.containers(all=True, filters={"network": name})]


def _endpoint(client, container, network):
    """Aliases and static addresses a container has on the network, to reconnect it with the same ones."""
    data = client.api.inspect_container(container)
    settings = data["NetworkSettings"]["Networks"].get(network) or {}
    ipam = settings.get("IPAMConfig") or {}
    cid = data["Id"][:12]
    aliases = [a for a in settings.get("Aliases") or [] if a != cid]  # the engine adds the short ID itself
    return {k: v for k, v in {"aliases": aliases, "ipv4_address": ipam.get("IPv4Address"),
                              "ipv6_address": ipam.get("IPv6Address"), "links": settings.get("Links")}.items() if v}


def _create(client, name, config):
    """Create the network from settings in option space (desired, or merged over the old network's on a recreate).
    The body is written here: the SDK's create_network has no config_only, config_from or enable_ipv4."""
    blocks = config.get("ipam_config") or []
    body: dict[str, Any] = {"Name": name, "Driver": config.get("driver") or "bridge", "CheckDuplicate": True,
                            "Internal": bool(config.get("internal")), "Attachable": bool(config.get("attachable")),
                            "EnableIPv6": bool(config.get("enable_ipv6")), "Ingress": bool(config.get("ingress")),
                            "ConfigOnly": bool(config.get("config_only"))}
    optional = {"Options": config.get("driver_options"), "Labels": config.get("labels"), "Scope": config.get("scope"),
                "ConfigFrom": {"Network": config["config_from"]} if config.get("config_from") else None}
    if blocks or config.get("ipam_driver") or config.get("ipam_driver_options"):
        pools = [{k: v for k, v in (("Subnet", b["subnet"]), ("IPRange", b.get("iprange")), ("Gateway", b.get("gateway")),
                                    ("AuxiliaryAddresses", b.get("aux_addresses"))) if v} for b in blocks]
        optional["IPAM"] = {"Driver": config.get("ipam_driver") or "default", "Config": pools, "Options": config.get("ipam_driver_options") or {}}
    body.update({k: v for k, v in optional.items() if v})
    if config.get("enable_ipv4") is False:
        body["EnableIPv4"] = False
    client.api.post_json("/networks/create", body)


# The module's options (documented in plugins/modules/network.py); also used for the entries of dockhand.docker.project.
NETWORK_SPEC = dict(
    name=dict(type="str", required=True, aliases=["network_name"]),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    driver=dict(type="str"),
    driver_options=dict(type="dict", aliases=["driver_opts"]),
    ipam_driver=dict(type="str"),
    ipam_driver_options=dict(type="dict"),
    ipam_config=dict(type="list", elements="dict", options=dict(
        subnet=dict(type="str"),
        gateway=dict(type="str"),
        iprange=dict(type="str"),
        aux_addresses=dict(type="dict"),
    )),
    internal=dict(type="bool"),
    attachable=dict(type="bool"),
    enable_ipv6=dict(type="bool"),
    labels=dict(type="dict"),
    connected=dict(type="list", elements="str", aliases=["containers"]),
    purge_connected=dict(type="bool", default=False),
    recreate=dict(type="str", default="never", choices=["never", "options-changed", "always"]),
    force=dict(type="bool", default=False),
    appends=dict(type="bool", aliases=["incremental"]),
    enable_ipv4=dict(type="bool"),
    scope=dict(type="str", choices=["local", "global", "swarm"]),
    ingress=dict(type="bool"),
    config_only=dict(type="bool"),
    config_from=dict(type="str"),
)
