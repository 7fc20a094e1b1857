# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""Streamed and hijacked requests straight through the engine's local unix socket, without the Docker SDK.

_client.py reads through the socket and loads the SDK for writes. Commands and file copies (_exec.py, _archive.py)
are writes, but the connection plugin runs one or two per task in a new process each time, where importing the SDK
(with requests) costs more than the requests themselves. So on a local socket they use these instead: request()
sends a body (bytes, JSON, or chunks sent chunked) and hands back the streamed answer; hijack() starts an exec and
hands back the socket to write its input to and the buffered stream of its multiplexed output; frames() splits it.
"""

from __future__ import annotations

import http.client
import json
import socket
import struct
from urllib.parse import quote, urlencode

from ._client import _api_error, _UnixConnection
from ._errors import TransportError

STDOUT, STDERR = 1, 2


def _url(engine, path, args, query):
    prefix = "" if engine.auto_version else f"/v{engine.params['api_version']}"
    url = prefix + path.format(*(quote(str(a), safe="/:") for a in args))
    return url + ("?" + urlencode(query) if query else "")


def _failure(status, reason, body):
    """The APIError (or NotFound) for an error answer, with the engine's message."""
    try:
        answer = json.loads(body)
    except ValueError:
        answer = body.decode("utf-8", "replace").strip()
    explanation = str((answer.get("message") if isinstance(answer, dict) else answer) or "")
    return _api_error(status, explanation or reason)


def _transport(exc):
    if isinstance(exc, socket.timeout):
        return TransportError("timed out", timed_out=True)
    if isinstance(exc, OSError):
        return TransportError(exc.strerror or str(exc))
    return TransportError(f"{exc.__class__.__name__}: {exc}")


class _BufferedResponse(http.client.HTTPResponse):
    """An answer read through a 1 MiB buffer: a streamed archive arrives in fewer, larger reads of the socket."""

    def __init__(self, sock, *args, **kwargs):
        super().__init__(sock, *args, **kwargs)
        self.fp = sock.makefile("rb", buffering=1 << 20)  # nothing was read through the default one yet


def request(engine, method, path, *args, query=None, body=None, json_body=None, headers=None):
    """Send a request through engine.socket_path; returns the open http.client response (read it, then close it).

    body: bytes, or an iterable of bytes (sent chunked, so it is never whole in memory). json_body: an object sent as
    JSON. An error answer raises APIError or NotFound with the engine's message."""
    headers = dict(headers or {})
    if json_body is not None:
        body, headers["Content-Type"] = json.dumps(json_body).encode(), "application/json"
    connection = _UnixConnection(engine.socket_path, engine.params.get("timeout") or 60)
    connection.response_class = _BufferedResponse
    try:
        connection.request(method, _url(engine, path, args, query), body=body, headers=headers,
                           encode_chunked=body is not None and not isinstance(body, bytes))
        response = connection.getresponse()
        if response.status >= 400:
            raise _failure(response.status, response.reason, response.read())
    except (OSError, http.client.HTTPException) as exc:
        connection.close()
        raise _transport(exc) from None
    except Exception:
        connection.close()
        raise
    return response


def request_json(engine, method, path, *args, **kwargs):
    """request(), then the answer as JSON (None when empty)."""
    response = request(engine, method, path, *args, **kwargs)
    try:
        body = response.read()
    finally:
        response.close()
    return json.loads(body) if body else None


def hijack(engine, exec_id, tty):
    """Start exec exec_id attached; returns (socket, stream): write the command's input to the socket, read its output
    from the stream (a buffered reader: the bytes the engine sent right after its headers are in its buffer)."""
    body = json.dumps({"Detach": False, "Tty": tty}).encode()
    head = (f"POST {_url(engine, '/exec/{0}/start', [exec_id], None)} HTTP/1.1\r\nHost: docker\r\n"
            f"Content-Type: application/json\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: {len(body)}\r\n\r\n")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(engine.params.get("timeout") or 60)
        sock.connect(engine.socket_path)
        sock.sendall(head.encode() + body)
        response = http.client.HTTPResponse(sock, method="POST")
        response.begin()
        if response.status >= 400:
            raise _failure(response.status, response.reason, response.read())
        sock.settimeout(None)  # the command may run as long as it needs
        stream = response.fp
        response.fp = None  # type: ignore[assignment]  # taken over: the response must not close it when it goes
    except (OSError, http.client.HTTPException) as exc:
        sock.close()
        raise _transport(exc) from None
    except Exception:
        sock.close()
        raise
    return sock, stream


def frames(stream, tty):
    """(stdout, stderr) pairs from an exec's output stream, one of them None, as the SDK's demux gives them."""
    if tty:
        while True:
            data = stream.read1(65536)
            if not data:
                return
            yield data, None
    while True:
        header = stream.read(8)
        if len(header) < 8:
            return
        kind, size = struct.unpack(">BxxxL", header)
        data = stream.read(size)
        if data:
            yield (data, None) if kind != STDERR else (None, data)
        if len(data) < size:
            return
