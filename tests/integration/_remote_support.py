"""Remote engines for the many-engines tests (issue 17): a namespaced engine (_swarm_support) reached over tcp://, over
tcp:// with TLS (a CA and certificates made with openssl here), and over ssh:// (Debian's openssh-server started in
the engine's network namespace, with a host key and a client key made here).

ssh:// runs `docker system dial-stdio` on the far side; the sshd here gives its sessions DOCKER_HOST (SetEnv), so
that command reaches the namespaced engine's socket and not the machine's engine (the namespace shares the machine's
files). The client side lives in a HOME of its own (.ssh/config, the key, known_hosts): paramiko reads it through
$HOME, and an `ssh` wrapper first on PATH points OpenSSH's client (which takes its home from the password database)
at the same config, for use_ssh_client. Nothing in the machine's /root/.ssh or /etc/ssh is read or written.
"""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

SERVER_NAME = "engine.dockhand.test"


def _sh(*cmd, **kwargs):
    return subprocess.run(list(cmd), check=True, capture_output=True, text=True, **kwargs)


def make_ca(directory, name):
    """A self-signed CA: (certificate path, key path)."""
    directory.mkdir(parents=True, exist_ok=True)
    cert, key = directory / f"{name}.pem", directory / f"{name}-key.pem"
    _sh("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
        "-subj", f"/CN={name}", "-keyout", str(key), "-out", str(cert))
    return cert, key


def make_cert(directory, name, ca, usage, addresses=()):
    """A certificate signed by ca for a server (usage serverAuth, its SANs the name SERVER_NAME and addresses) or a
    client (clientAuth): (certificate path, key path)."""
    cert, key, csr, ext = (directory / f"{name}.pem", directory / f"{name}-key.pem", directory / f"{name}.csr",
                           directory / f"{name}.ext")
    lines = [f"extendedKeyUsage={usage}", "subjectKeyIdentifier=hash", "authorityKeyIdentifier=keyid,issuer"]
    if usage == "serverAuth":
        lines.append("subjectAltName=" + ",".join([f"DNS:{SERVER_NAME}"] + [f"IP:{a}" for a in addresses]))
    ext.write_text("\n".join(lines) + "\n")
    _sh("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", f"/CN={name}",
        "-keyout", str(key), "-out", str(csr))
    _sh("openssl", "x509", "-req", "-in", str(csr), "-CA", str(ca[0]), "-CAkey", str(ca[1]), "-CAcreateserial",
        "-days", "2", "-extfile", str(ext), "-out", str(cert))
    return cert, key


def tls_dockerd_args(directory, ca):
    """dockerd flags for a tcp listener that asks for a client certificate signed by ca; the server certificate
    names the engine's address, which is known once its namespace is (hence a function of the engine)."""

    def flags(engine):
        cert, key = make_cert(directory, f"server-{engine.n}", ca, "serverAuth", [engine.address])
        return ["--tlsverify", "--tlscacert", str(ca[0]), "--tlscert", str(cert), "--tlskey", str(key)]
    return flags


class SSHServer:
    """sshd on port 22 of a namespaced engine's address, letting root in with a key made here; .home is the client's
    HOME and .path the PATH that puts the ssh wrapper first."""

    def __init__(self, engine, directory):
        self.engine, self.dir = engine, directory
        self.home = directory / "home"
        self.path = f"{directory / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}"
        self.process = None

    def start(self):
        if not Path("/usr/sbin/sshd").exists():
            subprocess.run(["apt-get", "install", "-y", "-qq", "openssh-server"], check=True, capture_output=True,
                           env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"), timeout=300)
        ssh_dir, server_dir, bin_dir = self.home / ".ssh", self.dir / "sshd", self.dir / "bin"
        for path in (ssh_dir, server_dir, bin_dir):
            path.mkdir(parents=True, exist_ok=True)
        ssh_dir.chmod(0o700)
        Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege separation directory
        _sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(server_dir / "host_key"))
        _sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(ssh_dir / "id_ed25519"))
        (server_dir / "authorized_keys").write_text((ssh_dir / "id_ed25519.pub").read_text())
        address = self.engine.address
        (server_dir / "sshd_config").write_text(
            f"ListenAddress {address}:22\nHostKey {server_dir / 'host_key'}\nPidFile {server_dir / 'sshd.pid'}\n"
            f"AuthorizedKeysFile {server_dir / 'authorized_keys'}\nPermitRootLogin prohibit-password\n"
            "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\n"
            f"SetEnv DOCKER_HOST={self.engine.host}\n")
        host_key = (server_dir / "host_key.pub").read_text().split()
        (ssh_dir / "known_hosts").write_text(f"{address} {host_key[0]} {host_key[1]}\n")
        (ssh_dir / "config").write_text(
            f"Host {address}\n  User root\n  IdentityFile {ssh_dir / 'id_ed25519'}\n  IdentitiesOnly yes\n"
            f"  UserKnownHostsFile {ssh_dir / 'known_hosts'}\n  StrictHostKeyChecking yes\n  BatchMode yes\n")
        wrapper = bin_dir / "ssh"
        wrapper.write_text(f"#!/bin/sh\nexec /usr/bin/ssh -F {ssh_dir / 'config'} \"$@\"\n")
        wrapper.chmod(0o755)
        # pylint: disable-next=consider-using-with  # the daemon outlives this call; stop() ends it
        self.process = subprocess.Popen(
            ["nsenter", f"--net=/var/run/netns/{self.engine.netns}", "/usr/sbin/sshd", "-D", "-e",
             "-f", str(server_dir / "sshd_config")],
            stdout=subprocess.DEVNULL, stderr=open(server_dir / "sshd.log", "w", encoding="utf-8"),  # pylint: disable=consider-using-with
            start_new_session=True)
        deadline = time.monotonic() + 20
        while subprocess.run(["nsenter", f"--net=/var/run/netns/{self.engine.netns}", "ss", "-Hltn", "sport = :22"],
                             capture_output=True, text=True, check=False).stdout.strip() == "":
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"sshd did not start: {(server_dir / 'sshd.log').read_text()[-2000:]}")
            time.sleep(0.2)
        return self

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)
