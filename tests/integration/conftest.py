"""Real-engine integration harness: runs dockhand.docker modules through `ansible` and inspects the engine with the SDK.

Nothing here mocks the engine. Every resource a test makes carries the test's unique prefix and is removed afterwards.
"""

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import docker
import pytest
from _ansible_forkserver import run_cli
from _engine_support import LOCAL_ENGINE

BASE_IMAGE = "dockhand/busybox:latest"
_RESULT = re.compile(r"^localhost \| (?P<status>[A-Z!]+)(?: \| rc=\d+)? => \{", re.MULTILINE)


class Result(dict):
    """A module result, with the ansible status (SUCCESS, CHANGED, FAILED!) and the whole output."""

    status = ""
    output = ""
    applied = None  # converge(): the result of the real run

    @property
    def failed(self):
        return self.status.startswith("FAILED") or bool(self.get("failed"))


class Ansible:
    def __init__(self, collections_base):
        self.env = dict(
            os.environ,
            ANSIBLE_COLLECTIONS_PATH=str(collections_base),
            ANSIBLE_PYTHON_INTERPRETER=sys.executable,
            ANSIBLE_LOCALHOST_WARNING="False",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="False",
            ANSIBLE_DEPRECATION_WARNINGS="False",
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_FORCE_COLOR="0",
        )
        self.bin = str(Path(sys.executable).with_name("ansible"))
        # the managed host's Python, when not this venv's (ci/core_matrix.sh: Python 3.8); an extra var, as the
        # implicit localhost's interpreter is the controller's whatever ANSIBLE_PYTHON_INTERPRETER says
        self.python = os.environ.get("DOCKHAND_MANAGED_PYTHON")

    def run(self, module, args, check=False, diff=True, verbosity=3):
        """Run one module task on localhost; returns its Result (failures too: the caller asserts).

        At -vvv the callback keeps `diff` and `invocation` in the printed result, so tests can read them."""
        cmd = [self.bin, "localhost", "-c", "local", "-m", f"dockhand.docker.{module}", "-a", json.dumps(args)]
        cmd += ["-e", f"ansible_python_interpreter={self.python}"] if self.python else []
        cmd += ["--check"] if check else []
        cmd += ["--diff"] if diff else []
        cmd += ["-" + "v" * verbosity] if verbosity else []
        proc = run_cli(cmd, env=self.env, timeout=600)
        output = proc.stdout + proc.stderr
        match = _RESULT.search(proc.stdout)
        if not match:
            raise AssertionError(f"no module result in the output of {' '.join(cmd)}:\n{output}")
        result = Result(json.JSONDecoder().raw_decode(proc.stdout[match.end() - 1:])[0])
        result.status = match.group("status")
        result.output = output
        return result

    def ok(self, module, args, check=False):
        result = self.run(module, args, check=check)
        assert not result.failed, result.output
        return result

    def fails(self, module, args, check=False):
        result = self.run(module, args, check=check)
        assert result.failed, f"expected a failure, got:\n{result.output}"
        assert "Traceback" not in result.output, result.output
        return result

    def converge(self, module, args, snapshot):
        """The standard scenario: check mode (engine unchanged, change predicted), apply (the same plan),
        apply again (no change), check again (no change). Returns the check result; .applied is the real run's."""
        before = snapshot()
        check = self.ok(module, args, check=True)
        assert check["changed"] is True, check.output
        assert snapshot() == before, "check mode changed the engine"
        applied = self.ok(module, args)
        assert applied["changed"] is True, applied.output
        assert applied["actions"] == check["actions"], "check mode predicted a different plan"
        again = self.ok(module, args)
        assert again["changed"] is False, f"second run not idempotent: {again['actions']}"
        assert again["actions"] == []
        check_again = self.ok(module, args, check=True)
        assert check_again["changed"] is False, check_again["actions"]
        check.applied = applied
        return check


def pytest_collection_modifyitems(config, items):
    """On another engine (DOCKER_HOST, ci/engine.sh), the tests marked local_engine are deselected: see pytest.ini."""
    if LOCAL_ENGINE:
        return
    deselected = [item for item in items if item.get_closest_marker("local_engine")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("local_engine")]


@pytest.fixture(scope="session")
def engine():
    client = docker.from_env()
    client.ping()  # no skip: these tests need the real engine, and fail loudly without it
    builder = Path(__file__).resolve().parents[2] / "ci" / "base_image.py"
    subprocess.run([sys.executable, str(builder)], check=True)  # builds the base image only when it is missing
    client.images.get(BASE_IMAGE)
    return client


@pytest.fixture(scope="session")
def compose_cli():
    """The path of the real Docker Compose v2 (Debian sid's 2.40), for interop tests only: ci/compose_v2.sh fetches
    it once into a cache (a fresh machine too) and prints the path."""
    script = Path(__file__).resolve().parents[2] / "ci" / "compose_v2.sh"
    out = subprocess.run(["bash", str(script)], capture_output=True, text=True, check=False, timeout=600)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="session")
def ansible():
    return Ansible(os.environ["DOCKHAND_COLLECTIONS_BASE"])


@pytest.fixture
def prefix(engine):
    """A unique name prefix; whatever carries it is removed after the test."""
    value = f"dhtest-{uuid.uuid4().hex[:8]}"
    yield value
    for container in engine.containers.list(all=True, filters={"name": value}):
        container.remove(force=True, v=True)
    for network in engine.networks.list(names=[value]):
        if network.name.startswith(value):
            network.remove()
    for volume in engine.volumes.list(filters={"name": value}):
        if volume.name.startswith(value):
            volume.remove(force=True)


@pytest.fixture
def run_container(engine, prefix):
    """Start a busybox container that sleeps: run_container('web', **create_kwargs)."""

    def start(suffix, **kwargs):
        kwargs.setdefault("command", ["sleep", "3600"])
        return engine.containers.run(BASE_IMAGE, name=f"{prefix}-{suffix}", detach=True, **kwargs)

    return start
