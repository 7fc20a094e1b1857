# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""The ssh:// engine connections of the client's direct path: HTTP over `docker system dial-stdio` on the far host,
as the Docker CLI and SDK reach an ssh:// engine, but kept alive for the whole task.

The SDK's ssh transport opens a new channel (paramiko) or a new `ssh` process (use_ssh_client) per pooled connection
and pulls in the SDK and requests; with use_ssh_client every request started its own `ssh`. Here one paramiko session
per task carries one channel per thread, or one `ssh` process per thread, and each is a kept-alive HTTP connection.
The far side is found as the SDK finds it: user, host and port from the URL, then ~/.ssh/config (HostName, Port, User,
IdentityFile, ProxyCommand); host keys from ~/.ssh/known_hosts, an unknown host refused.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import threading
from typing import Any
from urllib.parse import urlsplit

DIAL = "docker system dial-stdio"


def ssh_target(host):
    """(user, hostname, port) of an ssh:// docker_host, or None for any other address."""
    parts = urlsplit(host)
    if parts.scheme != "ssh" or not parts.hostname or parts.path not in ("", "/"):
        return None
    try:
        return parts.username, parts.hostname, parts.port
    except ValueError:  # not a number: the SDK says what is wrong with it
        return None


class _DialConnection(http.client.HTTPConnection):
    """An HTTP connection whose socket is a dial-stdio stream; a far side that closes at once is said with what it
    printed (ssh's refusal, or a missing docker command). http.client closes the connection before the error reaches
    here, so close() keeps the stream's end (self.ended) for far_side_said()."""

    def __init__(self, timeout):
        super().__init__("localhost", timeout=timeout)
        self.ended: Any = None  # the ssh process, or the paramiko channel

    def far_side_said(self):
        return ""

    def request(self, *args, **kwargs):  # pylint: disable=arguments-differ
        try:
            return super().request(*args, **kwargs)
        except (BrokenPipeError, ConnectionResetError) as exc:  # the far side ended before the request was written
            self._say_why(exc)
            raise

    def getresponse(self):
        try:
            return super().getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
            self._say_why(exc)
            raise

    def _say_why(self, exc):
        said = self.far_side_said()
        if said:
            raise ConnectionError(f"ssh: {said}") from exc


class SSHClientConnection(_DialConnection):
    """use_ssh_client: the machine's `ssh` command (its own config, agent and known hosts) runs dial-stdio; its stdin
    and stdout are one end of a socket pair, this connection's socket the other. Closing the socket ends ssh."""

    def __init__(self, target, timeout):
        super().__init__(timeout)
        self.target = target

    def connect(self):
        user, hostname, port = self.target
        command = ["ssh"] + (["-l", user] if user else []) + (["-p", str(port)] if port else []) + ["--", hostname, DIAL]
        ours, theirs = socket.socketpair()
        env = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "SSL_CERT_FILE")}  # as the SDK does
        try:
            # a session of its own: a Ctrl-C reaches the module, which then closes the connection, and ssh ends with it
            # pylint: disable-next=consider-using-with  # it lives as long as the connection: closing the socket ends it
            self.ended = subprocess.Popen(command, stdin=theirs.fileno(), stdout=theirs.fileno(), stderr=subprocess.PIPE,
                                          env=env, start_new_session=True)
        except OSError as exc:
            ours.close()
            raise ConnectionError(f"cannot run the ssh command (use_ssh_client): {exc.strerror or exc}") from None
        finally:
            theirs.close()
        self.sock = ours

    def far_side_said(self):
        try:
            _out, err = self.ended.communicate(timeout=5)
        except (AttributeError, subprocess.TimeoutExpired):
            return ""
        return (err or b"").decode("utf-8", "replace").strip()[-500:] or f"ssh exited with status {self.ended.returncode}"


class ParamikoSession:
    """One paramiko session to the far host per task; each connection() is a channel of it running dial-stdio."""

    def __init__(self, target, timeout):
        self.target, self.timeout = target, timeout
        self._client = None
        self._lock = threading.Lock()

    def _connect(self):
        try:
            import paramiko  # pylint: disable=import-outside-toplevel  # only ssh:// hosts need it
        except ImportError:
            raise ConnectionError("ssh:// needs the Python library paramiko where the module runs (or use_ssh_client: true "
                                  "and an ssh command)") from None

        user, hostname, port = self.target
        params = {"hostname": hostname, "port": port, "username": user, "timeout": self.timeout}
        config_file = os.path.expanduser("~/.ssh/config")
        if os.path.exists(config_file):
            parsed = paramiko.SSHConfig()  # SSHConfig.from_path is paramiko 2.7+; the SDK takes 2.4.3
            with open(config_file, encoding="utf-8") as handle:
                parsed.parse(handle)
            config = parsed.lookup(hostname)
            if "proxycommand" in config:
                params["sock"] = paramiko.ProxyCommand(config["proxycommand"])
            params["hostname"] = config.get("hostname", hostname)
            params["port"] = port or config.get("port")
            params["username"] = user or config.get("user")
            if "identityfile" in config:
                params["key_filename"] = config["identityfile"]
        params["port"] = int(params["port"] or 22)
        client = paramiko.SSHClient()
        client.load_system_host_keys()
        client.set_missing_host_key_policy(paramiko.RejectPolicy())
        try:
            client.connect(**params)
        except paramiko.SSHException as exc:  # authentication, host key (NoValidConnectionsError is an OSError)
            client.close()
            raise ConnectionError(f"ssh: {exc}") from None
        return client

    def channel(self):
        with self._lock:
            if self._client is None or not self._client.get_transport() or not self._client.get_transport().is_active():
                self._client = self._connect()
            import paramiko  # pylint: disable=import-outside-toplevel

            try:
                channel = self._client.get_transport().open_session(timeout=self.timeout)
            except paramiko.SSHException as exc:
                raise ConnectionError(f"ssh: {exc}") from None
        channel.settimeout(self.timeout)
        channel.exec_command(DIAL)
        return channel

    def connection(self, timeout):
        return _ParamikoConnection(self, timeout)


class _ParamikoConnection(_DialConnection):
    def __init__(self, session, timeout):
        super().__init__(timeout)
        self.session = session

    def connect(self):
        self.sock = self.ended = self.session.channel()

    def far_side_said(self):
        channel = self.ended
        if channel is None or not channel.status_event.wait(2):
            return ""
        err = b""
        while channel.recv_stderr_ready():
            err += channel.recv_stderr(4096)
        return err.decode("utf-8", "replace").strip()[-500:] or f"{DIAL} exited with status {channel.recv_exit_status()}"
