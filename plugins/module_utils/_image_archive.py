# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE: this module_utils file is internal to dockhand.docker and may change at any time.
"""Image archives (docker save / docker load): what an archive holds, and the save and load kinds.

An archive is known by its manifest: manifest.json names each image's config blob (the image ID on the classic image
store) and its tags; an OCI index.json, when there is one, names the manifest digests (the image ID on the containerd
image store). An image is in an archive when the engine's ID is either of those, so both stores compare alike.
"""

from __future__ import annotations

import json
import os
import tarfile
import tempfile
from dataclasses import dataclass

from ._errors import EngineError, NotFound, ParamError
from ._image import canonical_repository, check_platform, parse_ref, short_id
from ._plan import Action, Change, Plan

CHUNK_SIZE = 1 << 20
_HUB_PREFIXES = ("docker.io/library/", "docker.io/")


def canonical_tag(name):
    """'busybox:latest' and 'docker.io/library/busybox:latest' are one tag."""
    repository, _sep, tag = name.rpartition(":")
    if "/" in tag or not repository:
        repository, tag = name, "latest"
    return f"{canonical_repository(repository)}:{tag}"


def familiar(name):
    """The short name docker prints ('busybox:latest' for 'docker.io/library/busybox:latest')."""
    for prefix in _HUB_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def _config_id(config):
    """'blobs/sha256/<hex>' or '<hex>.json' -> 'sha256:<hex>'."""
    base = config.rsplit("/", 1)[-1]
    if base.endswith(".json"):
        base = base[:-5]
    return base if base.startswith("sha256:") else f"sha256:{base}"


def _json_member(tar, name):
    try:
        member = tar.getmember(name)
    except KeyError:
        return None
    source = tar.extractfile(member)
    return json.loads(source.read()) if source is not None else None


def archive_images(path):
    """[{"ids": [IDs this image may have], "tags": [canonical tags]}] from the archive at path, or None when path is not
    an image archive (no manifest.json). Compressed archives (gzip, bzip2, xz) are read too."""
    try:
        with tarfile.open(path, "r:*") as tar:
            manifest = _json_member(tar, "manifest.json")
            index = _json_member(tar, "index.json")
    except (OSError, tarfile.TarError, ValueError):
        return None
    if not isinstance(manifest, list):
        return None
    by_tag: dict[str, list[str]] = {}
    for entry in (index or {}).get("manifests") or []:  # OCI layout: the manifest (or index) digest is an ID too
        name = (entry.get("annotations") or {}).get("io.containerd.image.name")
        if name and entry.get("digest"):
            by_tag.setdefault(canonical_tag(name), []).append(entry["digest"])
    images = []
    for entry in manifest:
        tags = sorted(canonical_tag(t) for t in entry.get("RepoTags") or [])
        config_id = _config_id(entry.get("Config") or "")
        digests = sorted({d for tag in tags for d in by_tag.get(tag, [])})
        images.append({"ids": sorted({config_id, *digests}), "tags": tags, "config_id": config_id, "digests": digests})
    return images


def containerd_store(client):
    """Whether the engine keeps its images in containerd (Docker's containerd image store), where an image's ID is its
    manifest (or index) digest rather than its config digest."""
    return ["driver-type", "io.containerd.snapshotter.v1"] in (client.info().get("DriverStatus") or [])


def holds_exactly(images, wanted):
    """Whether an archive's images are exactly `wanted` ({engine ID: [canonical tags]}): the same images, the same tags."""
    if images is None or len(images) != len(wanted):
        return False
    for image_id, tags in wanted.items():
        entry = next((i for i in images if image_id in i["ids"]), None)
        if entry is None or entry["tags"] != sorted(tags):
            return False
    return True


def _inspect_all(client, names):
    found = []
    for name in names:
        try:
            found.append(client.api.inspect_image(name))
        except NotFound:
            pass
    return found


# --- save ----------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SaveWant:
    name: str  # the archive's path
    refs: tuple  # image names with their tag, or image IDs
    platform: str | None
    force: bool


class SaveKind:
    """Write the named images to a tar archive (docker save), unless the archive there holds exactly those images."""

    kind = "images"
    phase = 1

    @staticmethod
    def desired(params):
        tag = params.get("tag") or "latest"
        refs = tuple(str(parse_ref("names", n, tag, digest=False, image_id=True)) for n in params.get("names") or [])
        if not refs:
            raise ParamError("names", "name at least one image")
        path = params.get("path") or ""
        if not path or path.endswith("/") or os.path.isdir(path):
            raise ParamError("path", f"{path!r} is not a file path (a directory was given)")
        if not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            raise ParamError("path", f"the directory of {path} does not exist")
        return SaveWant(path, tuple(dict.fromkeys(refs)), check_platform("platform", params.get("platform")), bool(params.get("force")))

    @staticmethod
    def read(client, want):
        wanted: dict[str, list[str]] = {}
        inspected = []
        for ref in want.refs:
            try:
                image = client.api.inspect_image(ref)
            except NotFound:
                raise ParamError("names", f"no local image {ref}; build, pull or load it first") from None
            inspected.append(image)
            tags = wanted.setdefault(image["Id"], [])
            if not ref.startswith("sha256:"):
                tags.append(canonical_tag(ref))
        if want.platform:
            version = client.api.version().get("ApiVersion") or "0"
            if tuple(int(p) for p in version.split(".")) < (1, 48):
                raise ParamError("platform", f"needs an engine with API 1.48 or later (Docker 28); this one has API {version}")
        actual = {"wanted": wanted, "archive": archive_images(want.name) if os.path.exists(want.name) else None,
                  "exists": os.path.exists(want.name), "inspect": inspected}
        return actual

    @staticmethod
    def plan(want, actual):
        archive, wanted = actual["archive"], actual["wanted"]
        before = sorted(t for i in archive for t in i["tags"]) if archive else None
        after = sorted(t for tags in wanted.values() for t in tags)
        plan = Plan("image archive", want.name, {"images": before} if actual["exists"] else None, {"images": after})
        same = holds_exactly(archive, wanted)
        if same and not want.force:
            return plan
        if not actual["exists"]:
            note = "new archive"
        elif archive is None:
            note = "replaces a file that is not an image archive"
        else:
            note = "forced" if same else "the archive holds other images"
        ids = ", ".join(short_id(i) for i in wanted)
        plan.add(Action("save", f"images {', '.join(want.refs)} ({ids}) to {want.name}",
                        (Change("images", before, after, "save"),), note=note,
                        data={"path": want.name, "refs": list(want.refs), "platform": want.platform}))
        return plan

    @staticmethod
    def apply(client, action):
        save(client, action.data["refs"], action.data["path"], action.data["platform"])

    @staticmethod
    def inspect(client, want):
        return _inspect_all(client, want.refs)


def save(client, refs, path, platform=None):
    """Stream `docker save refs` into a temporary file next to path, then rename it to path: a failed save never leaves
    a half archive at path."""
    params: dict = {"names": refs}
    if platform:
        os_, arch, *variant = platform.split("/")
        params["platform"] = json.dumps(dict(os=os_, architecture=arch, **({"variant": variant[0]} if variant else {})))
    directory, base = os.path.split(os.path.abspath(path))
    handle, temp = tempfile.mkstemp(dir=directory, prefix=f".{base}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in client.api.get_stream("/images/get", params, CHUNK_SIZE):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if archive_images(temp) is None:
            raise EngineError(f"saving {', '.join(refs)}: the engine's answer is not an image archive")
        os.chmod(temp, 0o644 & ~_umask())
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --- load ----------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LoadWant:
    name: str  # the archive's path


def _present(client, ids):
    for image_id in ids:
        try:
            client.api.inspect_image(image_id)
            return image_id
        except NotFound:
            continue
    return None


def _tag_id(client, tag):
    try:
        return client.api.inspect_image(tag)["Id"]
    except NotFound:
        return None


class LoadKind:
    """Load an image archive (docker load) when it brings an image ID or a tag the engine does not have."""

    kind = "images"
    phase = 1

    @staticmethod
    def desired(params):
        path = params.get("path") or ""
        if not os.path.isfile(path):
            raise ParamError("path", f"{path!r} is not a file")
        return LoadWant(path)

    @staticmethod
    def read(client, want):
        images = archive_images(want.name)
        if images is None:
            raise ParamError("path", f"{want.name} is not an image archive (it has no manifest.json)")
        for image in images:
            image["present"] = _present(client, image["ids"])
            image["engine_tags"] = {tag: _tag_id(client, tag) for tag in image["tags"]}
        # the ID a load gives: Docker 25+ writes index.json on the classic store too, whose IDs are config digests
        containerd = any(i["digests"] for i in images) and containerd_store(client)
        for image in images:
            image["load_id"] = image["digests"][0] if containerd and image["digests"] else image["config_id"]
        return {"images": images}

    @staticmethod
    def plan(want, actual):
        images = actual["images"]
        missing, moved = [], []
        for image in images:
            if image["present"] is None:  # its tags come with it
                missing.append(image)
                continue
            moved += [tag for tag, found in image["engine_tags"].items() if found not in image["ids"]]
        names = sorted(familiar(t) for i in images for t in i["tags"])
        plan = Plan("image archive", want.name, {}, {})
        plan.facts["image_names"] = names
        if not missing and not moved:
            return plan
        before = {familiar(t): short_id(found) if found else None for i in images for t, found in i["engine_tags"].items()}
        after = {familiar(t): short_id(i["load_id"]) for i in images for t in i["tags"]}
        changes = [Change("images", [], [short_id(i["load_id"]) for i in missing], "load")] if missing else []
        changes += [Change(f"tags.{familiar(t)}", before[familiar(t)], after[familiar(t)], "load") for t in sorted(moved)]
        plan.add(Action("load", f"image archive {want.name}", tuple(changes), data={"path": want.name},
                        note=f"{len(missing)} new image(s), {len(moved)} tag(s) to set"))
        return plan

    @staticmethod
    def apply(client, action):
        load(client, action.data["path"])

    @staticmethod
    def inspect(client, want):
        images = archive_images(want.name) or []
        found = []
        for image in images:
            present = _present(client, [*(image["tags"]), *image["ids"]])
            if present:
                found.append(client.api.inspect_image(present))
        return found


def load(client, path):
    """POST the archive to /images/load, streamed from the file; raise the engine's error if it reports one."""
    with open(path, "rb") as source:
        for item in client.api.load_image(source):
            if isinstance(item, dict) and (item.get("error") or item.get("errorDetail")):
                raise EngineError(f"loading {path}: {item.get('error') or item['errorDetail'].get('message')}")


SAVE_SPEC = dict(
    names=dict(type="list", elements="str", required=True, aliases=["name"]),
    tag=dict(type="str", default="latest"),
    path=dict(type="path", required=True),
    platform=dict(type="str"),
    force=dict(type="bool", default=False),
)

LOAD_SPEC = dict(
    path=dict(type="path", required=True),
)
