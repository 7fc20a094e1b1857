"""The deployment workflows across an inventory of two engines (issue 17): the machine's engine (its local socket) and a
namespaced engine over tcp:// (_swarm_support). deploy.yml spreads 4 replicas over both hosts, a second run changes
nothing on either, rolling_update.yml goes host by host while a probe loop runs (never are both hosts dark), a broken
version is rolled back on the first host and never reaches the second, and teardown.yml removes everything from both.
The same inventory with the far engine over tcp:// with TLS, then over ssh://: deploy, deploy again, teardown."""

import json
import re
import sys
import threading
import time
from pathlib import Path
from _ansible_forkserver import run_cli

import pytest
import requests

from _remote_support import SSHServer, make_ca, make_cert, tls_dockerd_args
from _swarm_support import start_engine, stop_engine

pytestmark = [pytest.mark.serial,  # the rolling update is watched by a 100 ms probe loop
              pytest.mark.local_engine]  # and probes the published ports of the machine's engine on its loopback

ROOT = Path(__file__).resolve().parents[2]
REPLICAS = 4


@pytest.fixture(scope="module", name="far")
def far_fixture():
    engine = start_engine()
    try:
        yield engine
    finally:
        stop_engine(engine)


@pytest.fixture(name="reach")
def reach_fixture(request, far, tmp_path_factory):
    """How the play reaches the far engine: (engine, app_engine connection options, environment for ansible-playbook).
    tcp (the default), tls (an engine of its own that asks for a client certificate) or ssh (sshd in far's namespace)."""
    way = getattr(request, "param", "tcp")
    if way == "tcp":
        yield far, {"docker_host": f"tcp://{far.address}:2375"}, {}
    elif way == "tls":
        directory = tmp_path_factory.mktemp("certs")
        ca = make_ca(directory, "ca")
        client = make_cert(directory, "client", ca, "clientAuth")
        tls = start_engine(tls_dockerd_args(directory, ca))
        try:
            yield tls, {"docker_host": f"tcp://{tls.address}:2375", "validate_certs": True, "ca_path": str(ca[0]),
                        "client_cert": str(client[0]), "client_key": str(client[1])}, {}
        finally:
            stop_engine(tls)
    else:
        server = SSHServer(far, tmp_path_factory.mktemp("ssh")).start()
        try:
            yield far, {"docker_host": f"ssh://root@{far.address}"}, {"HOME": str(server.home), "PATH": server.path}
        finally:
            server.stop()


@pytest.fixture(name="app")
def app_fixture(engine, reach, prefix, tmp_path):
    """Role settings, an inventory of the two engines and the far one; what the playbooks made is removed afterwards."""
    far, connection, env = reach
    python = "{{ ansible_playbook_python }}"
    inventory = {"all": {"hosts": {
        "local": {"ansible_python_interpreter": python, "app_bind_address": "127.0.0.1"},
        "far": {"ansible_python_interpreter": python, "app_bind_address": far.address, "app_push_image": False,
                "app_engine": connection},
    }}}
    (tmp_path / "hosts.yml").write_text(json.dumps(inventory))  # JSON is YAML
    settings = {"app_name": f"{prefix}-app", "app_base_port": 18500, "app_replicas": REPLICAS,
                "app_report_dir": str(tmp_path / "reports"), "app_version": "1"}
    yield settings, tmp_path / "hosts.yml", far, env
    name = settings["app_name"]
    for client in (engine, far.client):
        for container in client.containers.list(all=True, filters={"label": f"app={name}"}):
            container.remove(force=True)
        for network in client.networks.list(names=[f"{name}-net"]):
            network.remove()
        for volume in client.volumes.list(filters={"name": f"{name}-data"}):
            volume.remove()
    for image in engine.images.list(name=f"127.0.0.1:5000/{name}"):
        for tag in image.tags:
            if tag.startswith(f"127.0.0.1:5000/{name}:"):
                engine.images.remove(tag)


def playbook(ansible, inventory, name, extra, env=None):
    cmd = [str(Path(sys.executable).with_name("ansible-playbook")), "-i", str(inventory), str(ROOT / "playbooks" / name),
           "-e", json.dumps(extra)]
    proc = run_cli(cmd, env=dict(ansible.env, **(env or {})), timeout=900)
    return proc.returncode, proc.stdout + proc.stderr


def recap(output):
    """{host: changed count} from the play recap."""
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+)\s+: ok=\d+\s+changed=(\d+)", output, re.MULTILINE)}


def replica_tasks(output):
    """The host of each replica task run, in the order the output shows them."""
    hosts, task = [], ""
    for line in output.splitlines():
        if line.startswith("TASK ["):
            task = line
        elif ": Replica " in task and re.match(r"^(changed|ok): \[\w+\]", line):
            hosts.append(line.split("[")[1].split("]")[0])
    return hosts


def endpoints(app, far):
    """{host: [(address, port)]}: replica r on host (r - 1) mod 2, at port app_base_port + r - 1."""
    base = app["app_base_port"]
    return {"local": [("127.0.0.1", base + r - 1) for r in range(1, REPLICAS + 1, 2)],
            "far": [(far.address, base + r - 1) for r in range(2, REPLICAS + 1, 2)]}


def version(address, port):
    return requests.get(f"http://{address}:{port}/", timeout=2).text.split("version ")[1].split("<")[0].strip()


class ProbeLoop(threading.Thread):
    """Asks every replica of every host every 100 ms; records the rounds in which no host answered at all, and per
    host the rounds in which none of its replicas answered."""

    def __init__(self, hosts):
        super().__init__(daemon=True)
        self.hosts, self.stop, self.rounds = hosts, threading.Event(), 0
        self.all_dark, self.host_dark = 0, {host: 0 for host in hosts}

    def run(self):
        deadline = time.monotonic() + 600  # bounded, whatever happens
        with requests.Session() as session:
            while not self.stop.is_set() and time.monotonic() < deadline:
                up = {host: any(self._answers(session, *end) for end in ends) for host, ends in self.hosts.items()}
                self.rounds += 1
                self.all_dark += not any(up.values())
                for host, answered in up.items():
                    self.host_dark[host] += not answered
                time.sleep(0.1)

    @staticmethod
    def _answers(session, address, port):
        try:
            return session.get(f"http://{address}:{port}/", timeout=0.5).status_code == 200
        except requests.RequestException:
            return False


def test_deploy_across_two_engines_then_roll_host_by_host(engine, ansible, app):
    settings, inventory, far, _env = app
    name, hosts = settings["app_name"], endpoints(settings, far)

    rc, out = playbook(ansible, inventory, "deploy.yml", settings)
    assert rc == 0, out
    assert recap(out)["local"] > 0 and recap(out)["far"] > 0, out
    assert sorted(c.name for c in engine.containers.list(filters={"label": f"app={name}"})) == [f"{name}-1", f"{name}-3"]
    assert sorted(c.name for c in far.client.containers.list(filters={"label": f"app={name}"})) == [f"{name}-2", f"{name}-4"]
    assert [version(*end) for ends in hosts.values() for end in ends] == ["1"] * REPLICAS
    report = json.loads((Path(settings["app_report_dir"]) / f"{name}-report.json").read_text())
    assert [(r["name"], r["engine"], r["state"]) for r in report["replicas"]] == [
        (f"{name}-{r}", "local" if r % 2 else "far", "running") for r in range(1, REPLICAS + 1)]
    assert sorted(report["hosts"]) == ["far", "local"]
    markdown = (Path(settings["app_report_dir"]) / f"{name}-report.md").read_text()
    assert f"| {name}-2 | running | 127.0.0.1:5000/{name}:1 | {far.address}:{settings['app_base_port'] + 1} |" in markdown
    assert "Engine far: " in markdown and "Engine local: " in markdown

    rc, out = playbook(ansible, inventory, "deploy.yml", settings)
    assert rc == 0, out
    assert recap(out) == {"local": 0, "far": 0}, out

    loop = ProbeLoop(hosts)
    loop.start()
    rc, out = playbook(ansible, inventory, "rolling_update.yml", dict(settings, app_version="2"))
    time.sleep(0.5)
    loop.stop.set()
    loop.join()
    assert rc == 0, out
    assert [version(*end) for ends in hosts.values() for end in ends] == ["2"] * REPLICAS
    # host by host: every replica of the first host is updated before the second host starts
    assert replica_tasks(out) == ["local", "local", "far", "far"], out
    assert loop.rounds > 20 and loop.all_dark == 0, f"no host answered in {loop.all_dark} of {loop.rounds} probe rounds"
    assert loop.host_dark == {"local": 0, "far": 0}, f"a host had no replica answering: {loop.host_dark} of {loop.rounds} rounds"

    # a version that never gets healthy: rolled back on the first host, and the rollout stops before the second
    far_ids = sorted(c.id for c in far.client.containers.list(filters={"label": f"app={name}"}))
    broken = dict(settings, app_version="3", app_build_path=str(ROOT / "tests" / "integration" / "files" / "broken-app"),
                  app_wait_timeout=8)
    rc, out = playbook(ansible, inventory, "rolling_update.yml", broken)
    assert rc != 0
    assert f"Rollout of 127.0.0.1:5000/{name}:3 stopped at {name}-1" in out, out
    assert sorted(c.id for c in far.client.containers.list(filters={"label": f"app={name}"})) == far_ids
    assert [version(*end) for ends in hosts.values() for end in ends] == ["2"] * REPLICAS

    rc, out = playbook(ansible, inventory, "teardown.yml", dict(settings, app_purge_volumes=True))
    assert rc == 0, out
    for client in (engine, far.client):
        assert client.containers.list(all=True, filters={"label": f"app={name}"}) == []
        assert not client.networks.list(names=[f"{name}-net"]) and not client.volumes.list(filters={"name": f"{name}-data"})


@pytest.mark.parametrize("reach", ["tls", "ssh"], indirect=True)
def test_deploy_across_two_engines_over_tls_and_ssh(engine, ansible, app, reach):
    """The far host's app_engine says tcp:// with a client certificate, or ssh://: the same deploy, then nothing to
    change, then a teardown that leaves nothing on either engine."""
    settings, inventory, far, env = app
    name = settings["app_name"]
    rc, out = playbook(ansible, inventory, "deploy.yml", settings, env)
    assert rc == 0, out
    assert recap(out)["local"] > 0 and recap(out)["far"] > 0, out
    assert sorted(c.name for c in far.client.containers.list(filters={"label": f"app={name}"})) == [f"{name}-2", f"{name}-4"]
    assert [version(*end) for ends in endpoints(settings, far).values() for end in ends] == ["1"] * REPLICAS

    rc, out = playbook(ansible, inventory, "deploy.yml", settings, env)
    assert rc == 0, out
    assert recap(out) == {"local": 0, "far": 0}, out

    rc, out = playbook(ansible, inventory, "teardown.yml", dict(settings, app_purge_volumes=True), env)
    assert rc == 0, out
    for client in (engine, far.client):
        assert client.containers.list(all=True, filters={"label": f"app={name}"}) == []
