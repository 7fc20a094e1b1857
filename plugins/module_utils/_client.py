# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""Connection options, the one engine client, and the one engine-error translator.

The client reads through a small HTTP GET on the engine's unix socket or tcp:// address (TLS included), over one
kept-alive connection per thread, and writes through the Docker SDK, which is imported only when a task first needs
it. A task that finds nothing to change (the common case of a re-run) then never imports the SDK and requests, which
cost more start-up time than the rest of the module together (the goal: a no-change task within 1.3x of an
ansible.builtin.ping task, measured by bench/task_overhead.py). Reads return the engine's JSON as the SDK's low-level
API does, so the kinds cannot tell the two paths apart. ssh:// hosts take the same path over `docker system
dial-stdio` on the far host (_ssh_transport.py: one paramiko session per task, or one `ssh` process per thread).
"""

from __future__ import annotations

import functools
import http.client
import importlib.util
import json
import os
import re
import socket
import ssl
import sys
import threading
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from ansible.module_utils.basic import env_fallback, missing_required_lib

from ._errors import APIError, EngineError, NotFound, TransportError

HAS_DOCKER = importlib.util.find_spec("docker") is not None
DOCKER_IMPORT_ERROR = None if HAS_DOCKER else "No module named 'docker'"

DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock"
MIN_API_VERSION = "1.24"  # the oldest the SDK speaks: only used until the engine's own version is known

# Same names, aliases and environment variables as community.docker, so a task migrates by changing the FQCN.
CONNECTION_ARGS = dict(
    docker_host=dict(type="str", default=DEFAULT_DOCKER_HOST, aliases=["docker_url"], fallback=(env_fallback, ["DOCKER_HOST"])),
    tls=dict(type="bool", default=False, fallback=(env_fallback, ["DOCKER_TLS"])),
    validate_certs=dict(type="bool", default=False, aliases=["tls_verify"], fallback=(env_fallback, ["DOCKER_TLS_VERIFY"])),
    ca_path=dict(type="path", aliases=["ca_cert", "tls_ca_cert", "cacert_path"]),
    client_cert=dict(type="path", aliases=["tls_client_cert", "cert_path"]),
    client_key=dict(type="path", aliases=["tls_client_key", "key_path"]),
    api_version=dict(type="str", default="auto", aliases=["docker_api_version"], fallback=(env_fallback, ["DOCKER_API_VERSION"])),
    timeout=dict(type="int", default=60, fallback=(env_fallback, ["DOCKER_TIMEOUT"])),
    tls_hostname=dict(type="str", fallback=(env_fallback, ["DOCKER_TLS_HOSTNAME"])),
    use_ssh_client=dict(type="bool", default=False),
    debug=dict(type="bool", default=False),  # accepted as in community.docker: results always carry the plan's actions
)
CONNECTION_REQUIRED_TOGETHER = [["client_cert", "client_key"]]


_SDK_IMPORT_LOCK = threading.Lock()


def load_sdk():
    """The docker package, imported on first use. Threads of one task (project) must not import it at the same time:
    a second thread would see a partly initialised docker.types."""
    with _SDK_IMPORT_LOCK:
        try:
            import docker  # pylint: disable=import-outside-toplevel
        except ImportError as exc:
            raise EngineError(f"{missing_required_lib('docker')} ({exc})") from None
    return docker


def _api_error(status, explanation):
    if status == 404 and "page not found" not in explanation:  # an unknown route (a wrong api_version) is no NotFound
        return NotFound(status, explanation)
    return APIError(status, explanation)


def _tls_wanted(params):
    return bool(params.get("tls") or params.get("validate_certs"))


def _tls_files(params):
    """(ca, cert, key) paths from the options, with DOCKER_CERT_PATH's ca.pem/cert.pem/key.pem as fallbacks."""
    cert_dir = os.environ.get("DOCKER_CERT_PATH") or ""

    def pick(option, filename):
        if params.get(option):
            return params[option]
        candidate = os.path.join(cert_dir, filename) if cert_dir else ""
        return candidate if candidate and os.path.exists(candidate) else None

    return pick("ca_path", "ca.pem"), pick("client_cert", "cert.pem"), pick("client_key", "key.pem")


def _tls_config(params):
    """TLSConfig from the options (the SDK's, for writes and ssh:// hosts)."""
    if not _tls_wanted(params):
        return False
    docker = load_sdk()
    ca, cert, key = _tls_files(params)
    verify = bool(params.get("validate_certs"))
    return docker.tls.TLSConfig(
        client_cert=(cert, key) if cert and key else None,
        ca_cert=ca if verify else None,
        verify=(ca or True) if verify else False,
    )


def _verifying_adapter(ca, hostname):
    """A requests adapter for an engine whose certificate is checked: against `ca` even when REQUESTS_CA_BUNDLE is set
    (requests would prefer it to the client's CA), and against `hostname` (tls_hostname) instead of the host of
    docker_host (the Docker SDK 7 dropped TLSConfig's assert_hostname; urllib3 still takes it).

    Called once the SDK is loaded, so requests is imported already (see load_sdk())."""
    base: Any = sys.modules["requests.adapters"].HTTPAdapter

    class VerifyingAdapter(base):
        def init_poolmanager(self, *args, **kwargs):
            if hostname:
                kwargs["assert_hostname"] = hostname
            super().init_poolmanager(*args, **kwargs)

        def send(self, request, *args, **kwargs):  # pylint: disable=signature-differs
            if ca:
                kwargs["verify"] = ca
            return super().send(request, *args, **kwargs)

    return VerifyingAdapter()


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


class _TLSConnection(http.client.HTTPConnection):
    """HTTPS to a tcp:// engine: the certificate checked as the context says, against server_hostname (tls_hostname)."""

    def __init__(self, host, port, timeout, context, server_hostname):
        super().__init__(host, port, timeout=timeout)
        self.context, self.server_hostname = context, server_hostname

    def connect(self):
        super().connect()
        self.sock = self.context.wrap_socket(self.sock, server_hostname=self.server_hostname)


def _tcp_address(host):
    """(hostname, port) of a tcp:// docker_host, or None for any other kind of address (the SDK's then)."""
    parts = urlsplit(host)
    if parts.scheme != "tcp" or not parts.hostname or parts.path not in ("", "/"):
        return None
    try:
        return parts.hostname, parts.port
    except ValueError:  # not a number: the SDK says what is wrong with it
        return None


def _ssl_context(params):
    """The TLS context of the read path, from the same options and files as the SDK's TLSConfig; a file that cannot be
    used fails naming its option."""
    ca, cert, key = _tls_files(params)
    for option, path in (("ca_path", ca), ("client_cert", cert), ("client_key", key)):
        if path and not os.path.isfile(path):
            raise EngineError(f"{option}: no such file: {path}")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if params.get("validate_certs"):
        try:
            if ca:
                context.load_verify_locations(cafile=ca)
            else:
                context.load_default_certs()
        except ssl.SSLError as exc:
            raise EngineError(f"ca_path: {ca} is not a CA certificate in PEM form ({exc.reason or exc})") from None
    else:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if cert and key:
        try:
            context.load_cert_chain(cert, key)
        except ssl.SSLError as exc:
            raise EngineError(f"client_cert and client_key: cannot be used together ({exc.reason or exc})") from None
    return context


def _tls_failure(exc):
    """A failed TLS handshake, said with the options that decide it."""
    reason = exc.reason or str(exc)
    if isinstance(exc, ssl.SSLCertVerificationError):
        hint = "the engine's certificate is not signed by ca_path" if "hostname" not in str(exc.verify_message) else \
            "the engine's certificate does not name that host: set tls_hostname"
        return f"TLS: {hint} ({exc.verify_message}); validate_certs checks it against ca_path, tls_hostname"
    if "CERTIFICATE" in reason.upper() or "HANDSHAKE" in reason.upper():
        return f"TLS: the engine refused the client certificate ({reason}); check client_cert and client_key"
    return f"TLS: {reason}; check tls, validate_certs, ca_path, client_cert and client_key"


def _filters(filters):
    """The engine's filters JSON, as the SDK writes it: every value a list of strings, booleans as true/false."""
    out = {}
    for key, value in (filters or {}).items():
        values = value if isinstance(value, list) else [value]
        out[key] = [("true" if v else "false") if isinstance(v, bool) else str(v) for v in values]
    return json.dumps(out)


class EngineAPI:
    """client.api: the SDK's low-level APIClient, with the reads a plan needs answered without the SDK.

    Any other attribute is the SDK's; its APIErrors are translated into this file's APIError and NotFound, so a kind
    catches one NotFound whichever path answered."""

    def __init__(self, engine):
        self._engine = engine

    def inspect_container(self, container):
        return self._engine.read("inspect_container", "/containers/{0}/json", container)

    def inspect_image(self, image):
        return self._engine.read("inspect_image", "/images/{0}/json", image)

    def inspect_network(self, net_id):
        return self._engine.read("inspect_network", "/networks/{0}", net_id)

    def inspect_volume(self, name):
        return self._engine.read("inspect_volume", "/volumes/{0}", name)

    def info(self):
        return self._engine.read("info", "/info")

    def version(self):
        return self._engine.read("version", "/version")

    def containers(self, all=False, filters=None):  # pylint: disable=redefined-builtin  # the SDK's signature
        query = {"all": "1" if all else "0", "filters": _filters(filters)}
        return self._engine.read("containers", "/containers/json", query=query, sdk_kwargs=dict(all=all, filters=filters))

    def networks(self, filters=None):
        return self._engine.read("networks", "/networks", query={"filters": _filters(filters)}, sdk_kwargs=dict(filters=filters))

    def volumes(self, filters=None):
        return self._engine.read("volumes", "/volumes", query={"filters": _filters(filters)}, sdk_kwargs=dict(filters=filters))

    # Swarm reads (a stack's or a service's plan and its wait) on the same path: a task that changes nothing imports no SDK
    def services(self, filters=None):
        return self._engine.read("services", "/services", query={"filters": _filters(filters)}, sdk_kwargs=dict(filters=filters))

    def inspect_service(self, service):
        return self._engine.read("inspect_service", "/services/{0}", service)

    def tasks(self, filters=None):
        return self._engine.read("tasks", "/tasks", query={"filters": _filters(filters)}, sdk_kwargs=dict(filters=filters))

    def secrets(self, filters=None):
        return self._engine.read("secrets", "/secrets", query={"filters": _filters(filters)}, sdk_kwargs=dict(filters=filters))

    def inspect_secret(self, secret_id):
        return self._engine.read("inspect_secret", "/secrets/{0}", secret_id)

    def configs(self, filters=None):
        return self._engine.read("configs", "/configs", query={"filters": _filters(filters)}, sdk_kwargs=dict(filters=filters))

    def inspect_config(self, config_id):
        return self._engine.read("inspect_config", "/configs/{0}", config_id)

    def remove_service(self, service):
        self._write("remove_service", (service,), {}, "DELETE", "/services/{0}")

    def post_json(self, path, body, *args, query=None, headers=None):
        """POST body as JSON to an engine path ("/containers/{0}/update", its {0} filled with args[0], quoted as the SDK
        does) and return the JSON answer.

        For the requests whose SDK helpers drop fields (create with every HostConfig key, update with zeros); headers:
        more request headers (X-Registry-Auth)."""
        if self._engine.reads_direct:
            return self._engine.write("POST", path, *args, query=query, body=body, headers=headers)
        api = self._engine.sdk().api

        def post():
            more = {"headers": headers} if headers else {}  # the SDK adds its Content-Type to a dict, never to None
            response = api._post_json(api._url(path, *args), data=body, params=query, **more)
            api._raise_for_status(response)
            return response.json() if response.content else None  # some answers are empty (a secret's update)
        return self._engine.sdk_call(post)

    # The writes of a container's life go the way reads do (no SDK import, no requests stack per call); the engine
    # answers them the same either way. ssh:// and the other addresses take the SDK's methods of the same names.
    def start(self, container):
        self._write("start", (container,), {}, "POST", "/containers/{0}/start")

    def stop(self, container, timeout=None):
        query = {} if timeout is None else {"t": timeout}
        self._write("stop", (container,), {"timeout": timeout}, "POST", "/containers/{0}/stop", query, wait=timeout or 0)

    def kill(self, container, signal=None):
        self._write("kill", (container,), {"signal": signal}, "POST", "/containers/{0}/kill", {"signal": signal} if signal else {})

    def remove_container(self, container, v=False, force=False):
        query = {"v": _flag(v), "force": _flag(force)}
        self._write("remove_container", (container,), {"v": v, "force": force}, "DELETE", "/containers/{0}", query)

    def rename(self, container, name):
        self._write("rename", (container, name), {}, "POST", "/containers/{0}/rename", {"name": name})

    def pause(self, container):
        self._write("pause", (container,), {}, "POST", "/containers/{0}/pause")

    def unpause(self, container):
        self._write("unpause", (container,), {}, "POST", "/containers/{0}/unpause")

    def remove_network(self, net_id):
        self._write("remove_network", (net_id,), {}, "DELETE", "/networks/{0}")

    def remove_volume(self, name, force=False):
        self._write("remove_volume", (name,), {"force": force}, "DELETE", "/volumes/{0}", {"force": _flag(force)} if force else {})

    def _write(self, sdk_name, args, kwargs, method, path, query=None, wait=0):
        if not self._engine.reads_direct:
            return self._engine.sdk_api(sdk_name)(*args, **kwargs)
        return self._engine.write(method, path, args[0], query=query, wait=wait)

    def get_stream(self, path, query=None, chunk_size=1 << 20):
        """GET an engine path and yield its raw answer in chunks (an image archive from /images/get, whose SDK helper
        takes one image name only)."""
        api = self._engine.sdk().api

        def answer():
            response = api._get(api._url(path), params=query, stream=True)
            api._raise_for_status(response)
            return response
        yield from self._engine.sdk_call(answer).iter_content(chunk_size)

    def registry_auth(self, registry):
        """The Docker config's credentials for a registry (as the CLI would send them), or {}."""
        api = self._engine.sdk().api
        found = load_sdk().auth.resolve_authconfig(api._auth_configs, registry)
        return dict(found) if found else {}

    def __getattr__(self, name):
        return self._engine.sdk_api(name)


class Engine:
    """The engine client of one task: client.api (see EngineAPI) and client.info()."""

    def __init__(self, params):
        self.params = params
        self.host = params.get("docker_host") or DEFAULT_DOCKER_HOST
        version = params.get("api_version")
        self.auto_version = version in (None, "", "auto")
        if not self.auto_version and not re.match(r"^\d+\.\d+$", str(version)):
            raise EngineError(f"api_version: must be auto or MAJOR.MINOR such as 1.41, got {version!r}")
        self._prefix = "" if self.auto_version else f"/v{version}"  # no prefix: the engine's own API version
        path = self.host[len("unix://"):] if self.host.startswith("unix://") else ""
        self.socket_path = path if path.startswith("/") and not _tls_wanted(params) else None
        self._timeout = params.get("timeout") or 60
        # reads of a tcp:// engine go straight to its address too, and those of an ssh:// engine over dial-stdio
        self._tcp = None if self.socket_path else _tcp_address(self.host)
        self._ssl = _ssl_context(params) if self._tcp and _tls_wanted(params) else None
        self._dial: Any = None  # ssh://: makes a connection over dial-stdio, given the timeout
        if not self.socket_path and not self._tcp and self.host.startswith("ssh://"):
            from . import _ssh_transport  # pylint: disable=import-outside-toplevel  # only ssh:// hosts load it
            target = _ssh_transport.ssh_target(self.host)
            if target and params.get("use_ssh_client"):
                self._dial = functools.partial(_ssh_transport.SSHClientConnection, target)
            elif target:
                self._dial = _ssh_transport.ParamikoSession(target, self._timeout).connection
        self.reads_direct = bool(self.socket_path or self._tcp or self._dial)
        self._local = threading.local()  # each thread's kept-alive read connection
        self._sdk = None
        self._lock = threading.Lock()
        self._shared: dict = {}
        self.api = EngineAPI(self)

    def info(self):
        return self.api.info()

    def shared(self, key, read):
        """read() once per task for key, whichever resource of a project asks first (the image all the containers of
        a project share is inspected once); forget(key) after a step that changes what it read."""
        with self._lock:
            slot = self._shared.setdefault(key, [threading.Lock(), False, None])
        with slot[0]:
            if not slot[1]:
                slot[2], slot[1] = read(), True
        return slot[2]

    def forget(self, key):
        with self._lock:
            self._shared.pop(key, None)

    def sdk(self):
        """The Docker SDK's DockerClient, made (and the SDK imported) on first use."""
        with self._lock:
            if self._sdk is None:
                tls = _tls_config(self.params)
                verified = bool(tls) and bool(tls.verify)
                # a checked certificate is checked from the first request on, the version negotiation included
                version = self.params["api_version"] if not self.auto_version else (MIN_API_VERSION if verified else None)
                sdk = load_sdk().DockerClient(base_url=self.host, version=version, timeout=self._timeout, tls=tls,
                                              use_ssh_client=bool(self.params.get("use_ssh_client")))
                if verified:
                    sdk.api.mount("https://", _verifying_adapter(tls.ca_cert, self.params.get("tls_hostname")))
                    if self.auto_version:
                        sdk.api._version = sdk.api._retrieve_server_version()  # pylint: disable=protected-access
                self._sdk = sdk
            return self._sdk

    def sdk_api(self, name):
        """The SDK APIClient's attribute name; a method of it raises this file's APIError and NotFound."""
        attr = getattr(self.sdk().api, name)
        if not callable(attr):
            return attr
        return lambda *args, **kwargs: self.sdk_call(lambda: attr(*args, **kwargs))

    def sdk_call(self, call):
        """call(), with the SDK's APIError translated into this file's APIError and NotFound."""
        try:
            return call()
        except sys.modules["docker.errors"].APIError as exc:
            raise _translate_sdk_error(exc) from exc

    def _connection(self):
        """This thread's kept-alive read connection (reads may come from several threads), made on first use."""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            if self.socket_path:
                connection = _UnixConnection(self.socket_path, self._timeout)
            elif self._dial:
                connection = self._dial(self._timeout)
            else:
                host, port = self._tcp or ("", 0)  # reads_direct: no unix socket, so a tcp address
                port = port or (2376 if self._ssl else 2375)  # the ports the Docker CLI assumes
                connection = (_TLSConnection(host, port, self._timeout, self._ssl, self.params.get("tls_hostname") or host)
                              if self._ssl else http.client.HTTPConnection(host, port, timeout=self._timeout))
            self._local.connection = connection
        return connection

    def _drop_connection(self):
        connection, self._local.connection = getattr(self._local, "connection", None), None
        if connection is not None:
            connection.close()

    def _request(self, method, url, body=None, wait=0, headers=None):
        """(response, body) of one request on this thread's kept-alive connection; wait: seconds the engine may take on
        top of the timeout option (a stop's grace period). A connection the engine closed meanwhile is retried once on a
        new one: any GET, and a write only when sending it failed (a write is never sent twice)."""
        data = json.dumps(body).encode() if body is not None else None
        headers = dict({"Content-Type": "application/json"} if data is not None else {}, **(headers or {}))
        while True:
            connection = self._connection()
            reused = connection.sock is not None
            sent = False
            try:
                if connection.sock is None:
                    connection.connect()
                connection.sock.settimeout(self._timeout + wait)
                connection.request(method, url, body=data, headers=headers)
                sent = True
                response = connection.getresponse()
                return response, response.read()
            except socket.timeout:
                self._drop_connection()
                raise TransportError("timed out", timed_out=True) from None
            except ssl.SSLError as exc:
                self._drop_connection()
                raise TransportError(_tls_failure(exc)) from None
            except (ConnectionError, http.client.RemoteDisconnected, http.client.CannotSendRequest) as exc:
                self._drop_connection()
                if not reused or (sent and method != "GET"):
                    raise TransportError(getattr(exc, "strerror", None) or str(exc) or exc.__class__.__name__) from None
            except OSError as exc:
                self._drop_connection()
                raise TransportError(exc.strerror or str(exc)) from None
            except http.client.HTTPException as exc:
                self._drop_connection()
                raise TransportError(f"{exc.__class__.__name__}: {exc}") from None

    def _url(self, path, args, query):
        url = self._prefix + path.format(*(quote(str(a), safe="/:") for a in args))
        return url + "?" + urlencode(query) if query else url

    def write(self, method, path, *args, query=None, body=None, wait=0, headers=None):
        """A write request (POST or DELETE) on the read path's connection; its JSON answer, or None when it has none."""
        return _answer(*self._request(method, self._url(path, args, query), body, wait, headers))

    def read(self, method, path, *args, query=None, sdk_kwargs=None):
        """GET path (its {0} filled with args[0], quoted as the SDK does) as JSON; through the SDK for ssh:// and the
        other addresses the read path does not know."""
        if not self.reads_direct:
            return self.sdk_api(method)(*args, **(sdk_kwargs or {}))
        return _answer(*self._request("GET", self._url(path, args, query)))


def _flag(value):
    return "1" if value else "0"


def _answer(response, body):
    """The engine's JSON answer (None when empty); an error status raises APIError or NotFound with its message."""
    if response.status == 400 and b"HTTP request to an HTTPS server" in body:
        raise TransportError("the engine speaks TLS there: set tls (or validate_certs and ca_path)")
    if response.status >= 400:
        try:
            answer = json.loads(body)
        except ValueError:
            answer = body.decode("utf-8", "replace").strip()
        explanation = str((answer.get("message") if isinstance(answer, dict) else answer) or "")
        raise _api_error(response.status, explanation or response.reason)
    return json.loads(body) if body else None


def _translate_sdk_error(exc):
    explanation = exc.explanation or str(exc)
    if isinstance(explanation, bytes):
        explanation = explanation.decode("utf-8", "replace")
    status = exc.status_code if exc.response is not None else None
    if status is None:
        return APIError("an error", explanation)
    return _api_error(status, explanation)


def connect(params):
    """The Engine client for the connection options; raises EngineError when the options cannot be used.

    Without a unix socket or tcp:// address to read from, the SDK client is made now, so a wrong address or TLS setting
    fails here."""
    with engine_errors("connecting to the Docker engine", params.get("docker_host") or DEFAULT_DOCKER_HOST):
        engine = Engine(params)
        if not engine.reads_direct:
            engine.sdk()
        return engine


def _unreachable(exc, sdk_errors, requests_errors):
    """True when an SDK or requests exception means nothing answered at the engine address."""
    if requests_errors is not None and isinstance(exc, requests_errors.ConnectionError):
        return True
    text = str(exc)
    return sdk_errors is not None and isinstance(exc, sdk_errors.DockerException) and (
        "Error while fetching server API version" in text or "Connection aborted" in text or "No such file" in text
    )


def _reason(exc):
    """The innermost OS-level reason in a transport error ('No such file or directory', 'Connection refused')."""
    text = str(exc)
    found = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", text) or re.search(r"\w+Error\(-?\d+, '([^']*)'\)", text)
    return found.group(1) if found else text


def describe_engine_error(exc, doing, host):
    """One readable sentence for an exception raised by an engine call, or None if exc is not one."""
    if isinstance(exc, APIError):
        what = "not found" if isinstance(exc, NotFound) else f"the engine answered {exc.status_code}"
        return f"{doing}: {what}: {exc.explanation}"
    if isinstance(exc, TransportError):
        if exc.timed_out:
            return f"{doing}: the Docker engine at {host} did not answer in time; raise the timeout option"
        return f"cannot reach the Docker engine at {host}: {exc.reason}"
    # The SDK's own exceptions (from streams, and from making the client); none can exist before the SDK is imported.
    sdk_errors, requests_errors = sys.modules.get("docker.errors"), sys.modules.get("requests.exceptions")
    if requests_errors is not None and isinstance(exc, requests_errors.Timeout):
        return f"{doing}: the Docker engine at {host} did not answer in time ({exc.__class__.__name__}); raise the timeout option"
    if sdk_errors is not None and isinstance(exc, sdk_errors.TLSParameterError):
        return f"TLS settings for {host}: {exc}"
    if sdk_errors is not None and isinstance(exc, sdk_errors.APIError):
        return describe_engine_error(_translate_sdk_error(exc), doing, host)
    if _unreachable(exc, sdk_errors, requests_errors):
        return f"cannot reach the Docker engine at {host}: {_reason(exc)}"
    if (sdk_errors is not None and isinstance(exc, sdk_errors.DockerException)) or (
            requests_errors is not None and isinstance(exc, requests_errors.RequestException)):
        return f"{doing}: {exc}"
    return None


@contextmanager
def engine_errors(doing, host):
    """Turn any engine or transport exception raised inside the block into EngineError(readable message)."""
    try:
        yield
    except EngineError:
        raise
    except Exception as exc:  # pylint: disable=broad-except
        message = describe_engine_error(exc, doing, host)
        if message is None:
            raise
        raise EngineError(message, status=_status_of(exc)) from exc


def _status_of(exc):
    """The engine's HTTP status behind an exception, when it answered one."""
    if isinstance(exc, APIError):
        return exc.status_code if isinstance(exc.status_code, int) else None
    sdk_errors = sys.modules.get("docker.errors")
    if sdk_errors is not None and isinstance(exc, sdk_errors.APIError):
        return exc.status_code if exc.response is not None else None
    return None
