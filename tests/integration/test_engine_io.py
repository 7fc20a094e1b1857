"""_exec.py and _archive.py against the real engine, in busybox containers: commands with their streams apart, and
files in and out with mode, owner and exact bytes, streamed (a 100 MB copy keeps Python's memory small); each
through the unix socket and through the SDK."""

import hashlib
import os
import tracemalloc

import pytest

from ansible_collections.dockhand.docker.plugins.module_utils._archive import (
    MissingFile,
    fetch_file,
    put_file,
    stat_file,
)
from ansible_collections.dockhand.docker.plugins.module_utils._client import connect
from ansible_collections.dockhand.docker.plugins.module_utils._errors import EngineError
from ansible_collections.dockhand.docker.plugins.module_utils._exec import run_in_container

from _engine_support import DOCKER_HOST


@pytest.fixture(params=["socket", "sdk"])
def client(request):
    """Both transports: straight through the unix socket, and the SDK (as for tcp, ssh and TLS hosts)."""
    engine = connect({"docker_host": DOCKER_HOST})
    if request.param == "sdk":
        engine.socket_path, engine.reads_direct = None, False
    return engine


@pytest.fixture
def box(run_container, client):
    name = run_container("io").name
    run_in_container(client, name, ["mkdir", "-p", "/tmp"])  # the busybox base image has no /tmp
    return name


def test_streams_come_apart_with_the_exit_code(client, box):
    result = run_in_container(client, box, ["sh", "-c", "echo out; echo err >&2; exit 3"])
    assert result == (3, b"out\n", b"err\n")


def test_stdin_user_workdir_env(client, box):
    data = os.urandom(300_000)  # more than a socket buffer: the writer thread and the reader overlap
    result = run_in_container(client, box, ["sh", "-c", "cat; echo $X; pwd; id -u"], stdin=data, user="65534",
                              workdir="/tmp", env={"X": "hello"})
    assert result.rc == 0, result
    assert result.stdout == data + b"hello\n/tmp\n65534\n"
    assert result.stderr == b""


def test_a_command_that_ignores_its_input(client, box):
    result = run_in_container(client, box, ["sh", "-c", "head -c 3 >/dev/null; exit 4"], stdin=os.urandom(100_000))
    assert result.rc == 4


def test_tty_merges_the_streams(client, box):
    result = run_in_container(client, box, ["sh", "-c", "echo err >&2"], tty=True)
    assert (result.rc, result.stdout.strip(), result.stderr) == (0, b"err", b"")


def test_missing_and_stopped_containers_are_named(client, run_container, prefix):
    with pytest.raises(EngineError, match=f"container {prefix}-nothere does not exist"):
        run_in_container(client, f"{prefix}-nothere", ["true"])
    stopped = run_container("stopped")
    stopped.stop(timeout=0)
    with pytest.raises(EngineError, match=f"container {stopped.name} is not running"):
        run_in_container(client, stopped.name, ["true"])
    with pytest.raises(EngineError, match=f"container {stopped.name}-x does not exist"):
        put_file(client, f"{stopped.name}-x", b"x", "/tmp/x")


def test_put_stat_fetch_keep_bytes_mode_and_owner(client, box, tmp_path):
    data = os.urandom(3 << 20) + b"\0\r\n\xff"
    src = tmp_path / "src.bin"
    src.write_bytes(data)
    os.chmod(src, 0o4751)
    put_file(client, box, str(src), "/tmp/copied.bin", uid=1234, gid=2345)
    assert run_in_container(client, box, ["stat", "-c", "%a %u %g %s", "/tmp/copied.bin"]).stdout == f"4751 1234 2345 {len(data)}\n".encode()
    info = stat_file(client, box, "/tmp/copied.bin", checksum_algorithm="sha1")
    assert info == dict(type="file", size=len(data), mode=0o4751, uid=1234, gid=2345, mtime=int(os.stat(src).st_mtime),
                        link_target=None, checksum=hashlib.sha1(data).hexdigest())
    back = tmp_path / "back.bin"
    assert fetch_file(client, box, "/tmp/copied.bin", str(back), keep_mode=True)["size"] == len(data)
    assert back.read_bytes() == data
    assert os.stat(back).st_mode & 0o7777 == 0o4751


def test_bytes_links_directories_and_missing_paths(client, box, tmp_path):
    put_file(client, box, b"hello\n", "/tmp/hello.txt", mode=0o600)
    run_in_container(client, box, ["ln", "-s", "hello.txt", "/tmp/link"])
    assert stat_file(client, box, "/tmp/link")["type"] == "link"
    assert stat_file(client, box, "/tmp/link")["link_target"] == "hello.txt"
    followed = stat_file(client, box, "/tmp/link", checksum_algorithm="sha256", follow_links=True)
    assert (followed["mode"], followed["checksum"]) == (0o600, hashlib.sha256(b"hello\n").hexdigest())
    fetch_file(client, box, "/tmp/link", str(tmp_path / "got"))
    assert (tmp_path / "got").read_bytes() == b"hello\n"
    assert stat_file(client, box, "/etc")["type"] == "directory"
    assert stat_file(client, box, "/tmp/absent") is None
    with pytest.raises(EngineError, match="/etc is not a regular file"):
        fetch_file(client, box, "/etc", str(tmp_path / "etc"))
    with pytest.raises(MissingFile, match=f"/nodir/x in container {box}: no such file"):
        put_file(client, box, b"x", "/nodir/x")


def test_100_mb_each_way_is_streamed(client, box, tmp_path):
    src = tmp_path / "big"
    with open(src, "wb") as out:
        for _mib in range(100):
            out.write(os.urandom(1 << 20))
    tracemalloc.start()
    try:
        put_file(client, box, str(src), "/tmp/big")
        fetch_file(client, box, "/tmp/big", str(tmp_path / "big.back"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20, f"peak Python memory {peak} bytes for a 100 MB copy"
    with open(src, "rb") as one, open(tmp_path / "big.back", "rb") as two:
        assert hashlib.sha1(one.read()).digest() == hashlib.sha1(two.read()).digest()
