#!/usr/bin/env python
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: one dockhand.docker.container_stats task on 1 container and on 20 containers (goal: 20 take < 2x as long).

Starts 20 busybox containers, times `ansible localhost -m dockhand.docker.container_stats` over the first one and over
all 20 (a few repetitions each, median of the wall-clock time), prints the figures and the ratio, and removes the
containers. Run it from the collection root with the dev venv's python:

    /root/.cache/dockhand/venv/bin/python bench/stats_parallel.py [--containers 20] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import docker

BASE_IMAGE = "dockhand/busybox:latest"
GOAL = 2.0
COLLECTION_ROOT = Path(__file__).resolve().parents[1]


def collections_base():
    """A directory with ansible_collections/dockhand/docker pointing at this checkout."""
    if os.environ.get("DOCKHAND_COLLECTIONS_BASE"):
        return Path(os.environ["DOCKHAND_COLLECTIONS_BASE"])
    base = Path(tempfile.mkdtemp(prefix="dockhand-bench-"))
    (base / "ansible_collections" / "dockhand").mkdir(parents=True)
    (base / "ansible_collections" / "dockhand" / "docker").symlink_to(COLLECTION_ROOT)
    return base


def run_task(env, names):
    """Wall-clock seconds of one container_stats task over names; raises when the task fails."""
    ansible = str(Path(sys.executable).with_name("ansible"))
    args = json.dumps({"containers": names})
    cmd = [ansible, "localhost", "-c", "local", "-m", "dockhand.docker.container_stats", "-a", args]
    started = time.monotonic()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)
    elapsed = time.monotonic() - started
    if proc.returncode != 0 or "SUCCESS" not in proc.stdout:
        raise RuntimeError(f"container_stats failed on {len(names)} container(s):\n{proc.stdout}{proc.stderr}")
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--containers", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    if not 1 <= options.containers <= 100 or not 1 <= options.repeat <= 20:
        parser.error("--containers must be 1-100 and --repeat 1-20")

    engine = docker.from_env()
    engine.images.get(BASE_IMAGE)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections_base()), ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               ANSIBLE_LOCALHOST_WARNING="False", ANSIBLE_INVENTORY_UNPARSED_WARNING="False", ANSIBLE_NOCOLOR="1")
    prefix = f"dhbench-{uuid.uuid4().hex[:8]}"
    started = []
    try:
        for index in range(options.containers):
            started.append(engine.containers.run(BASE_IMAGE, ["sleep", "600"], name=f"{prefix}-{index:02d}", detach=True))
        names = [c.name for c in started]
        run_task(env, names[:1])  # warm up (imports, page cache)
        one, many = [], []
        while len(one) < options.repeat:
            one.append(run_task(env, names[:1]))
            many.append(run_task(env, names))
        t_one, t_many = statistics.median(one), statistics.median(many)
        ratio = t_many / t_one
        print(f"container_stats, {options.repeat} runs each, median wall-clock of one ansible task:")
        print(f"  1 container:   {t_one:.2f} s   (runs: {', '.join(f'{t:.2f}' for t in one)})")
        print(f"  {options.containers} containers: {t_many:.2f} s   (runs: {', '.join(f'{t:.2f}' for t in many)})")
        print(f"  ratio {ratio:.2f}x; goal < {GOAL:.0f}x: {'met' if ratio < GOAL else 'NOT met'}")
        return 0 if ratio < GOAL else 1
    finally:
        for container in started:
            container.remove(force=True)


if __name__ == "__main__":
    sys.exit(main())
