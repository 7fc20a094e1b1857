"""Fixtures and helpers for the image tests: unique image names that are removed afterwards, a private Docker config,
the plain registry on 127.0.0.1:5000 (ci/ensure-registry.sh) and a throwaway htpasswd registry on another loopback port.

Imported by the test_image_*.py files (pytest registers the fixtures a test module imports).
"""

import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import docker
import pytest
import requests
from _engine_support import LOCAL_ENGINE, REGISTRY, REGISTRY_HOST

REPO_ROOT = Path(__file__).resolve().parents[2]
MANIFEST_TYPES = ", ".join([
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
])


@pytest.fixture(scope="module", autouse=True, name="docker_config")
def docker_config_fixture(ansible):
    """A private, empty DOCKER_CONFIG for the module runs, so nothing reads or writes /root/.docker/config.json."""
    path = tempfile.mkdtemp(prefix="dhtest-docker-config-")
    old = ansible.env.get("DOCKER_CONFIG")
    ansible.env["DOCKER_CONFIG"] = path
    yield Path(path)
    if old is None:
        ansible.env.pop("DOCKER_CONFIG", None)
    else:
        ansible.env["DOCKER_CONFIG"] = old
    shutil.rmtree(path, ignore_errors=True)


class Images:
    """Unique image names for one test; every image carrying them (and new dangling images) is removed afterwards."""

    def __init__(self, engine):
        self.engine = engine
        self.prefix = f"dhtest-{uuid.uuid4().hex[:8]}"
        self.pushed = []  # (registry, repository path, auth) to delete from the registry afterwards

    def name(self, suffix, registry=None):
        return f"{registry}/{self.prefix}/{suffix}" if registry else f"{self.prefix}/{suffix}"

    def id_of(self, ref):
        try:
            return self.engine.api.inspect_image(ref)["Id"]
        except docker.errors.NotFound:
            return None

    def dockerfile(self, text):
        """text with a LABEL naming this test right after its first FROM, so its intermediate images are found and removed."""
        head, sep, rest = text.partition("\n")
        return f"{head}{sep}LABEL dhtest.prefix={self.prefix}\n{rest}"

    def names(self):
        """Every local name (tag or digest reference) that carries this test's prefix."""
        found = []
        for image in self.engine.images.list(all=True):
            found.extend(n for n in image.tags + (image.attrs.get("RepoDigests") or []) if self.prefix in n)
        return sorted(found)

    def mine(self):
        return self.names() + [i.id for i in self.engine.images.list(all=True, filters={"label": f"dhtest.prefix={self.prefix}"})]

    def cleanup(self):
        for container in self.engine.containers.list(all=True, ignore_removed=True):
            try:
                if self.prefix in (container.attrs.get("Config") or {}).get("Image", "") or container.name.startswith(self.prefix):
                    container.remove(force=True)
            except docker.errors.NotFound:  # another test removed its own container meanwhile
                pass
        for name in self.names():  # only our names: an image also named otherwise (the base image) keeps its other names
            try:
                self.engine.api.remove_image(name)
            except docker.errors.APIError:
                pass
        for _round in range(3):  # images our Dockerfiles made (labelled), children before parents
            for image in self.engine.images.list(all=True, filters={"label": f"dhtest.prefix={self.prefix}"}):
                try:
                    self.engine.api.remove_image(image.id, force=True)
                except docker.errors.APIError:
                    pass
        for registry, repository, auth in self.pushed:
            delete_repository(registry, repository, auth)


@pytest.fixture(name="images")
def images_fixture(engine):
    tracker = Images(engine)
    yield tracker
    tracker.cleanup()


def registry_digest(registry, repository, tag, auth=None):
    """The digest the registry has for repository:tag (asked directly, not through the engine), or None."""
    answer = requests.head(f"http://{registry}/v2/{repository}/manifests/{tag}", headers={"Accept": MANIFEST_TYPES}, auth=auth, timeout=10)
    if answer.status_code == 404:
        return None
    answer.raise_for_status()
    return answer.headers["Docker-Content-Digest"]


def delete_repository(registry, repository, auth=None):
    """Delete every manifest of repository from a registry that allows deletes (best effort)."""
    try:
        tags = requests.get(f"http://{registry}/v2/{repository}/tags/list", auth=auth, timeout=10).json().get("tags") or []
        for tag in tags:
            digest = registry_digest(registry, repository, tag, auth)
            if digest:
                requests.delete(f"http://{registry}/v2/{repository}/manifests/{digest}", auth=auth, timeout=10)
    except requests.RequestException:
        pass


@pytest.fixture(scope="session", name="registry")
def registry_fixture():
    """The plain registry on 127.0.0.1:5000, started by ci/ensure-registry.sh if nothing answers there
    (another engine's registry, DOCKHAND_REGISTRY, was started with it by ci/engine.sh)."""
    if not LOCAL_ENGINE or REGISTRY != "127.0.0.1:5000":
        requests.get(f"http://{REGISTRY}/v2/", timeout=10).raise_for_status()
        return REGISTRY
    subprocess.run(["bash", str(REPO_ROOT / "ci" / "ensure-registry.sh")], check=True, capture_output=True, timeout=60)
    return REGISTRY


def free_port(host="127.0.0.1"):
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module", name="auth_registry")
def auth_registry_fixture():
    """A registry with htpasswd basic auth on a free loopback port: (address, user, password). Stopped afterwards."""
    workdir = Path(tempfile.mkdtemp(prefix="dhtest-authreg-"))
    user, password = "dhuser", f"pw-{uuid.uuid4().hex}"
    htpasswd = subprocess.run(["htpasswd", "-Bbn", user, password], check=True, capture_output=True, text=True).stdout
    (workdir / "htpasswd").write_text(htpasswd)
    address = f"{REGISTRY_HOST}:{free_port(REGISTRY_HOST)}"  # where the engine reaches the host
    (workdir / "config.yml").write_text(
        "version: 0.1\nlog: {level: warn}\n"
        f"storage: {{filesystem: {{rootdirectory: {workdir}/data}}, delete: {{enabled: true}}}}\n"
        f"http: {{addr: {address}}}\n"
        f"auth: {{htpasswd: {{realm: dhtest, path: {workdir}/htpasswd}}}}\n"
    )
    log = open(workdir / "log", "wb")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(["docker-registry", "serve", str(workdir / "config.yml")], stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"http://{address}/v2/", timeout=2).status_code == 401:
                    break
            except requests.RequestException:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the auth registry did not start:\n{(workdir / 'log').read_text()[-3000:]}")
            time.sleep(0.1)
        yield address, user, password
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)


def write_context(path, files):
    """Write {relative name: text} under path (a Path); returns path as str."""
    for name, text in files.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return str(path)
