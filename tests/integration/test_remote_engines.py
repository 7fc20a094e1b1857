"""Every module against a remote engine (issue 17): a namespaced engine (_swarm_support) reached over tcp://, over
tcp:// with TLS (its certificates made with openssl, a client certificate required), and over ssh:// (sshd in the
engine's namespace; paramiko and, with use_ssh_client, the ssh command line client).

For each: the standard check -> apply -> again -> check of a network and of a container on it, and the machine's
engine left untouched. The tcp:// and ssh:// reads answer what the SDK answers, over one kept-alive connection,
without the SDK.
A TLS setting that cannot work fails naming the option, with no traceback and nothing made.
"""

import copy
import os
import socket
import subprocess
import sys

import pytest

from ansible_collections.dockhand.docker.plugins.module_utils._client import Engine, EngineError, connect, engine_errors

from _remote_support import SERVER_NAME, SSHServer, make_ca, make_cert, tls_dockerd_args
from _swarm_support import BASE_IMAGE, start_engine, stop_engine


@pytest.fixture(scope="module", name="tcp_engine")
def tcp_engine_fixture():
    engine = start_engine()
    try:
        yield engine
    finally:
        stop_engine(engine)


@pytest.fixture(scope="module", name="certs")
def certs_fixture(tmp_path_factory):
    directory = tmp_path_factory.mktemp("certs")
    ca = make_ca(directory, "ca")
    return {"dir": directory, "ca": ca, "client": make_cert(directory, "client", ca, "clientAuth"),
            "other_ca": make_ca(directory, "other-ca")}


@pytest.fixture(scope="module", name="tls_engine")
def tls_engine_fixture(certs):
    engine = start_engine(tls_dockerd_args(certs["dir"], certs["ca"]))
    try:
        yield engine
    finally:
        stop_engine(engine)


@pytest.fixture(scope="module", name="sshd")
def sshd_fixture(tcp_engine, tmp_path_factory):
    server = SSHServer(tcp_engine, tmp_path_factory.mktemp("ssh")).start()
    try:
        yield server
    finally:
        server.stop()


def tls_args(engine, certs, **more):
    return dict({"docker_host": f"tcp://{engine.address}:2375", "validate_certs": True, "ca_path": str(certs["ca"][0]),
                 "client_cert": str(certs["client"][0]), "client_key": str(certs["client"][1])}, **more)


@pytest.fixture(name="remote", params=["tcp", "tls", "ssh", "ssh_client"])
def remote_fixture(request, ansible, certs):
    """(ansible, connection options, engine) for one way of reaching a namespaced engine."""
    kind = request.param
    if kind == "tcp":
        engine = request.getfixturevalue("tcp_engine")
        return ansible, {"docker_host": f"tcp://{engine.address}:2375"}, engine
    if kind == "tls":
        engine = request.getfixturevalue("tls_engine")
        return ansible, tls_args(engine, certs), engine
    server = request.getfixturevalue("sshd")
    over_ssh = copy.copy(ansible)
    over_ssh.env = dict(ansible.env, HOME=str(server.home), PATH=server.path)
    return over_ssh, {"docker_host": f"ssh://root@{server.engine.address}", "use_ssh_client": kind == "ssh_client"}, server.engine


@pytest.fixture(name="remove_after")
def remove_after_fixture(prefix):
    """Engines whose objects named with the test's prefix are removed after the test."""
    engines = []
    yield engines.append
    for engine in engines:
        for container in engine.client.containers.list(all=True, filters={"name": prefix}):
            container.remove(force=True)
        for network in engine.client.networks.list(names=[prefix]):
            if network.name.startswith(prefix):
                network.remove()


def objects(engine, prefix):
    """What the engine has under the prefix: container names, states and networks; network names and labels."""
    containers = sorted((c.name, c.status, sorted(c.attrs["NetworkSettings"]["Networks"]))
                        for c in engine.client.containers.list(all=True, filters={"name": prefix}))
    networks = sorted((n.name, n.attrs["Labels"]) for n in engine.client.networks.list(names=[prefix]))
    return containers, networks


def test_network_and_container_converge(engine, remote, prefix, remove_after):
    ansible, connection, far = remote
    remove_after(far)
    net, name = f"{prefix}-net", f"{prefix}-c"

    def snapshot():
        return objects(far, prefix)

    check = ansible.converge("network", dict(connection, name=net, labels={"app": "x"}), snapshot)
    assert check["actions"] == [f"create network {net}"]
    args = dict(connection, name=name, image=BASE_IMAGE, command=["sleep", "3600"], networks=[{"name": net}],
                labels={"app": "x"}, stop_timeout=1)
    check = ansible.converge("container", args, snapshot)
    assert check["actions"] == [f"create container {name} (from {BASE_IMAGE})", f"start container {name}"], check["actions"]
    assert objects(far, prefix) == ([(name, "running", [net])], [(net, {"app": "x"})])

    for module, args in (("container", dict(connection, name=name, state="absent")), ("network", dict(connection, name=net, state="absent"))):
        assert ansible.ok(module, args)["changed"] is True
    assert objects(far, prefix) == ([], [])
    # nothing of it on the machine's engine
    assert engine.containers.list(all=True, filters={"name": prefix}) == [] and engine.networks.list(names=[prefix]) == []


def test_info_modules_over_tls(ansible, tls_engine, certs):
    info = ansible.ok("host_info", tls_args(tls_engine, certs))
    assert info["host_info"]["ID"] == tls_engine.client.info()["ID"]


@pytest.mark.parametrize("change, option", [
    ({"ca_path": "other_ca"}, "ca_path"),                  # the engine's certificate is signed by another CA
    ({"tls_hostname": "other.dockhand.test"}, "tls_hostname"),  # the certificate names another host
    ({"client_cert": None, "client_key": None}, "client_cert"),  # the engine asks for a client certificate
    ({"ca_path": "/nonexistent/ca.pem"}, "ca_path"),
    ({"client_key": "ca_key"}, "client_key"),               # a key that is not the certificate's
])
def test_tls_settings_that_cannot_work_fail_naming_the_option(ansible, tls_engine, certs, prefix, change, option):
    values = {"other_ca": str(certs["other_ca"][0]), "ca_key": str(certs["ca"][1])}
    args = tls_args(tls_engine, certs, name=f"{prefix}-net")
    for key, value in change.items():
        if value is None:
            del args[key]
        else:
            args[key] = values.get(value, value)
    for check in (True, False):
        result = ansible.fails("network", args, check=check)
        assert option in result["msg"], result["msg"]
    assert tls_engine.client.networks.list(names=[prefix]) == []


def test_plain_tcp_to_a_tls_engine_names_the_tls_options(ansible, tls_engine, prefix):
    result = ansible.fails("network", {"docker_host": f"tcp://{tls_engine.address}:2375", "name": f"{prefix}-net"})
    assert "tls" in result["msg"] and "validate_certs" in result["msg"], result["msg"]


def test_tcp_reads_equal_the_sdk_reads_over_one_connection(tcp_engine, tls_engine, certs, prefix, remove_after):
    remove_after(tcp_engine)
    remove_after(tls_engine)
    for far, params in ((tcp_engine, {"docker_host": f"tcp://{tcp_engine.address}:2375"}), (tls_engine, tls_args(tls_engine, certs))):
        far.client.networks.create(f"{prefix}-net", labels={"app": "x"})
        far.client.containers.create(BASE_IMAGE, ["sleep", "3600"], name=f"{prefix}-c", labels={"app": "x"})
        light, sdk = connect(params), Engine(params)
        sdk.reads_direct = False
        assert light.api.inspect_network(f"{prefix}-net") == sdk.api.inspect_network(f"{prefix}-net")
        assert light.api.inspect_container(f"{prefix}-c") == sdk.api.inspect_container(f"{prefix}-c")
        assert light.api.inspect_image(BASE_IMAGE) == sdk.api.inspect_image(BASE_IMAGE)
        assert light.api.containers(all=True, filters={"label": "app=x"}) == sdk.api.containers(all=True, filters={"label": "app=x"})
        assert light.info()["ID"] == far.client.info()["ID"]
        kept = light._connection().sock  # pylint: disable=protected-access
        for _round in range(5):
            light.api.inspect_network(f"{prefix}-net")
        assert light._connection().sock is kept  # pylint: disable=protected-access  # one connection, kept alive


def test_tcp_reads_leave_the_sdk_unloaded(tls_engine, certs):
    script = f"""
import sys
from ansible_collections.dockhand.docker.plugins.module_utils._client import connect
client = connect({tls_args(tls_engine, certs)!r})
client.api.inspect_image({BASE_IMAGE!r}); client.info(); client.api.networks(filters={{"label": "app=x"}})
print(sorted(m for m in ("docker", "requests", "urllib3") if m in sys.modules))
"""
    env = dict(os.environ, PYTHONPATH=os.environ["DOCKHAND_COLLECTIONS_BASE"])
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_an_engine_that_closed_the_kept_connection_is_asked_again(tcp_engine):
    client = connect({"docker_host": f"tcp://{tcp_engine.address}:2375"})
    first = client.info()["ID"]
    # as when the engine closes a connection idle too long
    client._connection().sock.shutdown(socket.SHUT_RDWR)  # pylint: disable=protected-access
    assert client.info()["ID"] == first
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        nobody = f"tcp://127.0.0.1:{free.getsockname()[1]}"
    with pytest.raises(EngineError) as caught:
        with engine_errors("reading", nobody):
            connect({"docker_host": nobody}).info()
    assert str(caught.value) == f"cannot reach the Docker engine at {nobody}: Connection refused"


def test_the_server_certificate_names_the_address_and_the_name(tls_engine, certs):
    """tls_hostname: the name in the certificate instead of the address in docker_host."""
    client = connect(tls_args(tls_engine, certs, tls_hostname=SERVER_NAME))
    assert client.info()["ID"] == tls_engine.client.info()["ID"]


@pytest.mark.parametrize("use_ssh_client", [False, True], ids=["paramiko", "ssh_client"])
def test_ssh_reads_and_writes_go_over_one_kept_dial_stdio_stream(sshd, prefix, remove_after, use_ssh_client):
    """No SDK and no requests: reads and writes over one `docker system dial-stdio` stream that stays open (with
    use_ssh_client the SDK started an ssh process per request, about a second each)."""
    remove_after(sshd.engine)
    sshd.engine.client.networks.create(f"{prefix}-net", labels={"app": "x"})
    params = {"docker_host": f"ssh://root@{sshd.engine.address}", "use_ssh_client": use_ssh_client}
    script = f"""
import sys
from ansible_collections.dockhand.docker.plugins.module_utils._client import connect, Engine
client = connect({params!r})
network = client.api.inspect_network({prefix + "-net"!r})
stream = client._connection().sock
client.api.post_json("/volumes/create", {{"Name": {prefix + "-vol"!r}}})
client.api.remove_volume({prefix + "-vol"!r})
for _round in range(5):
    client.api.containers(all=True, filters={{"label": "app=x"}})
assert client._connection().sock is stream, "one stream, kept"
loaded = sorted(m for m in ("docker", "requests", "urllib3") if m in sys.modules)
sdk = Engine({params!r}); sdk.reads_direct = False
assert sdk.api.inspect_network({prefix + "-net"!r}) == network, "the SDK reads the same"
print(loaded, client.info()["ID"])
"""
    env = dict(os.environ, PYTHONPATH=os.environ["DOCKHAND_COLLECTIONS_BASE"], HOME=str(sshd.home), PATH=sshd.path)
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["[]", sshd.engine.client.info()["ID"]]
    assert sshd.engine.client.volumes.list(filters={"name": f"{prefix}-vol"}) == []


@pytest.mark.parametrize("use_ssh_client, says", [(False, "Authentication failed"), (True, "Permission denied")],
                         ids=["paramiko", "ssh_client"])
def test_an_ssh_refusal_is_said_with_what_ssh_said(ansible, sshd, prefix, use_ssh_client, says):
    over_ssh = copy.copy(ansible)
    over_ssh.env = dict(ansible.env, HOME=str(sshd.home), PATH=sshd.path)
    host = f"ssh://nobody@{sshd.engine.address}"
    result = over_ssh.fails("network", {"docker_host": host, "use_ssh_client": use_ssh_client, "name": f"{prefix}-net"})
    assert result["msg"].startswith(f"cannot reach the Docker engine at {host}: ssh: ") and says in result["msg"], result["msg"]
    assert "Traceback" not in result.output and not sshd.engine.client.networks.list(names=[f"{prefix}-net"])
