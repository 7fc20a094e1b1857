# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""Connection options, the one client factory, and the one engine-error translator."""

from __future__ import annotations

import os
import re
import traceback
from contextlib import contextmanager

from ansible.module_utils.basic import env_fallback

try:
    import docker
    from docker.errors import APIError, DockerException, NotFound, TLSParameterError
    from requests.exceptions import ConnectionError as RequestsConnectionError
    from requests.exceptions import RequestException, Timeout

    HAS_DOCKER = True
    DOCKER_IMPORT_ERROR = None
except ImportError:  # the module reports missing_required_lib('docker')
    HAS_DOCKER = False
    DOCKER_IMPORT_ERROR = traceback.format_exc()

DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock"

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
)
CONNECTION_REQUIRED_TOGETHER = [["client_cert", "client_key"]]


class EngineError(Exception):
    """An engine call failed; the message says what was being done and what the engine answered."""


def _tls_config(params):
    """TLSConfig from the options, with DOCKER_CERT_PATH's ca.pem/cert.pem/key.pem as fallbacks."""
    if not (params.get("tls") or params.get("validate_certs")):
        return False
    cert_dir = os.environ.get("DOCKER_CERT_PATH") or ""

    def pick(option, filename):
        if params.get(option):
            return params[option]
        candidate = os.path.join(cert_dir, filename) if cert_dir else ""
        return candidate if candidate and os.path.exists(candidate) else None

    ca, cert, key = pick("ca_path", "ca.pem"), pick("client_cert", "cert.pem"), pick("client_key", "key.pem")
    verify = bool(params.get("validate_certs"))
    return docker.tls.TLSConfig(
        client_cert=(cert, key) if cert and key else None,
        ca_cert=ca if verify else None,
        verify=(ca or True) if verify else False,
    )


def connect(params):
    """A docker.DockerClient for the connection options; raises EngineError when the engine cannot be used."""
    host = params.get("docker_host") or DEFAULT_DOCKER_HOST
    version = params.get("api_version")
    with engine_errors("connecting to the Docker engine", host):
        return docker.DockerClient(
            base_url=host,
            version=None if version in (None, "", "auto") else version,
            timeout=params.get("timeout") or 60,
            tls=_tls_config(params),
        )


def _unreachable(exc):
    """True when exc means nothing answered at the engine address."""
    if isinstance(exc, RequestsConnectionError):
        return True
    text = str(exc)
    return isinstance(exc, DockerException) and (
        "Error while fetching server API version" in text or "Connection aborted" in text or "No such file" in text
    )


def _reason(exc):
    """The innermost OS-level reason in a transport error ('No such file or directory', 'Connection refused')."""
    text = str(exc)
    found = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", text) or re.search(r"\w+Error\(-?\d+, '([^']*)'\)", text)
    return found.group(1) if found else text


def describe_engine_error(exc, doing, host):
    """One readable sentence for an exception raised by an engine call, or None if exc is not one."""
    if not HAS_DOCKER:
        return None
    if isinstance(exc, Timeout):
        return f"{doing}: the Docker engine at {host} did not answer in time ({exc.__class__.__name__}); raise the timeout option"
    if isinstance(exc, TLSParameterError):
        return f"TLS settings for {host}: {exc}"
    if isinstance(exc, APIError):
        explanation = exc.explanation or str(exc)
        if isinstance(explanation, bytes):
            explanation = explanation.decode("utf-8", "replace")
        status = exc.status_code if exc.response is not None else "an error"
        what = "not found" if isinstance(exc, NotFound) else f"the engine answered {status}"
        return f"{doing}: {what}: {explanation}"
    if _unreachable(exc):
        return f"cannot reach the Docker engine at {host}: {_reason(exc)}"
    if isinstance(exc, (DockerException, RequestException)):
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
        raise EngineError(message) from exc
