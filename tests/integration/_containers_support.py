"""Shared by test_inventory.py and test_connection_api.py: the Debian-with-Python image, containers that imitate a
Compose project and a dockhand project, an inventory file for the dockhand.docker.containers plugin restricted to
the test's containers, and a runner for ansible-inventory / ansible-playbook / ansible."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from _ansible_forkserver import run_cli

PYTHON_IMAGE = "dockhand/debian-python:bookworm"
BUSYBOX = "dockhand/busybox:latest"


@pytest.fixture(scope="session", name="python_image")
def python_image_fixture(engine):
    """Builds the image once per machine (about a minute with debootstrap; CI starts from a fresh machine)."""
    builder = Path(__file__).resolve().parents[2] / "ci" / "python_image.py"
    subprocess.run([sys.executable, str(builder)], check=True)
    engine.images.get(PYTHON_IMAGE)
    return PYTHON_IMAGE


@pytest.fixture(name="fleet")
def fleet_fixture(engine, prefix, python_image):
    """web (a Compose project's service), db (a dockhand project's service), both Debian and running; old (busybox,
    stopped). Returns {short name: Container}."""
    shop = f"{prefix}shop"
    made = {
        "web": engine.containers.run(python_image, name=f"{prefix}-web", detach=True, labels={
            "com.docker.compose.project": shop, "com.docker.compose.service": "web", "tier": "front"}),
        "db": engine.containers.run(python_image, name=f"{prefix}-db", detach=True, labels={
            "dockhand.project": prefix, "dockhand.service": "db", "tier": "back"}),
        "old": engine.containers.create(BUSYBOX, name=f"{prefix}-old", command=["true"], labels={"tier": "front"}),
    }
    for container in made.values():
        container.reload()
    return made


def write_inventory(directory, prefix, name="hosts.dockhand.yml", **options):
    """An inventory source of the plugin that sees only this test's containers (other agents share the engine)."""
    config = dict(plugin="dockhand.docker.containers", **options)
    config["filters"] = [{"exclude": f"not inventory_hostname.startswith('{prefix}-')"}] + list(options.get("filters", []))
    path = Path(directory) / name
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def plain(value):
    """ansible-inventory's JSON without its markers of untrusted strings ({"__ansible_unsafe": "text"})."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


class Cli:
    """ansible-inventory, ansible-playbook and ansible from the venv, with the harness's environment."""

    def __init__(self, ansible):
        self.env = dict(ansible.env, ANSIBLE_INVENTORY_UNPARSED_FAILED="True", ANSIBLE_PYTHON_INTERPRETER="auto_silent")
        self.bindir = Path(sys.executable).parent

    def run(self, tool, *args, timeout=600, env=None):
        proc = run_cli([str(self.bindir / tool), *map(str, args)], env=dict(self.env, **(env or {})), timeout=timeout)
        proc.output = proc.stdout + proc.stderr
        return proc

    def inventory(self, path):
        proc = self.run("ansible-inventory", "-i", path, "--list")
        assert proc.returncode == 0, proc.output
        return plain(json.loads(proc.stdout))


@pytest.fixture(name="cli")
def cli_fixture(ansible):
    return Cli(ansible)
