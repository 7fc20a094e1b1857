# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ansible-core and Python a run uses are the ones asked for (ci/core_matrix.sh runs the smoke tests on ansible-core
2.17, 2.19 and 2.21, and with the modules on Python 3.8): without this, a matrix run could quietly test the main venv."""

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from ansible.module_utils.ansible_release import __version__ as core_version
from ansible.module_utils.compat.version import LooseVersion

RUNTIME = Path(__file__).resolve().parents[2] / "meta" / "runtime.yml"


def test_the_controller_runs_the_ansible_core_asked_and_requires_ansible_allows_it(ansible):
    out = subprocess.run([str(Path(ansible.bin).with_name("ansible")), "--version"], env=ansible.env,
                         capture_output=True, text=True, check=True).stdout
    assert f"[core {core_version}]" in out.splitlines()[0], out
    expected = os.environ.get("DOCKHAND_EXPECT_CORE")
    if expected:
        assert core_version.startswith(expected + "."), (core_version, expected)
    minimum = yaml.safe_load(RUNTIME.read_text())["requires_ansible"].lstrip(">=")
    assert LooseVersion(core_version) >= LooseVersion(minimum)


def _prefix_and_version(python):
    out = subprocess.run([python, "-c", "import sys; print(sys.prefix); print('%d.%d' % sys.version_info[:2])"],
                         capture_output=True, text=True, check=True).stdout.split()
    return out[0], out[1]


def test_modules_run_on_the_python_asked(ansible, prefix):
    asked = os.environ.get("DOCKHAND_MANAGED_PYTHON") or sys.executable
    result = ansible.ok("volume_info", {"name": f"{prefix}-none"})
    assert result["exists"] is False
    if "volume_info: runs in a fork of the controller" in result.output:
        # plugins/plugin_utils/_in_controller.py: only when the interpreter asked is the controller's own
        used = sys.executable
    else:
        # at -vvv ansible prints the command that runs the module: its interpreter is the venv asked for
        command = re.search(r"EXEC /bin/sh -c '(\S+) \S+/AnsiballZ_volume_info\.py", result.output)
        assert command, result.output
        used = command.group(1)
    assert _prefix_and_version(used) == _prefix_and_version(asked)
    if os.environ.get("DOCKHAND_MANAGED_PYTHON", "").endswith("/py38/bin/python"):
        assert _prefix_and_version(asked)[1] == "3.8"
