"""The tests' `ansible` and `ansible-playbook` runs, forked from a process that has already imported ansible-core.

A fresh `ansible` process spends about 0.4 s of CPU importing ansible-core and reading its configuration before it
runs a task; the suite runs thousands of them. Here one server per pytest process imports all that once, and every
run is a fork of it that sets the run's argv, environment and working directory, then calls the CLI's `main()`: the
same code, output and exit status as the installed `ansible` script, without the import.

ansible-core reads its configuration (ANSIBLE_* variables, ansible.cfg from the working directory or HOME) when it is
imported, so a server serves only runs whose configuration environment and working directory are the ones it was
started with; `run_cli()` starts a server for each new such set (a few per session) and falls back to a plain
subprocess for anything else (another program, other arguments of subprocess.run such as an input).

Usage, as subprocess.run with capture_output=True, text=True:  run_cli(argv, env=..., timeout=...) -> CompletedProcess.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

# what a run's configuration depends on at import time: a run with other values gets a server of its own
_CONFIG_PREFIXES = ("ANSIBLE_", "PYTHON", "LC_")
_CONFIG_NAMES = ("HOME", "TMPDIR", "LANG", "USER", "VIRTUAL_ENV")
_MAINS = {"ansible": "ansible.cli.adhoc", "ansible-playbook": "ansible.cli.playbook",
          "ansible-inventory": "ansible.cli.inventory"}
# imported once by the server besides the CLIs: what every run reaches (strategy, workers, callback, connection)
_PRELOAD = (
    "ansible.cli.adhoc", "ansible.cli.playbook", "ansible.cli.inventory", "ansible.executor.task_queue_manager",
    "ansible.executor.playbook_executor", "ansible.executor.task_executor", "ansible.executor.process.worker",
    "ansible.plugins.strategy.linear", "ansible.plugins.action.normal", "ansible.plugins.action.command",
    "ansible.plugins.callback.default", "ansible.plugins.callback.minimal", "ansible.plugins.connection.local",
    "ansible.plugins.shell.sh", "ansible.plugins.become.sudo", "ansible.executor.module_common",
    "ansible.plugins.inventory.ini", "ansible.plugins.inventory.yaml", "ansible.plugins.inventory.host_list",
    "ansible.plugins.lookup.env", "ansible.plugins.filter.core", "ansible.plugins.test.core",
)
_MAX_SERVERS = 6
_servers = {}


def _config_key(env, cwd):
    items = sorted((k, v) for k, v in env.items() if k.startswith(_CONFIG_PREFIXES) or k in _CONFIG_NAMES)
    return (cwd, tuple(items))


class _ServerGone(Exception):
    pass


class _Server:
    def __init__(self, python, env, cwd):
        self.dir = tempfile.mkdtemp(prefix="dh-forkserver-")
        self.path = os.path.join(self.dir, "socket")
        log = open(os.path.join(self.dir, "server.log"), "wb")  # noqa: SIM115 - the server's, closed with it
        self.proc = subprocess.Popen([python, __file__, self.path, str(os.getpid())], env=env, cwd=cwd,
                                     stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + 60
        while not os.path.exists(self.path):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the ansible fork server did not start: see {self.dir}/server.log")
            time.sleep(0.02)

    def run(self, argv, env, cwd, timeout):
        request = json.dumps({"argv": argv, "env": env, "cwd": cwd, "timeout": timeout}).encode()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            try:
                conn.connect(self.path)
            except OSError as exc:  # nothing of the run has happened yet
                raise _ServerGone from exc
            conn.settimeout(timeout + 30)
            conn.sendall(request)
            conn.shutdown(socket.SHUT_WR)
            answer = b"".join(iter(lambda: conn.recv(1 << 16), b""))
        reply = json.loads(answer)
        if reply["timed_out"]:
            raise subprocess.TimeoutExpired(argv, timeout, reply["stdout"], reply["stderr"])
        return subprocess.CompletedProcess(argv, reply["rc"], reply["stdout"], reply["stderr"])


def run_cli(argv, env=None, timeout=600, cwd=None, **kwargs):
    """subprocess.run(argv, env=env, cwd=cwd, timeout=timeout, capture_output=True, text=True), through a fork server
    when argv runs `ansible` or `ansible-playbook` of this interpreter's environment."""
    argv = [str(a) for a in argv]
    env = dict(os.environ if env is None else env)
    cwd = os.path.abspath(cwd or os.getcwd())
    prog = os.path.basename(argv[0])
    local = os.path.dirname(os.path.abspath(argv[0])) == os.path.dirname(sys.executable)
    if prog not in _MAINS or not local or kwargs or os.environ.get("DOCKHAND_NO_FORKSERVER"):
        return subprocess.run(argv, env=env, cwd=cwd, timeout=timeout, capture_output=True, text=True, check=False,
                              **kwargs)
    key = _config_key(env, cwd)
    server = _servers.get(key)
    if server is None:
        if len(_servers) >= _MAX_SERVERS:
            return subprocess.run(argv, env=env, cwd=cwd, timeout=timeout, capture_output=True, text=True,
                                  check=False)
        server = _servers[key] = _Server(_interpreter(argv[0]), env, cwd)
    try:
        return server.run(argv, env, cwd, timeout)
    except _ServerGone:  # killed: this run goes as a plain process, the next starts a server afresh
        del _servers[key]
        return subprocess.run(argv, env=env, cwd=cwd, timeout=timeout, capture_output=True, text=True, check=False)


def _interpreter(script):
    """The Python of the script's #! line (the venv's python3), as ansible reports it and uses for localhost."""
    with open(script, "rb") as handle:
        first = handle.readline().decode().strip()
    return first[2:].split()[0] if first.startswith("#!") else sys.executable


# ---- the server (this file run as a script: python _ansible_forkserver.py SOCKET CLIENT_PID) ----

def _serve(path, client_pid):
    import importlib
    import signal

    for name in _PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:  # another ansible-core release: that run imports what it needs itself
            pass
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path + ".tmp")
    listener.listen(64)
    os.rename(path + ".tmp", path)  # the client waits for the name: it appears once the server accepts
    listener.settimeout(2)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the ended handlers
    while True:
        try:
            conn = listener.accept()[0]
        except socket.timeout:
            if not _alive(client_pid):  # the pytest process has ended: so does its server, and its directory
                shutil.rmtree(os.path.dirname(path), ignore_errors=True)
                return
            continue
        if os.fork() == 0:
            listener.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            try:
                _handle(conn)
            finally:
                os._exit(0)
        conn.close()


def _alive(pid):
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def _handle(conn):
    import signal

    conn.settimeout(None)
    request = json.loads(b"".join(iter(lambda: conn.recv(1 << 16), b"")))
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    pid = os.fork()
    if pid == 0:
        conn.close()
        _child(request, out, err)
    timed_out = []

    def kill(*_):
        timed_out.append(True)
        os.killpg(pid, signal.SIGKILL)

    signal.signal(signal.SIGALRM, kill)
    signal.alarm(max(1, int(request["timeout"])))
    status = os.waitpid(pid, 0)[1]
    signal.alarm(0)
    rc = os.waitstatus_to_exitcode(status)
    out.seek(0)
    err.seek(0)
    reply = {"rc": rc, "timed_out": bool(timed_out),
             "stdout": out.read().decode("utf-8", "replace"), "stderr": err.read().decode("utf-8", "replace")}
    conn.sendall(json.dumps(reply).encode())
    conn.close()


def _child(request, out, err):
    """The run itself: the CLI's main() with the request's argv, environment, working directory and output files.

    It leaves by os._exit, without the atexit handlers: ansible-core's one removes its local temporary directory,
    which was made when the server imported it and is shared by every run (the server removes it when it ends)."""
    import importlib

    rc = 250
    try:
        os.setpgid(0, 0)  # a timeout kills the run and its workers together
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        sys.argv = list(request["argv"])
        main = importlib.import_module(_MAINS[os.path.basename(sys.argv[0])]).main
        try:
            rc = main()
        except SystemExit as exc:
            rc = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - reported as the run's own traceback would be
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(rc if isinstance(rc, int) else 1)


if __name__ == "__main__":
    _serve(sys.argv[1], int(sys.argv[2]))
