"""playbooks/compose_deploy.yml end to end: the demo web site from its Compose file (built, its cache service waited
for, probed), again with nothing changed, a new version (rebuilt and recreated, its data volume kept), what
`docker compose ps` sees of it, and the project removed with its volume."""

import json
import socket
import sys
from pathlib import Path

import pytest
import requests
from _ansible_forkserver import run_cli
from _compose_support import Compose

pytestmark = pytest.mark.local_engine  # probes the published port on the host's loopback

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "com.docker.compose.project"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def playbook(ansible, extra):
    cmd = [str(Path(sys.executable).with_name("ansible-playbook")), "-i", str(ROOT / "playbooks" / "inventory" / "hosts.yml"),
           str(ROOT / "playbooks" / "compose_deploy.yml"), "-e", json.dumps(extra)]
    proc = run_cli(cmd, env=ansible.env, timeout=600)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    line = next(line for line in output.splitlines() if line.startswith("localhost") and "changed=" in line)
    return int(line.split("changed=")[1].split()[0]), output


def project_state(engine, project):
    label = {"label": f"{PROJECT}={project}"}
    return (sorted((c.name, c.status) for c in engine.containers.list(all=True, filters=label)),
            sorted(n.name for n in engine.networks.list(filters=label)), sorted(v.name for v in engine.volumes.list(filters=label)))


def test_compose_deploy_playbook(engine, ansible, compose_cli, prefix):
    port = free_port()
    extra = {"compose_project": prefix, "compose_port": port, "compose_version": "1"}
    try:
        changed, _out = playbook(ansible, extra)
        assert changed == 1
        assert "version 1" in requests.get(f"http://127.0.0.1:{port}/", timeout=5).text
        assert project_state(engine, prefix) == ([(f"{prefix}-cache-1", "running"), (f"{prefix}-web-1", "running")],
                                                 [f"{prefix}_default"], [f"{prefix}_data"])
        web = engine.containers.get(f"{prefix}-web-1")
        assert web.exec_run(["cat", "/run/secrets/site_token"]).output == b"demo-token-not-a-real-secret\n"
        web.exec_run(["sh", "-c", "echo kept > /data/file"])
        assert playbook(ansible, extra)[0] == 0

        changed, _out = playbook(ansible, dict(extra, compose_version="2"))
        assert changed == 1
        assert "version 2" in requests.get(f"http://127.0.0.1:{port}/", timeout=5).text
        web = engine.containers.get(f"{prefix}-web-1")
        assert web.exec_run(["cat", "/data/file"]).output == b"kept\n"

        listed = {c["Service"]: c["State"] for c in Compose(compose_cli, ROOT / "playbooks" / "files" / "demo-compose", prefix).ps()}
        assert listed == {"web": "running", "cache": "running"}

        playbook(ansible, dict(extra, compose_state="absent", compose_remove_volumes=True))
        assert project_state(engine, prefix) == ([], [], [])
    finally:
        for image in engine.images.list(name=f"{prefix}-web"):
            engine.images.remove(image.id, force=True)
