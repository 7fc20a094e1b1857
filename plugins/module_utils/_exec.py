# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""Run a command in a running container through the Engine API's exec endpoints (no Docker CLI).

run_in_container() creates an exec, starts it attached, and returns its exit code with stdout and stderr apart (the
engine's multiplexed stream demultiplexed: by the SDK's demux support, or on a local unix socket by _socket_stream.py,
which spares the connection plugin the SDK's import in every task). With stdin data, the exec's hijacked socket is
written by a thread while this one reads, so a command that answers before it has read all its input cannot
dead-lock the exchange; the write side is then half-closed so the command sees the end of its input.

A container that does not exist or is not running gives an EngineError that names it.
"""

from __future__ import annotations

import itertools
import socket
import threading
import time
from collections import namedtuple

from ._client import engine_errors, load_sdk
from ._errors import APIError, EngineError, NotFound
from ._socket_stream import frames as socket_frames
from ._socket_stream import hijack, request_json

ExecResult = namedtuple("ExecResult", ["rc", "stdout", "stderr"])

# After the output stream ends, the engine may report the exec as running for a moment longer.
_EXIT_CODE_POLLS = 50
_EXIT_CODE_POLL_DELAY = 0.02


def container_error(container, host, exc):
    """An EngineError naming the container, for the engine's answers about a missing or stopped container."""
    if isinstance(exc, NotFound) and "no such container" in exc.explanation.lower():
        return EngineError(f"container {container} does not exist on the Docker engine at {host}")
    if isinstance(exc, APIError) and exc.status_code == 409:  # "Container ... is not running" / "is paused"
        return EngineError(f"container {container} is not running: {exc.explanation}")
    return None


def run_in_container(engine, container, command, stdin=None, user=None, workdir=None, env=None, privileged=False, tty=False,
                     negotiate=None, negotiate_timeout=None):
    """Run command (a list of arguments) in container; returns ExecResult(rc, stdout bytes, stderr bytes).

    stdin: bytes for the command's standard input, or None (no input attached). user: the exec user (name or uid[:gid]),
    None for the container's own. env: a dict of extra environment variables. With tty, stderr comes in stdout.

    negotiate(frames, send), when given, runs before stdin is written, for a dialogue such as a privilege escalation
    password prompt: it reads (stdout, stderr) frames from the iterator until it is satisfied, may send(bytes), and
    returns the frames it read (they start the result). After negotiate_timeout seconds the output is cut off."""
    if negotiate is not None and stdin is None:
        stdin = b""
    config = {"AttachStdin": stdin is not None, "AttachStdout": True, "AttachStderr": True, "Tty": tty, "Cmd": list(command),
              "Privileged": bool(privileged), "User": user or "", "Env": [f"{k}={v}" for k, v in (env or {}).items()] or None,
              "WorkingDir": workdir or None}
    with engine_errors(f"running a command in container {container}", engine.host):
        try:
            exec_id = _create(engine, container, config)
        except APIError as exc:
            raise (container_error(container, engine.host, exc) or exc) from None
        sock, frames, close = _start(engine, exec_id, tty)
        try:
            stdout, stderr = _exchange(sock, frames, stdin, negotiate, negotiate_timeout)
        finally:
            close()
        return ExecResult(_exit_code(engine, exec_id), stdout, stderr)


def _create(engine, container, config):
    if engine.socket_path:
        return request_json(engine, "POST", "/containers/{0}/exec", container, json_body=config)["Id"]
    return engine.api.exec_create(
        container, config["Cmd"], stdout=True, stderr=True, stdin=config["AttachStdin"], tty=config["Tty"],
        privileged=config["Privileged"], user=config["User"], environment=config["Env"], workdir=config["WorkingDir"])["Id"]


def _start(engine, exec_id, tty):
    """(socket to write input to, iterator of (stdout, stderr) frames, close())."""
    if engine.socket_path:
        sock, stream = hijack(engine, exec_id, tty)

        def close():
            stream.close()
            sock.close()
        return sock, socket_frames(stream, tty), close
    sdk_sock = engine.api.exec_start(exec_id, tty=tty, socket=True)
    sdk_socket = load_sdk().utils.socket  # loaded by now: exec_start() made this socket
    return _raw_socket(sdk_sock), (sdk_socket.demux_adaptor(*frame) for frame in sdk_socket.frames_iter(sdk_sock, tty)), sdk_sock.close


def _exit_code(engine, exec_id):
    for _attempt in range(_EXIT_CODE_POLLS):
        state = engine.read("exec_inspect", "/exec/{0}/json", exec_id)
        if not state.get("Running") and state.get("ExitCode") is not None:
            return state["ExitCode"]
        time.sleep(_EXIT_CODE_POLL_DELAY)
    raise EngineError(f"exec {exec_id}: the engine still reports the command running after its output ended")


def _raw_socket(sock):
    """The socket under the SDK's hijacked-connection object (a SocketIO on unix sockets)."""
    return getattr(sock, "_sock", sock)


def _write_input(sock, data):
    try:
        sock.sendall(data)
    except OSError:
        return  # the command exited without reading all of its input: its exit code tells the rest
    try:
        if hasattr(sock, "shutdown_write"):  # paramiko's channel (ssh://)
            sock.shutdown_write()
        else:
            sock.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def _exchange(sock, frames, data, negotiate=None, negotiate_timeout=None):
    """Read the output frames while a thread writes data (None: no input) to sock; returns (stdout, stderr) bytes."""
    out, err = [], []
    read = _negotiate(sock, frames, negotiate, negotiate_timeout) if negotiate is not None else []
    writer = None
    if data is not None:
        writer = threading.Thread(target=_write_input, args=(sock, data), daemon=True)
        writer.start()
    try:
        for stdout, stderr in itertools.chain(read, frames):
            if stdout is not None:
                out.append(stdout)
            else:
                err.append(stderr)
    finally:
        if writer is not None:
            writer.join()
    return b"".join(out), b"".join(err)


def _negotiate(sock, frames, negotiate, timeout):
    """negotiate(frames, send); a timer shuts the socket after timeout seconds (the SDK's reads wait without one)."""
    timer = threading.Timer(timeout, sock.shutdown, args=(socket.SHUT_RDWR,)) if timeout else None
    if timer:
        timer.daemon = True
        timer.start()
    try:
        return negotiate(frames, sock.sendall)
    finally:
        if timer:
            timer.cancel()
