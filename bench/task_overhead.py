"""Per-task cost of a no-change dockhand.docker task against ansible.builtin.ping, in one ansible-playbook run each.

Runs, interleaved and repeated, a playbook of N no-change `dockhand.docker.volume` tasks (and N no-change
`dockhand.docker.container` tasks) and one of N `ansible.builtin.ping` tasks, plus an empty play to measure the fixed
start-up cost, then prints the per-task ratio against ping. Goal (issue 2): volume within 1.3x of ping.

Usage: python bench/task_overhead.py [N] [REPEATS]     (the engine must answer; ci/setup.sh makes sure of that)
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
N = int(sys.argv[1]) if len(sys.argv) > 1 else 20
REPEATS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
NAME = "dockhand-bench"


def collections_base():
    base = Path(tempfile.mkdtemp(prefix="dockhand-bench-"))
    (base / "ansible_collections" / "dockhand").mkdir(parents=True)
    (base / "ansible_collections" / "dockhand" / "docker").symlink_to(ROOT)
    return base


def playbook(path, module, args, count):
    tasks = [{"name": f"task {i}", module: args} for i in range(count)]
    play = [{"name": "bench", "hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": tasks}]
    path.write_text(json.dumps(play))  # JSON is YAML
    return path


def timed(env, book):
    start = time.perf_counter()
    subprocess.run([str(Path(sys.executable).with_name("ansible-playbook")), "-i", "localhost,", str(book)],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def remove_leftovers():
    subprocess.run(["docker", "rm", "-f", NAME], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(["docker", "volume", "rm", NAME], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    remove_leftovers()  # an earlier run cut short may have left them with other settings
    work = Path(tempfile.mkdtemp(prefix="dockhand-bench-books-"))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections_base()), ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               ANSIBLE_LOCALHOST_WARNING="False")
    volume = {"name": NAME, "labels": {"bench": "1"}}
    container = {"name": NAME, "image": "dockhand/busybox:latest", "command": ["sleep", "3600"], "stop_timeout": 1}
    books = {
        "empty": playbook(work / "empty.json", "ansible.builtin.ping", {}, 0),
        "ping": playbook(work / "ping.json", "ansible.builtin.ping", {}, N),
        "volume": playbook(work / "volume.json", "dockhand.docker.volume", volume, N),
        "container": playbook(work / "container.json", "dockhand.docker.container", container, N),
    }
    timed(env, playbook(work / "setup.json", "dockhand.docker.volume", volume, 1))
    timed(env, playbook(work / "setup2.json", "dockhand.docker.container", container, 1))
    times = {k: [] for k in books}
    for _round in range(REPEATS):  # interleaved, so drift hits every arm alike
        for arm, book in books.items():
            times[arm].append(timed(env, book))
    med = {arm: statistics.median(t) for arm, t in times.items()}
    per_task = {arm: (med[arm] - med["empty"]) / N for arm in ("ping", "volume", "container")}
    print(f"N={N} tasks per playbook, {REPEATS} interleaved runs, medians")
    print(f"{'arm':<10} {'playbook s':>10} {'per task ms':>12} {'vs ping':>8}")
    print(f"{'empty':<10} {med['empty']:>10.2f} {'':>12} {'':>8}")
    for arm in ("ping", "volume", "container"):
        print(f"{arm:<10} {med[arm]:>10.2f} {per_task[arm] * 1000:>12.0f} {per_task[arm] / per_task['ping']:>7.2f}x")
    goal = per_task["volume"] / per_task["ping"]
    print(f"goal (issue 2): volume within 1.3x of ping -> {goal:.2f}x {'MET' if goal <= 1.3 else 'NOT MET'}")
    goal = per_task["container"] / per_task["ping"]
    print(f"goal (issue 7): container within 1.3x of ping -> {goal:.2f}x {'MET' if goal <= 1.3 else 'NOT MET'}")
    remove_leftovers()


if __name__ == "__main__":
    main()
