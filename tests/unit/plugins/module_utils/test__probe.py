"""Probe validation and the attempt loop (pure: attempts, clock and sleep are stand-ins)."""

import pytest

from ansible_collections.dockhand.docker.plugins.module_utils import _probe
from ansible_collections.dockhand.docker.plugins.module_utils._errors import ParamError

DEFAULTS = dict(url=None, method="GET", status_code=[200], headers=None, http_validate_certs=True, host="127.0.0.1", port=None,
                container=None, command=None, exit_code=0, body_match=None, attempt_timeout="5s", interval="1s", retries=0,
                successes=1, max_latency_ms=None)


def params(**kwargs):
    return dict(DEFAULTS, **kwargs)


def test_desired_kinds():
    http = _probe.desired(params(url="http://127.0.0.1:8080/health", body_match="ok", interval="200ms"))
    assert http["kind"] == "http" and http["target"] == "GET http://127.0.0.1:8080/health"
    assert http["interval"] == 0.2 and http["attempt_timeout"] == 5.0 and http["body_match"].pattern == "ok"
    tcp = _probe.desired(params(port=5432))
    assert tcp["kind"] == "tcp" and tcp["target"] == "tcp 127.0.0.1:5432"
    command = _probe.desired(params(container="db", command=["true"]))
    assert command["kind"] == "command" and command["command"] == ["true"]
    assert not _probe.needs_engine(params(url="http://x/")) and _probe.needs_engine(params(container="db", command=["true"]))


@pytest.mark.parametrize("kwargs, option, words", [
    ({}, "url", "set exactly one of url"),
    ({"url": "http://x/", "port": 80}, "url", "got url, port"),
    ({"url": "ftp://x/"}, "url", "is not an http:// or https:// URL"),
    ({"url": "http://x/", "status_code": [99]}, "status_code", "from 100 to 599"),
    ({"url": "http://x/", "body_match": "("}, "body_match", "is not a regular expression"),
    ({"url": "http://x/", "headers": ["a"]}, "headers", "must be a mapping"),
    ({"port": 70000}, "port", "from 1 to 65535"),
    ({"container": "db"}, "command", "is needed with container"),
    ({"port": 80, "attempt_timeout": "forever"}, "attempt_timeout", "not a duration"),
    ({"port": 80, "attempt_timeout": "0s"}, "attempt_timeout", "from 0.01s to 3600s"),
    ({"port": 80, "interval": "2h"}, "interval", "from 0s to 3600s"),
    ({"port": 80, "retries": -1}, "retries", "from 0 to 1000"),
    ({"port": 80, "successes": 0}, "successes", "from 1 to 1000"),
    ({"port": 80, "max_latency_ms": 0}, "max_latency_ms", "above 0"),
])
def test_desired_refuses(kwargs, option, words):
    with pytest.raises(ParamError) as err:
        _probe.desired(params(**kwargs))
    assert err.value.option == option and words in str(err.value), str(err.value)


class Clock:
    """Each attempt takes the next latency (seconds); sleeps are recorded, not slept."""

    def __init__(self, latencies):
        self.now, self.latencies, self.slept = 0.0, list(latencies), []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)

    def attempt(self, outcomes):
        outcomes = list(outcomes)

        def attempt(_want):
            self.now += self.latencies.pop(0)
            error = outcomes.pop(0)
            return error, {}
        return attempt


def test_run_retries_until_success():
    want = _probe.desired(params(port=80, retries=5, interval="100ms"))
    fake = Clock([0.001, 0.001, 0.004])
    result = _probe.run(want, fake.attempt(["Connection refused", "Connection refused", None]), clock=fake.clock, sleep=fake.sleep)
    assert result["success"] is True and result["attempts"] == 3 and result["passed"] == 1
    assert result["latency_ms"] == {"min": 4.0, "avg": 4.0, "max": 4.0}
    assert result["last_error"] == "Connection refused"
    assert fake.slept == [0.1, 0.1]
    assert [entry["ok"] for entry in result["log"]] == [False, False, True]


def test_run_gives_up_after_retries():
    want = _probe.desired(params(port=80, retries=2))
    fake = Clock([0.001] * 3)
    result = _probe.run(want, fake.attempt(["timed out"] * 3), clock=fake.clock, sleep=fake.sleep)
    assert result["success"] is False and result["attempts"] == 3 and result["latency_ms"] is None
    assert result["last_error"] == "timed out"


def test_run_measures_latency_over_successes():
    want = _probe.desired(params(port=80, successes=3, retries=1))
    fake = Clock([0.002, 0.010, 0.001, 0.003])
    result = _probe.run(want, fake.attempt([None, "status 503, expected 200", None, None]), clock=fake.clock, sleep=fake.sleep)
    assert result["success"] is True and result["attempts"] == 4 and result["passed"] == 3
    assert result["latency_ms"] == {"min": 1.0, "avg": 2.0, "max": 3.0}


def test_reason_is_short():
    exc = OSError(111, "Connection refused")
    assert _probe._reason(exc, 5.0) == "Connection refused"
    assert _probe._reason(TimeoutError("timed out"), 0.5) == "timed out after 0.5s"
    text = ("HTTPConnectionPool(host='127.0.0.1', port=1): Max retries exceeded with url: / (Caused by NewConnectionError("
            "'<urllib3.connection.HTTPConnection object at 0x7f>: Failed to establish a new connection: [Errno 111] Connection refused'))")
    assert _probe._reason(Exception(text), 5.0) == "Connection refused"
    text = ("HTTPSConnectionPool(host='127.0.0.1', port=8443): Max retries exceeded with url: / (Caused by SSLError(SSLCertVerificationError("
            "1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate (_ssl.c:1006)')))")
    assert _probe._reason(Exception(text), 5.0) == ("TLS: certificate verify failed: self-signed certificate "
                                                    "(http_validate_certs=false accepts any certificate)")
    assert _probe._reason(Exception("pool (Caused by ProxyError('no proxy'))"), 5.0) == "ProxyError('no proxy')"
