# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Per-task registry credentials of image_pull and image_push (the spec is REGISTRY_AUTH_ARGS in _image.py)."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  username:
    description: User name for the registry of O(name).
    type: str
  password:
    description: Password or token for the registry of O(name). It never appears in output, results or logs.
    type: str
  registry_url:
    description:
      - The registry the credentials are for. When set, it must be the registry of O(name) (the task fails otherwise,
        so credentials never go to another registry). Defaults to the registry of O(name).
    type: str
"""
