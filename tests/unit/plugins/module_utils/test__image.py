"""Image references, credentials scoping, build-hash inputs and image plans (pure: no engine)."""

import os

import pytest

from ansible_collections.dockhand.docker.plugins.module_utils import _image, _image_build, _image_kinds
from ansible_collections.dockhand.docker.plugins.module_utils._image import Ref, parse_ref
from ansible_collections.dockhand.docker.plugins.module_utils._image_kinds import PullKind, PushKind, RemoveKind, TagKind
from ansible_collections.dockhand.docker.plugins.module_utils._image_build import BuildKind
from ansible_collections.dockhand.docker.plugins.module_utils._errors import ParamError
from ansible_collections.dockhand.docker.plugins.modules.image_build import ARGUMENT_SPEC as BUILD_SPEC
from ansible_collections.dockhand.docker.plugins.modules.image_pull import ARGUMENT_SPEC as PULL_SPEC
from ansible_collections.dockhand.docker.plugins.modules.image_push import ARGUMENT_SPEC as PUSH_SPEC
from ansible_collections.dockhand.docker.plugins.modules.image_remove import ARGUMENT_SPEC as REMOVE_SPEC
from ansible_collections.dockhand.docker.plugins.modules.image_tag import ARGUMENT_SPEC as TAG_SPEC

DIGEST = "sha256:" + "a" * 64
OTHER = "sha256:" + "b" * 64
ID1, ID2 = "sha256:" + "1" * 64, "sha256:" + "2" * 64


def params(spec, **given):
    out = {name: opt.get("default") for name, opt in spec.items()}
    out.update(given)
    return out


# --- references ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected, registry", [
    ("busybox", Ref("busybox", "latest"), "docker.io"),
    ("busybox:1.36", Ref("busybox", "1.36"), "docker.io"),
    ("user/app", Ref("user/app", "latest"), "docker.io"),
    ("127.0.0.1:5000/team/app:v1", Ref("127.0.0.1:5000/team/app", "v1"), "127.0.0.1:5000"),
    ("localhost/app", Ref("localhost/app", "latest"), "localhost"),
    ("registry.example.com:443/a/b/c", Ref("registry.example.com:443/a/b/c", "latest"), "registry.example.com:443"),
    (f"index.docker.io/library/busybox@{DIGEST}", Ref("index.docker.io/library/busybox", None, DIGEST), "docker.io"),
    (f"app:1@{DIGEST}", Ref("app", "1", DIGEST), "docker.io"),
])
def test_parse_ref(value, expected, registry):
    ref = parse_ref("name", value)
    assert ref == expected and ref.registry == registry
    assert str(ref) == (value if ":" in value.rpartition("/")[2] or "@" in value else value + ":latest")


def test_parse_ref_tag_option_and_ids():
    assert parse_ref("name", "app", "2") == Ref("app", "2")
    assert parse_ref("name", "app:1", "2") == Ref("app", "1"), "a tag in the name takes precedence"
    assert parse_ref("name", "app", DIGEST) == Ref("app", None, DIGEST)
    assert parse_ref("name", "app", None) == Ref("app")
    assert parse_ref("name", ID1, image_id=True) == Ref(id=ID1)
    assert parse_ref("name", "1" * 64, image_id=True) == Ref(id=ID1)
    assert parse_ref("name", "sha256:1234567890ab", image_id=True).id == "sha256:1234567890ab"


@pytest.mark.parametrize("value, kwargs, option, words", [
    ("App", {}, "name", "not a valid image name"),
    ("UPPER/case", {}, "name", "not a valid image name"),
    ("a//b", {}, "name", "not a valid image name"),
    ("app:-x", {}, "name", "not a valid tag"),
    (f"app@{DIGEST}", {"digest": False}, "name", "names a digest"),
    ("app@sha256:abc", {}, "name", "not a digest"),
    ("app", {"default_tag": DIGEST, "digest": False}, "tag", "is a digest"),
    ("app", {"default_tag": "bad tag"}, "tag", "not a valid tag"),
    ("", {}, "name", "not an image name"),
])
def test_parse_ref_refuses(value, kwargs, option, words):
    with pytest.raises(ParamError) as err:
        parse_ref("name", value, **kwargs)
    assert err.value.option == option and words in str(err.value)


def test_registry_names_and_repo_digests():
    assert _image.normalize_registry("https://index.docker.io/v1/") == "docker.io"
    assert _image.normalize_registry("http://127.0.0.1:5000/") == "127.0.0.1:5000"
    image = {"RepoDigests": [f"busybox@{DIGEST}", f"127.0.0.1:5000/busybox@{OTHER}"]}
    assert _image.repo_digests(image, "docker.io/library/busybox") == [DIGEST]
    assert _image.repo_digests(image, "127.0.0.1:5000/busybox") == [OTHER]
    assert _image.repo_digests(None, "busybox") == []


def test_credentials_go_only_to_the_image_registry():
    ref = parse_ref("name", "127.0.0.1:5001/team/app")
    assert _image.credentials({}, ref) is None
    creds = _image.credentials({"username": "u", "password": "p", "registry_url": "http://127.0.0.1:5001/"}, ref)
    assert creds == {"username": "u", "password": "p", "serveraddress": "127.0.0.1:5001"}
    with pytest.raises(ParamError) as err:
        _image.credentials({"username": "u", "password": "p", "registry_url": "127.0.0.1:5000"}, ref)
    assert err.value.option == "registry_url" and "p" not in err.value.why.split("(")[0].split()
    with pytest.raises(ParamError):
        _image.credentials({"registry_url": "127.0.0.1:5001"}, ref)
    hub = _image.credentials({"username": "u", "password": "p"}, parse_ref("name", "user/app"))
    assert hub["serveraddress"] == "https://index.docker.io/v1/"


def test_registry_errors_are_readable_and_hide_the_password():
    ref = parse_ref("name", "127.0.0.1:5001/app")
    creds = {"username": "u", "password": "hunter2"}
    err = _image.registry_error(Exception("unauthorized: authentication required for hunter2"), ref, creds)
    assert str(err).startswith("registry 127.0.0.1:5001 (127.0.0.1:5001/app:latest): it refused the credentials of user 'u': ")
    assert "hunter2" not in str(err)
    assert "needs credentials" in str(_image.registry_error(Exception('Head "x": no basic auth credentials'), ref, None))
    assert "cannot be reached" in str(_image.registry_error(Exception("dial tcp 127.0.0.1:5001: connect: connection refused"), ref, None))


# --- pull and push plans -------------------------------------------------------------------------------------------

def pull_plan(actual, **given):
    p = params(PULL_SPEC, **given)
    kind = PullKind
    return kind.plan(kind.desired(p), actual)


def test_pull_plans():
    name = "127.0.0.1:5000/app"
    local = {"Id": ID1, "RepoDigests": [f"{name}@{DIGEST}"], "Os": "linux", "Architecture": "amd64"}
    missing = pull_plan({"image": None, "remote": DIGEST, "asked": True}, name=name)
    assert missing.describe() == [f"pull image {name}:latest: digest: null -> \"{DIGEST}\" (pull)"]
    assert not pull_plan({"image": local, "remote": DIGEST, "asked": True}, name=name).changed
    moved = pull_plan({"image": local, "remote": OTHER, "asked": True}, name=name)
    assert [c.as_dict() for c in moved.changes] == [{"field": "digest", "before": [DIGEST], "after": OTHER, "how": "pull"}]
    assert not pull_plan({"image": local, "remote": None, "asked": False}, name=name, pull="missing").changed
    arm = pull_plan({"image": local, "remote": DIGEST, "asked": True}, name=name, platform="linux/arm64")
    assert [c.field for c in arm.changes] == ["platform"]
    with pytest.raises(ParamError) as err:
        pull_plan({"image": None, "remote": None, "asked": True}, name=name)
    assert err.value.option == "name" and "has no image" in str(err.value)


def push_plan(actual, **given):
    p = params(PUSH_SPEC, **given)
    kind = PushKind
    return kind.plan(kind.desired(p), actual)


def test_push_plans_only_tags_that_moved():
    name = "127.0.0.1:5000/app"
    image = {"Id": ID1, "RepoDigests": [f"{name}@{DIGEST}"]}
    actual = {"local": {f"{name}:latest": image, f"{name}:v1": image, f"{name}:v2": image},
              "remote": {f"{name}:latest": DIGEST, f"{name}:v1": None, f"{name}:v2": OTHER}}
    plan = push_plan(actual, name=name, tags=["latest", "v1", "v2"])
    assert [a.target for a in plan.actions] == [f"image {name}:v1", f"image {name}:v2"]
    assert [a.note for a in plan.actions] == ["new tag", "the tag moves"]
    assert plan.diff() == {"before": {"exists": True, "tags.v1": None, "tags.v2": OTHER},
                           "after": {"exists": True, "tags.v1": f"image {ID1[:19]}", "tags.v2": f"image {ID1[:19]}"}}
    assert not push_plan(actual, name=f"{name}:latest").changed, "a tag in the name replaces tags"
    assert PushKind.desired(params(PUSH_SPEC, name=name, tags=["a", "a", "b"])).refs == [Ref(name, "a"), Ref(name, "b")]


# --- tag and remove plans ------------------------------------------------------------------------------------------

def test_tag_plans():
    kind = TagKind
    p = params(TAG_SPEC, name="src:1", repository=["a:x", "b"])
    want = kind.desired(p)
    assert [str(t) for t in want.targets] == ["a:x", "b:latest"]
    plan = kind.plan(want, {"source": {"Id": ID1}, "targets": {"a:x": ID1, "b:latest": ID2}})
    assert plan.describe() == [f"tag image b:latest: b:latest: \"{ID2}\" -> \"{ID1}\" (tag) (from src:1, was {ID2[:19]})"]
    keep = dict(p, existing_images="keep")
    assert not kind.plan(kind.desired(keep), {"source": {"Id": ID1}, "targets": {"a:x": ID1, "b:latest": ID2}}).changed
    with pytest.raises(ParamError) as err:
        kind.plan(want, {"source": None, "targets": {}})
    assert err.value.option == "name"
    with pytest.raises(ParamError) as err:
        kind.desired(params(TAG_SPEC, name="src", repository=[]))
    assert err.value.option == "repository"


def remove_plan(actual, **given):
    p = params(REMOVE_SPEC, **given)
    return RemoveKind.plan(RemoveKind.desired(p), actual)


def test_remove_plans():
    one = {"Id": ID1, "RepoTags": ["app:latest"]}
    two = {"Id": ID1, "RepoTags": ["app:latest", "app:v1"]}
    assert not remove_plan({"image": None, "users": []}, name="app").changed
    assert remove_plan({"image": one, "users": []}, name="app").describe() == ["remove image app:latest"]
    assert [a.verb for a in remove_plan({"image": two, "users": ["c"]}, name="app").actions] == ["untag"]
    with pytest.raises(ParamError) as err:
        remove_plan({"image": one, "users": ["web"]}, name="app")
    assert err.value.option == "force" and "web" in str(err.value)
    assert remove_plan({"image": one, "users": ["web"]}, name="app", force=True).describe() == ["remove image app:latest (used by web)"]
    with pytest.raises(ParamError) as err:
        remove_plan({"image": two, "users": []}, name=ID1)
    assert "several names" in str(err.value)


def test_remove_a_digest_reference_on_each_image_store():
    """Classic store: a digest reference is a name of its own and its tags stay. Docker's containerd image store
    (28.5): the digest is the image's ID and the engine removes the repository's tags with it; the plan says so."""
    classic = {"Id": ID1, "RepoTags": ["reg:5000/app:latest", "other:v1"], "RepoDigests": [f"reg:5000/app@{DIGEST}"]}
    plan = remove_plan({"image": classic, "users": []}, name=f"reg:5000/app@{DIGEST}")
    assert [a.verb for a in plan.actions] == ["untag"] and plan.after["tags"] == ["other:v1", "reg:5000/app:latest"]
    containerd = dict(classic, Id=DIGEST)
    plan = remove_plan({"image": containerd, "users": []}, name=f"reg:5000/app@{DIGEST}")
    assert plan.after["tags"] == ["other:v1"]
    assert plan.describe()[0].endswith("the engine removes reg:5000/app:latest with it (containerd image store))")
    alone = dict(containerd, RepoTags=["reg:5000/app:latest"])
    assert remove_plan({"image": alone, "users": []}, name=f"reg:5000/app@{DIGEST}").describe() == [
        f"remove image reg:5000/app@{DIGEST} (the engine removes reg:5000/app:latest with it (containerd image store))"]


# --- build hash and plan -------------------------------------------------------------------------------------------

def test_build_hash_inputs():
    entries = [("Dockerfile", "file", 0o644, "d" * 64), ("app.txt", "file", 0o644, "e" * 64)]
    base = _image_build.build_hash(entries, "FROM x\n", {"A": "1"}, None, None, None)
    assert base == _image_build.build_hash(list(entries), "FROM x\n", {"A": "1"}, None, None, {})
    variants = [
        _image_build.build_hash(entries[:1], "FROM x\n", {"A": "1"}, None, None, None),
        _image_build.build_hash([entries[0], ("app.txt", "file", 0o755, "e" * 64)], "FROM x\n", {"A": "1"}, None, None, None),
        _image_build.build_hash(entries, "FROM y\n", {"A": "1"}, None, None, None),
        _image_build.build_hash(entries, "FROM x\n", {"A": "2"}, None, None, None),
        _image_build.build_hash(entries, "FROM x\n", {"A": "1"}, "stage", None, None),
        _image_build.build_hash(entries, "FROM x\n", {"A": "1"}, None, "linux/arm64", None),
        _image_build.build_hash(entries, "FROM x\n", {"A": "1"}, None, None, {"l": "1"}),
    ]
    assert len({base, *variants}) == 1 + len(variants), "every input changes the hash"


def test_context_entries_honour_dockerignore(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM x\n")
    (tmp_path / "app.txt").write_text("a\n")
    (tmp_path / "notes.md").write_text("n\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "keep.txt").write_text("k\n")
    (tmp_path / "sub" / "drop.tmp").write_text("d\n")
    os.symlink("app.txt", tmp_path / "link")
    (tmp_path / ".dockerignore").write_text("# comment\nnotes.md\n**/*.tmp\nDockerfile\n")
    entries = _image_build.context_entries(str(tmp_path), "Dockerfile")
    assert [(e[0], e[1]) for e in entries] == [(".dockerignore", "file"), ("Dockerfile", "file"), ("app.txt", "file"),
                                               ("link", "link"), ("sub", "dir"), ("sub/keep.txt", "file")]
    assert entries[3][3] == "app.txt"
    os.utime(tmp_path / "app.txt", (1, 1))
    assert _image_build.context_entries(str(tmp_path), "Dockerfile") == entries, "times are not build inputs"


def test_failing_step():
    assert _image_build.failing_step(["Step 1/2 : FROM x", " ---> 1", "Step 2/2 : RUN false", "oops"]) == "Step 2/2 : RUN false"
    assert _image_build.failing_step([]) is None


def build_plan(tmp_path, actual, **given):
    (tmp_path / "Dockerfile").write_text("FROM x\n")
    p = params(BUILD_SPEC, path=str(tmp_path), **given)
    kind = BuildKind
    want = kind.desired(p)
    return want, kind.plan(want, actual)


def test_build_plans(tmp_path):
    want, plan = build_plan(tmp_path, {"image": None, "tags": {}}, name="app")
    assert plan.describe()[0].startswith("build image app:latest: build_hash: null -> ") and plan.describe()[0].endswith("(no such image yet)")
    same = {"image": {"id": ID1, "hash": want.hash}, "tags": {"app:v1": ID1}}
    assert not build_plan(tmp_path, same, name="app", tags=["app:v1"])[1].changed
    moved_tag = dict(same, tags={"app:v1": ID2})
    assert [a.verb for a in build_plan(tmp_path, moved_tag, name="app", tags=["app:v1"])[1].actions] == ["tag"]
    changed = {"image": {"id": ID1, "hash": "sha256:old"}, "tags": {"app:v1": ID1}}
    _want, plan = build_plan(tmp_path, changed, name="app", tags=["app:v1"])
    assert [a.verb for a in plan.actions] == ["build", "tag"]
    assert plan.changes[0].as_dict() == {"field": "build_hash", "before": "sha256:old", "after": want.hash, "how": "rebuild"}
    assert not build_plan(tmp_path, changed, name="app", rebuild="never")[1].changed
    assert [a.verb for a in build_plan(tmp_path, same, name="app", rebuild="always")[1].actions] == ["build"]
    with pytest.raises(ParamError) as err:
        build_plan(tmp_path, same, name="app", args={"N": 1})
    assert err.value.option == "args"


def test_pushed_digest_from_aux_or_from_the_status_line():
    """The classic image store reports a push's digest in an aux record; Docker 28.5's containerd image store sends
    none, only the status line (seen on ci/engine.sh start 28 --containerd-store): both give the digest."""
    status = {"status": f"v1: digest: {DIGEST} size: 581"}
    assert _image_kinds.pushed_digest([{"status": "Pushed", "id": "0070"}, status, {"aux": {"Tag": "v1", "Digest": OTHER, "Size": 581}}], "v1") == OTHER
    assert _image_kinds.pushed_digest([{"status": "Pushed", "id": "0070"}, status], "v1") == DIGEST
    assert _image_kinds.pushed_digest([status], "v2") is None
    assert _image_kinds.pushed_digest([{"status": "Pushed"}], "v1") is None


@pytest.mark.parametrize("given, expected", [("amd64", "linux/amd64"), ("linux", "linux"), ("Linux/ARM64/v8", "linux/arm64/v8"),
                                             ("linux/amd64", "linux/amd64")])
def test_platform_forms_of_community_docker(given, expected):
    assert _image.check_platform("platform", given) == expected


def test_same_platform_compares_the_parts_asked():
    assert _image.same_platform("linux", "linux/amd64")
    assert _image.same_platform("linux/arm64", "linux/arm64/v8")
    assert not _image.same_platform("linux/arm", "linux/arm64")
    assert _image.same_platform("linux/arm64/v8", "linux/arm64")
    assert not _image.same_platform("linux/amd64", "windows/amd64")
