# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""dockhand.docker.container_info: inspect data for named containers and for filters, in one call."""

from __future__ import annotations

from typing import Any

from ._client import engine_errors
from ._errors import NotFound


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
