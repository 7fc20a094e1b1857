# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What an image archive holds (classic and OCI layouts), and the save and load plans from it (pure)."""

import io
import json
import tarfile

from ansible_collections.dockhand.docker.plugins.module_utils._errors import NotFound
from ansible_collections.dockhand.docker.plugins.module_utils._image_archive import (
    LoadKind, LoadWant, SaveKind, SaveWant, archive_images, canonical_tag, holds_exactly,
)

A, B = "sha256:" + "a" * 64, "sha256:" + "b" * 64


def write_archive(path, manifest, index=None, mode="w"):
    with tarfile.open(path, mode) as tar:
        for name, data in (("manifest.json", manifest), ("index.json", index)):
            if data is None:
                continue
            raw = json.dumps(data).encode()
            info = tarfile.TarInfo(name)
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    return str(path)


def test_classic_archive(tmp_path):
    path = write_archive(tmp_path / "a.tar", [{"Config": "a" * 64 + ".json", "RepoTags": ["busybox:latest", "x.io/app:1"]}])
    assert archive_images(path) == [{"ids": [A], "tags": ["docker.io/library/busybox:latest", "x.io/app:1"], "config_id": A, "digests": []}]


def test_oci_archive_gives_the_manifest_digest_as_an_id_too(tmp_path):
    index = {"manifests": [{"digest": B, "annotations": {"io.containerd.image.name": "docker.io/library/app:1"}}]}
    path = write_archive(tmp_path / "b.tar.gz", [{"Config": "blobs/sha256/" + "a" * 64, "RepoTags": ["app:1"]}], index, mode="w:gz")
    assert archive_images(path) == [{"ids": [A, B], "tags": ["docker.io/library/app:1"], "config_id": A, "digests": [B]}]


def test_not_an_archive(tmp_path):
    (tmp_path / "t").write_text("text")
    assert archive_images(str(tmp_path / "t")) is None
    assert archive_images(write_archive(tmp_path / "c.tar", {"not": "a list"})) is None


def test_holds_exactly():
    images = [{"ids": [A, B], "tags": ["docker.io/library/app:1"]}]
    assert holds_exactly(images, {B: ["docker.io/library/app:1"]})
    assert not holds_exactly(images, {B: ["docker.io/library/app:1", "docker.io/library/app:2"]})
    assert not holds_exactly(images, {A: ["docker.io/library/app:1"], "sha256:c": []})
    assert not holds_exactly(None, {A: []})
    assert canonical_tag("localhost:5000/app") == "localhost:5000/app:latest"


def test_save_plan():
    want = SaveWant("/x.tar", ("app:1",), None, False)
    wanted = {A: ["docker.io/library/app:1"]}
    same = {"wanted": wanted, "archive": [{"ids": [A], "tags": ["docker.io/library/app:1"]}], "exists": True}
    assert SaveKind.plan(want, same).actions == []
    assert SaveKind.plan(SaveWant("/x.tar", ("app:1",), None, True), same).describe()[0].endswith("(forced)")
    new = SaveKind.plan(want, {"wanted": wanted, "archive": None, "exists": False})
    assert new.describe() == [f'save images app:1 ({A[:19]}) to /x.tar: images: null -> ["docker.io/library/app:1"] (save) (new archive)']


def test_load_plan():
    image = {"ids": [A], "tags": ["docker.io/library/app:1"], "load_id": A}
    there = {"images": [dict(image, present=A, engine_tags={"docker.io/library/app:1": A})]}
    plan = LoadKind.plan(LoadWant("/x.tar"), there)
    assert plan.actions == [] and plan.facts == {"image_names": ["app:1"]}
    moved = {"images": [dict(image, present=A, engine_tags={"docker.io/library/app:1": B})]}
    assert [c.as_dict() for c in LoadKind.plan(LoadWant("/x.tar"), moved).changes] == [
        {"field": "tags.app:1", "before": B[:19], "after": A[:19], "how": "load"}]


class _Api:
    def __init__(self, containerd):
        self.containerd = containerd

    def inspect_image(self, ref):
        raise NotFound(404, f"No such image: {ref}")

    def info(self):
        return {"DriverStatus": [["driver-type", "io.containerd.snapshotter.v1"]] if self.containerd else [["Backing Filesystem", "extfs"]]}


class _Client:
    def __init__(self, containerd):
        self.api = _Api(containerd)

    def info(self):
        return self.api.info()


def test_load_predicts_the_id_of_the_engines_image_store(tmp_path):
    """Docker 25+ writes an OCI index.json on the classic image store too (seen with Docker 26.1): a load gives the
    config digest there, the manifest digest on the containerd image store; the plan names the one this engine gives,
    whichever of the two sorts first."""
    index = {"manifests": [{"digest": A, "annotations": {"io.containerd.image.name": "docker.io/library/app:1"}}]}
    path = write_archive(tmp_path / "o.tar", [{"Config": "blobs/sha256/" + "b" * 64, "RepoTags": ["app:1"]}], index)
    for containerd, loaded in ((False, B), (True, A)):
        client = _Client(containerd)
        plan = LoadKind.plan(LoadWant(path), LoadKind.read(client, LoadWant(path)))
        assert [c.as_dict() for c in plan.changes] == [{"field": "images", "before": [], "after": [loaded[:19]], "how": "load"}]
