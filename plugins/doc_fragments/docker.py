# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Connection options shared by every dockhand.docker module (the spec is CONNECTION_ARGS in _client.py)."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  docker_host:
    description:
      - The Docker engine to talk to, as C(unix:///path/to/docker.sock), C(tcp://host:port) (with O(tls) or
        O(validate_certs) for TLS) or C(ssh://user@host) (C(docker system dial-stdio) on that host over paramiko, or
        the C(ssh) client with O(use_ssh_client)).
      - Falls back to the E(DOCKER_HOST) environment variable when not set.
    type: str
    default: unix:///var/run/docker.sock
    aliases: [docker_url]
  tls:
    description:
      - Talk to the engine over TLS without checking its certificate. See O(validate_certs) to check it.
      - Falls back to E(DOCKER_TLS).
    type: bool
    default: false
  validate_certs:
    description:
      - Talk to the engine over TLS and check its certificate against O(ca_path).
      - Falls back to E(DOCKER_TLS_VERIFY).
    type: bool
    default: false
    aliases: [tls_verify]
  ca_path:
    description:
      - CA certificate that signs the engine's certificate. Defaults to C(ca.pem) in E(DOCKER_CERT_PATH) when that is set.
    type: path
    aliases: [ca_cert, tls_ca_cert, cacert_path]
  client_cert:
    description:
      - Client certificate for TLS. Defaults to C(cert.pem) in E(DOCKER_CERT_PATH) when that is set.
    type: path
    aliases: [tls_client_cert, cert_path]
  client_key:
    description:
      - Client key for TLS. Defaults to C(key.pem) in E(DOCKER_CERT_PATH) when that is set.
    type: path
    aliases: [tls_client_key, key_path]
  api_version:
    description:
      - The Engine API version to speak. V(auto) negotiates the newest version both sides know.
      - Falls back to E(DOCKER_API_VERSION). Pinning a version newer than the engine's fails.
      - A pinned version is written V(MAJOR.MINOR), such as V(1.41).
    type: str
    default: auto
    aliases: [docker_api_version]
  timeout:
    description:
      - Seconds to wait for an answer from the engine. Falls back to E(DOCKER_TIMEOUT).
    type: int
    default: 60
  tls_hostname:
    description:
      - With O(validate_certs), check the engine's certificate against this name instead of the host of O(docker_host), for
        an engine reached by an address its certificate does not name. Falls back to E(DOCKER_TLS_HOSTNAME).
      - Without O(validate_certs) the certificate is not checked, so this changes nothing.
    type: str
  use_ssh_client:
    description:
      - For an C(ssh://) O(docker_host), run the C(ssh) command line client (with its configuration and agent) instead of
        a paramiko connection. One C(ssh) process per thread of the task carries all its requests (the Docker SDK, used
        for builds, pulls, pushes, exec and copies, starts its own). The Docker SDK still needs paramiko installed for
        C(ssh://) hosts.
    type: bool
    default: false
  debug:
    description:
      - Accepted so community.docker tasks run unchanged. It changes nothing, since results always include the plan's
        C(actions) and C(changes), in check mode and out of it.
    type: bool
    default: false
notes:
  - Connection options have the same names, aliases and environment variables as in community.docker, so a
    task moves over by changing the module's FQCN.
  - On a unix socket, a C(tcp://) address (with or without TLS) or an C(ssh://) host (C(docker system dial-stdio) on
    it, as the Docker CLI does), objects are read and containers, networks and volumes changed straight through one
    kept-alive connection, and the Docker SDK is loaded only for what needs it (builds, pulls, pushes, stats, exec), so
    a task that finds nothing to change starts faster. For C(ssh://) the far host needs the C(docker) command.
  - When the task would run the module on the controller anyway (connection C(local), no become, no async, and the
    host's Python interpreter is the controller's own, as for the implicit C(localhost)), the module runs in a fork of
    the controller's worker instead of a new Python that unpacks it, which saves 0.2 to 0.5 s of CPU per task. Its
    arguments, result, check mode, diff and no_log are those of a module process. Set the variable
    C(dockhand_run_in_controller=false), or the controller's environment variable C(DOCKHAND_RUN_IN_CONTROLLER=false),
    to run it as ansible-core does.
requirements:
  - Docker SDK for Python >= 7.1.0 (C(pip install docker)) on the host that runs the module
  - requests
  - paramiko, for an C(ssh://) O(docker_host) (C(pip install paramiko))
"""
