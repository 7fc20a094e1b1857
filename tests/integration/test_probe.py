"""dockhand.docker.probe against a real busybox httpd container published on loopback."""

import http.server
import socket
import ssl
import subprocess
import threading
import time

import pytest

pytestmark = pytest.mark.local_engine  # reaches published ports on the host's loopback


def free_port():
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def web(run_container):
    """A busybox httpd serving /www/index.html ('hello from dockhand') on a random 127.0.0.1 port."""
    container = run_container("web", command=["sh", "-c", "mkdir -p /www && echo 'hello from dockhand' > /www/index.html"
                                                          " && httpd -f -p 8080 -h /www"],
                              ports={"8080/tcp": ("127.0.0.1", None)})
    deadline = time.monotonic() + 10
    while not container.attrs["NetworkSettings"]["Ports"] and time.monotonic() < deadline:
        time.sleep(0.1)
        container.reload()
    container.port = int(container.attrs["NetworkSettings"]["Ports"]["8080/tcp"][0]["HostPort"])
    return container


@pytest.fixture
def https_server(tmp_path):
    """A TLS server on 127.0.0.1 with a self-signed certificate, recording the method and headers it is sent."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")], capture_output=True, check=True, timeout=60)
    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def answer(self):
            seen.append((self.command, dict(self.headers)))
            body = b"secure hello"
            self.send_response(201 if self.command == "POST" else 200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = answer

        def log_message(self, *args):  # pylint: disable=arguments-differ
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.seen = seen
    yield server
    server.shutdown()
    server.server_close()
    thread.join(10)


def test_https_certificates_method_and_headers(ansible, https_server):
    url = f"https://127.0.0.1:{https_server.server_address[1]}/ready"
    refused = ansible.fails("probe", {"url": url})
    assert refused["last_error"].startswith("TLS: certificate verify failed: self"), refused["last_error"]
    assert refused["last_error"].endswith("(http_validate_certs=false accepts any certificate)")
    ok = ansible.ok("probe", {"url": url, "http_validate_certs": False, "method": "POST", "status_code": [201],
                              "headers": {"X-Probe": "dockhand"}, "body_match": "^secure"})
    assert ok["success"] is True and ok["log"][-1]["status"] == 201
    assert https_server.seen[-1][0] == "POST" and https_server.seen[-1][1]["X-Probe"] == "dockhand"


def test_http_ready_with_latency(ansible, web):
    args = {"url": f"http://127.0.0.1:{web.port}/", "body_match": "hello from dockhand", "successes": 3,
            "retries": 20, "interval": "200ms"}
    for check in (True, False):  # changes nothing, so check mode runs the probe too
        result = ansible.ok("probe", args, check=check)
        assert result["changed"] is False and result["success"] is True and result["kind"] == "http"
        assert result["passed"] == 3 and result["attempts"] >= 3
        latency = result["latency_ms"]
        assert 0 < latency["min"] <= latency["avg"] <= latency["max"] < 5000
        assert result["log"][-1]["status"] == 200
        fact = result["ansible_facts"]["docker_probe"]
        assert fact["success"] is True and fact["latency_ms"] == latency and "log" not in fact


def test_http_failures_are_clear(ansible, web):
    result = ansible.fails("probe", {"url": f"http://127.0.0.1:{web.port}/missing", "retries": 1, "interval": "100ms"})
    assert result["msg"] == (f"probe GET http://127.0.0.1:{web.port}/missing failed after 2 attempt(s), 0 passed of 1 needed; "
                             "last error: status 404, expected 200")
    result = ansible.fails("probe", {"url": f"http://127.0.0.1:{web.port}/", "body_match": "^goodbye"})
    assert "does not match '^goodbye'" in result["last_error"]
    result = ansible.fails("probe", {"url": f"http://127.0.0.1:{web.port}/", "successes": 2, "interval": "100ms", "max_latency_ms": 0.001})
    assert result["msg"].startswith(f"probe GET http://127.0.0.1:{web.port}/: average latency ")
    assert "is above max_latency_ms 0.001" in result["msg"] and result["success"] is True


def test_tcp_open_and_closed_ports(ansible, web):
    opened = ansible.ok("probe", {"host": "127.0.0.1", "port": web.port})
    assert opened["success"] is True and opened["target"] == f"tcp 127.0.0.1:{web.port}" and opened["latency_ms"]["avg"] > 0
    port = free_port()
    closed = ansible.fails("probe", {"port": port, "retries": 2, "interval": "100ms"})
    assert closed["msg"] == (f"probe tcp 127.0.0.1:{port} failed after 3 attempt(s), 0 passed of 1 needed; "
                             "last error: Connection refused")
    assert closed["attempts"] == 3 and closed["latency_ms"] is None and closed["ansible_facts"]["docker_probe"]["success"] is False
    closed_http = ansible.fails("probe", {"url": f"http://127.0.0.1:{port}/"})
    assert closed_http["last_error"] == "Connection refused"


def test_command_in_container(ansible, prefix, web):
    ok = ansible.ok("probe", {"container": f"{prefix}-web", "command": ["wget", "-q", "-O", "-", "http://127.0.0.1:8080/"],
                              "body_match": "hello", "retries": 10, "interval": "200ms"})
    assert ok["success"] is True and ok["kind"] == "command" and ok["log"][-1]["rc"] == 0
    failed = ansible.fails("probe", {"container": f"{prefix}-web", "command": ["sh", "-c", "echo not yet; exit 3"]})
    assert failed["last_error"] == "exit code 3, expected 0: 'not yet'"
    slow = ansible.fails("probe", {"container": f"{prefix}-web", "command": ["sleep", "5"], "attempt_timeout": "500ms"})
    assert slow["last_error"].startswith("timed out after 0.5s")
    missing = ansible.fails("probe", {"container": f"{prefix}-nope", "command": ["true"]})
    assert missing["last_error"].startswith(f"running the command in container {prefix}-nope: not found: ")


def test_http_and_tcp_need_no_engine(ansible, web):
    result = ansible.ok("probe", {"port": web.port, "docker_host": "unix:///run/no-such-docker.sock"})
    assert result["success"] is True


@pytest.mark.parametrize("args, option", [
    ({"retries": 1}, "url"),  # none of url, port, container
    ({"url": "http://127.0.0.1/", "port": 80}, "url"),
    ({"port": 80, "interval": "often"}, "interval"),
    ({"url": "http://127.0.0.1/", "body_match": "("}, "body_match"),
])
def test_bad_input_names_the_option(ansible, args, option):
    result = ansible.fails("probe", args)
    assert result["msg"].startswith(f"{option}: ") and result["option"] == option, result["msg"]
