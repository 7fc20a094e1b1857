# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""meta/execution-environment.yml, ee-requirements.txt and ee-bindep.txt as ansible-builder reads them: its own
introspection of the collection as built and installed by ansible-galaxy, and its `create` step (offline: it writes the
build context without building) for an execution environment that includes the collection."""

import re
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COLLECTION = "dockhand.docker"


def lines(path):
    return [line.split("#")[0].strip() for line in path.read_text().splitlines() if line.split("#")[0].strip()]


def run(cmd, env, cwd=None):
    out = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, check=False, timeout=300)
    assert out.returncode == 0, f"{' '.join(map(str, cmd))}:\n{out.stdout}\n{out.stderr}"
    return out.stdout


def build_and_install(tools_env, tmp_path):
    run(["ansible-galaxy", "collection", "build", "--output-path", str(tmp_path / "dist"), str(ROOT)], tools_env)
    tarball = next((tmp_path / "dist").glob("dockhand-docker-*.tar.gz"))
    run(["ansible-galaxy", "collection", "install", "--offline", "-p", str(tmp_path / "collections"), str(tarball)], tools_env)
    return tarball


def test_the_ee_files_say_what_the_modules_need():
    meta = yaml.safe_load((ROOT / "meta" / "execution-environment.yml").read_text())
    assert meta == {"version": 1, "dependencies": {"python": "meta/ee-requirements.txt", "system": "meta/ee-bindep.txt"}}
    # every package of requirements.txt (what the modules import on the managed host), with the same bounds
    assert set(lines(ROOT / "requirements.txt")) <= set(lines(ROOT / "meta" / "ee-requirements.txt"))
    for line in lines(ROOT / "meta" / "ee-bindep.txt"):  # bindep: a package, then [platform:...] selectors
        assert re.fullmatch(r"[a-z0-9][a-z0-9.+-]*( \[(!?platform:[a-z0-9-]+ ?)+\])?", line), line


def test_ansible_builder_introspection_finds_the_collections_requirements(tools_env, tmp_path):
    build_and_install(tools_env, tmp_path)
    out = run(["ansible-builder", "introspect", str(tmp_path / "collections")], tools_env)
    found = yaml.safe_load(out)  # each entry: "<requirement>  # from collection dockhand.docker"
    for kind, path in (("python", "ee-requirements.txt"), ("system", "ee-bindep.txt")):
        entries = [entry.rsplit("#", 1) for entry in found[kind]]
        assert {entry[1].strip() for entry in entries} == {f"from collection {COLLECTION}"}, out
        assert [entry[0].strip() for entry in entries] == lines(ROOT / "meta" / path), out


def test_ansible_builder_create_accepts_an_ee_with_the_collection(tools_env, tmp_path):
    tarball = build_and_install(tools_env, tmp_path)
    definition = {
        "version": 3,
        "images": {"base_image": {"name": "registry.example.com/ansible-automation-platform/ee-minimal-rhel9:latest"}},
        "dependencies": {
            "ansible_core": {"package_pip": "ansible-core>=2.17"},
            "ansible_runner": {"package_pip": "ansible-runner"},
            "galaxy": {"collections": [{"name": f"/tmp/build/{tarball.name}", "type": "file"}]},
        },
        "additional_build_files": [{"src": str(tarball), "dest": "build"}],
        "additional_build_steps": {"prepend_galaxy": ["COPY _build/build /tmp/build"]},
    }
    (tmp_path / "execution-environment.yml").write_text(yaml.safe_dump(definition))
    run(["ansible-builder", "create", "--file", "execution-environment.yml", "--context", "context",
         "--output-filename", "Containerfile"], tools_env,
        cwd=tmp_path)
    containerfile = (tmp_path / "context" / "Containerfile").read_text()
    assert "ansible-galaxy collection install" in containerfile and "introspect" in containerfile
    requirements = yaml.safe_load((tmp_path / "context" / "_build" / "requirements.yml").read_text())
    assert requirements["collections"][0]["name"].endswith(tarball.name)
    assert (tmp_path / "context" / "_build" / "build" / tarball.name).is_file()
