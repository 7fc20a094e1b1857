"""The pure parts of _archive.py: the tar stream put_file() sends, read back by tarfile, and the chunk reader that
fetch_file() hands to tarfile. tests/integration/test_engine_io.py runs them against the engine."""

import hashlib
import io
import os
import tarfile

import pytest

from ansible_collections.dockhand.docker.plugins.module_utils._archive import (
    ChunkReader,
    copy_content,
    copy_member,
    file_info,
    file_tar_stream,
    first_member,
)
from ansible_collections.dockhand.docker.plugins.module_utils._errors import EngineError


def read_back(chunks):
    """first_member() on the stream, and whether only the end-of-archive blocks are left after its content."""
    reader = ChunkReader(chunks)
    member, content = first_member(reader)
    out = io.BytesIO()
    copy_content(content, out)
    rest = reader.read()
    return member, out.getvalue(), rest.strip(b"\0") or None


@pytest.mark.parametrize("size", [0, 1, 511, 512, 513, 3 * (1 << 20) + 7])
def test_one_file_round_trips_with_mode_and_owner(size):
    data = os.urandom(size)
    chunks = list(file_tar_stream(io.BytesIO(data), "f.bin", size, 0o104755, uid=1000, gid=70000, mtime=1700000000, chunk_size=4096))
    assert sum(len(c) for c in chunks) % tarfile.BLOCKSIZE == 0
    member, content, after = read_back(chunks)
    assert content == data
    assert after is None
    assert file_info(member) == dict(type="file", size=size, mode=0o4755, uid=1000, gid=70000, mtime=1700000000, link_target=None)


def test_members_of_a_tarfile_in_stream_mode():
    data = os.urandom(5000)
    tar = tarfile.open(fileobj=ChunkReader(file_tar_stream(io.BytesIO(data), "f", len(data), 0o600)), mode="r|")
    out = io.BytesIO()
    copy_member(tar, tar.next(), out)
    assert out.getvalue() == data


def test_long_names_fit():
    """PAX headers: read through tarfile's stream mode instead."""
    name = "n" * 200
    member, content, _after = read_back(file_tar_stream(io.BytesIO(b"x"), name, 1, 0o644))
    assert (member.name, content) == (name, b"x")


def test_links_and_directories_have_no_content():
    for kind in (tarfile.SYMTYPE, tarfile.DIRTYPE):
        info = tarfile.TarInfo("x")
        info.type, info.linkname = kind, "target" if kind == tarfile.SYMTYPE else ""
        member, content = first_member(ChunkReader([info.tobuf(format=tarfile.PAX_FORMAT), b"\0" * 1024]))
        assert (member.type, member.linkname, content.read()) == (kind, info.linkname, b"")


def test_a_source_that_shrinks_fails():
    with pytest.raises(EngineError, match="became shorter"):
        list(file_tar_stream(io.BytesIO(b"abc"), "f", 10, 0o644))


def test_chunk_reader_reads_across_chunk_edges():
    chunks = [b"ab", b"", b"cdef", b"g"]
    reader = ChunkReader(iter(chunks))
    assert [reader.read(3), reader.read(1), reader.read(10), reader.read(1)] == [b"abc", b"d", b"efg", b""]
    assert ChunkReader(iter(chunks)).read() == b"abcdefg"


def test_a_digest_without_an_output():
    data = os.urandom(10000)
    _member, content = first_member(ChunkReader(file_tar_stream(io.BytesIO(data), "f", len(data), 0o600)))
    digest = hashlib.sha1()
    copy_content(content, None, digest, chunk_size=999)
    assert digest.hexdigest() == hashlib.sha1(data).hexdigest()
