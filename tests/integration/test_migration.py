"""The migration promise: a playbook written with community.docker.docker_container's option names runs unchanged
with only the FQCN swapped, and a second run changes nothing."""

import json
import subprocess
import sys
from pathlib import Path

PLAYBOOK = Path(__file__).with_name("files") / "community_style.yml"


def run_playbook(ansible, prefix, result_file):
    cmd = [str(Path(sys.executable).with_name("ansible-playbook")), "-i", "localhost,", str(PLAYBOOK),
           "-e", json.dumps({"prefix": prefix, "result_file": str(result_file)})]
    proc = subprocess.run(cmd, env=ansible.env, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(result_file.read_text()), proc.stdout


def test_community_style_playbook_runs_and_is_idempotent(engine, ansible, prefix, tmp_path):
    first = run_playbook(ansible, prefix, tmp_path / "first.json")[0]
    assert first["changed"] is True
    container = engine.api.inspect_container(f"{prefix}-migrated")
    assert container["State"]["Running"] and container["HostConfig"]["Memory"] == 64 * 1024 ** 2
    assert list(container["NetworkSettings"]["Networks"]) == [f"{prefix}-mnet"]
    second, output = run_playbook(ansible, prefix, tmp_path / "second.json")
    assert second["changed"] is False, second["actions"]
    assert output.count("changed: [localhost]") == 1  # only the task that writes the result file
    engine.api.remove_container(f"{prefix}-migrated", force=True)
    engine.volumes.get(f"{prefix}-mdata").remove()
