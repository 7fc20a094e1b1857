# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""dockhand.docker.stack against `docker stack deploy` (issue 17): create and re-apply of a stack of N services.

Both arms deploy the same compose file (N busybox services, one overlay network) to a swarm of one engine in a network
namespace of its own (tests/integration/_swarm_support.py: the host's engine is never touched), each arm with and
without waiting until the services converged:
  module          `ansible localhost -m dockhand.docker.stack` (this checkout), the whole ansible process timed; waits
  cli             `docker stack deploy -c FILE --detach=false` with the docker client on PATH (its default since Docker 26)
  module detach   the module with detach: true
  cli detach      `docker stack deploy --detach=true`
create: the stack is absent before the run (removed, untimed, after each create); re-apply: the same file again.
Arms are interleaved per repeat. Writes bench/RESULTS-stack.md and bench/results/stack_bench.json. Needs root.

Usage: python bench/stack_bench.py [--sizes 1 10] [--repeats 3]
       python bench/stack_bench.py --report-only   (RESULTS-stack.md again from bench/results/stack_bench.json)
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

import yaml

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "tests" / "integration"))
from _swarm_support import BASE_IMAGE, init_swarm, start_engine, stop_engine  # noqa: E402  pylint: disable=wrong-import-position


ARMS = ("module", "cli", "module detach", "cli detach")


def collections_base():
    base = Path(tempfile.mkdtemp(prefix="dockhand-bench-"))
    (base / "ansible_collections" / "dockhand").mkdir(parents=True)
    (base / "ansible_collections" / "dockhand" / "docker").symlink_to(ROOT)
    return base


def compose_file(directory, size):
    services = {f"s{i}": {"image": BASE_IMAGE, "command": ["sleep", "3600"], "stop_grace_period": "1s", "networks": ["back"],
                          "environment": {"INDEX": str(i)}, "deploy": {"replicas": 1}} for i in range(size)}
    path = Path(directory) / f"stack-{size}.yaml"
    path.write_text(yaml.safe_dump({"version": "3.8", "services": services, "networks": {"back": {"driver": "overlay"}}}))
    return str(path)


def timed(cmd, env):
    started = time.monotonic()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False, timeout=900)
    elapsed = time.monotonic() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return elapsed, proc.stdout


def remove(engine, stack):
    """The stack gone (untimed): its services, then its networks, once their tasks are gone."""
    api, label = engine.client.api, {"label": f"com.docker.stack.namespace={stack}"}
    for service in api.services(filters=label):
        api.remove_service(service["ID"])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            for net in api.networks(filters=label):
                api.remove_network(net["Id"])
            if not api.networks(filters=label) and not api.services(filters=label):
                return
        except Exception:  # pylint: disable=broad-except  # a task still uses the network: try again
            pass
        time.sleep(0.5)
    raise SystemExit(f"stack {stack} not removed after 120 s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--report-only", action="store_true", help="rewrite RESULTS-stack.md from bench/results/stack_bench.json")
    args = parser.parse_args()
    if args.report_only:
        saved = json.loads((RESULTS / "stack_bench.json").read_text())
        write_report(saved["times"], argparse.Namespace(**saved["args"]), saved["cli"], saved["engine"])
        return
    base = collections_base()
    work = tempfile.mkdtemp(prefix="dockhand-stack-bench-")
    engine = init_swarm(start_engine())
    try:
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(base), ANSIBLE_PYTHON_INTERPRETER=sys.executable,
                   ANSIBLE_LOCALHOST_WARNING="False", ANSIBLE_INVENTORY_UNPARSED_WARNING="False", DOCKER_HOST=engine.host)
        ansible = str(Path(sys.executable).with_name("ansible"))
        cli_version = subprocess.run(["docker", "version", "--format", "{{.Client.Version}}"], env=env, capture_output=True,
                                     text=True, check=False).stdout.strip()
        engine_version = engine.client.version()["Version"]
        times: dict = {}
        for size in args.sizes:
            path = compose_file(work, size)
            for repeat in range(args.repeats):
                for arm in ARMS:
                    stack = f"bench{arm.replace(' ', '')}{size}"
                    detach = arm.endswith("detach")
                    if arm.startswith("module"):
                        task = json.dumps({"name": stack, "compose": [path], "docker_host": engine.host, "detach": detach})
                        cmd = [ansible, "localhost", "-c", "local", "-m", "dockhand.docker.stack", "-a", task]
                    else:
                        cmd = ["docker", "stack", "deploy", "-c", path, f"--detach={str(detach).lower()}", stack]
                    for phase in ("create", "reapply"):
                        elapsed, out = timed(cmd, env)
                        if arm.startswith("module"):
                            changed = '"changed": true' in out
                            assert changed == (phase == "create"), out[-2000:]
                        times.setdefault(f"{arm} {size} {phase}", []).append(elapsed)
                        print(f"{arm:13} N={size:<3} {phase:8} #{repeat + 1}: {elapsed:6.2f} s", flush=True)
                    remove(engine, stack)
                floor(times, ansible, env)
    finally:
        stop_engine(engine)
    RESULTS.mkdir(exist_ok=True)
    saved = {"cli": cli_version, "engine": engine_version, "times": times, "args": {"sizes": args.sizes, "repeats": args.repeats}}
    (RESULTS / "stack_bench.json").write_text(json.dumps(saved, indent=1))
    write_report(times, args, cli_version, engine_version)


def floor(times, ansible, env):
    """What any module task costs here: `ansible localhost -m ping`, the same ansible command line with a module that
    does nothing."""
    elapsed, _out = timed([ansible, "localhost", "-c", "local", "-m", "ping"], env)
    times.setdefault("floor", []).append(elapsed)
    print(f"ansible ping (floor): {elapsed:6.2f} s", flush=True)


def write_report(times, args, cli_version, engine_version):
    lines = ["# dockhand.docker.stack vs docker stack deploy (issue 17)", "",
             f"`python bench/stack_bench.py --sizes {' '.join(map(str, args.sizes))} --repeats {args.repeats}`: a swarm of one engine "
             f"(dockerd {engine_version}) in a network namespace, the docker client {cli_version} for the CLI arm; N busybox services "
             "on one overlay network; each arm waiting until the services converged (the module by default, the CLI with "
             "`--detach=false`) and not (detach). Median wall time in seconds of the whole command (`ansible localhost -m dockhand.docker.stack`, "
             f"`docker stack deploy`), {args.repeats} runs each, arms interleaved; 2 shared cores, other agents' tests running.", "",
             "| N services | phase | module | CLI | module, detach | CLI, detach |", "|---|---|---|---|---|---|"]
    for size in args.sizes:
        for phase in ("create", "reapply"):
            cells = [f"{statistics.median(times[f'{arm} {size} {phase}']):.2f}" for arm in ARMS]
            lines.append(f"| {size} | {phase.replace('reapply', 're-apply')} | " + " | ".join(cells) + " |")
    if times.get("floor"):
        lines += ["", f"Floor: `ansible localhost -m ping` (the same command line, a module that does nothing) takes "
                  f"{statistics.median(times['floor']):.2f} s here (median of {len(times['floor'])}): most of the module's time "
                  "at N=1 and with detach is Ansible's own start, which the CLI does not pay."]
    lines += ["", "Waiting: the module waits until each service's tasks run at its spec (services in parallel); the CLI's "
              "`--detach=false` watches the services one after the other, each until its tasks were stable for 5 s, so its "
              "wait grows by about 5 s per service, on re-apply too. With detach both return once the engine took the specs.",
              "", "Re-apply: the module reads every service, network, secret and config and plans no change (changed=false, "
              "nothing written); the CLI sends an update of every service (the engine finds the spec equal and starts no "
              "new task) and reports no change either way."]
    (ROOT / "bench" / "RESULTS-stack.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
