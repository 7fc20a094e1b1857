"""Engine errors become one readable sentence (exceptions built as the SDK raises them), and the client picks its read path.

No engine is involved here; tests/integration/test_client.py reads the real engine on both paths."""

import ast
import json
from pathlib import Path

import docker
import requests

from ansible_collections.dockhand.docker.plugins.module_utils._client import (
    CONNECTION_ARGS,
    APIError,
    Engine,
    EngineError,
    NotFound,
    TransportError,
    _api_error,
    _filters,
    _translate_sdk_error,
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
    assert set(CONNECTION_ARGS) == {"docker_host", "tls", "validate_certs", "ca_path", "client_cert", "client_key", "api_version", "timeout",
                                    "tls_hostname", "use_ssh_client", "debug"}
    assert "docker_url" in CONNECTION_ARGS["docker_host"]["aliases"]
    assert "tls_verify" in CONNECTION_ARGS["validate_certs"]["aliases"]


# ---------------------------------------------------------------- the client's own read path and error classes

def test_engine_answers_on_either_path_read_the_same():
    exc = _api_error(404, "no such volume: v")
    assert isinstance(exc, NotFound)
    assert describe_engine_error(exc, "reading volume v", HOST) == "reading volume v: not found: no such volume: v"
    exc = _api_error(409, "conflict")
    assert not isinstance(exc, NotFound) and describe_engine_error(exc, "x", HOST) == "x: the engine answered 409: conflict"


def test_an_unknown_route_is_not_a_missing_object():
    # a wrong api_version reaches no route: treating it as "absent" would make a plan create what exists
    assert not isinstance(_api_error(404, "page not found"), NotFound)


def test_sdk_api_errors_are_translated_to_the_same_classes():
    translated = _translate_sdk_error(api_error(404, "no such network", docker.errors.NotFound))
    assert isinstance(translated, NotFound) and translated.status_code == 404 and translated.explanation == "no such network"
    translated = _translate_sdk_error(api_error(500, "boom"))
    assert isinstance(translated, APIError) and not isinstance(translated, NotFound) and translated.status_code == 500


def test_transport_errors():
    assert describe_engine_error(TransportError("Connection refused"), "x", HOST) == f"cannot reach the Docker engine at {HOST}: Connection refused"
    message = describe_engine_error(TransportError("timed out", timed_out=True), "reading container c", HOST)
    assert message.startswith("reading container c: ") and "timeout option" in message


def test_filters_are_written_as_the_sdk_writes_them():
    filters = {"volume": "data", "status": ["running", "exited"], "dangling": True, "label": ["a=1"]}
    assert json.loads(_filters(filters)) == json.loads(docker.utils.convert_filters(filters))


def test_reads_go_to_the_socket_only_for_a_plain_unix_host():
    assert Engine({"docker_host": HOST}).socket_path == "/var/run/docker.sock"
    assert Engine({"docker_host": HOST, "tls": True}).socket_path is None
    assert Engine({"docker_host": "tcp://127.0.0.1:2375"}).socket_path is None
    assert Engine({"docker_host": HOST, "api_version": "1.41"})._prefix == "/v1.41"
    assert Engine({"docker_host": HOST, "api_version": "auto"})._prefix == ""


def test_a_malformed_api_version_names_the_option():
    try:
        Engine({"docker_host": HOST, "api_version": "latest"})
    except EngineError as exc:
        assert str(exc).startswith("api_version: ")
    else:
        raise AssertionError("accepted api_version=latest")


def test_the_sdk_is_imported_lazily_in_one_place_only():
    """project converges in threads: a thread running `from docker.types import ...` while another imports docker sees
    a half-initialised docker.types (measured: every time). So a function never imports the SDK itself; it calls
    _client.load_sdk(), which imports the whole package under a lock."""
    module_utils = Path(__file__).resolve().parents[4] / "plugins" / "module_utils"
    offenders = []
    for path in sorted(module_utils.glob("*.py")):
        for func in ast.walk(ast.parse(path.read_text())):
            if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)) or (path.name, func.name) == ("_client.py", "load_sdk"):
                continue
            for node in ast.walk(func):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                offenders += [f"{path.name}:{node.lineno} {name}" for name in names if name.split(".")[0] in ("docker", "requests")]
    assert offenders == []
