# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""Run a command in a running container through the Engine API's exec endpoints (no Docker CLI).

run_in_container() creates an exec, starts it, and returns its exit code with stdout and stderr apart (the SDK's demux
support splits the engine's multiplexed stream). With stdin data, the exec's hijacked socket is written by a thread
while this one reads, so a command that answers before it has read all its input cannot dead-lock the exchange;
the write side is then half-closed so the command sees the end of its input.

A container that does not exist or is not running gives an EngineError that names it.
"""

from __future__ import annotations

import itertools
import socket
import threading
import time
from collections import namedtuple

from ansible_collections.dockhand.docker.plugins.module_utils._client import (
    APIError,
    EngineError,
    NotFound,
    engine_errors,
)

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
    with engine_errors(f"running a command in container {container}", engine.host):
        try:
            exec_id = engine.api.exec_create(
                container, command, stdout=True, stderr=True, stdin=stdin is not None, tty=tty, privileged=privileged,
                user=user or "", environment={str(k): str(v) for k, v in (env or {}).items()} or None, workdir=workdir or None,
            )["Id"]
        except APIError as exc:
            raise (container_error(container, engine.host, exc) or exc) from None
        if stdin is None:
            stdout, stderr = engine.api.exec_start(exec_id, tty=tty, demux=True)
        else:
            stdout, stderr = _exchange(engine.api.exec_start(exec_id, tty=tty, socket=True), stdin, tty, negotiate, negotiate_timeout)
        return ExecResult(_exit_code(engine.api, exec_id), stdout or b"", stderr or b"")


def _exit_code(api, exec_id):
    for _attempt in range(_EXIT_CODE_POLLS):
        state = api.exec_inspect(exec_id)
        if not state.get("Running") and state.get("ExitCode") is not None:
            return state["ExitCode"]
        time.sleep(_EXIT_CODE_POLL_DELAY)
    raise EngineError(f"exec {exec_id}: the engine still reports the command running after its output ended")


def _raw_socket(sock):
    """The socket under the SDK's hijacked-connection object (a SocketIO on unix sockets)."""
    return getattr(sock, "_sock", sock)


def _write_input(sock, data):
    raw = _raw_socket(sock)
    try:
        raw.sendall(data)
    except OSError:
        return  # the command exited without reading all of its input: its exit code tells the rest
    try:
        if hasattr(raw, "shutdown_write"):  # paramiko's channel (ssh://)
            raw.shutdown_write()
        else:
            raw.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def _exchange(sock, data, tty, negotiate=None, negotiate_timeout=None):
    """Write data to the exec's socket (in a thread) while reading its output; returns (stdout, stderr)."""
    # The SDK is loaded by now: exec_start() made this socket.
    from docker.utils.socket import (  # pylint: disable=import-outside-toplevel
        consume_socket_output,
        demux_adaptor,
        frames_iter,
    )
    frames = (demux_adaptor(*frame) for frame in frames_iter(sock, tty))
    try:
        early = []
        if negotiate is not None:
            early = _negotiate(sock, frames, negotiate, negotiate_timeout)
        writer = threading.Thread(target=_write_input, args=(sock, data), daemon=True)
        writer.start()
        try:
            return consume_socket_output(itertools.chain(early, frames), demux=True)
        finally:
            writer.join()
    finally:
        sock.close()


def _negotiate(sock, frames, negotiate, timeout):
    """negotiate(frames, send); a timer shuts the socket after timeout seconds (the SDK's reads wait without one)."""
    raw = _raw_socket(sock)
    timer = threading.Timer(timeout, raw.shutdown, args=(socket.SHUT_RDWR,)) if timeout else None
    if timer:
        timer.daemon = True
        timer.start()
    try:
        return negotiate(frames, raw.sendall)
    finally:
        if timer:
            timer.cancel()
