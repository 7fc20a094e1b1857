"""Engine errors become one readable sentence (exceptions built as the SDK raises them; no engine involved)."""

import docker
import requests

from ansible_collections.dockhand.docker.plugins.module_utils._client import (
    CONNECTION_ARGS,
    EngineError,
    describe_engine_error,
    engine_errors,
)

HOST = "unix:///var/run/docker.sock"


def api_error(status, explanation, cls=docker.errors.APIError):
    response = requests.Response()
    response.status_code = status
    return cls(f"{status} Client Error", response=response, explanation=explanation)


def test_api_error_names_what_was_done_and_the_answer():
    exc = api_error(409, "network with name n already exists")
    assert describe_engine_error(exc, "create network n", HOST) == "create network n: the engine answered 409: network with name n already exists"
    exc = api_error(404, "no such volume", docker.errors.NotFound)
    assert describe_engine_error(exc, "remove volume v", HOST) == "remove volume v: not found: no such volume"


def test_unreachable_engine():
    exc = docker.errors.DockerException(
        "Error while fetching server API version: ('Connection aborted.', FileNotFoundError(2, 'No such file or directory'))")
    assert describe_engine_error(exc, "connecting", HOST) == f"cannot reach the Docker engine at {HOST}: No such file or directory"
    exc = requests.exceptions.ConnectionError("HTTPConnectionPool(host='127.0.0.1', port=1): Max retries exceeded "
                                              "(Caused by NewConnectionError(': Failed to establish a new connection: [Errno 111] Connection refused'))")
    assert describe_engine_error(exc, "x", "tcp://127.0.0.1:1") == "cannot reach the Docker engine at tcp://127.0.0.1:1: Connection refused"


def test_timeout_says_which_option_helps():
    message = describe_engine_error(requests.exceptions.ReadTimeout("read timed out"), "create volume v", HOST)
    assert "did not answer in time" in message and "timeout option" in message


def test_other_exceptions_pass_through():
    assert describe_engine_error(KeyError("x"), "x", HOST) is None
    try:
        with engine_errors("x", HOST):
            raise KeyError("bug")
    except KeyError:
        pass
    try:
        with engine_errors("create volume v", HOST):
            raise api_error(500, "boom")
    except EngineError as exc:
        assert str(exc) == "create volume v: the engine answered 500: boom"


def test_connection_options_match_community_docker_names():
    assert set(CONNECTION_ARGS) == {"docker_host", "tls", "validate_certs", "ca_path", "client_cert", "client_key", "api_version", "timeout"}
    assert "docker_url" in CONNECTION_ARGS["docker_host"]["aliases"]
    assert "tls_verify" in CONNECTION_ARGS["validate_certs"]["aliases"]
