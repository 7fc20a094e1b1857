"""Benchmark (issue 20): 150 containers in one dockhand.docker.project task on the local engine.

Create, re-apply (must report changed=false), check mode, remove; each timed as one ansible-playbook run, REPEATS
rounds, medians. Writes bench/results/project_150.{json,md}; fails loudly when a run fails or a re-apply changes.

Usage: python bench/project_150.py [--count 150] [--repeats 2]
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMAGE = "dockhand/busybox:latest"
PROJECT = "dhbench150"


def playbook(args, check=False):
    base = Path(tempfile.mkdtemp(prefix="dhbench150-"))
    (base / "ansible_collections" / "dockhand").mkdir(parents=True)
    (base / "ansible_collections" / "dockhand" / "docker").symlink_to(ROOT)
    book = base / "play.json"
    book.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False, "connection": "local",
                                 "tasks": [{"dockhand.docker.project": args}]}]))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(base), ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               ANSIBLE_LOCALHOST_WARNING="False", ANSIBLE_INVENTORY_UNPARSED_WARNING="False", ANSIBLE_NOCOLOR="1")
    cmd = [str(Path(sys.executable).with_name("ansible-playbook")), "-i", "localhost,", str(book)] + (["--check"] if check else [])
    start = time.monotonic()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    took = time.monotonic() - start
    if proc.returncode != 0:
        raise SystemExit(f"the run failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-2000:]}")
    recap = re.search(r"localhost\s*:.*changed=(\d+)", proc.stdout)
    if not recap:
        raise SystemExit(f"no play recap in the output:\n{proc.stdout[-2000:]}")
    return took, int(recap.group(1)) > 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=150)
    parser.add_argument("--repeats", type=int, default=2)
    opts = parser.parse_args()
    containers = [{"name": f"{PROJECT}-{i}", "image": IMAGE, "command": ["sleep", "3600"], "stop_timeout": 0} for i in range(opts.count)]
    present = {"project": PROJECT, "containers": containers}
    absent = {"project": PROJECT, "state": "absent"}
    times: dict[str, list] = {"create": [], "reapply": [], "check": [], "remove": []}
    for _round in range(opts.repeats):
        took, changed = playbook(present)
        assert changed, "create reported no change"
        times["create"].append(took)
        took, changed = playbook(present)
        assert not changed, "a re-apply of an unchanged project reported a change"
        times["reapply"].append(took)
        took, changed = playbook(present, check=True)
        assert not changed, "check mode of an unchanged project predicted a change"
        times["check"].append(took)
        took, changed = playbook(absent)
        assert changed, "remove reported no change"
        times["remove"].append(took)
    medians = {op: round(statistics.median(values), 2) for op, values in times.items()}
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "project_150.json").write_text(json.dumps({"count": opts.count, "repeats": opts.repeats, "seconds": times, "medians": medians}, indent=2))
    lines = [f"# {opts.count} containers in one project task ({opts.repeats} rounds, medians, seconds)", "",
             "| create | re-apply (changed=false) | check mode | remove |", "|---:|---:|---:|---:|",
             f"| {medians['create']} | {medians['reapply']} | {medians['check']} | {medians['remove']} |", ""]
    (out / "project_150.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
