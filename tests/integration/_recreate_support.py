"""Shared by the interrupted-recreate tests (test_sigint_recreate.py, test_interrupted_recreate.py, test_faults.py, issue
20): a container with data in a named and an anonymous volume whose recreate gets cut off, the proxy and the Ctrl-C that
cut it at a chosen request, the steps of the swap, and what the next run must leave: one container under the name, on
the new configuration, the data of both volumes kept."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from _engine_support import ENGINE_SOCKET

IMAGE = "dockhand/busybox:latest"
_REQUEST = re.compile(rb"^([A-Z]+) (\S+) HTTP/1\.[01]\r\n")


@dataclass
class Recreate:
    """A running container `name` with data in /named (volume `<prefix>-named`) and /anon (anonymous volume `anon`),
    made by `args`; `changed` is the same task with another env value, so it must recreate."""

    name: str
    args: dict
    changed: dict
    anon: str
    old_id: str

    @property
    def names(self):
        """The names a cut-off swap leaves: the task's, the new container's temporary one, the old one's set aside."""
        return {"{name}": self.name, "{temp}": f"{self.name}-dockhand-{self.old_id}", "{old}": f"{self.name}-dockhand-old-{self.old_id}"}


def recreate_scenario(engine, ansible, prefix, stop_timeout):
    """Creates the container through the module and writes a file into each volume."""
    name = f"{prefix}-app"
    args = {"name": name, "image": IMAGE, "command": ["sleep", "3600"], "stop_timeout": stop_timeout,
            "volumes": [f"{prefix}-named:/named", "/anon"], "env": {"V": "1"}}
    ansible.ok("container", args)
    engine.containers.get(name).exec_run(["sh", "-c", "echo n > /named/f && echo a > /anon/f"])
    container = engine.api.inspect_container(name)
    anon = next(m["Name"] for m in container["Mounts"] if m["Destination"] == "/anon")
    return Recreate(name, args, dict(args, env={"V": "2"}), anon, container["Id"][:12])


def containers_named(engine, name):
    return sorted(c["Names"][0].lstrip("/") for c in engine.api.containers(all=True, filters={"name": name}))


def assert_converged_with_data(engine, ansible, scenario):
    """After the run that follows the cut: one container under the name, running the new configuration, the same
    anonymous volume, both files there; the run after it changes nothing. Then removes what the scenario made."""
    name = scenario.name
    assert containers_named(engine, name) == [name], f"leftovers after the next run: {containers_named(engine, name)}"
    container = engine.api.inspect_container(name)
    assert container["State"]["Running"] and "V=2" in container["Config"]["Env"]
    assert {m["Destination"]: m["Name"] for m in container["Mounts"]}["/anon"] == scenario.anon, "the anonymous volume is the same one"
    assert engine.containers.get(name).exec_run(["cat", "/named/f", "/anon/f"]).output.split() == [b"n", b"a"]
    again = ansible.ok("container", scenario.changed)
    assert again["changed"] is False, again["actions"]
    engine.api.remove_container(name, force=True)
    engine.volumes.get(scenario.anon).remove()  # NotFound here: the anonymous volume was lost


class GatedProxy:
    """A unix socket in front of the engine's. Every request is forwarded, but the first whose "METHOD path" matches
    `gate`: that one is held (never forwarded) or, with forward=True, forwarded; either way `seen` is set. With
    drop=True the engine then seems gone: every connection is cut, and new ones are closed at once."""

    def __init__(self, path, gate, forward=False, drop=False):
        self.gate, self.forward, self.drop = re.compile(gate), forward, drop
        self.seen, self.closing = threading.Event(), threading.Event()
        self.sockets = []
        self.server = socket.socket(socket.AF_UNIX)
        self.server.bind(path)
        self.server.listen(64)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _addr = self.server.accept()
            except OSError:
                return
            if self.drop and self.seen.is_set():
                client.close()
                continue
            upstream = socket.socket(socket.AF_UNIX)
            try:
                upstream.connect(ENGINE_SOCKET)
            except OSError:  # the engine is down (test_faults.py killed it): the client sees a closed connection
                client.close()
                upstream.close()
                continue
            self.sockets += [client, upstream]
            threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True).start()
            threading.Thread(target=self._pipe, args=(client, upstream, True), daemon=True).start()

    def _pipe(self, src, dst, requests):
        try:
            while True:
                data = src.recv(1 << 16)
                if not data:
                    break
                found = _REQUEST.match(data) if requests and not self.seen.is_set() else None
                if found and self.gate.search(f"{found.group(1).decode()} {found.group(2).decode()}"):
                    self.seen.set()
                    if self.drop:
                        if self.forward:
                            dst.sendall(data)
                        self.cut()
                        break
                    if not self.forward:
                        self.closing.wait()  # the module waits for an answer that never comes
                        break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self):
        for sock in list(self.sockets):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self):
        self.closing.set()
        self.server.close()
        for sock in self.sockets:
            sock.close()


def session_processes(sid):
    """PIDs of the processes of session `sid` (the interrupted ansible-playbook and whatever it started)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[3]) == sid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                pass
    return found


def interrupt(ansible, args, gate, forward=False, fault="Ctrl-C"):
    """Run the task in ansible-playbook through a GatedProxy and, once the gate's request came, press Ctrl-C (SIGINT to
    the whole process group, as a terminal does), let the engine seem gone, or call fault(); returns the exit status
    and output."""
    workdir = Path(tempfile.mkdtemp(prefix="dh-int-"))  # short: a unix socket path has at most 107 characters
    proxy = GatedProxy(str(workdir / "engine.sock"), gate, forward, drop=fault == "engine gone")
    try:
        task = dict(args, docker_host=f"unix://{workdir / 'engine.sock'}")
        play = [{"hosts": "localhost", "gather_facts": False, "connection": "local",
                 "tasks": [{"dockhand.docker.container": task}]}]
        (workdir / "play.yml").write_text(json.dumps(play), encoding="utf-8")
        cmd = [str(Path(sys.executable).with_name("ansible-playbook")), "-i", "localhost,", str(workdir / "play.yml")]
        run = subprocess.Popen(cmd, env=ansible.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
        try:
            deadline = time.monotonic() + 120
            while not proxy.seen.wait(0.1) and run.poll() is None and time.monotonic() < deadline:
                pass
            assert proxy.seen.is_set(), f"the run never reached the step:\n{run.communicate(timeout=120)[0]}"
            if fault == "Ctrl-C":
                if forward:
                    time.sleep(1)  # the engine is working on the request
                os.killpg(run.pid, signal.SIGINT)
            elif callable(fault):  # a fault of the caller's own (test_faults.py kills the engine here)
                if forward:
                    time.sleep(1)
                fault()
            out, _err = run.communicate(timeout=120)
        finally:
            for pid in session_processes(run.pid):  # none should be left; never one that holds the task's lock
                os.kill(pid, signal.SIGKILL)
            if run.poll() is None:
                run.kill()
                run.communicate()
        return run.returncode, out
    finally:
        proxy.close()
        shutil.rmtree(workdir, ignore_errors=True)


# the step the Ctrl-C comes at: (name, the request it comes before or during, during: forwarded and in progress,
# the containers it leaves: {name}, the new one under its temporary name {temp}, the old one renamed aside {old};
# running: True, False, or None while the engine may still be stopping it)
STEPS = [
    ("while the old one stops", r"^POST (?:/v[\d.]+)?/containers/[0-9a-f]{64}/stop", True, {"{name}": None, "{temp}": False}),
    ("before the new one starts", r"^POST (?:/v[\d.]+)?/containers/[0-9a-f]{64}/start", False, {"{name}": False, "{temp}": False}),
    ("before the old one is renamed aside", r"/rename\?name=[^&]*-dockhand-old-", False, {"{name}": False, "{temp}": True}),
    ("before the new one takes the name", r"/rename\?name={name}(?:&|$)", False, {"{old}": False, "{temp}": True}),
    ("before the old one is removed", r"^DELETE (?:/v[\d.]+)?/containers/[0-9a-f]{64}", False, {"{name}": True, "{old}": False}),
]
