"""dockhand.docker.image_save and image_load against the real engine, with archives in a temporary directory."""

import json
import os
import tarfile

import pytest
from _image_support import images_fixture  # noqa: F401  # pylint: disable=unused-import

BASE = "dockhand/busybox:latest"


def unique_image(engine, images, suffix):
    """A new image (a commit of a container of the base image), tagged images.name(suffix):1; returns its ID."""
    container = engine.containers.create(BASE, ["true"], name=f"{images.prefix}-{suffix}")
    image_id = engine.api.commit(container.id, repository=images.name(suffix), tag="1",
                                 conf={"Labels": {"dhtest.prefix": images.prefix, "made": suffix}})["Id"]
    container.remove()
    return image_id


def manifest(path):
    with tarfile.open(path) as tar:
        return json.load(tar.extractfile("manifest.json"))


def file_state(path):
    return (os.stat(path).st_mtime_ns, os.stat(path).st_ino) if os.path.exists(path) else None


def test_save_writes_only_when_the_archive_differs(engine, ansible, images, tmp_path):
    first = unique_image(engine, images, "one")
    path = str(tmp_path / "images.tar")
    args = {"names": [images.name("one")], "tag": "1", "path": path}
    check = ansible.converge("image_save", args, lambda: file_state(path))
    assert check["changes"] == [{"field": "images", "before": None, "after": [f"docker.io/{images.name('one')}:1"], "how": "save"}]
    assert [i["Id"] for i in check.applied["images"]] == [first]
    assert [m["RepoTags"] for m in manifest(path)] == [[f"{images.name('one')}:1"]]  # the ID is store-specific
    assert [p.name for p in tmp_path.iterdir()] == ["images.tar"]  # no temporary file left

    # another image in the list: the archive no longer holds exactly these images
    unique_image(engine, images, "two")
    more = dict(args, names=[f"{images.name('one')}:1", images.name("two")])
    check = ansible.converge("image_save", more, lambda: file_state(path))
    assert check["actions"][0].endswith("(the archive holds other images)")
    assert sorted(t for m in manifest(path) for t in m["RepoTags"]) == [f"{images.name('one')}:1", f"{images.name('two')}:1"]

    # force writes every time
    forced = ansible.ok("image_save", dict(more, force=True))
    assert forced["changed"] is True and forced["actions"][0].endswith("(forced)")


def test_load_only_what_the_engine_lacks(engine, ansible, images, tmp_path):
    """Check mode names the ID the load gives. Engine difference: Docker 25+ saves an OCI index.json on the classic
    image store too (seen on 26.1 and 28.5): the loaded image's ID is the config digest there and the manifest digest
    on the containerd image store, and the plan must pick the one of this engine's store."""
    image_id = unique_image(engine, images, "load")
    name = f"{images.name('load')}:1"
    path = str(tmp_path / "load.tar")
    ansible.ok("image_save", {"names": [name], "path": path})
    engine.api.remove_image(name)
    assert images.id_of(image_id) is None

    check = ansible.converge("image_load", {"path": path}, lambda: images.id_of(name))
    assert check["changes"] == [{"field": "images", "before": [], "after": [image_id[:19]], "how": "load"}]
    assert check["image_names"] == [name] == check.applied["image_names"] and check["images"] == []
    assert images.id_of(name) == image_id and [i["Id"] for i in check.applied["images"]] == [image_id]

    # the tag moved to another image: loading puts it back
    engine.api.tag(BASE, images.name("load"), "1")
    base_id = images.id_of(BASE)
    check = ansible.converge("image_load", {"path": path}, lambda: images.id_of(name))
    assert check["changes"] == [{"field": f"tags.{name}", "before": base_id[:19], "after": image_id[:19], "how": "load"}]
    assert images.id_of(name) == image_id and images.id_of(BASE) == base_id


@pytest.mark.parametrize("module, args, option, words", [
    ("image_save", {"names": ["{p}/none"], "path": "{tmp}/x.tar"}, "names", "no local image"),
    ("image_save", {"names": ["{p}/Bad"], "path": "{tmp}/x.tar"}, "names", "is not a valid image name"),
    ("image_save", {"names": [BASE], "path": "{tmp}"}, "path", "is not a file path"),
    ("image_save", {"names": [BASE], "path": "{tmp}/no/dir/x.tar"}, "path", "does not exist"),
    ("image_save", {"names": [BASE], "path": "{tmp}/x.tar", "platform": "linux/"}, "platform", "is not a platform"),
    ("image_load", {"path": "{tmp}/none.tar"}, "path", "is not a file"),
    ("image_load", {"path": "{tmp}/text.tar"}, "path", "is not an image archive"),
])
def test_bad_input_names_the_option(ansible, images, tmp_path, module, args, option, words):
    (tmp_path / "text.tar").write_text("not a tar\n")
    args = {k: (v.format(p=images.prefix, tmp=tmp_path) if isinstance(v, str) else [x.format(p=images.prefix) for x in v])
            for k, v in args.items()}
    for check in (True, False):
        result = ansible.fails(module, args, check=check)
        assert result["msg"].startswith(f"{option}: ") and words in result["msg"], result["msg"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["text.tar"]
    assert images.mine() == []


def test_platform_needs_api_1_48(engine, ansible, tmp_path):
    path = str(tmp_path / "base.tar")
    args = {"names": [BASE], "path": path, "platform": "linux/amd64"}
    version = tuple(int(p) for p in engine.version()["ApiVersion"].split("."))
    if version < (1, 48):  # Docker 20.10 to 27: the option names itself and nothing is written
        result = ansible.fails("image_save", args)
        assert result["msg"].startswith("platform: needs an engine with API 1.48 or later") and list(tmp_path.iterdir()) == []
    else:
        ansible.converge("image_save", args, lambda: os.path.exists(path))
        assert [m["RepoTags"] for m in manifest(path)] == [[BASE]]
