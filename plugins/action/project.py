# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Action plugin of dockhand.docker.project: ansible-core's own, but the module runs in a fork of the controller when the
task would run it there anyway (plugins/plugin_utils/_in_controller.py)."""

from __future__ import annotations

from ansible_collections.dockhand.docker.plugins.plugin_utils._in_controller import InControllerAction as ActionModule

__all__ = ["ActionModule"]
