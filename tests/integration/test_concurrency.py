"""Eight runs of the same task at once (forks of a play, or parallel plays on one controller): exactly one makes the
change and reports changed; the others find it made. Nothing is duplicated, no temporary container is left, and a
recreated network keeps its containers' aliases (issue 20)."""

import json
import subprocess

import pytest

pytestmark = pytest.mark.serial  # eight ansible processes at once: the parallel phase would slow them past any race

IMAGE = "dockhand/busybox:latest"
FORKS = 8


def run_at_once(ansible, module, args):
    """FORKS ansible processes started together, each running the same task; returns their results."""
    cmd = [ansible.bin, "localhost", "-c", "local", "-m", f"dockhand.docker.{module}", "-a", json.dumps(args), "-o"]
    procs = [subprocess.Popen(cmd, env=ansible.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _fork in range(FORKS)]
    results = []
    for proc in procs:
        out, _err = proc.communicate(timeout=300)
        head, _sep, body = out.partition(" => ")
        assert "SUCCESS" in head or "CHANGED" in head, out
        results.append(json.loads(body))
    return results


def test_one_volume_create_among_eight(engine, ansible, prefix):
    results = run_at_once(ansible, "volume", {"name": f"{prefix}-v", "labels": {"a": "1"}})
    assert sum(r["changed"] for r in results) == 1, [r["actions"] for r in results]
    assert [v.name for v in engine.volumes.list(filters={"name": prefix})] == [f"{prefix}-v"]


def test_one_container_recreate_among_eight(engine, ansible, prefix):
    args = {"name": f"{prefix}-c", "image": IMAGE, "command": ["sleep", "3600"], "stop_timeout": 0, "env": {"V": "1"}}
    ansible.ok("container", args)
    results = run_at_once(ansible, "container", dict(args, env={"V": "2"}))
    assert sum(r["changed"] for r in results) == 1, [r["actions"] for r in results]
    named = [c for c in engine.containers.list(all=True, filters={"name": prefix}) if c.name.startswith(f"{prefix}-c")]
    assert [c.name for c in named] == [f"{prefix}-c"], "no duplicate and no temporary container"
    assert "V=2" in named[0].attrs["Config"]["Env"] and named[0].status == "running"


def test_a_network_recreated_by_eight_runs_keeps_the_alias(engine, ansible, prefix, run_container):
    network = f"{prefix}-n"
    ansible.ok("network", {"name": network, "labels": {"v": "1"}})
    member = run_container("member")
    engine.networks.get(network).connect(member, aliases=["svc"])
    task = {"name": network, "labels": {"v": "2"}, "recreate": "options-changed", "connected": [member.name]}
    results = run_at_once(ansible, "network", task)
    assert sum(r["changed"] for r in results) == 1, [r["actions"] for r in results]
    endpoint = engine.api.inspect_container(member.id)["NetworkSettings"]["Networks"][network]
    assert "svc" in endpoint["Aliases"]
    assert engine.networks.get(network).attrs["Labels"]["v"] == "2"
