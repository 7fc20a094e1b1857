"""Benchmark: N busybox containers created, re-applied with no change, planned in check mode and removed, through

  project    one dockhand.docker.project task
  loop       a loop of dockhand.docker.container
  community  a loop of community.docker.docker_container (PyPI's `ansible` package, in its own venv under ~/.cache)
  compose_module  dockhand.docker.compose on the compose arm's Compose file
  project_process, compose_module_process
             project and compose_module with DOCKHAND_RUN_IN_CONTROLLER=false: each module started as ansible-core
             starts it, a new Python that unpacks and compiles it, instead of in a fork of the controller
  compose    Docker Compose v2.40 (`up -d`, `up -d --dry-run` as check, `down`), Debian sid's package fetched by
             ci/compose_v2.sh into a cache (the modules never use it)
  sdk        a Docker SDK thread pool (8 threads): the floor
  ping       not an arm: an ansible-playbook run of one ansible.builtin.ping task, the least any one-task playbook
             costs; the goals' report uses it to show how close to each ratio goal a playbook can get on this machine

The arms run interleaved, REPEATS times, on the local engine; the script prints medians and ratios as a Markdown
table, writes bench/results/project_bench.{json,md,png} and checks the goals of issue 7.

Usage: python bench/project_bench.py [--sizes 10,30,100] [--repeats 3] [--arms project,loop,community,compose,sdk]
"""

import argparse
import copy
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docker

ROOT = Path(__file__).resolve().parents[1]
IMAGE = "dockhand/busybox:latest"
PREFIX = "dhbench"
COMMUNITY_VENV = Path(os.environ.get("DOCKHAND_COMMUNITY_VENV", Path.home() / ".cache" / "dockhand" / "community-venv"))
OPS = ("create", "reapply", "check", "remove")


def names(n):
    return [f"{PREFIX}-{i}" for i in range(1, n + 1)]


def container_args(name):
    return {"name": name, "image": IMAGE, "command": ["sleep", "3600"], "labels": {"bench": PREFIX}}


class Ansible:
    def __init__(self, python):
        base = Path(tempfile.mkdtemp(prefix="dhbench-"))
        (base / "ansible_collections" / "dockhand").mkdir(parents=True)
        (base / "ansible_collections" / "dockhand" / "docker").symlink_to(ROOT)
        self.playbook = str(Path(python).with_name("ansible-playbook"))
        self.env = dict(os.environ, ANSIBLE_PYTHON_INTERPRETER=python, ANSIBLE_LOCALHOST_WARNING="False",
                        ANSIBLE_DEPRECATION_WARNINGS="False")
        if python == sys.executable:
            self.env["ANSIBLE_COLLECTIONS_PATH"] = str(base)
        self.dir = base

    def as_module_processes(self):
        """The same runs with the modules started as ansible-core starts them, not in a fork of the controller."""
        other = copy.copy(self)
        other.env = dict(self.env, DOCKHAND_RUN_IN_CONTROLLER="false")
        return other

    def run(self, tasks, check=False):
        book = self.dir / "play.json"
        book.write_text(json.dumps([{"name": "bench", "hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": tasks}]))
        cmd = [self.playbook, "-i", "localhost,", str(book)] + (["--check"] if check else [])
        start = time.perf_counter()
        proc = subprocess.run(cmd, env=self.env, capture_output=True, text=True, check=False)
        took = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(proc.stdout[-3000:] + proc.stderr[-2000:])
        return took


def arm_project(ansible, n):
    def task(state="present"):
        spec = {"project": PREFIX, "state": state}
        if state == "present":
            spec["containers"] = [container_args(name) for name in names(n)]
        return [{"name": "project", "dockhand.docker.project": spec}]
    return {"create": lambda: ansible.run(task()), "reapply": lambda: ansible.run(task()), "check": lambda: ansible.run(task(), check=True),
            "remove": lambda: ansible.run(task("absent"))}


def _loop(module, n, extra):
    def task(state="started"):
        args = dict(container_args("{{ item }}"), state=state, **extra)
        if state == "absent":
            args = dict({"name": "{{ item }}", "state": "absent"}, **extra)
        return [{"name": "loop", module: args, "loop": names(n)}]
    return task


def arm_loop(ansible, n):
    task = _loop("dockhand.docker.container", n, {})
    return {"create": lambda: ansible.run(task()), "reapply": lambda: ansible.run(task()), "check": lambda: ansible.run(task(), check=True),
            "remove": lambda: ansible.run(task("absent"))}


def arm_community(ansible, n):
    task = _loop("community.docker.docker_container", n, {"force_kill": True})
    return {"create": lambda: ansible.run(task()), "reapply": lambda: ansible.run(task()), "check": lambda: ansible.run(task(), check=True),
            "remove": lambda: ansible.run(task("absent"))}


def arm_compose(n):
    work = Path(tempfile.mkdtemp(prefix="dhbench-compose-"))
    services = {name: {"image": IMAGE, "command": ["sleep", "3600"], "container_name": name, "labels": {"bench": PREFIX}} for name in names(n)}
    (work / "compose.yaml").write_text(json.dumps({"services": services}))
    binary = compose_v2()

    def run(*args):
        start = time.perf_counter()
        subprocess.run([binary, "-p", PREFIX, *args], cwd=work, check=True, capture_output=True, timeout=600)
        return time.perf_counter() - start
    return {"create": lambda: run("up", "-d"), "reapply": lambda: run("up", "-d"), "check": lambda: run("--dry-run", "up", "-d"),
            "remove": lambda: run("down", "-t", "0")}


def arm_compose_module(ansible, n):
    """dockhand.docker.compose on the same Compose file as the compose arm (issue 14's benchmark)."""
    work = Path(tempfile.mkdtemp(prefix="dhbench-cmod-"))
    services = {name: {"image": IMAGE, "command": ["sleep", "3600"], "container_name": name, "labels": {"bench": PREFIX}} for name in names(n)}
    (work / "compose.yaml").write_text(json.dumps({"services": services}))

    def task(state="present"):
        return [{"name": "compose", "dockhand.docker.compose": {"project_src": str(work), "project_name": PREFIX, "state": state}}]
    return {"create": lambda: ansible.run(task()), "reapply": lambda: ansible.run(task()), "check": lambda: ansible.run(task(), check=True),
            "remove": lambda: ansible.run(task("absent"))}


def compose_v2():
    """The Compose v2 binary (fetched once by ci/compose_v2.sh, then cached)."""
    return subprocess.run(["bash", str(ROOT / "ci" / "compose_v2.sh")], check=True, capture_output=True, text=True).stdout.strip()


def arm_sdk(n):
    client = docker.from_env()

    def pool(fn):
        start = time.perf_counter()
        with ThreadPoolExecutor(8) as ex:
            list(ex.map(fn, names(n)))
        return time.perf_counter() - start

    def create(name):
        client.api.start(client.api.create_container(IMAGE, ["sleep", "3600"], name=name, labels={"bench": PREFIX})["Id"])
    return {"create": lambda: pool(create), "reapply": lambda: pool(client.api.inspect_container),
            "remove": lambda: pool(lambda name: client.api.remove_container(name, force=True))}


def arm_ops(arm, n, ours, theirs):
    if arm == "ping":
        return {"reapply": lambda: ours.run([{"name": "ping", "ansible.builtin.ping": {}}])}
    if arm == "project":
        return arm_project(ours, n)
    if arm == "project_process":
        return arm_project(ours.as_module_processes(), n)
    if arm == "compose_module_process":
        return arm_compose_module(ours.as_module_processes(), n)
    if arm == "loop":
        return arm_loop(ours, n)
    if arm == "community":
        return arm_community(theirs, n)
    if arm == "compose":
        return arm_compose(n)
    if arm == "compose_module":
        return arm_compose_module(ours, n)
    return arm_sdk(n)


def cleanup():
    client = docker.from_env()
    for c in client.containers.list(all=True, filters={"label": f"bench={PREFIX}"}):
        c.remove(force=True)


def ensure_community():
    if not (COMMUNITY_VENV / "bin" / "ansible-playbook").exists():
        print(f"installing PyPI's ansible (community.docker) into {COMMUNITY_VENV} (about a minute)", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(COMMUNITY_VENV)], check=True)
        subprocess.run([str(COMMUNITY_VENV / "bin" / "pip"), "install", "-q", "ansible<13", "docker", "requests"], check=True)
    return str(COMMUNITY_VENV / "bin" / "python")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10,30,100")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--arms", default="project,loop,community,compose,sdk")
    parser.add_argument("--from-log", help="render the report from the progress lines of an earlier run's output")
    opts = parser.parse_args()
    if opts.from_log:
        times = {}
        for line in Path(opts.from_log).read_text().splitlines():
            match = re.match(r"N=(\d+) round (\d+) (\w+): (.*)$", line)
            if match and "failed" not in match.group(4):
                for op, secs in re.findall(r"(\w+) ([\d.]+)s", match.group(4)):
                    times.setdefault((match.group(3), int(match.group(1)), op), []).append(float(secs))
        sizes = sorted({n for _a, n, _o in times})
        arms = [a for a in opts.arms.split(",") + ["ping"] if any(k[0] == a for k in times)]
        rounds = max(len(v) for v in times.values())
        report(times, arms, sizes, rounds)
        return
    sizes = [int(s) for s in opts.sizes.split(",")]
    arms = opts.arms.split(",")
    if "project" in arms and "ping" not in arms:
        arms.append("ping")
    if "compose" in arms:
        print(f"compose arm: {subprocess.run([compose_v2(), 'version'], capture_output=True, text=True, check=False).stdout.strip()}", file=sys.stderr)
    ours = Ansible(sys.executable)
    theirs = Ansible(ensure_community()) if "community" in arms else None
    times = {}
    cleanup()
    for n in sizes:
        for round_no in range(opts.repeats):
            for arm in arms:  # interleaved: every arm sees the same machine conditions in each round
                ops = arm_ops(arm, n, ours, theirs)
                done = []
                try:
                    for op in OPS:
                        if op in ops:
                            times.setdefault((arm, n, op), []).append(ops[op]())
                            done.append(op)
                except (subprocess.SubprocessError, RuntimeError, docker.errors.DockerException) as exc:
                    print(f"N={n} round {round_no + 1} {arm}: failed ({str(exc)[:200]}); left out of this round", file=sys.stderr)
                cleanup()
                print(f"N={n} round {round_no + 1} {arm}: " + ", ".join(f"{op} {times[(arm, n, op)][-1]:.2f}s" for op in done),
                      file=sys.stderr)
    report(times, arms, sizes, opts.repeats)


def issue19_goals(med, sizes, ping):
    """The goals of issue 19, each with its figures and MET / NOT MET."""
    def say(text, ok):
        return f"{text}: {'MET' if ok else 'NOT MET'}"
    goals = []
    for n in sizes:
        ours, compose = med.get(("project", n, "create")), med.get(("compose", n, "create"))
        if ours and compose:
            goals.append(say(f"create of {n}: project {ours:.2f}s vs Compose v2 {compose:.2f}s", ours < compose))
        ours, compose = med.get(("project", n, "remove")), med.get(("compose", n, "remove"))
        if ours and compose:
            goals.append(say(f"remove of {n}: project {ours:.2f}s vs Compose v2 down {compose:.2f}s", ours < compose))
        ours, again = med.get(("project", n, "check")), med.get(("project", n, "reapply"))
        if ours and again:
            goals.append(say(f"check of {n}: {ours:.2f}s vs re-apply {again:.2f}s (no slower)", ours <= again * 1.05))
    floor, ours = med.get(("sdk", 100, "create")), med.get(("project", 100, "create"))
    if floor and ours and ping:
        goals.append(say(f"create of 100: project {ours:.2f}s vs 1.15 x (SDK floor {floor:.2f}s + one-ping playbook {ping:.2f}s) = "
                         f"{1.15 * (floor + ping):.2f}s", ours <= 1.15 * (floor + ping)))
    again = med.get(("project", 30, "reapply"))
    if again and ping:
        goals.append(say(f"re-apply of 30 unchanged: {again:.2f}s vs one-ping playbook + 0.15s = {ping + 0.15:.2f}s", again <= ping + 0.15))
    big = med.get(("project", 100, "reapply"))
    if again and big:
        per = (big - again) / 70 * 1000
        goals.append(say(f"each extra unchanged container (re-apply of 100 vs 30): {per:.1f} ms (goal <= 1.5 ms)", per <= 1.5))
    return goals


def issue14_goals(med, sizes, ping):
    """The compose module's goals (issue 14): create faster than Compose v2, re-apply of 30 within a one-ping playbook
    + 0.3 s, no slower than project on the same services."""
    goals = []
    for n in sizes:
        ours, compose, project = (med.get((arm, n, "create")) for arm in ("compose_module", "compose", "project"))
        if ours and compose:
            goals.append(f"compose module create of {n}: {ours:.2f}s vs Compose v2 {compose:.2f}s: {'MET' if ours < compose else 'NOT MET'}")
        if ours and project:
            goals.append(f"compose module / project, create of {n}: {ours / project:.2f}x (goal <= 1.0x, within noise)")
    again = med.get(("compose_module", 30, "reapply"))
    if again and ping:
        goals.append(f"compose module re-apply of 30: {again:.2f}s vs one-ping playbook + 0.3s = {ping + 0.3:.2f}s: "
                     f"{'MET' if again <= ping + 0.3 else 'NOT MET'}")
    return goals


def report(times, arms, sizes, repeats):
    med = {k: statistics.median(v) for k, v in times.items()}
    pings = [t for (arm, _n, _op), values in times.items() if arm == "ping" for t in values]
    ping = statistics.median(pings) if pings else None  # a one-ping playbook, timed in every round
    arms = [a for a in arms if a != "ping"]
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    lines = [f"Medians of {repeats} interleaved runs, seconds (ratio to the SDK floor in brackets).", "",
             "| N | op | " + " | ".join(arms) + " |", "|---|---|" + "---:|" * len(arms)]
    for n in sizes:
        for op in OPS:
            floor = med.get(("sdk", n, op))
            cells = []
            for arm in arms:
                value = med.get((arm, n, op))
                cells.append("n/a" if value is None else f"{value:.2f}" + (f" ({value / floor:.1f}x)" if floor and arm != "sdk" else ""))
            lines.append(f"| {n} | {op} | " + " | ".join(cells) + " |")
    goals = issue19_goals(med, sizes, ping) + issue14_goals(med, sizes, ping)
    if ("project", 30, "reapply") in med:
        if ("community", 30, "reapply") in med:
            community = med[("community", 30, "reapply")]
            goals.append(f"community loop / project, re-apply of 30: {community / med[('project', 30, 'reapply')]:.1f}x (goal >= 15x)")
    lines += ["", *[f"- {g}" for g in goals]]
    text = "\n".join(lines)
    print(text)
    (out / "project_bench.md").write_text(text + "\n")
    (out / "project_bench.json").write_text(json.dumps({f"{a}|{n}|{op}": v for (a, n, op), v in times.items()}, indent=1))
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot (pip install matplotlib)", file=sys.stderr)
        return
    fig, axes = plt.subplots(1, len(OPS), figsize=(16, 4))
    for ax, op in zip(axes, OPS):
        for arm in arms:
            xs = [n for n in sizes if (arm, n, op) in med]
            if xs:
                ax.plot(xs, [med[(arm, n, op)] for n in xs], marker="o", label=arm)
        ax.set_title(op)
        ax.set_xlabel("containers")
        ax.set_ylabel("seconds")
        ax.set_yscale("log")
        ax.grid(True, alpha=0.3)
    axes[0].legend()
    fig.tight_layout()
    fig.savefig(out / "project_bench.png", dpi=90)


if __name__ == "__main__":
    main()
