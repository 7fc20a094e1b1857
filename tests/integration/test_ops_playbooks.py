"""playbooks/maintenance.yml and playbooks/backup.yml against the real engine: each run twice, the second changing nothing.
The maintenance run is narrowed to this test's label, so it never prunes anything else."""

import json
import sys
import tarfile
from pathlib import Path
from _ansible_forkserver import run_cli

ROOT = Path(__file__).resolve().parents[2]
BASE = "dockhand/busybox:latest"


def playbook(ansible, name, extra):
    cmd = [str(Path(sys.executable).with_name("ansible-playbook")), str(ROOT / "playbooks" / name), "-e", json.dumps(extra)]
    proc = run_cli(cmd, env=ansible.env, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    line = next(line for line in proc.stdout.splitlines() if line.startswith("localhost") and "changed=" in line)
    return int(line.split("changed=")[1].split()[0]), proc.stdout


def test_maintenance_prunes_only_what_the_labels_pick(engine, ansible, prefix):
    label = {"dhtest.prune": prefix}
    stopped = engine.containers.create(BASE, ["true"], name=f"{prefix}-old", labels=label)
    kept = engine.containers.create(BASE, ["true"], name=f"{prefix}-kept")
    engine.networks.create(f"{prefix}-net", labels=label)
    extra = {"prune_labels": [f"dhtest.prune={prefix}"], "prune_volumes": True}
    changed, output = playbook(ansible, "maintenance.yml", extra)
    assert changed == 2, output  # the check-mode look and the prune
    assert "would remove 1 containers, 0 images, 1 networks, 0 volumes" in output
    assert stopped.id in output and '"as_predicted": true' in output
    assert engine.containers.list(all=True, filters={"label": f"dhtest.prune={prefix}"}) == []
    assert engine.networks.list(filters={"label": f"dhtest.prune={prefix}"}) == []
    assert engine.containers.get(kept.id)
    changed, output = playbook(ansible, "maintenance.yml", extra)
    assert changed == 0, output


def test_backup_dump_copy_and_image(engine, ansible, prefix, run_container, tmp_path):
    app = run_container("db")
    app.exec_run(["sh", "-c", "mkdir -p /data /tmp && echo rows > /data/table"])
    extra = {"backup_container": app.name, "backup_dir": str(tmp_path)}
    changed, output = playbook(ansible, "backup.yml", extra)
    assert changed == 2, output  # the dump copied out, the image saved
    with tarfile.open(tmp_path / "backup.dump") as dump:
        assert dump.extractfile("data/table").read() == b"rows\n"
    with tarfile.open(tmp_path / "image.tar") as image:
        assert json.load(image.extractfile("manifest.json"))[0]["RepoTags"] == [BASE]
    assert oct((tmp_path / "backup.dump").stat().st_mode & 0o777) == "0o600"
    changed, output = playbook(ansible, "backup.yml", extra)
    assert changed == 0, output
