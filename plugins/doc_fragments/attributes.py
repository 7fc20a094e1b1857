# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Attribute texts shared by dockhand.docker modules."""

from __future__ import annotations


class ModuleDocFragment:
    # A module that changes engine state through the plan/apply core.
    DOCUMENTATION = r"""
attributes:
  check_mode:
    description: Runs the same plan as a real run without applying it, so C(changed) is predicted exactly.
    support: full
  diff_mode:
    description: Shows before and after of every field the plan changes, from the same plan that sets C(changed).
    support: full
  idempotent:
    description: A second run with the same options changes nothing and reports C(changed=false).
    support: full
  action_group:
    description: Use C(group/dockhand.docker.docker) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - dockhand.docker.docker
"""

    # A module that only reads (or probes) and changes nothing.
    INFO_MODULE = r"""
attributes:
  check_mode:
    description: Runs in check mode too, since it changes nothing.
    support: full
  diff_mode:
    description: Returns no diff, since it changes nothing.
    support: N/A
  idempotent:
    description: Changes nothing, so it is idempotent.
    support: full
  action_group:
    description: Use C(group/dockhand.docker.docker) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - dockhand.docker.docker
"""
