"""Faults on the real engine (issue 20): the engine dies in the middle of a project apply, and an engine restart under
containers with restart_policy: always. The engine is stopped by its pidfile's PID and started again by
ci/ensure-dockerd.sh, the way CI starts it; these tests are serial, as nothing else may use the engine meanwhile."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import docker
import pytest
from _recreate_support import STEPS, assert_converged_with_data, containers_named, interrupt, recreate_scenario

# serial: they stop the engine every other test uses; local_engine: the engine of /var/run/docker.pid, never another
pytestmark = [pytest.mark.serial, pytest.mark.local_engine]

IMAGE = "dockhand/busybox:latest"
ROOT = Path(__file__).resolve().parents[2]
PIDFILE = os.environ.get("DOCKERD_PIDFILE", "/var/run/docker.pid")


def engine_pid():
    with open(PIDFILE, encoding="utf-8") as handle:
        return int(handle.read().strip())


def children(pid):
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                pass
    return found


def kill_engine():
    """The engine dies as a crashed service does: dockerd and the containerd it started, at once (containers keep
    running in their shims, as after a crash of the engine's service)."""
    pid = engine_pid()
    victims = [pid] + children(pid)
    for victim in victims:
        os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            for victim in victims:
                os.kill(victim, 0)
        except ProcessLookupError:
            if all(not Path(f"/proc/{v}").exists() or "zombie" in _state(v) for v in victims):
                return
        time.sleep(0.1)
    raise AssertionError(f"dockerd {pid} did not die")


def _state(pid):
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split("\n")[0].lower()
    except (OSError, IndexError):
        return "zombie"


def start_engine():
    subprocess.run(["bash", str(ROOT / "ci" / "ensure-dockerd.sh")], check=True, timeout=120)
    client = docker.from_env()
    client.ping()
    return client


def project(prefix, count):
    return {"project": prefix, "volumes": [{"name": f"{prefix}-data"}], "networks": [{"name": f"{prefix}-net"}],
            "containers": [{"name": f"{prefix}-keeper", "image": IMAGE, "command": ["sleep", "3600"], "stop_timeout": 0,
                            "volumes": [f"{prefix}-data:/data"]}]
            + [{"name": f"{prefix}-c{i}", "image": IMAGE, "command": ["sleep", "3600"], "stop_timeout": 0,
                "networks": [{"name": f"{prefix}-net"}]} for i in range(count)]}


def named(client, prefix):
    return sorted(c["Names"][0].lstrip("/") for c in client.api.containers(all=True, filters={"name": prefix}))


def test_the_engine_dies_in_the_middle_of_a_project(engine, ansible, prefix):
    args = project(prefix, 20)
    keeper = dict(args, containers=args["containers"][:1])
    ansible.ok("project", keeper)  # the volume and its data exist before the fault
    engine.containers.get(f"{prefix}-keeper").exec_run(["sh", "-c", "echo kept > /data/f"])

    cmd = [ansible.bin, "localhost", "-c", "local", "-m", "dockhand.docker.project", "-a", json.dumps(args), "-o"]
    run = subprocess.Popen(cmd, env=ansible.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while len(named(engine, prefix)) < 4 and time.monotonic() < deadline:  # a few containers made: now it dies
        time.sleep(0.05)
    kill_engine()
    out, _err = run.communicate(timeout=300)
    client = start_engine()
    assert "FAILED" in out and "Traceback" not in out, out
    message = json.loads(out.partition(" => ")[2])["msg"]
    assert message.startswith(f"project {prefix}: ") and "applied: " in message, message
    assert message.count("cannot reach the Docker engine") <= 1, "one engine failure is said once"

    again = ansible.ok("project", args)
    assert again["changed"] is True
    want = sorted([f"{prefix}-keeper"] + [f"{prefix}-c{i}" for i in range(20)])
    assert named(client, prefix) == want, "no duplicate and no temporary container"
    assert all(c.status == "running" for c in client.containers.list(all=True, filters={"name": prefix}))
    assert client.containers.get(f"{prefix}-keeper").exec_run(["cat", "/data/f"]).output == b"kept\n"
    assert ansible.ok("project", args)["changed"] is False
    ansible.ok("project", {"project": prefix, "state": "absent", "purge_volumes": True})


def test_restart_policy_always_survives_an_engine_restart(engine, ansible, prefix):
    args = {"name": f"{prefix}-always", "image": IMAGE, "command": ["sleep", "3600"], "stop_timeout": 0, "restart_policy": "always"}
    ansible.ok("container", args)
    before = engine.api.inspect_container(args["name"])["Id"]
    os.kill(engine_pid(), signal.SIGTERM)  # a clean engine stop stops its containers
    deadline = time.monotonic() + 60
    while os.path.exists(PIDFILE) and time.monotonic() < deadline:
        time.sleep(0.2)
    client = start_engine()
    deadline = time.monotonic() + 30
    while not client.api.inspect_container(args["name"])["State"]["Running"] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert client.api.inspect_container(args["name"])["Id"] == before
    result = ansible.ok("container", args)
    assert result["changed"] is False, result["actions"]
    assert client.api.inspect_container(args["name"])["State"]["Running"]


@pytest.mark.parametrize("gate, forward, left", [s[1:] for s in STEPS], ids=[s[0] for s in STEPS])
def test_the_engine_dies_at_each_step_of_a_recreate(engine, ansible, prefix, gate, forward, left):
    """The engine itself killed (not only out of reach, as in test_sigint_recreate.py) at each step of a safe recreate,
    then started again: the next run finds what the cut left, finishes or undoes the swap, and ends with one container
    under the name, on the new configuration, with its named and anonymous volumes' data; the run after changes nothing."""
    scenario = recreate_scenario(engine, ansible, prefix, stop_timeout=4)
    status, out = interrupt(ansible, scenario.changed, gate.replace("{name}", scenario.name), forward, fault=kill_engine)
    client = start_engine()
    assert status != 0 and "Traceback" not in out, out
    left_now = containers_named(client, scenario.name)
    assert left_now == sorted(scenario.names[k] for k in left), f"the engine died elsewhere: {left_now}"

    assert ansible.ok("container", scenario.changed)["changed"] is True
    assert_converged_with_data(client, ansible, scenario)
