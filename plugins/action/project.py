# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Action plugin of dockhand.docker.project: the module runs in the controller when it may (plugin_utils/_in_controller)."""

from __future__ import annotations

from ansible_collections.dockhand.docker.plugins.plugin_utils._in_controller import InControllerAction as ActionModule

__all__ = ["ActionModule"]
