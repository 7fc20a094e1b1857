"""Throwaway Docker engines for the Swarm tests, each inside a network namespace of its own.

The host's engine, which every other test uses, is never touched: no `docker swarm init` on it, and no second dockerd
in the host's network namespace (a second dockerd there rewrites docker0 and the host's iptables). Each engine here:

- a network namespace dh17-<n> (n taken atomically: `ip netns add` fails when another run holds that n),
- a veth pair dh17-<n>h (host side, 10.217.<n>.1/24) / eth0 inside (10.217.<n>.2/24, a route to 10.217.0.0/16 via the
  host side and no default route: the other engines are reachable, and a pull fails at once instead of timing out),
- the system's dockerd (docker.io 20.10) started with `nsenter --net=` (not `ip netns exec`, which remounts /sys and
  dockerd then fails with "Devices cgroup isn't mounted"), with its own data root, exec root (its own containerd),
  pidfile, a unix socket /run/dockhand-swarm/<n>.sock and tcp://10.217.<n>.2:2375 inside the namespace,
- the base image loaded into it (docker save | docker load).

Two engines reach each other through the host (a swarm manager and a worker): each engine adds two ACCEPT rules of its
own to the host's DOCKER-USER chain (the chain Docker keeps for such rules), 10.217.<n>.0/24 to and from 10.217.0.0/16,
and removes them when it stops; rules of their own, so parallel test processes never remove another's.
stop() kills the daemon by its pidfile's PID, deletes the namespace (the veth pair goes with it) and the data.

Imported by the test_swarm*.py files (pytest registers the fixtures a test module imports).
"""

import contextlib
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import docker
import pytest

BASE_IMAGE = "dockhand/busybox:latest"
RUN_DIR = Path("/run/dockhand-swarm")
DATA_DIR = Path("/var/lib/dockhand-swarm")
SUBNETS = "10.217.0.0/16"


def _sh(*cmd, check=True, **kwargs):
    return subprocess.run(list(cmd), check=check, capture_output=True, text=True, **kwargs)


class NetnsEngine:
    """One dockerd in the network namespace dh17-<n>; .host is the docker_host the modules are given."""

    def __init__(self, n, dockerd_args=()):
        self.n = n
        # more dockerd flags (TLS for its tcp listener, say), or a function of this engine that returns them
        self.dockerd_args = dockerd_args
        self.netns = f"dh17-{n}"
        self.address = f"10.217.{n}.2"
        self.socket = RUN_DIR / f"{n}.sock"
        self.host = f"unix://{self.socket}"
        self.exec_root = RUN_DIR / f"exec-{n}"
        self.pidfile = RUN_DIR / f"{n}.pid"
        self.data_root = DATA_DIR / str(n)
        self.log = RUN_DIR / f"{n}.log"
        self.process = None
        self.client = None

    def start(self):
        veth = f"dh17-{self.n}h"
        # a run killed before its stop() leaves its host end behind; the namespace name is ours now, so is the link
        _sh("ip", "link", "del", veth, check=False)
        _sh("ip", "link", "add", veth, "type", "veth", "peer", "name", f"dh17-{self.n}c")
        _sh("ip", "link", "set", f"dh17-{self.n}c", "netns", self.netns)
        _sh("ip", "addr", "add", f"10.217.{self.n}.1/24", "dev", veth)
        _sh("ip", "link", "set", veth, "up")
        inside = ["ip", "-n", self.netns]
        _sh(*inside, "link", "set", f"dh17-{self.n}c", "name", "eth0")
        _sh(*inside, "addr", "add", f"{self.address}/24", "dev", "eth0")
        _sh(*inside, "link", "set", "eth0", "up")
        _sh(*inside, "link", "set", "lo", "up")
        # the other namespaced engines only: no default route, so the engine's pulls (offline here) fail at once
        _sh(*inside, "route", "add", SUBNETS, "via", f"10.217.{self.n}.1")
        for path in (self.exec_root, self.data_root):
            _unmount_under(path)  # what a killed run of the same n left
            shutil.rmtree(path, ignore_errors=True)
            path.mkdir(parents=True)
        more = self.dockerd_args(self) if callable(self.dockerd_args) else self.dockerd_args
        with open(self.log, "w", encoding="utf-8") as log:
            # pylint: disable-next=consider-using-with  # the daemon outlives this call; stop() ends it
            self.process = subprocess.Popen(
                ["nsenter", f"--net=/var/run/netns/{self.netns}", "dockerd", "--data-root", str(self.data_root),
                 "--exec-root", str(self.exec_root), "--pidfile", str(self.pidfile), "-H", self.host,
                 "-H", f"tcp://{self.address}:2375", *more],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                self.client = docker.DockerClient(base_url=self.host, timeout=120)  # asks the engine its API version
                break
            except Exception:  # pylint: disable=broad-except  # not listening yet
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"dockerd in {self.netns} did not start:\n{self.log.read_text()[-3000:]}") from None
                time.sleep(0.3)
        save = subprocess.Popen(["docker", "save", BASE_IMAGE], stdout=subprocess.PIPE)  # pylint: disable=consider-using-with
        subprocess.run(["docker", "-H", self.host, "load", "-q"], stdin=save.stdout, check=True, capture_output=True)
        save.stdout.close()
        assert save.wait() == 0
        return self

    def stop(self):
        if self.client is not None:
            self.client.close()
        pid = None
        try:
            pid = int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            pid = self.process.pid if self.process is not None and self.process.poll() is None else None
        if pid is not None:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pid = None
        if self.process is not None:
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        _unmount_under(self.exec_root)
        _unmount_under(self.data_root)
        _sh("ip", "netns", "del", self.netns, check=False)
        for path in (self.exec_root, self.data_root):
            shutil.rmtree(path, ignore_errors=True)
        for path in (self.socket, self.pidfile, self.log):
            if path.exists():
                path.unlink()


def _unmount_under(path):
    """Mounts a killed daemon left under its roots (overlay layers, netns files) and on them, deepest first."""
    prefix = str(path) + "/"
    with open("/proc/self/mounts", encoding="utf-8") as mounts:
        found = [line.split()[1] for line in mounts if line.split()[1].startswith(prefix) or line.split()[1] == str(path)]
    for mount in sorted(found, key=len, reverse=True):
        _sh("umount", "-l", mount, check=False)


def _forward(n, add):
    """The host's DOCKER-USER rules letting engine n and the other namespaced engines reach each other."""
    own = f"10.217.{n}.0/24"
    for rule in (["-s", own, "-d", SUBNETS], ["-s", SUBNETS, "-d", own]):
        if add:
            _sh("iptables", "-I", "DOCKER-USER", *rule, "-j", "ACCEPT")
        else:
            _sh("iptables", "-D", "DOCKER-USER", *rule, "-j", "ACCEPT", check=False)


def start_engine(dockerd_args=()):
    """A new engine in a namespace of its own (the first free n from 1 to 250), dockerd_args added to its flags."""
    if Path("/run/containerd/containerd.sock").exists():
        # dockerd 20.10 would share a system containerd (and its moby namespace) with the host's engine
        raise RuntimeError("a system containerd runs at /run/containerd/containerd.sock: refusing to start a second dockerd")
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    for n in range(1, 251):
        if _sh("ip", "netns", "add", f"dh17-{n}", check=False).returncode == 0:
            break
    else:
        raise RuntimeError("no free dh17-<n> network namespace")
    engine = NetnsEngine(n, dockerd_args)
    _forward(n, True)
    try:
        return engine.start()
    except BaseException:
        engine.stop()
        _forward(n, False)
        raise


def stop_engine(engine):
    try:
        engine.stop()
    finally:
        _forward(engine.n, False)


@contextlib.contextmanager
def registry_in_netns(manager, tmp_path, htpasswd=None):
    """A registry of its own inside the swarm engine's network namespace, at localhost:<port> there (the distribution
    binary the host's registry runs, started with nsenter; the namespaced engines cannot reach the host's loopback);
    htpasswd: the path of an htpasswd file, which then guards it. Yields the address."""
    port = 5000 + manager.n
    auth = f"\nauth: {{htpasswd: {{realm: dhtest, path: '{htpasswd}'}}}}" if htpasswd else ""
    config = tmp_path / "registry.yml"
    config.write_text(f"version: 0.1\nlog: {{level: warn}}\nstorage: {{filesystem: {{rootdirectory: '{tmp_path / 'data'}'}}}}\n"
                      f"http: {{addr: '127.0.0.1:{port}'}}{auth}\n")
    log = open(tmp_path / "registry.log", "w", encoding="utf-8")  # pylint: disable=consider-using-with
    process = subprocess.Popen(["nsenter", f"--net=/var/run/netns/{manager.netns}", "docker-registry", "serve", str(config)],
                               stdout=log, stderr=subprocess.STDOUT)  # pylint: disable=consider-using-with
    try:
        time.sleep(1)
        assert process.poll() is None, (tmp_path / "registry.log").read_text()
        yield f"localhost:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def spec_of(manager, name):
    """(version index, spec) of a service of the swarm, or None when there is none of that name."""
    try:
        data = manager.client.api.inspect_service(name)
    except docker.errors.NotFound:
        return None
    return data["Version"]["Index"], data["Spec"]


def init_swarm(engine):
    engine.client.swarm.init(advertise_addr=engine.address, listen_addr=f"{engine.address}:2377")
    return engine


@pytest.fixture(scope="module")
def swarm_manager():
    """An engine of its own that is the manager of a swarm of one node, for the module of tests that imports it."""
    engine = start_engine()
    try:
        yield init_swarm(engine)
    finally:
        stop_engine(engine)


@pytest.fixture
def fresh_engine():
    """An engine that is in no swarm, for one test."""
    engine = start_engine()
    try:
        yield engine
    finally:
        stop_engine(engine)
