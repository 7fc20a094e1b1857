# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""The copy kinds: one file into a container, or out of one, idempotent by content (through _archive.py).

A file is compared by size, SHA-256, mode and owner before anything is written. The file in the container is read
through the archive endpoint, which works on stopped containers too. The action plugins of the two modules move the
file between the controller and the host that runs the module.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import posixpath
import re
import tarfile
import tempfile
import typing
from dataclasses import dataclass, field

from ._archive import CHUNK_SIZE, ChunkReader, copy_member, fetch_file, put_file, stat_file
from ._errors import NotFound, ParamError
from ._plan import Action, Change, Plan
from ._runner import converge, result_of

DIFF_LIMIT = 64 * 1024  # bytes of text shown by --diff; larger or binary files show their checksums
_MAX_LINKS = 10


def parse_mode(option, value, how="modern"):
    """0o644 from 420 (YAML's 0644), '0644', '644' or '0o644'; None stays None.

    `how` is community.docker's mode_parse: modern (this), octal_string_only (strings only), legacy (a string is read as
    a decimal number, as community.docker did before 4.6.0)."""
    if value is None:
        return None
    if isinstance(value, bool) or (how == "octal_string_only" and not isinstance(value, str)):
        why = " (mode_parse: octal_string_only takes strings only)" if how == "octal_string_only" else ""
        raise ParamError(option, f"{value!r} is not a mode such as '0644'{why}")
    if isinstance(value, int):
        mode = value
    elif how == "legacy":
        try:
            mode = int(str(value).strip())
        except ValueError:
            raise ParamError(option, f"{value!r} is not a whole number (mode_parse: legacy reads it as a decimal number)") from None
    else:
        text = re.sub(r"^0o", "", str(value).strip().lower())  # not str.removeprefix: modules run on Python 3.8
        try:
            mode = int(text, 8)
        except ValueError:
            raise ParamError(option, f"{value!r} is not an octal mode such as 0644") from None
    if not 0 <= mode <= 0o7777:
        raise ParamError(option, f"{value!r} is not a mode between 0000 and 07777")
    return mode


def _digest_file(path):
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as source:
        for chunk in iter(lambda: source.read(CHUNK_SIZE), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _text(data):
    """data as text for --diff, or None when it is too large or not UTF-8 text."""
    if data is None or len(data) > DIFF_LIMIT or b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _read_local(path, limit=DIFF_LIMIT):
    with open(path, "rb") as source:
        return source.read(limit + 1)


def _container_text(client, container, path, info):
    """The text of a small file in the container (for --diff), or None."""
    if not info or info["type"] != "file" or info["size"] > DIFF_LIMIT:
        return None
    handle, temp = tempfile.mkstemp(prefix="dockhand-diff-")
    os.close(handle)
    try:
        fetch_file(client, container, path, temp, follow_links=False)
        return _text(_read_local(temp))
    finally:
        os.unlink(temp)


def _require_container(client, name):
    try:
        client.api.inspect_container(name)
    except NotFound:
        raise ParamError("container", f"no container {name}") from None


def _state(info, path):
    if not info:
        return None
    return {"path": path, "type": info["type"], "size": info["size"], "mode": f"{info['mode']:04o}",
            "owner": f"{info['uid']}:{info['gid']}", "sha256": info.get("checksum")}


def file_changes(before, after, before_text, after_text):
    """The changes that take the file `before` (a _state dict, or None) to `after`."""
    changes = []
    if before is None or before["sha256"] != after["sha256"]:
        if before_text is not None and after_text is not None or (before is None and after_text is not None):
            changes.append(Change("content", before_text, after_text, "write"))
        else:
            changes.append(Change("sha256", before and before["sha256"], after["sha256"], "write"))
    for key in ("mode", "owner"):
        if before is not None and before[key] != after[key]:
            changes.append(Change(key, before[key], after[key], "write"))
    return changes


def text_diff(result, label_before, label_after):
    """Ansible's text diff of the content change, when there is one to show; else the plan's own diff."""
    change = next((c for c in result.get("changes") or [] if c["field"] == "content"), None)
    if change is None:
        return result.get("diff")
    return {"before": change["before"] or "", "after": change["after"] or "", "before_header": label_before, "after_header": label_after}


# --- into a container ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CopyIntoWant:
    name: str  # the container
    container_path: str
    path: str | None
    content: bytes | None = field(default=None, repr=False)
    mode: int | None = None
    uid: int = 0
    gid: int = 0
    follow: bool = False
    force: bool = False


class CopyIntoKind:
    kind = "file"
    phase = 2

    @staticmethod
    def desired(params):
        target = params.get("container_path") or ""
        if not posixpath.isabs(target) or target.endswith("/"):
            raise ParamError("container_path", f"{target!r} is not an absolute file path")
        path, content = params.get("path"), params.get("content")
        if (path is None) == (content is None):
            raise ParamError("path", "give exactly one of path and content")
        data = None
        if content is not None:
            if params.get("content_is_b64"):
                try:
                    data = base64.b64decode(content, validate=True)
                except (binascii.Error, ValueError) as exc:
                    raise ParamError("content", f"is not base64 ({exc})") from None
            else:
                data = content.encode("utf-8")
        elif not os.path.isfile(path):
            raise ParamError("path", f"{path} is not a file")
        for option in ("owner_id", "group_id"):
            if params.get(option) is not None and params[option] < 0:
                raise ParamError(option, f"{params[option]} is not a user or group ID")
        mode = parse_mode("mode", params.get("mode"), params.get("mode_parse") or "modern")
        return CopyIntoWant(params["container"], posixpath.normpath(target), path, data, mode,
                            params.get("owner_id") or 0, params.get("group_id") or 0, bool(params.get("follow")),
                            bool(params.get("force")))

    @staticmethod
    def read(client, want):
        _require_container(client, want.name)
        path = want.container_path
        for _hop in range(_MAX_LINKS + 1):
            info = stat_file(client, want.name, path, checksum_algorithm="sha256", follow_links=False)
            if not (want.follow and info and info["type"] == "link"):
                break
            path = posixpath.normpath(posixpath.join(posixpath.dirname(path), info["link_target"]))
        else:
            raise ParamError("container_path", f"more than {_MAX_LINKS} symbolic links from {want.container_path}")
        if info and info["type"] == "directory":
            raise ParamError("container_path", f"{path} is a directory in container {want.name}; name the file to write")
        if info is None:
            parent = stat_file(client, want.name, posixpath.dirname(path) or "/", follow_links=True)
            if parent is None or parent["type"] != "directory":
                raise ParamError("container_path", f"directory {posixpath.dirname(path)} does not exist in container {want.name}")
        if want.content is not None:
            sha, size, mode = hashlib.sha256(want.content).hexdigest(), len(want.content), 0o644
            after_text = _text(want.content)
        else:
            (sha, size), mode = _digest_file(want.path), os.stat(want.path).st_mode & 0o7777
            after_text = _text(_read_local(want.path)) if size <= DIFF_LIMIT else None
        mode = want.mode if want.mode is not None else mode
        before = _state(info if info and info["type"] == "file" else None, path)
        differs = before is None or before["sha256"] != sha
        return {
            "path": path, "before": before, "inspect": before or {},
            "after": {"path": path, "type": "file", "size": size, "mode": f"{mode:04o}", "owner": f"{want.uid}:{want.gid}", "sha256": sha},
            "mode": mode, "after_text": after_text,
            "before_text": _container_text(client, want.name, path, info) if differs and after_text is not None else None,
            "replaces": info["type"] if info and info["type"] != "file" else None,
        }

    @staticmethod
    def plan(want, actual):
        before, after, path = actual["before"], actual["after"], actual["path"]
        plan = Plan("file", f"{want.name}:{path}", before, after)
        plan.facts["container_path"] = path
        changes = file_changes(before, after, actual["before_text"], actual["after_text"])
        if not changes and not want.force:
            return plan
        note = "forced" if not changes else (f"replaces a {actual['replaces']}" if actual["replaces"] else "")
        plan.add(Action("write", f"{path} in container {want.name}", tuple(changes), note=note,
                        data={"container": want.name, "path": path, "source": want.content if want.content is not None else want.path,
                              "mode": actual["mode"], "uid": want.uid, "gid": want.gid}))
        return plan

    @staticmethod
    def apply(client, action):
        data = action.data
        put_file(client, data["container"], data["source"], data["path"], mode=data["mode"], uid=data["uid"], gid=data["gid"])

    @staticmethod
    def inspect(client, want):
        path = want.container_path
        info = stat_file(client, want.name, path, checksum_algorithm="sha256", follow_links=want.follow)
        return _state(info, path) or {}


def run_copy_into(client, params, check_mode):
    """The module's run (see run_batch_module): converge, with --diff showing the text that changes."""
    want = CopyIntoKind.desired(params)
    result = result_of(CopyIntoKind, converge(CopyIntoKind, client, want, check_mode, host=params.get("docker_host")), True)
    label = f"{want.name}:{result['container_path']}"
    result["diff"] = text_diff(result, f"{label} (before)", f"{label} (after)")
    return result, None


# --- out of a container --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CopyOutWant:
    name: str  # the container
    container_path: str
    dest: str
    mode: int | None = None
    follow: bool = False
    force: bool = False


def _local_state(path):
    if not os.path.isfile(path):
        return None
    sha, size = _digest_file(path)
    st = os.stat(path)
    return {"path": path, "type": "file", "size": size, "mode": f"{st.st_mode & 0o7777:04o}", "owner": f"{st.st_uid}:{st.st_gid}", "sha256": sha}


def walk_directory(client, container, path, on_file):
    """Read the directory path of container in one archive stream; on_file(tar, member, relative path) for each regular
    file in it (subdirectories too)."""
    chunks, _stat = client.api.get_archive(container, path, chunk_size=CHUNK_SIZE)
    reader = ChunkReader(chunks)
    try:
        with tarfile.open(fileobj=typing.cast(typing.IO[bytes], reader), mode="r|", bufsize=CHUNK_SIZE) as tar:
            root = None
            for member in tar:
                if root is None:  # the directory itself
                    root = member.name.rstrip("/")
                    continue
                if member.isfile():
                    on_file(tar, member, posixpath.relpath(member.name, root))
    finally:
        reader.close()


def _tree(client, want):
    """{relative path: {sha256, size, mode}} of the files under the directory container_path."""
    files = {}

    def record(tar, member, rel):
        digest = hashlib.sha256()
        copy_member(tar, member, None, digest)
        files[rel] = {"sha256": digest.hexdigest(), "size": member.size, "mode": f"{member.mode & 0o7777:04o}"}
    walk_directory(client, want.name, want.container_path, record)
    return files


def tree_changes(files, dest, mode=None):
    """The files (relative paths) whose copy under dest differs in content or mode, and their Changes."""
    changed, changes = [], []
    for rel, source in sorted(files.items()):
        local = _local_state(os.path.join(dest, rel))
        wanted_mode = f"{mode:04o}" if mode is not None else source["mode"]
        if local is None or local["sha256"] != source["sha256"] or local["mode"] != wanted_mode:
            changed.append(rel)
            changes.append(Change(f"files.{rel}", local and {"sha256": local["sha256"], "mode": local["mode"]},
                                  {"sha256": source["sha256"], "mode": wanted_mode}, "fetch"))
    return changed, changes


def _fetch_tree(client, data):
    """Write the changed files of the container's directory under dest, each through a temporary file and a rename."""
    wanted = set(data["files"])

    def write(tar, member, rel):
        if rel not in wanted:
            return
        target = os.path.join(data["dest"], rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=os.path.dirname(target), prefix=f".{os.path.basename(target)}.", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out:
                copy_member(tar, member, out)
            os.chmod(temp, data["mode"] if data["mode"] is not None else member.mode & 0o7777)
            os.replace(temp, target)
        finally:
            if os.path.exists(temp):
                os.unlink(temp)
    os.makedirs(data["dest"], exist_ok=True)
    walk_directory(client, data["container"], data["path"], write)


class CopyOutKind:
    kind = "file"
    phase = 2

    @staticmethod
    def desired(params):
        source = params.get("container_path") or ""
        if not posixpath.isabs(source):
            raise ParamError("container_path", f"{source!r} is not an absolute path")
        dest = params.get("dest") or ""
        if not dest:
            raise ParamError("dest", "is required")
        if os.path.isdir(dest) or dest.endswith("/"):
            dest = os.path.join(dest, posixpath.basename(source.rstrip("/")))
        if not os.path.isdir(os.path.dirname(os.path.abspath(dest))):
            raise ParamError("dest", f"directory {os.path.dirname(os.path.abspath(dest))} does not exist")
        return CopyOutWant(params["container"], posixpath.normpath(source), dest, parse_mode("mode", params.get("mode"), params.get("mode_parse") or "modern"),
                           bool(params.get("follow")), bool(params.get("force")))

    @staticmethod
    def read(client, want):
        _require_container(client, want.name)
        info = stat_file(client, want.name, want.container_path, checksum_algorithm="sha256", follow_links=want.follow)
        if info is None:
            raise ParamError("container_path", f"{want.container_path} does not exist in container {want.name}")
        if info["type"] == "directory":
            if os.path.exists(want.dest) and not os.path.isdir(want.dest):
                raise ParamError("dest", f"{want.dest} is a file; {want.container_path} is a directory")
            files = _tree(client, want)
            return {"tree": files, "mode": want.mode, "inspect": {"path": want.dest, "type": "directory"} if os.path.isdir(want.dest) else {}}
        if info["type"] != "file":
            raise ParamError("container_path", f"{want.container_path} is a {info['type']} in container {want.name}; only files and directories are copied"
                             + ("" if want.follow or info["type"] != "link" else " (set follow: true to copy what the link points at)"))
        before = _local_state(want.dest)
        source = _state(info, want.container_path)
        mode = want.mode if want.mode is not None else info["mode"]
        after = dict(source, path=want.dest, mode=f"{mode:04o}", owner=before["owner"] if before else None)
        differs = before is None or before["sha256"] != source["sha256"]
        small = info["size"] <= DIFF_LIMIT
        return {"before": before, "after": after, "source": source, "mode": mode, "inspect": before or {},
                "before_text": _text(_read_local(want.dest)) if differs and before and before["size"] <= DIFF_LIMIT else None,
                "after_text": _container_text(client, want.name, want.container_path, info) if differs and small else None}

    @staticmethod
    def plan(want, actual):
        if "tree" in actual:
            return CopyOutKind.plan_tree(want, actual)
        before, after = actual["before"], actual["after"]
        plan = Plan("file", want.dest, before, after)
        plan.facts.update(container_path=want.container_path, dest=want.dest, checksum=actual["source"]["sha256"],
                          size=actual["source"]["size"], container_mode=actual["source"]["mode"], dest_mode=f"{actual['mode']:04o}")
        changes = [c for c in file_changes(before, after, actual["before_text"], actual["after_text"]) if c.field != "owner"]
        if not changes and not want.force:
            return plan
        plan.add(Action("fetch", f"{want.container_path} from container {want.name} to {want.dest}", tuple(changes),
                        note="" if changes else "forced",
                        data={"container": want.name, "path": want.container_path, "dest": want.dest, "mode": actual["mode"],
                              "follow": want.follow}))
        return plan

    @staticmethod
    def plan_tree(want, actual):
        files = actual["tree"]
        plan = Plan("directory", want.dest, {}, {})
        plan.facts.update(container_path=want.container_path, dest=want.dest, files=files,
                          dest_mode=f"{want.mode:04o}" if want.mode is not None else None)
        changed, changes = tree_changes(files, want.dest, want.mode)
        if want.force:
            changed = sorted(files)
        if not changed:
            return plan
        plan.add(Action("fetch", f"{len(changed)} of {len(files)} files of {want.container_path} from container {want.name} to {want.dest}",
                        tuple(changes), note="" if changes else "forced", atomic=False,
                        data={"container": want.name, "path": want.container_path, "dest": want.dest, "mode": want.mode,
                              "files": changed, "tree": True}))
        return plan

    @staticmethod
    def apply(client, action):
        data = action.data
        if data.get("tree"):
            _fetch_tree(client, data)
            return
        directory, base = os.path.split(os.path.abspath(data["dest"]))
        handle, temp = tempfile.mkstemp(dir=directory, prefix=f".{base}.", suffix=".part")
        os.close(handle)
        try:
            fetch_file(client, data["container"], data["path"], temp, follow_links=data["follow"])
            os.chmod(temp, data["mode"])
            os.replace(temp, data["dest"])
        finally:
            if os.path.exists(temp):
                os.unlink(temp)

    @staticmethod
    def inspect(client, want):
        if os.path.isdir(want.dest):
            return {"path": want.dest, "type": "directory"}
        return _local_state(want.dest) or {}


def run_copy_out(client, params, check_mode):
    want = CopyOutKind.desired(params)
    result = result_of(CopyOutKind, converge(CopyOutKind, client, want, check_mode, host=params.get("docker_host")), True)
    result["diff"] = text_diff(result, f"{want.dest} (before)", f"{want.name}:{want.container_path}")
    return result, None


COPY_INTO_SPEC = dict(
    container=dict(type="str", required=True),
    path=dict(type="path"),
    content=dict(type="str", no_log=True),
    content_is_b64=dict(type="bool", default=False),
    container_path=dict(type="str", required=True),
    mode=dict(type="raw"),
    mode_parse=dict(type="str", default="modern", choices=["legacy", "modern", "octal_string_only"]),
    owner_id=dict(type="int"),
    group_id=dict(type="int"),
    follow=dict(type="bool", default=False),
    local_follow=dict(type="bool", default=True),
    force=dict(type="bool", default=False),
)

COPY_OUT_SPEC = dict(
    container=dict(type="str", required=True),
    container_path=dict(type="str", required=True),
    dest=dict(type="path", required=True),
    mode=dict(type="raw"),
    follow=dict(type="bool", default=False),
    force=dict(type="bool", default=False),
)
