"""Per-task cost of a no-change dockhand.docker.container task by the way the engine is reached (issue 17).

Starts a namespaced engine (tests/integration/_swarm_support.py) with sshd in its namespace, and a second one that
speaks TLS on its tcp listener (a client certificate required), then runs, interleaved and repeated, a playbook of N
no-change container tasks against each way of reaching them: the engine's unix socket, tcp://, tcp:// with TLS,
ssh:// (paramiko) and ssh:// with use_ssh_client, plus an empty play for the fixed start-up cost. Prints the median
per-task milliseconds. With --before TREE, the same for a second copy of the collection (e.g. `git archive` of an
older commit unpacked in TREE), so a change to the client can be measured against what it replaced.

Usage (root, after `source ci/setup.sh`): python bench/remote_engines.py [N] [REPEATS] [--before TREE] [--ways unix,tcp,tls]
(--ways: the ways to measure, of unix, tcp, tls, ssh, ssh_client; all by default). Results: bench/RESULTS-remote.md.
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
sys.path.insert(0, str(ROOT / "tests" / "integration"))
# pylint: disable-next=wrong-import-position
from _remote_support import SSHServer, make_ca, make_cert, tls_dockerd_args  # noqa: E402
from _swarm_support import BASE_IMAGE, start_engine, stop_engine  # noqa: E402  # pylint: disable=wrong-import-position

NAME = "dockhand-bench-remote"


def collections_base(tree):
    base = Path(tempfile.mkdtemp(prefix="dockhand-bench-"))
    (base / "ansible_collections" / "dockhand").mkdir(parents=True)
    (base / "ansible_collections" / "dockhand" / "docker").symlink_to(tree)
    return base


def playbook(path, args, count):
    task = {"dockhand.docker.container": dict(args, name=NAME, image=BASE_IMAGE, command=["sleep", "3600"], stop_timeout=1)}
    tasks = [dict(task, name=f"task {i}") for i in range(count)]
    path.write_text(json.dumps([{"name": "bench", "hosts": "localhost", "connection": "local", "gather_facts": False,
                                 "tasks": tasks}]))
    return path


def timed(env, book):
    start = time.perf_counter()
    subprocess.run([str(Path(sys.executable).with_name("ansible-playbook")), "-i", "localhost,", str(book)],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int, nargs="?", default=10)
    parser.add_argument("repeats", type=int, nargs="?", default=5)
    parser.add_argument("--before", help="another copy of the collection to measure the same way")
    parser.add_argument("--ways", default="unix,tcp,tls,ssh,ssh_client", help="comma-separated: unix, tcp, tls, ssh, ssh_client")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dockhand-bench-remote-"))
    ca = make_ca(work, "ca")
    client = make_cert(work, "client", ca, "clientAuth")
    plain = start_engine()
    tls = sshd = None
    try:
        tls = start_engine(tls_dockerd_args(work, ca))
        sshd = SSHServer(plain, work / "ssh").start()
        ways = {
            "unix socket": {"docker_host": plain.host},
            "tcp": {"docker_host": f"tcp://{plain.address}:2375"},
            "tcp + TLS": {"docker_host": f"tcp://{tls.address}:2375", "validate_certs": True, "ca_path": str(ca[0]),
                          "client_cert": str(client[0]), "client_key": str(client[1])},
            "ssh (paramiko)": {"docker_host": f"ssh://root@{plain.address}"},
            "ssh (ssh client)": {"docker_host": f"ssh://root@{plain.address}", "use_ssh_client": True},
        }
        chosen = dict(zip(("unix", "tcp", "tls", "ssh", "ssh_client"), ways))
        ways = {chosen[w]: ways[chosen[w]] for w in options.ways.split(",")}
        trees = {"now": ROOT} | ({"before": Path(options.before).resolve()} if options.before else {})
        arms = {}
        for tree_name, tree in trees.items():
            env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections_base(tree)), ANSIBLE_PYTHON_INTERPRETER=sys.executable,
                       ANSIBLE_LOCALHOST_WARNING="False", HOME=str(sshd.home), PATH=sshd.path)
            for way, args in ways.items():
                timed(env, playbook(work / "setup.json", args, 1))  # creates the container (once per engine)
                arms[(tree_name, way)] = (env, playbook(work / f"{tree_name}-{len(arms)}.json", args, options.n))
            arms[(tree_name, "empty")] = (env, playbook(work / f"{tree_name}-empty.json", {}, 0))
        times = {arm: [] for arm in arms}
        for _round in range(options.repeats):  # interleaved, so drift hits every arm alike
            for arm, (env, book) in arms.items():
                times[arm].append(timed(env, book))
        print(f"N={options.n} no-change container tasks per playbook, {options.repeats} interleaved runs, medians")
        print(f"{'collection':<10} {'reached over':<18} {'playbook s':>10} {'per task ms':>12}")
        for tree_name in trees:
            empty = statistics.median(times[(tree_name, "empty")])
            for way in ways:
                med = statistics.median(times[(tree_name, way)])
                print(f"{tree_name:<10} {way:<18} {med:>10.2f} {(med - empty) / options.n * 1000:>12.0f}")
    finally:
        if sshd is not None:
            sshd.stop()
        for engine in (tls, plain):
            if engine is not None:
                stop_engine(engine)


if __name__ == "__main__":
    main()
