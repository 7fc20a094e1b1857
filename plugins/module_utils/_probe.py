# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""Readiness and latency probes: HTTP(S) through requests, TCP connect, or a command run in a container.

A probe is a list of attempts, `interval` apart, each bounded by `attempt_timeout`. It succeeds once `successes`
attempts have passed, and fails when `successes + retries` attempts are spent; latency is measured on the attempts
that passed.
"""

from __future__ import annotations

import re
import socket
import threading
import time

from ._client import describe_engine_error
from ._parse import duration_ns
from ._errors import ParamError, TaskFailure

try:
    import requests

    HAS_REQUESTS = True
except ImportError:  # only HTTP probes need it; they fail with a clear message
    HAS_REQUESTS = False

_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\")\]]+)")
_TLS = re.compile(r"\[SSL(?:: [A-Z_]+)?\] ([^'\"(]+)")
_CAUSE = re.compile(r"\(Caused by (.+)\)$")
MAX_ATTEMPTS = 1000
BODY_KEPT = 200  # characters of a body or command output kept in the result


def needs_engine(params):
    """Only a command probe talks to the engine."""
    return bool(params.get("container"))


def _seconds(option, value, low, high):
    nanos = duration_ns(option, value)
    if nanos is None or not low * 10 ** 9 <= nanos <= high * 10 ** 9:
        raise ParamError(option, f"must be a duration from {low:g}s to {high:g}s such as 5s or 500ms, got {value!r}")
    return nanos / 10 ** 9


def desired(params):
    """The probe to run, validated: kind, target and checks. Pure."""
    url, port, container = params.get("url"), params.get("port"), params.get("container")
    given = [name for name, value in (("url", url), ("port", port), ("container", container)) if value]
    if len(given) != 1:
        raise ParamError("url", "set exactly one of url (HTTP), host/port (TCP) or container/command (command in a container), "
                                f"got {', '.join(given) or 'none'}")
    want = dict(
        attempt_timeout=_seconds("attempt_timeout", params.get("attempt_timeout"), 0.01, 3600),
        interval=_seconds("interval", params.get("interval"), 0, 3600),
        retries=params.get("retries"),
        successes=params.get("successes"),
        max_latency_ms=params.get("max_latency_ms"),
        body_match=None,
    )
    for option, low in (("retries", 0), ("successes", 1)):
        if not isinstance(want[option], int) or isinstance(want[option], bool) or not low <= want[option] <= MAX_ATTEMPTS:
            raise ParamError(option, f"must be a whole number from {low} to {MAX_ATTEMPTS}, got {want[option]!r}")
    if want["max_latency_ms"] is not None and want["max_latency_ms"] <= 0:
        raise ParamError("max_latency_ms", f"must be above 0, got {want['max_latency_ms']!r}")
    if params.get("body_match"):
        try:
            want["body_match"] = re.compile(params["body_match"])
        except re.error as exc:
            raise ParamError("body_match", f"{params['body_match']!r} is not a regular expression: {exc}") from None
    if url:
        if not re.match(r"^https?://[^/\s]+", url):
            raise ParamError("url", f"{url!r} is not an http:// or https:// URL")
        codes = params.get("status_code") or [200]
        if any(not isinstance(c, int) or not 100 <= c <= 599 for c in codes):
            raise ParamError("status_code", f"must be HTTP status codes from 100 to 599, got {codes!r}")
        want.update(kind="http", target=f"{params.get('method') or 'GET'} {url}", url=url, method=params.get("method") or "GET",
                    status_code=list(codes), headers=params.get("headers") or {}, http_validate_certs=params.get("http_validate_certs"))
        if not isinstance(want["headers"], dict):
            raise ParamError("headers", f"must be a mapping of header names to values, got {type(want['headers']).__name__}")
    elif port:
        if not 1 <= port <= 65535:
            raise ParamError("port", f"must be from 1 to 65535, got {port}")
        host = params.get("host") or "127.0.0.1"
        want.update(kind="tcp", target=f"tcp {host}:{port}", host=host, port=port)
    else:
        command = params.get("command")
        if not command:
            raise ParamError("command", "is needed with container: the command to run in it")
        want.update(kind="command", target=f"command in container {container}", container=container, command=list(command),
                    exit_code=params.get("exit_code"))
    return want


def _reason(exc, timeout):
    """A short reason for a failed connection ('Connection refused', 'timed out after 2s', ...)."""
    if isinstance(exc, socket.timeout) or (HAS_REQUESTS and isinstance(exc, requests.exceptions.Timeout)):
        return f"timed out after {timeout:g}s"
    text = str(exc)
    found = _TLS.search(text)
    if found:
        return f"TLS: {found.group(1).strip()} (http_validate_certs=false accepts any certificate)"
    found = _ERRNO.search(text)
    if found:
        return found.group(1)
    found = _CAUSE.search(text)
    if found:
        return found.group(1)
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or exc.__class__.__name__


def _match(want, text):
    if want["body_match"] is not None and not want["body_match"].search(text):
        return f"output does not match {want['body_match'].pattern!r}: {text[:BODY_KEPT]!r}"
    return None


def attempt_http(want):
    """(error or None, details)."""
    if not HAS_REQUESTS:
        return "the Python library requests is needed for HTTP probes", {}
    try:
        response = requests.request(want["method"], want["url"], headers=want["headers"], timeout=want["attempt_timeout"],
                                    verify=bool(want["http_validate_certs"]), allow_redirects=True)
        text = response.text
    except requests.exceptions.RequestException as exc:
        return _reason(exc, want["attempt_timeout"]), {}
    details = dict(status=response.status_code)
    if response.status_code not in want["status_code"]:
        return f"status {response.status_code}, expected {' or '.join(map(str, want['status_code']))}", details
    return _match(want, text), details


def attempt_tcp(want):
    try:
        with socket.create_connection((want["host"], want["port"]), timeout=want["attempt_timeout"]):
            pass
    except OSError as exc:
        return _reason(exc, want["attempt_timeout"]), {}
    return None, {}


def attempt_command(want, client, host):
    """Run the command in the container (engine errors, such as a container not running yet, fail the attempt).

    The command runs in a daemon thread so that attempt_timeout bounds the attempt; a command that outlives it keeps
    running in the container (the engine cannot stop an exec), and the module does not wait for it."""
    api = client.api
    answer: dict = {}

    def execute():
        try:
            exec_id = api.exec_create(want["container"], want["command"], stdout=True, stderr=True)["Id"]
            answer["output"] = api.exec_start(exec_id, demux=False)
            answer["code"] = api.exec_inspect(exec_id).get("ExitCode")
        except Exception as exc:  # pylint: disable=broad-except
            answer["error"] = exc

    worker = threading.Thread(target=execute, name="probe-command", daemon=True)
    worker.start()
    worker.join(want["attempt_timeout"])
    if worker.is_alive():
        return f"timed out after {want['attempt_timeout']:g}s (the command may still be running in the container)", {}
    if "error" in answer:
        message = describe_engine_error(answer["error"], f"running the command in container {want['container']}", host)
        if message is None:
            raise answer["error"]
        return message, {}
    code = answer["code"]
    text = (answer["output"] or b"").decode("utf-8", "replace")
    details = dict(rc=code, output=text[:BODY_KEPT])
    if code != want["exit_code"]:
        return f"exit code {code}, expected {want['exit_code']}: {text.strip()[:BODY_KEPT]!r}", details
    return _match(want, text), details


def run(want, attempt, clock=time.monotonic, sleep=time.sleep):
    """Attempt until `successes` pass or `successes + retries` are spent. Returns the result (pure but for attempt)."""
    budget = want["successes"] + want["retries"]
    log, passed, last_error = [], [], None
    for number in range(1, budget + 1):
        if number > 1:
            sleep(want["interval"])
        started = clock()
        error, details = attempt(want)
        latency = round((clock() - started) * 1000.0, 3)
        log.append(dict(details, attempt=number, ok=error is None, latency_ms=latency, error=error))
        if error is None:
            passed.append(latency)
            if len(passed) >= want["successes"]:
                break
        else:
            last_error = error
    latency_ms = dict(min=min(passed), avg=round(sum(passed) / len(passed), 3), max=max(passed)) if passed else None
    success = len(passed) >= want["successes"]
    result = dict(kind=want["kind"], target=want["target"], success=success, attempts=len(log), passed=len(passed),
                  latency_ms=latency_ms, last_error=last_error, log=log)
    return result


def gather(client, params):
    """The probe module: run the probe, return the figures (also as the fact docker_probe), fail when it did not pass."""
    want = desired(params)
    host = params.get("docker_host")
    if want["kind"] == "http":
        result = run(want, attempt_http)
    elif want["kind"] == "tcp":
        result = run(want, attempt_tcp)
    else:
        result = run(want, lambda w: attempt_command(w, client, host))
    result["ansible_facts"] = dict(docker_probe={k: v for k, v in result.items() if k != "log"})
    if not result["success"]:
        raise TaskFailure(f"probe {want['target']} failed after {result['attempts']} attempt(s), {result['passed']} passed of "
                          f"{want['successes']} needed; last error: {result['last_error']}", **result)
    limit = want["max_latency_ms"]
    if limit is not None and result["latency_ms"]["avg"] > limit:
        raise TaskFailure(f"probe {want['target']}: average latency {result['latency_ms']['avg']} ms is above "
                          f"max_latency_ms {limit}", **result)
    return result
