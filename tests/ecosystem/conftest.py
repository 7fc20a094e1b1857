# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ecosystem around the collection: the execution environment definition and the docs site. Their tools
(ansible-builder, antsibull-docs with Sphinx) live in a venv of their own, made by ci/core_matrix.sh."""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def tools_bin():
    out = subprocess.run(["bash", str(ROOT / "ci" / "core_matrix.sh"), "python", "tools"], capture_output=True, text=True,
                         check=False, timeout=900)
    assert out.returncode == 0, out.stderr
    return Path(out.stdout.strip().splitlines()[-1]).parent


@pytest.fixture(scope="session")
def tools_env(tools_bin):
    env = dict(os.environ, PATH=f"{tools_bin}:{os.environ['PATH']}")
    # CI points ANSIBLE_COLLECTIONS_PATH at its staged copy; ansible-galaxy would then call the collection installed
    # already and leave the test's own install path empty
    env.pop("ANSIBLE_COLLECTIONS_PATH", None)
    return env
