"""The deployment workflows in playbooks/, end to end against the real engine and registry:
deploy -> deploy again (changed=0) -> rolling update with a probe loop running throughout -> rolling update to a
broken image (rolled back, still answering) -> teardown (nothing left but the kept volume)."""

import json
import sys
import threading
import time
from pathlib import Path
from _ansible_forkserver import run_cli

import docker
import pytest
import requests

pytestmark = [pytest.mark.serial,  # the rolling update is timed by a 100 ms probe loop
              pytest.mark.local_engine]  # and probes the published ports on the host's loopback

ROOT = Path(__file__).resolve().parents[2]
REPLICAS = 2


def playbook(ansible, name, extra):
    cmd = [str(Path(sys.executable).with_name("ansible-playbook")), "-i", str(ROOT / "playbooks" / "inventory" / "hosts.yml"),
           str(ROOT / "playbooks" / name), "-e", json.dumps(extra)]
    proc = run_cli(cmd, env=ansible.env, timeout=600)
    return proc.returncode, proc.stdout + proc.stderr


def recap_changed(output):
    line = next(line for line in output.splitlines() if line.startswith("localhost") and "changed=" in line)
    return int(line.split("changed=")[1].split()[0])


class ProbeLoop(threading.Thread):
    """Asks every replica port every 100 ms; records the moments when none answered."""

    def __init__(self, ports):
        super().__init__(daemon=True)
        self.ports, self.stop, self.rounds, self.dark = ports, threading.Event(), 0, []

    def run(self):
        deadline = time.monotonic() + 300  # bounded, whatever happens
        while not self.stop.is_set() and time.monotonic() < deadline:
            answered = []
            for port in self.ports:
                try:
                    answered.append(requests.get(f"http://127.0.0.1:{port}/", timeout=0.5).status_code == 200)
                except requests.RequestException:
                    answered.append(False)
            self.rounds += 1
            if not any(answered):
                self.dark.append(time.monotonic())
            time.sleep(0.1)


def versions(ports):
    return [requests.get(f"http://127.0.0.1:{p}/", timeout=2).text.split("version ")[1].split("<")[0].strip() for p in ports]


@pytest.fixture
def app(engine, prefix, tmp_path):
    settings = {"app_name": f"{prefix}-app", "app_base_port": 18400, "app_replicas": REPLICAS,
                "app_report_dir": str(tmp_path / "reports"), "app_version": "1"}
    yield settings
    for container in engine.containers.list(all=True, filters={"label": f"app={settings['app_name']}"}):
        container.remove(force=True)
    repository = f"127.0.0.1:5000/{settings['app_name']}"
    for image in engine.images.list(name=repository):
        for tag in image.tags:
            if tag.startswith(repository + ":"):
                engine.images.remove(tag)  # by name: the same image may run elsewhere (the demo, say)
    for name in (f"{settings['app_name']}-net",):
        try:
            engine.networks.get(name).remove()
        except docker.errors.NotFound:
            pass
    try:
        engine.volumes.get(f"{settings['app_name']}-data").remove()
    except docker.errors.NotFound:
        pass


def test_deploy_update_rollback_teardown(engine, ansible, app):
    ports = [app["app_base_port"] + i for i in range(REPLICAS)]
    name = app["app_name"]

    rc, out = playbook(ansible, "deploy.yml", app)
    assert rc == 0, out
    assert recap_changed(out) > 0
    assert versions(ports) == ["1", "1"]
    report = json.loads((Path(app["app_report_dir"]) / f"{name}-report.json").read_text())
    assert [r["name"] for r in report["replicas"]] == [f"{name}-1", f"{name}-2"]
    assert all(r["state"] == "running" and r["probe_ms"] > 0 and r["mem_mib"] > 0 for r in report["replicas"])
    markdown = (Path(app["app_report_dir"]) / f"{name}-report.md").read_text()
    assert f"| {name}-1 | running | 127.0.0.1:5000/{name}:1 | 127.0.0.1:{ports[0]} |" in markdown
    assert f"| {name}-1 |" in out  # the report is shown in the play output too

    rc, out = playbook(ansible, "deploy.yml", app)
    assert rc == 0, out
    assert recap_changed(out) == 0, out

    loop = ProbeLoop(ports)
    loop.start()
    rc, out = playbook(ansible, "rolling_update.yml", dict(app, app_version="2"))
    time.sleep(0.5)
    assert rc == 0, out
    assert versions(ports) == ["2", "2"]
    ids_v2 = [engine.containers.get(f"{name}-{i + 1}").id for i in range(REPLICAS)]

    broken = dict(app, app_version="3", app_build_path=str(ROOT / "tests" / "integration" / "files" / "broken-app"), app_wait_timeout=8)
    rc, out = playbook(ansible, "rolling_update.yml", broken)
    loop.stop.set()
    loop.join()
    assert rc != 0
    assert f"Rollout of 127.0.0.1:5000/{name}:3 stopped at {name}-1" in out, out
    assert versions(ports) == ["2", "2"]  # replica 1 restored, replica 2 never touched
    assert [engine.containers.get(f"{name}-{i + 1}").id for i in range(REPLICAS)] == ids_v2
    assert loop.rounds > 20 and loop.dark == [], f"no replica answered at {len(loop.dark)} of {loop.rounds} probe rounds"

    rc, out = playbook(ansible, "teardown.yml", app)
    assert rc == 0, out
    assert engine.containers.list(all=True, filters={"label": f"app={name}"}) == []
    assert not engine.networks.list(names=[f"{name}-net"])
    assert engine.volumes.get(f"{name}-data")  # kept
    rc, out = playbook(ansible, "teardown.yml", dict(app, app_purge_volumes=True))
    assert rc == 0, out
    assert not [v for v in engine.volumes.list() if v.name == f"{name}-data"]
