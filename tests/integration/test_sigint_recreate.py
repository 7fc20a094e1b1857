"""A safe recreate cut off at each step of the swap (issue 20): Ctrl-C (ansible-playbook and the module get SIGINT, as
from a terminal), or the engine seems gone to the run (its connections cut). The next run of the same task converges
with nothing lost (one container under the name, running the new configuration, the data of its named and anonymous
volumes kept, no `-dockhand-` leftover) and the run after it changes nothing.

The steps are caught deterministically: the task reaches the engine through a unix socket proxy that holds the first
request of the step (the module waits for its answer when the fault comes), or forwards it and the fault comes while
the engine works on it (a stop that lasts: PID 1 ignores SIGTERM, so the engine waits stop_timeout before killing)."""

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
from pathlib import Path

import pytest
from _engine_support import ENGINE_SOCKET

IMAGE = "dockhand/busybox:latest"
_REQUEST = re.compile(rb"^([A-Z]+) (\S+) HTTP/1\.[01]\r\n")


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


def _containers(engine, name):
    return sorted(c.name for c in engine.containers.list(all=True, filters={"name": name}))


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


def _states(engine, name):
    return {c["Names"][0].lstrip("/"): c["State"] == "running" for c in engine.api.containers(all=True, filters={"name": name})}


@pytest.mark.parametrize("fault", ["Ctrl-C", "engine gone"])
@pytest.mark.parametrize("gate, forward, left", [s[1:] for s in STEPS], ids=[s[0] for s in STEPS])
def test_a_recreate_cut_off_then_the_next_run_converges(engine, ansible, prefix, gate, forward, left, fault):
    name = f"{prefix}-app"
    # PID 1 ignores SIGTERM: the engine's stop waits stop_timeout, then kills
    args = {"name": name, "image": IMAGE, "command": ["sleep", "3600"], "stop_timeout": 4,
            "volumes": [f"{prefix}-named:/named", "/anon"], "env": {"V": "1"}}
    ansible.ok("container", args)
    engine.containers.get(name).exec_run(["sh", "-c", "echo n > /named/f && echo a > /anon/f"])
    anon = next(m["Name"] for m in engine.api.inspect_container(name)["Mounts"] if m["Destination"] == "/anon")
    changed = dict(args, env={"V": "2"})

    old_id = engine.api.inspect_container(name)["Id"][:12]
    status, out = interrupt(ansible, changed, gate.replace("{name}", re.escape(name)), forward, fault)
    assert status != 0 and "ok=1" not in out, f"the run was not interrupted:\n{out}"
    if fault == "engine gone":
        assert "Traceback" not in out and "cannot reach the Docker engine" in out, out
    names = {"{name}": name, "{temp}": f"{name}-dockhand-{old_id}", "{old}": f"{name}-dockhand-old-{old_id}"}
    states = _states(engine, name)
    assert sorted(states) == sorted(names[k] for k in left), f"the Ctrl-C came elsewhere: {states}"
    assert all(states[names[k]] is running for k, running in left.items() if running is not None), states

    applied = ansible.ok("container", changed)
    assert _containers(engine, name) == [name], f"leftovers after the next run: {_containers(engine, name)}"
    container = engine.api.inspect_container(name)
    assert container["State"]["Running"] and "V=2" in container["Config"]["Env"], applied["actions"]
    mounts = {m["Destination"]: m["Name"] for m in container["Mounts"]}
    assert mounts["/anon"] == anon, "the anonymous volume is the same one"
    assert engine.containers.get(name).exec_run(["cat", "/named/f", "/anon/f"]).output.split() == [b"n", b"a"]
    again = ansible.ok("container", changed)
    assert again["changed"] is False, again["actions"]
    engine.api.remove_container(name, force=True)
    engine.volumes.get(anon).remove()
