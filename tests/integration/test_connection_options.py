"""Connection options of every module against the real engine: tls_hostname checks the engine's certificate against the
name given (through a TLS front-end to the engine socket whose certificate names only that host), use_ssh_client and debug
are accepted."""

import datetime
import select
import socket
import ssl
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from _engine_support import ENGINE_SOCKET

ENGINE_NAME = "dockhand-engine.test"


def _cert(subject, issuer_key, key, issuer=None, ca=False, dns=None):
    now = datetime.datetime.now(datetime.timezone.utc)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(issuer or name).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
               .not_valid_after(now + datetime.timedelta(hours=1))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if dns:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(dns)]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(path, data):
    path.write_bytes(data)
    return str(path)


class TLSFrontEnd:
    """A TLS listener on a free loopback port that passes every connection on to the engine's unix socket."""

    def __init__(self, certfile, keyfile, engine_socket=ENGINE_SOCKET):
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(certfile, keyfile)
        self.engine_socket = engine_socket
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn = self.listener.accept()[0]
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        try:
            tls = self.context.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):  # the client refused the certificate
            conn.close()
            return
        engine = socket.socket(socket.AF_UNIX)
        engine.connect(self.engine_socket)
        try:
            while True:
                ready = [tls] if tls.pending() else select.select([tls, engine], [], [], 60)[0]
                if not ready:
                    return
                for source in ready:
                    data = source.recv(65536)
                    if not data:
                        return
                    (engine if source is tls else tls).sendall(data)
        except OSError:
            return
        finally:
            engine.close()
            tls.close()

    def close(self):
        self.listener.close()


@pytest.fixture(scope="module")
def tls_engine(tmp_path_factory):
    """(docker_host, ca_path) of a TLS front-end whose certificate names ENGINE_NAME only (not 127.0.0.1)."""
    tmp = tmp_path_factory.mktemp("tls")
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = _cert("dockhand test CA", ca_key, ca_key, ca=True)
    server = _cert(ENGINE_NAME, ca_key, key, issuer=ca.subject, dns=ENGINE_NAME)
    ca_path = _pem(tmp / "ca.pem", ca.public_bytes(serialization.Encoding.PEM))
    cert_path = _pem(tmp / "cert.pem", server.public_bytes(serialization.Encoding.PEM))
    key_path = _pem(tmp / "key.pem", key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    front = TLSFrontEnd(cert_path, key_path)
    yield f"tcp://127.0.0.1:{front.port}", ca_path
    front.close()


def test_tls_hostname_checks_the_certificate_against_that_name(engine, ansible, prefix, tls_engine):
    host, ca_path = tls_engine
    args = {"name": f"{prefix}-vol", "docker_host": host, "validate_certs": True, "ca_path": ca_path, "tls_hostname": ENGINE_NAME}
    ansible.converge("volume", args, lambda: [v.name for v in engine.volumes.list(filters={"name": prefix})])
    assert engine.volumes.get(f"{prefix}-vol").name == f"{prefix}-vol"
    pinned = ansible.ok("volume", dict(args, api_version="1.41"))
    assert pinned["changed"] is False


@pytest.mark.parametrize("tls_hostname", [None, "other-engine.test"])
def test_a_certificate_for_another_name_is_refused(engine, ansible, prefix, tls_engine, tls_hostname):
    host, ca_path = tls_engine
    args = {"name": f"{prefix}-vol", "docker_host": host, "validate_certs": True, "ca_path": ca_path}
    if tls_hostname:
        args["tls_hostname"] = tls_hostname
    result = ansible.fails("volume", args)
    assert "certificate" in result["msg"].lower() or "hostname" in result["msg"].lower(), result["msg"]
    assert not engine.volumes.list(filters={"name": prefix})


def test_debug_and_use_ssh_client_are_accepted(engine, ansible, prefix):
    """use_ssh_client only matters for ssh:// hosts (it is handed to the Docker SDK); debug changes nothing."""
    args = {"name": f"{prefix}-vol", "debug": True, "use_ssh_client": True}
    result = ansible.converge("volume", args, lambda: [v.name for v in engine.volumes.list(filters={"name": prefix})])
    assert result["actions"] == [f"create volume {prefix}-vol"], result["actions"]
