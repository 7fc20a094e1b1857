# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""Copy one file into or out of a container through the Engine API's archive endpoints (no Docker CLI).

Both directions stream, through the SDK or, on a local unix socket, through _socket_stream.py. put_file() sends a tar
stream made of tarfile's header and the file read in 1 MiB chunks; fetch_file() and stat_file() read the engine's tar
stream as it comes (tarfile parses the header). So a 100 MB file is never held whole in memory. Mode, owner (uid/gid) and
the exact bytes are kept. stat_file() reads a file's metadata, and on request a hash of its content, without writing
it anywhere: enough to decide whether a copy would change it.
"""

from __future__ import annotations

import hashlib
import io
import os
import posixpath
import tarfile
import time
import typing
from contextlib import contextmanager

from ._client import engine_errors
from ._errors import APIError, EngineError, NotFound
from ._exec import container_error
from ._socket_stream import request

CHUNK_SIZE = 1 << 20
_BLOCK = tarfile.BLOCKSIZE
_MAX_LINKS = 10  # symbolic links followed before giving up (a loop)


# ---- tar streams (pure) ----

def tar_header(name, size, mode, uid=0, gid=0, mtime=None):
    """The tar header block(s) of one regular file (PAX, so long names and large ids or sizes fit)."""
    info = tarfile.TarInfo(name)
    info.type = tarfile.REGTYPE
    info.size = size
    info.mode = mode & 0o7777
    info.uid, info.gid = uid, gid
    info.mtime = int(time.time() if mtime is None else mtime)
    return info.tobuf(format=tarfile.PAX_FORMAT)


def file_tar_stream(fileobj, name, size, mode, uid=0, gid=0, mtime=None, chunk_size=CHUNK_SIZE):
    """Yield a tar archive holding one file, name, whose size bytes are read from fileobj in chunks."""
    yield tar_header(name, size, mode, uid, gid, mtime)
    remaining = size
    while remaining:
        chunk = fileobj.read(min(chunk_size, remaining))
        if not chunk:
            raise EngineError(f"{name}: the source file became shorter while it was being copied")
        remaining -= len(chunk)
        yield chunk
    yield b"\0" * ((-size) % _BLOCK) + b"\0" * (2 * _BLOCK)  # pad the last block, then the end-of-archive marker


class ChunkReader:
    """A file object over an iterator of byte chunks (the engine's streamed answer), for tarfile's stream mode."""

    def __init__(self, chunks):
        self._chunks = iter(chunks)
        self._chunk = b""
        self._offset = 0

    def read(self, size=-1):
        parts = []
        while size != 0:
            if self._offset >= len(self._chunk):
                following = next(self._chunks, None)
                self._chunk, self._offset = following or b"", 0
                if following is None:
                    break
                continue
            end = len(self._chunk) if size < 0 else min(len(self._chunk), self._offset + size)
            parts.append(self._chunk[self._offset:end])
            if size > 0:
                size -= end - self._offset
            self._offset = end
        return b"".join(parts)

    def unread(self, data):
        """Put data back in front of what is left, to be read again."""
        self._chunk, self._offset = data + self._chunk[self._offset:], 0

    def close(self):
        close = getattr(self._chunks, "close", None)  # a generator: stop it, which lets the engine's answer go
        if close:
            close()


def file_info(member):
    """The metadata of a tar member, as stat_file() returns it."""
    kinds = {tarfile.REGTYPE: "file", tarfile.AREGTYPE: "file", tarfile.DIRTYPE: "directory", tarfile.SYMTYPE: "link"}
    return dict(type=kinds.get(member.type, "other"), size=member.size, mode=member.mode & 0o7777, uid=member.uid,
                gid=member.gid, mtime=member.mtime, link_target=member.linkname if member.issym() else None)


class _Content:
    """The content of an archive's first member, read straight from the stream."""

    def __init__(self, reader, size):
        self._reader, self._left = reader, size

    def read(self, size=-1):
        wanted = self._left if size < 0 else min(size, self._left)
        data = self._reader.read(wanted) if wanted else b""
        self._left -= len(data)
        return data


_EXTENDED_HEADERS = (tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.SOLARIS_XHDTYPE, tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK)


def first_member(reader):
    """(TarInfo or None, content file object) of the first member of the tar stream in reader (a ChunkReader).

    A plain ustar header (the common case) is parsed here and the content read straight from the stream, which spares
    a copy through tarfile's stream buffer (fetching is as fast as docker cp); a member with PAX or GNU extended
    headers goes through tarfile's stream mode."""
    block = reader.read(_BLOCK)
    if len(block) == _BLOCK and block.count(0) != _BLOCK:
        try:
            member = tarfile.TarInfo.frombuf(block, "utf-8", "surrogateescape")
        except tarfile.HeaderError:
            member = None
        if member is not None and member.type not in _EXTENDED_HEADERS:
            return member, _Content(reader, member.size if member.isfile() else 0)
    reader.unread(block)
    # nothing to close: the reader is the caller's
    tar = tarfile.open(fileobj=typing.cast(typing.IO[bytes], reader), mode="r|", bufsize=CHUNK_SIZE)  # pylint: disable=consider-using-with
    member = tar.next()
    return member, (tar.extractfile(member) if member is not None and member.isfile() else _Content(reader, 0))


def copy_content(source, out, digest=None, chunk_size=CHUNK_SIZE):
    """Copy a member's content (first_member()'s file object) to out (a binary file, or None) and into digest."""
    while True:
        chunk = source.read(chunk_size)
        if not chunk:
            return
        if out is not None:
            out.write(chunk)
        if digest is not None:
            digest.update(chunk)


def copy_member(tar, member, out, digest=None, chunk_size=CHUNK_SIZE):
    """copy_content() of a regular member of a tarfile (a whole directory read in stream mode, for example)."""
    copy_content(tar.extractfile(member), out, digest, chunk_size)


# ---- engine calls ----

class MissingFile(EngineError):
    """The path (or the directory to copy into) does not exist in the container."""


def _engine_failure(exc, container, host, path, doing):
    if isinstance(exc, APIError):
        known = container_error(container, host, exc)
        if known:
            return known
        if isinstance(exc, NotFound):
            return MissingFile(f"{doing} {path} in container {container}: no such file or directory ({exc.explanation})")
        return EngineError(f"{doing} {path} in container {container}: the engine answered {exc.status_code}: {exc.explanation}")
    return None


def put_file(engine, container, source, dest, mode=None, uid=0, gid=0, mtime=None):
    """Write source (a local path, or bytes) to dest (an absolute path) in container, with mode and owner uid:gid.

    dest's directory must exist. mode defaults to the local file's (0644 for bytes)."""
    if not posixpath.isabs(dest):
        raise EngineError(f"copying into container {container}: the destination {dest} is not an absolute path")
    directory, name = posixpath.split(dest.rstrip("/"))
    fileobj: typing.IO[bytes]
    if isinstance(source, bytes):
        fileobj, size = io.BytesIO(source), len(source)
        mode = 0o644 if mode is None else mode
    else:
        fileobj = open(source, "rb")  # pylint: disable=consider-using-with  # closed below
        stat = os.fstat(fileobj.fileno())
        size, mode, mtime = stat.st_size, stat.st_mode if mode is None else mode, stat.st_mtime if mtime is None else mtime
    try:
        with engine_errors(f"copying {dest} into container {container}", engine.host):
            try:
                _put_archive(engine, container, directory or "/", file_tar_stream(fileobj, name, size, mode, uid, gid, mtime))
            except APIError as exc:
                raise (_engine_failure(exc, container, engine.host, dest, "copying to") or exc) from None
    finally:
        fileobj.close()


def _put_archive(engine, container, directory, chunks):
    if engine.socket_path:
        request(engine, "PUT", "/containers/{0}/archive", container, query={"path": directory}, body=chunks,
                headers={"Content-Type": "application/x-tar"}).close()
    else:
        engine.api.put_archive(container, directory, chunks)


def _archive_chunks(engine, container, path):
    """The engine's tar answer for path, as an iterator of chunks (closing it ends the request)."""
    if not engine.socket_path:
        return engine.api.get_archive(container, path, chunk_size=CHUNK_SIZE)[0]
    response = request(engine, "GET", "/containers/{0}/archive", container, query={"path": path})

    def chunks():
        try:
            yield from iter(lambda: response.read(CHUNK_SIZE), b"")
        finally:
            response.close()
    return chunks()


def _open_archive(engine, container, path):
    """(reader, first member, its content) for path; a symbolic link gives the link itself."""
    try:
        chunks = _archive_chunks(engine, container, path)
    except APIError as exc:
        raise (_engine_failure(exc, container, engine.host, path, "reading") or exc) from None
    reader = ChunkReader(chunks)
    return (reader, *first_member(reader))


@contextmanager
def _archive(engine, container, path, follow_links):
    """(first member, its content, real path) for path in container, following symbolic links when asked (a relative
    target is relative to the link's directory). Closing stops the engine's stream, read to the end or not."""
    for _hop in range(_MAX_LINKS + 1):
        reader, member, content = _open_archive(engine, container, path)
        try:
            if member is None:
                raise EngineError(f"reading {path} in container {container}: the engine sent an empty archive")
            if not (follow_links and member.issym()):
                yield member, content, path
                return
            path = posixpath.normpath(posixpath.join(posixpath.dirname(path), member.linkname))
        finally:
            reader.close()
    raise EngineError(f"reading {path} in container {container}: more than {_MAX_LINKS} symbolic links")


def fetch_file(engine, container, path, dest, follow_links=True, keep_mode=False):
    """Copy the regular file path in container to the local file dest, streamed; returns its file_info().

    With keep_mode, dest gets the file's mode in the container."""
    with engine_errors(f"copying {path} out of container {container}", engine.host):
        with _archive(engine, container, path, follow_links) as (member, content, real):
            if not member.isfile():
                raise EngineError(f"copying {path} out of container {container}: {real} is not a regular file")
            with open(dest, "wb") as out:
                copy_content(content, out)
        if keep_mode:
            os.chmod(dest, member.mode & 0o7777)
        return file_info(member)


def stat_file(engine, container, path, checksum_algorithm=None, follow_links=False):
    """file_info() of path in container, or None when it does not exist; nothing is written anywhere.

    checksum_algorithm (a hashlib name such as sha1) adds checksum, the hex digest of a regular file's content."""
    with engine_errors(f"reading {path} in container {container}", engine.host):
        try:
            with _archive(engine, container, path, follow_links) as (member, content, _real):
                info = file_info(member)
                if checksum_algorithm and member.isfile():
                    digest = hashlib.new(checksum_algorithm)
                    copy_content(content, None, digest)
                    info["checksum"] = digest.hexdigest()
        except MissingFile:
            return None
        return info
