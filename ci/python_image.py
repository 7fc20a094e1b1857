"""Builds the test image dockhand/debian-python:bookworm offline, once per machine (idempotent).

Real Ansible modules need Python inside the container and no registry is reachable, so the image is a Debian
bookworm root file system made by debootstrap (minbase, plus python3 and sudo for become), imported into the engine.
debootstrap is installed with apt when missing; apt may be locked by another process, so that is retried.
A file lock makes parallel test runs wait for one build instead of building twice. Takes about a minute.
"""

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
import time

import docker

REPOSITORY, TAG = "dockhand/debian-python", "bookworm"
IMAGE = f"{REPOSITORY}:{TAG}"
MIRROR = "http://deb.debian.org/debian"
LOCK = "/tmp/dockhand-debian-python.lock"


def log(message):
    print(f"python image {IMAGE}: {message}", file=sys.stderr, flush=True)


def present(client):
    try:
        client.images.get(IMAGE)
        return True
    except docker.errors.ImageNotFound:
        return False


def ensure_debootstrap():
    if shutil.which("debootstrap"):
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for attempt in range(30):  # another process may hold apt's lock for a while
        install = subprocess.run(["apt-get", "-o", "DPkg::Lock::Timeout=60", "install", "-y", "-qq", "debootstrap"],
                                 env=env, capture_output=True, text=True, check=False)
        if install.returncode == 0:
            return
        if "Unable to locate package" in install.stderr and attempt == 0:
            subprocess.run(["apt-get", "-o", "DPkg::Lock::Timeout=60", "update", "-qq"], env=env, check=False)
            continue
        log(f"apt-get install debootstrap failed (attempt {attempt + 1}), retrying: {install.stderr.strip()[-300:]}")
        time.sleep(5)
    raise SystemExit("could not install debootstrap with apt-get")


def tar_chunks(root):
    """The root file system as a tar stream, in 1 MiB chunks (never the whole 260 MB in memory)."""
    with subprocess.Popen(["tar", "--numeric-owner", "-C", root, "-c", "."], stdout=subprocess.PIPE) as tar:
        while True:
            chunk = tar.stdout.read(1 << 20)
            if not chunk:
                break
            yield chunk
    if tar.returncode:
        raise SystemExit(f"tar of {root} failed with {tar.returncode}")


def build(client):
    ensure_debootstrap()
    work = tempfile.mkdtemp(prefix="dockhand-debootstrap-", dir="/var/tmp")
    root = os.path.join(work, "root")
    try:
        log("running debootstrap (about a minute)")
        subprocess.run(["debootstrap", "--variant=minbase", "--include=python3,sudo", "bookworm", root, MIRROR],
                       check=True, stdout=subprocess.DEVNULL)
        shutil.rmtree(os.path.join(root, "var/cache/apt/archives"), ignore_errors=True)
        os.makedirs(os.path.join(root, "var/cache/apt/archives/partial"), exist_ok=True)
        client.api.import_image_from_stream(tar_chunks(root), repository=REPOSITORY, tag=TAG,
                                            changes=['CMD ["sleep", "infinity"]'])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log("built")


def main():
    client = docker.from_env()
    if present(client):
        log("present")
        return
    with open(LOCK, "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a parallel run may be building it: wait, then look again
        if present(client):
            log("present")
            return
        build(client)


if __name__ == "__main__":
    main()
