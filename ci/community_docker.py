# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fetches community.docker's source, once per machine, for the migration tests (idempotent; prints the directory
that holds ansible_collections/community/docker).

community.docker is not installed anywhere: the tests read its modules' EXAMPLES and RETURN as data. It comes from the
PyPI package `ansible` (pinned below), downloaded with pip (no dependencies, nothing installed) into
~/.cache/dockhand/community-docker (DOCKHAND_COMMUNITY_DOCKER_CACHE); only ansible_collections/community/docker is
extracted from the wheel. Parallel test workers take a lock, so one fetches and the others wait.
"""

import ast
import fcntl
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml

ANSIBLE_VERSION = "14.5.0"  # ships community.docker 5.4.0
PREFIX = "ansible_collections/community/docker/"
CACHE = Path(os.environ.get("DOCKHAND_COMMUNITY_DOCKER_CACHE") or Path.home() / ".cache" / "dockhand" / "community-docker")

# community.docker's modules and the dockhand.docker module a migrated task swaps its FQCN to.
# docker_image (pull, build, load, push, tag and remove in one module) has no single counterpart: see README.
DOCKHAND_MODULES = {
    "docker_compose_v2": "compose",
    "docker_config": "config",
    "docker_container": "container",
    "docker_container_copy_into": "container_copy_into",
    "docker_container_exec": "container_exec",
    "docker_container_info": "container_info",
    "docker_host_info": "host_info",
    "docker_image_build": "image_build",
    "docker_image_export": "image_save",
    "docker_image_info": "image_info",
    "docker_image_load": "image_load",
    "docker_image_pull": "image_pull",
    "docker_image_push": "image_push",
    "docker_image_remove": "image_remove",
    "docker_image_tag": "image_tag",
    "docker_login": "login",
    "docker_network": "network",
    "docker_network_info": "network_info",
    "docker_node": "node",
    "docker_prune": "prune",
    "docker_secret": "secret",
    "docker_stack": "stack",
    "docker_swarm": "swarm",
    "docker_swarm_info": "swarm_info",
    "docker_swarm_service": "service",
    "docker_volume": "volume",
    "docker_volume_info": "volume_info",
}


def ensure():
    """The directory above ansible_collections/community/docker, fetched and extracted when missing."""
    base = CACHE / f"ansible-{ANSIBLE_VERSION}"
    if (base / PREFIX / "MANIFEST.json").is_file():
        return base
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / ".lock", "a", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (base / PREFIX / "MANIFEST.json").is_file():
            _fetch(base)
    return base


def _fetch(base):
    wheel = CACHE / f"ansible-{ANSIBLE_VERSION}-py3-none-any.whl"
    if not wheel.is_file():
        print(f"community_docker: downloading ansible {ANSIBLE_VERSION} from PyPI (about 50 MB, once)", file=sys.stderr)
        # ansible 14 needs Python 3.12: pip is told so, since only the files are wanted, never an install
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check", "--no-deps",
                        "--only-binary=:all:", "--python-version", "3.12", "-d", str(CACHE), f"ansible=={ANSIBLE_VERSION}"],
                       check=True)
    partial = base.with_name(base.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    with zipfile.ZipFile(wheel) as archive:
        members = [name for name in archive.namelist() if name.startswith(PREFIX) and not name.endswith("/")]
        for name in members:
            if ".." in Path(name).parts:
                raise SystemExit(f"community_docker: refusing the archive member {name!r}")
            archive.extract(name, partial)
    shutil.rmtree(base, ignore_errors=True)
    partial.rename(base)  # whole or not at all: an interrupted extraction is never taken for a complete one
    print(f"community_docker: {len(members)} files of community.docker in {base}", file=sys.stderr)


def module_doc(module, key):
    """DOCUMENTATION, EXAMPLES or RETURN of a community.docker module, parsed (read from its source, never imported)."""
    source = (ensure() / PREFIX / "plugins" / "modules" / f"{module}.py").read_text(encoding="utf-8")
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == key for t in node.targets):
            return yaml.safe_load(node.value.value)
    return None


def _tasks(items):
    for item in items or []:
        if not isinstance(item, dict):
            continue
        nested = [item[k] for k in ("block", "rescue", "always", "tasks", "pre_tasks", "post_tasks") if isinstance(item.get(k), list)]
        if nested:
            for tasks in nested:
                yield from _tasks(tasks)
        else:
            yield item


def example_tasks():
    """Every task of community.docker's module EXAMPLES that calls a module of DOCKHAND_MODULES, as
    (where, community module, task), where = 'docker_network example 3: <its name>'."""
    out = []
    for module in sorted(DOCKHAND_MODULES):
        for number, task in enumerate(_tasks(module_doc(module, "EXAMPLES")), 1):
            for key in task:
                called = key.removeprefix("community.docker.")
                if called != key and called in DOCKHAND_MODULES:
                    out.append((f"{module} example {number}: {task.get('name') or '(no name)'}", called, task))
    return out


if __name__ == "__main__":
    print(ensure())
