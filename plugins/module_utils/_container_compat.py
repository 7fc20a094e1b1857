# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""community.docker's switches on how a container is compared, honoured when a task sets them.

dockhand's defaults stay as they are (every option the task sets is compared exactly, removals converge, the image is
compared by ID); a migrated task that sets one of these gets community.docker's documented behaviour:

- container_default_behavior: compatibility gives the options community.docker defaulted before 3.0 those defaults.
- command_handling: compatibility joins a command list into one string and splits it by shell rules, and treats an
  empty command or entrypoint as not given.
- networks_cli_compatible: false keeps the default bridge when networks are listed.
- comparisons: per option strict, ignore or allow_more_present ('*' for every option).
- image_comparison, image_name_mismatch, image_label_mismatch: how the image is compared.

Everything here is pure and runs in desired().
"""

from __future__ import annotations

import shlex

from ._errors import ParamError

# community.docker's defaults under container_default_behavior: compatibility.
COMPATIBILITY_DEFAULTS = dict(auto_remove=False, init=False, interactive=False, memory="0", privileged=False, read_only=False,
                              tty=False, paused=False)
COMPARISON_MODES = ("strict", "ignore", "allow_more_present")
NOT_COMPARED = ("image_comparison", "image_label_mismatch", "image_name_mismatch", "comparisons", "state", "name")


def compatible_params(params):
    """The task with community.docker's switches applied to its values (a copy)."""
    params = dict(params)
    if params.get("container_default_behavior") == "compatibility":
        for option, default in COMPATIBILITY_DEFAULTS.items():
            if params.get(option) is None:
                params[option] = default
    if params.get("command_handling") == "compatibility":
        for option in ("command", "entrypoint"):
            value = params.get(option)
            if isinstance(value, list):
                params[option] = shlex.split(" ".join(str(v) for v in value)) or None
            elif value == "":
                params[option] = None
    if params.get("networks_cli_compatible") is False and params.get("networks") and not params.get("network_mode"):
        if not any(n.get("name") == "bridge" for n in params["networks"]):
            params["networks"] = [{"name": "bridge"}] + list(params["networks"])
    return params


def comparisons(params, options):
    """{option: strict | ignore | allow_more_present} from the task's comparisons; '*' sets the default."""
    given = params.get("comparisons") or {}
    if not isinstance(given, dict):
        raise ParamError("comparisons", f"must be a mapping of option names to strict, ignore or allow_more_present, got {given!r}")
    out = {}
    for option, mode in given.items():
        if mode not in COMPARISON_MODES:
            raise ParamError(f"comparisons.{option}", f"{mode!r} is not one of {', '.join(COMPARISON_MODES)}")
        if option != "*" and (option not in options or option in NOT_COMPARED):
            raise ParamError(f"comparisons.{option}", "is not an option this module compares")
        out[option] = mode
    return out


def comparison(want, option):
    """How the task compares one option: strict unless comparisons says otherwise."""
    return want.comparisons.get(option) or want.comparisons.get("*") or "strict"


def image_label_check(want, image):
    """image_label_mismatch: fail refuses a container whose image brings labels the task does not set."""
    if want.image_label_mismatch != "fail" or image is None:
        return
    labels = ((image.get("Config") or {}).get("Labels")) or {}
    missing = sorted(set(labels) - set(want.fields["labels"] or {}))
    if missing:
        raise ParamError("image_label_mismatch", f"the image sets labels the task does not: {', '.join(missing)} "
                                                 "(set them in labels, or image_label_mismatch: ignore)")
