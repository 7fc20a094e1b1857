# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""What dockhand.docker.swarm_info gathers: the swarm, and its nodes, services and tasks with filters.

The keys are community.docker.docker_swarm_info's: the short form of each item unless verbose_output.
"""

from __future__ import annotations

from typing import Any

from ._client import engine_errors
from ._info import listed


def _node(item):
    manager = item.get("ManagerStatus")
    status = None if manager is None else ("Leader" if manager.get("Leader") else manager.get("Reachability"))
    description = item.get("Description") or {}
    return {"ID": item.get("ID"), "Hostname": description.get("Hostname"), "Status": (item.get("Status") or {}).get("State"),
            "Availability": (item.get("Spec") or {}).get("Availability"), "ManagerStatus": status,
            "EngineVersion": (description.get("Engine") or {}).get("EngineVersion")}


def _service(item, running):
    spec = item.get("Spec") or {}
    mode = spec.get("Mode") or {}
    replicated = "Replicated" in mode
    return {"ID": item.get("ID"), "Name": spec.get("Name"), "Mode": "Replicated" if replicated else "Global",
            "Replicas": (mode["Replicated"].get("Replicas") if replicated else running.get(item.get("ID"), 0)),
            "Image": ((spec.get("TaskTemplate") or {}).get("ContainerSpec") or {}).get("Image"),
            "Ports": (spec.get("EndpointSpec") or {}).get("Ports") or []}


def _task(item, hostnames):
    status = item.get("Status") or {}
    return {"ID": item.get("ID"), "ContainerID": (status.get("ContainerStatus") or {}).get("ContainerID"),
            "Image": ((item.get("Spec") or {}).get("ContainerSpec") or {}).get("Image"),
            "Node": hostnames.get(item.get("NodeID"), item.get("NodeID")), "DesiredState": item.get("DesiredState"),
            "CurrentState": status.get("State"), "Error": status.get("Err")}


def swarm_info(client, params):
    host = params.get("docker_host")
    with engine_errors("reading the engine's swarm state", host):
        node = client.info().get("Swarm") or {}
    active = node.get("LocalNodeState") == "active"
    manager = active and bool(node.get("ControlAvailable"))
    result: dict[str, Any] = {"can_talk_to_docker": True, "docker_swarm_active": active, "docker_swarm_manager": manager, "swarm_facts": {}}
    if not manager:
        return result  # only a manager answers for the swarm
    verbose = params.get("verbose_output")
    api = client.api
    with engine_errors("inspecting the swarm", host):
        result["swarm_facts"] = api.inspect_swarm()
        if params.get("unlock_key"):
            result["swarm_unlock_key"] = (api.get_unlock_key() or {}).get("UnlockKey")
    nodes = None
    if params.get("nodes") or params.get("tasks"):
        nodes = listed("nodes_filters", "listing the swarm's nodes", host, lambda: api.nodes(filters=params.get("nodes_filters")))
    if params.get("nodes"):
        result["nodes"] = nodes if verbose else [_node(n) for n in nodes or []]
    if params.get("services"):
        services = listed("services_filters", "listing the swarm's services", host, lambda: api.services(filters=params.get("services_filters")))
        running: dict[str, int] = {}
        if not verbose and any("Global" in (s.get("Spec") or {}).get("Mode", {}) for s in services):
            with engine_errors("listing the swarm's tasks", host):
                for task in api.tasks(filters={"desired-state": "running"}):
                    running[task.get("ServiceID")] = running.get(task.get("ServiceID"), 0) + 1
        result["services"] = services if verbose else [_service(s, running) for s in services]
    if params.get("tasks"):
        tasks = listed("tasks_filters", "listing the swarm's tasks", host, lambda: api.tasks(filters=params.get("tasks_filters")))
        hostnames = {n.get("ID"): (n.get("Description") or {}).get("Hostname") for n in nodes or []}
        result["tasks"] = tasks if verbose else [_task(t, hostnames) for t in tasks]
    return result


# The module's options (documented in plugins/modules/swarm_info.py).
SWARM_INFO_SPEC = dict(
    nodes=dict(type="bool", default=False),
    nodes_filters=dict(type="dict"),
    services=dict(type="bool", default=False),
    services_filters=dict(type="dict"),
    tasks=dict(type="bool", default=False),
    tasks_filters=dict(type="dict"),
    unlock_key=dict(type="bool", default=False),
    verbose_output=dict(type="bool", default=False),
)
