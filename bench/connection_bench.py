"""Per-task cost of the dockhand.docker.api connection, and its file transfer speed (issue 16).

Task cost: a playbook of N no-op module tasks (ansible.builtin.ping and `command: true`, alternating) into one
Debian-with-Python container, through
  dockhand     dockhand.docker.api (this checkout)
  local        ansible_connection=local on the host: the floor
  docker_api   community.docker.docker_api   } from PyPI's `ansible` package, in its own venv
  docker_cli   community.docker.docker       } (--community-venv; the arms are skipped without it)
plus an empty play per arm, interleaved and repeated; per task = (median N-task run - median empty run) / N.
Pipelining is on for every arm. Goals: dockhand <= 1.3x local per task, and faster than both community arms.

Transfer: put and fetch of a 100 MB file through the connection's own functions (put_file / fetch_file in
_archive.py, as the plugin calls them) against `docker cp` in and out. Goal: >= 80 % of docker cp's speed.

Usage: python bench/connection_bench.py [--tasks 20] [--repeats 5] [--community-venv /tmp/venv]
       python bench/connection_bench.py --plot-only     (redraws the plot from bench/results/connection_bench.json,
                                                         with any Python that has matplotlib)
Writes bench/RESULTS-connection.md, bench/connection_bench.png and the raw times in bench/results/connection_bench.json.
Not part of the test suite.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
CONTAINER = "dockhand-bench-connection"
IMAGE = "dockhand/debian-python:bookworm"
ARMS = {
    "local": "local",
    "dockhand": "dockhand.docker.api",
    "docker_api": "community.docker.docker_api",
    "docker_cli": "community.docker.docker",
}


def collections_base():
    base = Path(tempfile.mkdtemp(prefix="dockhand-bench-"))
    (base / "ansible_collections" / "dockhand").mkdir(parents=True)
    (base / "ansible_collections" / "dockhand" / "docker").symlink_to(ROOT)
    return base


def playbook(path, count):
    tasks = []
    for i in range(count):
        if i % 2:
            tasks.append({"name": f"task {i}", "ansible.builtin.command": "true", "changed_when": False})
        else:
            tasks.append({"name": f"task {i}", "ansible.builtin.ping": {}})
    path.write_text(json.dumps([{"name": "bench", "hosts": "all", "gather_facts": False, "tasks": tasks}]))  # JSON is YAML
    return path


def ansible_playbook(arm, community_venv):
    venv_bin = Path(community_venv) / "bin" if arm.startswith("docker_") else Path(sys.executable).parent
    return str(venv_bin / "ansible-playbook")


def timed_run(arm, book, env, community_venv):
    host = "localhost" if arm == "local" else CONTAINER
    cmd = [ansible_playbook(arm, community_venv), "-i", f"{host},", "-c", ARMS[arm],
           "-e", "ansible_python_interpreter=/usr/bin/python3", str(book)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, check=False, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"{arm} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-2000:]}")
    return elapsed


def start_container():
    subprocess.run(["docker", "rm", "-f", CONTAINER], check=False, capture_output=True)
    subprocess.run([sys.executable, str(ROOT / "ci" / "python_image.py")], check=True)
    subprocess.run(["docker", "run", "-d", "--name", CONTAINER, IMAGE], check=True, capture_output=True)


def task_costs(opts, work, arms):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections_base()), ANSIBLE_PIPELINING="True",
               ANSIBLE_LOCALHOST_WARNING="False", ANSIBLE_HOST_KEY_CHECKING="False", PYTHONWARNINGS="ignore")
    books = {"empty": playbook(work / "empty.json", 0), "tasks": playbook(work / "tasks.json", opts.tasks)}
    times = {}
    for round_no in range(opts.repeats):
        for arm in arms:
            for kind, book in books.items():
                times.setdefault(f"{arm}|{kind}", []).append(timed_run(arm, book, env, opts.community_venv))
        print(f"round {round_no + 1}: " + ", ".join(f"{arm} {times[f'{arm}|tasks'][-1]:.2f}s" for arm in arms), file=sys.stderr)
    return times


def transfer_speeds(work, repeats):
    """Seconds for 100 MB in and out: the connection's functions and docker cp, interleaved."""
    sys.path.insert(0, str(collections_base()))
    from ansible_collections.dockhand.docker.plugins.module_utils._archive import fetch_file, put_file  # pylint: disable=import-outside-toplevel
    from ansible_collections.dockhand.docker.plugins.module_utils._client import connect  # pylint: disable=import-outside-toplevel
    engine = connect({"docker_host": os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")})
    src = work / "big.bin"
    with open(src, "wb") as out:
        for _mib in range(100):
            out.write(os.urandom(1 << 20))
    times = {}

    def clock(key, action):
        start = time.perf_counter()
        action()
        times.setdefault(key, []).append(time.perf_counter() - start)

    for _round in range(repeats):
        clock("dockhand|put", lambda: put_file(engine, CONTAINER, str(src), "/tmp/big.bin"))
        clock("dockhand|fetch", lambda: fetch_file(engine, CONTAINER, "/tmp/big.bin", str(work / "back.bin")))
        clock("docker_cp|put", lambda: subprocess.run(["docker", "cp", str(src), f"{CONTAINER}:/tmp/big.bin"], check=True))
        clock("docker_cp|fetch", lambda: subprocess.run(["docker", "cp", f"{CONTAINER}:/tmp/big.bin", str(work / "back.bin")], check=True))
    return times


def report(data):
    times, opts = data["times"], data["options"]
    med = {key: statistics.median(values) for key, values in times.items()}
    arms = [arm for arm in ARMS if f"{arm}|tasks" in med]
    per_task = {arm: (med[f"{arm}|tasks"] - med[f"{arm}|empty"]) / opts["tasks"] for arm in arms}
    lines = [f"Medians of {opts['repeats']} interleaved runs on a 2-core machine shared with other work; pipelining on for every arm.",
             "", f"| connection | empty play | {opts['tasks']} tasks | per task | vs local |", "|---|---:|---:|---:|---:|"]
    for arm in arms:
        ratio = per_task[arm] / per_task["local"] if per_task.get("local") else None
        lines.append(f"| {ARMS[arm]} | {med[f'{arm}|empty']:.2f} s | {med[f'{arm}|tasks']:.2f} s | {per_task[arm] * 1000:.0f} ms | "
                     + (f"{ratio:.2f}x |" if ratio else "n/a |"))
    lines += ["", f"Transfers: medians of {opts.get('transfer_repeats', opts['repeats'])} interleaved runs.", "",
              "| 100 MB | dockhand.docker.api | docker cp | dockhand / docker cp speed |", "|---|---:|---:|---:|"]
    for op in ("put", "fetch"):
        if f"dockhand|{op}" in med:
            ours, theirs = med[f"dockhand|{op}"], med[f"docker_cp|{op}"]
            lines.append(f"| {op} | {ours:.2f} s ({100 / ours:.0f} MB/s) | {theirs:.2f} s ({100 / theirs:.0f} MB/s) | {theirs / ours * 100:.0f} % |")
    goals = []
    if "local" in per_task and "dockhand" in per_task:
        goals.append(f"dockhand.docker.api per task / local per task: {per_task['dockhand'] / per_task['local']:.2f}x (goal <= 1.3x)")
    for arm in ("docker_api", "docker_cli"):
        if arm in per_task and "dockhand" in per_task:
            goals.append(f"{ARMS[arm]} per task / dockhand.docker.api per task: {per_task[arm] / per_task['dockhand']:.2f}x (goal > 1)")
    lines += ["", *[f"- {goal}" for goal in goals]]
    return "\n".join(lines), per_task, med


def plot(per_task, med):
    try:
        import matplotlib  # pylint: disable=import-outside-toplevel
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel
    except ImportError:
        print("matplotlib is not installed: no plot (run again with --plot-only under a Python that has it)", file=sys.stderr)
        return
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4))
    names = list(per_task)
    left.bar([ARMS[n] for n in names], [per_task[n] * 1000 for n in names], color=["#888", "#2a7", "#c84", "#c48"][:len(names)])
    left.set_ylabel("ms per no-op task")
    left.set_title("Per-task cost (pipelining on)")
    left.tick_params(axis="x", labelrotation=15)
    ops = [op for op in ("put", "fetch") if f"dockhand|{op}" in med]
    width = 0.35
    for offset, (arm, label) in enumerate((("dockhand", "dockhand.docker.api"), ("docker_cp", "docker cp"))):
        right.bar([i + offset * width for i in range(len(ops))], [100 / med[f"{arm}|{op}"] for op in ops], width, label=label)
    right.set_xticks([i + width / 2 for i in range(len(ops))], [f"{op} 100 MB" for op in ops])
    right.set_ylabel("MB/s")
    right.set_title("File transfer")
    right.legend()
    fig.tight_layout()
    fig.savefig(ROOT / "bench" / "connection_bench.png", dpi=90)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--community-venv", default=os.environ.get("DOCKHAND_COMMUNITY_VENV", ""))
    parser.add_argument("--plot-only", action="store_true")
    parser.add_argument("--transfers-only", action="store_true", help="measure the transfers again, keep the task times")
    opts = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    if opts.plot_only:
        _text, per_task, med = report(json.loads((RESULTS / "connection_bench.json").read_text()))
        plot(per_task, med)
        return
    arms = ["local", "dockhand"]
    if opts.community_venv and (Path(opts.community_venv) / "bin" / "ansible-playbook").exists():
        arms += ["docker_api", "docker_cli"]
    else:
        print("no --community-venv with PyPI's ansible: community.docker arms skipped", file=sys.stderr)
    work = Path(tempfile.mkdtemp(prefix="dockhand-bench-connection-"))
    start_container()
    try:
        if opts.transfers_only:
            data = json.loads((RESULTS / "connection_bench.json").read_text())
            times = {k: v for k, v in data["times"].items() if not k.endswith(("|put", "|fetch"))}
            opts.tasks, repeats = data["options"]["tasks"], data["options"]["repeats"]
        else:
            times, repeats = task_costs(opts, work, arms), opts.repeats
        times.update(transfer_speeds(work, opts.repeats))
    finally:
        subprocess.run(["docker", "rm", "-f", CONTAINER], check=False, capture_output=True)
    data = {"options": {"tasks": opts.tasks, "repeats": repeats, "transfer_repeats": opts.repeats}, "times": times}
    (RESULTS / "connection_bench.json").write_text(json.dumps(data, indent=1))
    text, per_task, med = report(data)
    print(text)
    (ROOT / "bench" / "RESULTS-connection.md").write_text("# dockhand.docker.api: per-task cost and file transfer\n\n"
                                                          "Made by `python bench/connection_bench.py`.\n\n" + text + "\n")
    plot(per_task, med)


if __name__ == "__main__":
    main()
