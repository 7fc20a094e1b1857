# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: api
short_description: Run tasks in Docker containers through the Engine API
description:
  - Runs commands in a running container through the Docker Engine API's exec endpoints, and copies files in and out
    through its archive endpoints. No Docker CLI is needed on the controller, only the Docker SDK for Python.
  - File copies are streamed both ways, so a large file is never held whole in memory. A file put into the container
    keeps its mode and belongs to the user the commands run as (O(remote_user)), as with community.docker's connections.
  - Pipelining is on by default (a module runs without copying files first); containers have no C(requiretty) to
    conflict with it. Become works inside the container where C(sudo) or C(su) exist, with or without a password.
  - A container that does not exist or is not running makes the host unreachable, with a message naming the container.
author:
  - dockhand.docker maintainers (@dockhand)
version_added: 0.1.0
options:
  remote_addr:
    description:
      - The name or ID of the container.
    type: str
    default: inventory_hostname
    vars:
      - name: inventory_hostname
      - name: ansible_host
      - name: ansible_dockhand_container
  remote_user:
    description:
      - The user commands run as in the container (the exec user), as a name or as C(uid[:gid]).
      - When not set, the container's own user (its C(Config.User), usually root).
    type: str
    vars:
      - name: ansible_user
      - name: ansible_dockhand_user
    ini:
      - section: defaults
        key: remote_user
    env:
      - name: ANSIBLE_REMOTE_USER
    cli:
      - name: user
    keyword:
      - name: remote_user
  working_dir:
    description:
      - The directory commands start in. When not set, the container's own working directory.
      - Relative paths given to file transfers are relative to it.
    type: str
    vars:
      - name: ansible_dockhand_working_dir
  privileged:
    description:
      - Run commands with extended privileges.
    type: bool
    default: false
    vars:
      - name: ansible_dockhand_privileged
  extra_env:
    description:
      - Extra environment variables for every command, as a dictionary.
    type: dict
    vars:
      - name: ansible_dockhand_extra_env
  pipelining:
    description:
      - Send a module to the container's Python on its standard input instead of copying it to a file first.
      - Unlike Ansible's other connections this is on by default; set it to V(false) to copy modules as files.
      - Off by itself over TLS, where a connection cannot be half-closed to end a command's input.
    type: bool
    default: true
    vars:
      - name: ansible_pipelining
      - name: ansible_dockhand_pipelining
    env:
      - name: ANSIBLE_PIPELINING
  docker_host:
    description:
      - The Docker engine, as C(unix:///path/to/docker.sock), C(tcp://host:port) or C(ssh://user@host).
    type: str
    default: unix:///var/run/docker.sock
    vars:
      - name: ansible_dockhand_docker_host
    env:
      - name: DOCKER_HOST
  tls:
    description:
      - Talk to the engine over TLS without checking its certificate. See O(validate_certs) to check it.
    type: bool
    default: false
    vars:
      - name: ansible_dockhand_tls
    env:
      - name: DOCKER_TLS
  validate_certs:
    description:
      - Talk to the engine over TLS and check its certificate against O(ca_path).
    type: bool
    default: false
    vars:
      - name: ansible_dockhand_validate_certs
    env:
      - name: DOCKER_TLS_VERIFY
  ca_path:
    description:
      - CA certificate that signs the engine's certificate. Defaults to C(ca.pem) in E(DOCKER_CERT_PATH) when that is set.
    type: path
    vars:
      - name: ansible_dockhand_ca_path
  client_cert:
    description:
      - Client certificate for TLS. Defaults to C(cert.pem) in E(DOCKER_CERT_PATH) when that is set.
    type: path
    vars:
      - name: ansible_dockhand_client_cert
  client_key:
    description:
      - Client key for TLS. Defaults to C(key.pem) in E(DOCKER_CERT_PATH) when that is set.
    type: path
    vars:
      - name: ansible_dockhand_client_key
  tls_hostname:
    description:
      - With O(validate_certs), check the engine's certificate against this name instead of the host of O(docker_host).
    type: str
    vars:
      - name: ansible_dockhand_tls_hostname
    env:
      - name: DOCKER_TLS_HOSTNAME
  use_ssh_client:
    description:
      - For an C(ssh://) O(docker_host), run the C(ssh) command line client instead of the Docker SDK's paramiko connection.
    type: bool
    default: false
    vars:
      - name: ansible_dockhand_use_ssh_client
  api_version:
    description:
      - The Engine API version to speak, V(auto) or V(MAJOR.MINOR) such as V(1.41).
    type: str
    default: auto
    vars:
      - name: ansible_dockhand_api_version
    env:
      - name: DOCKER_API_VERSION
  timeout:
    description:
      - Seconds to wait for an answer from the engine, and for a privilege escalation prompt or its success.
      - A command itself may run as long as it needs.
    type: int
    default: 60
    vars:
      - name: ansible_dockhand_timeout
    env:
      - name: DOCKER_TIMEOUT
notes:
  - The engine options have the same meaning as the connection options of the modules (see M(dockhand.docker.container)).
  - Files are copied with the engine's archive endpoints; when the directory a file goes to does not exist the copy fails.
  - Commands run with the container's shell given by C(ansible_shell_executable) (default C(/bin/sh)).
requirements:
  - Docker SDK for Python >= 7.1.0 (C(pip install docker)) on the controller
"""

EXAMPLES = r"""
# inventory.ini: containers as hosts
# [app]
# web-1 ansible_connection=dockhand.docker.api ansible_user=www-data

- name: Configure containers through the Engine API
  hosts: app
  gather_facts: false
  vars:
    ansible_connection: dockhand.docker.api
    ansible_dockhand_docker_host: unix:///var/run/docker.sock
  tasks:
    - name: Run a command in the container
      ansible.builtin.command: id -u
      changed_when: false

    - name: Copy a file in
      ansible.builtin.copy:
        src: app.conf
        dest: /etc/app.conf
        mode: "0644"
      become: true
"""

import os
import posixpath

from ansible.errors import AnsibleConnectionFailure, AnsibleFileNotFound
from ansible.module_utils.common.text.converters import to_bytes, to_native, to_text
from ansible.plugins.connection import ConnectionBase
from ansible.utils.display import Display

from ansible_collections.dockhand.docker.plugins.module_utils._archive import fetch_file, put_file
from ansible_collections.dockhand.docker.plugins.module_utils._client import connect
from ansible_collections.dockhand.docker.plugins.module_utils._errors import EngineError
from ansible_collections.dockhand.docker.plugins.module_utils._exec import run_in_container

display = Display()

# the engine options of every module (_client.CONNECTION_ARGS), as ansible_dockhand_<option> variables
ENGINE_OPTIONS = ("docker_host", "tls", "validate_certs", "ca_path", "client_cert", "client_key", "tls_hostname", "use_ssh_client",
                  "api_version", "timeout")


class Connection(ConnectionBase):
    """Commands through exec, files through the archive endpoints, of one container on one Docker engine."""

    transport = "dockhand.docker.api"
    has_pipelining = True
    _connected: bool

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._engine = None
        self._ids = None  # (uid, gid) of the exec user, read once, for the owner of files put into the container

    # -- helpers --

    @property
    def _container(self):
        return self.get_option("remote_addr")

    def _fail(self, exc):
        return AnsibleConnectionFailure(to_native(exc))

    def _run(self, command, in_data=None, negotiate=None):
        try:
            return run_in_container(
                self._engine, self._container, command, stdin=in_data, user=self.get_option("remote_user"),
                workdir=self.get_option("working_dir"), env=self.get_option("extra_env"),
                privileged=self.get_option("privileged"), negotiate=negotiate, negotiate_timeout=self.get_option("timeout"),
            )
        except EngineError as exc:
            raise self._fail(exc) from None

    def _remote_path(self, path):
        path = to_text(path)
        if not posixpath.isabs(path):
            path = posixpath.join(self.get_option("working_dir") or "/", path)
        return posixpath.normpath(path)

    def _exec_user_ids(self):
        if self._ids is None:
            result = self._run(["/bin/sh", "-c", "id -u && id -g"])
            lines = result.stdout.split()
            if result.rc != 0 or len(lines) != 2:
                raise AnsibleConnectionFailure(
                    f"container {self._container}: cannot read the ids of user {self.get_option('remote_user') or '(default)'}: "
                    f"{to_native(result.stdout + result.stderr).strip()}")
            self._ids = (int(lines[0]), int(lines[1]))
        return self._ids

    def _become_negotiator(self):
        """For a become method that asks a password: wait for its prompt, answer it, wait for its success marker."""
        become = self.become
        password = to_bytes(become.get_option("become_pass", playcontext=self._play_context) or "", errors="surrogate_or_strict") + b"\n"
        container = self._container

        def negotiate(frames, send):
            seen, read, sent = b"", [], False
            for frame in frames:
                read.append(frame)
                seen += b"".join(part for part in frame if part)
                if become.check_success(seen):
                    return read
                if not sent and become.check_password_prompt(seen):
                    send(password)
                    sent = True
            raise AnsibleConnectionFailure(
                f"container {container}: privilege escalation ended or timed out before it succeeded: {to_native(seen).strip()}")
        return negotiate

    # -- the connection interface --

    def _connect(self):
        if not self._connected:
            params = {option: self.get_option(option) for option in ENGINE_OPTIONS}
            try:
                self._engine = connect(params)
            except EngineError as exc:
                raise self._fail(exc) from None
            if self._engine.socket_path is None and (params["tls"] or params["validate_certs"]):
                self.set_option("pipelining", False)  # a TLS socket cannot be half-closed to end a module's input
            display.vvv(f"ESTABLISH DOCKHAND API CONNECTION TO {self._container} AS {self.get_option('remote_user') or '(container user)'}",
                        host=self._container)
            self._connected = True
        return self

    def exec_command(self, cmd, in_data=None, sudoable=True):
        super().exec_command(cmd, in_data=in_data, sudoable=sudoable)
        executable = self._play_context.executable or "/bin/sh"
        display.vvv(f"EXEC {to_text(cmd)}", host=self._container)
        negotiate = None
        if sudoable and self.become and self.become.expect_prompt():
            negotiate = self._become_negotiator()
        result = self._run([executable, "-c", to_text(cmd)], in_data=in_data, negotiate=negotiate)
        return result.rc, result.stdout, result.stderr

    def put_file(self, in_path, out_path):
        super().put_file(in_path, out_path)
        out_path = self._remote_path(out_path)
        display.vvv(f"PUT {in_path} TO {out_path}", host=self._container)
        if not os.path.exists(to_bytes(in_path, errors="surrogate_or_strict")):
            raise AnsibleFileNotFound(f"file or module does not exist: {to_native(in_path)}")
        uid, gid = self._exec_user_ids()
        try:
            put_file(self._engine, self._container, to_text(in_path), out_path, uid=uid, gid=gid)
        except EngineError as exc:
            raise self._fail(exc) from None

    def fetch_file(self, in_path, out_path):
        super().fetch_file(in_path, out_path)
        in_path = self._remote_path(in_path)
        display.vvv(f"FETCH {in_path} TO {out_path}", host=self._container)
        try:
            fetch_file(self._engine, self._container, in_path, to_text(out_path))
        except EngineError as exc:
            raise self._fail(exc) from None

    def reset(self):
        self.close()

    def close(self):
        self._engine = None
        self._ids = None
        self._connected = False
