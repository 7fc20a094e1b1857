"""dockhand.docker.image_build, image_tag and image_remove against the real engine (no registry needed)."""

import os

import pytest
from _image_support import docker_config_fixture, images_fixture, write_context  # noqa: F401  # pylint: disable=unused-import

BASE = "dockhand/busybox:latest"
DOCKERFILE = f"FROM {BASE}\nARG VERSION=0\nCOPY app.txt /app.txt\nRUN echo \"$VERSION\" > /version\n"
HASH_LABEL = "dockhand.build-hash"


@pytest.fixture
def context(tmp_path, images):
    return write_context(tmp_path / "ctx", {"Dockerfile": images.dockerfile(DOCKERFILE), "app.txt": "one\n", "notes.md": "ignored\n",
                                            ".dockerignore": "notes.md\n*.tmp\n"})


def label(engine, ref):
    return engine.api.inspect_image(ref)["Config"]["Labels"][HASH_LABEL]


def test_build_only_when_the_inputs_change(engine, ansible, images, context):
    name = images.name("app")
    args = {"name": name, "tag": "1", "path": context, "args": {"VERSION": "1"}}
    ref = f"{name}:1"

    check = ansible.converge("image_build", args, lambda: images.id_of(ref))
    assert check["actions"][0].startswith(f"build image {ref}: build_hash: null -> \"sha256:")
    assert check["build_log"] == [] and check["image"] == {}
    assert check["diff"]["before"] == {"exists": False}
    applied = check.applied
    first = images.id_of(ref)
    assert applied["image"]["Id"] == first
    assert any(line.startswith("Step ") and "COPY app.txt" in line for line in applied["build_log"]), applied["build_log"]
    assert label(engine, ref) == check["changes"][0]["after"]
    assert engine.containers.run(ref, ["cat", "/app.txt", "/version"], remove=True) == b"one\n1\n"

    # a file .dockerignore excludes, and a new mtime on a context file, change nothing
    with open(os.path.join(context, "notes.md"), "a") as handle:
        handle.write("more\n")
    with open(os.path.join(context, "scratch.tmp"), "w") as handle:
        handle.write("x\n")
    os.utime(os.path.join(context, "app.txt"), (1, 1))
    for check_mode in (True, False):
        same = ansible.ok("image_build", args, check=check_mode)
        assert same["changed"] is False and same["actions"] == [] and same["build_log"] == []
    assert images.id_of(ref) == first

    # a context file changes: rebuild, with the old and new hash in the diff
    with open(os.path.join(context, "app.txt"), "w") as handle:
        handle.write("two\n")
    old_hash = label(engine, ref)
    check = ansible.converge("image_build", args, lambda: images.id_of(ref))
    assert check["changes"][0]["before"] == old_hash and check["changes"][0]["how"] == "rebuild"
    assert check["diff"]["before"]["build_hash"] == old_hash
    second = images.id_of(ref)
    assert second != first
    assert engine.containers.run(ref, ["cat", "/app.txt"], remove=True) == b"two\n"

    # a build argument changes: rebuild
    args["args"] = {"VERSION": "2"}
    ansible.converge("image_build", args, lambda: images.id_of(ref))
    assert images.id_of(ref) not in (first, second)
    assert engine.containers.run(ref, ["cat", "/version"], remove=True) == b"2\n"

    # the Dockerfile changes: rebuild
    with open(os.path.join(context, "Dockerfile"), "a") as handle:
        handle.write("ENV EXTRA=1\n")
    ansible.converge("image_build", args, lambda: images.id_of(ref))
    assert "EXTRA=1" in engine.api.inspect_image(ref)["Config"]["Env"]


def test_rebuild_always_is_unchanged_when_the_id_stays(ansible, images, context):
    name = images.name("always")
    ansible.ok("image_build", {"name": name, "path": context})
    before = images.id_of(name)
    args = {"name": name, "path": context, "rebuild": "always"}
    check = ansible.ok("image_build", args, check=True)
    assert check["changed"] is True and check["actions"][0].startswith(f"build image {name}:latest")
    applied = ansible.ok("image_build", args)
    assert applied["actions"] == check["actions"]
    assert applied["build_log"], "rebuild: always must build"
    assert applied["changed"] is False, "a fully cached rebuild leaves the image ID where it was"
    assert images.id_of(name) == before


def test_rebuild_never_and_an_image_without_the_label(engine, ansible, images, context):
    name = images.name("foreign")
    engine.api.tag(BASE, name, "latest")
    never = ansible.ok("image_build", {"name": name, "path": context, "rebuild": "never"})
    assert never["changed"] is False
    check = ansible.ok("image_build", {"name": name, "path": context}, check=True)
    assert check["changed"] is True and f"the image has no {HASH_LABEL} label" in check["actions"][0]


def test_extra_tags_target_labels_and_a_dockerfile_outside_the_context(engine, ansible, images, tmp_path):
    ctx = write_context(tmp_path / "multi", {"app.txt": "multi\n"})
    dockerfile = tmp_path / "Build.dockerfile"
    # (the classic builder cannot use a stage as a base offline: it tries to pull it; so both stages start from BASE)
    dockerfile.write_text(images.dockerfile(f"FROM {BASE} AS base\nCOPY app.txt /app.txt\nFROM {BASE} AS final\nRUN touch /final\n"))
    name = images.name("multi")
    args = {"name": name, "tag": "base", "path": ctx, "dockerfile": str(dockerfile), "target": "base",
            "labels": {"tier": "test"}, "tags": [images.name("alias"), f"{images.name('alias')}:v2"]}
    refs = [f"{name}:base", f"{images.name('alias')}:base", f"{images.name('alias')}:v2"]
    check = ansible.converge("image_build", args, lambda: [images.id_of(r) for r in refs])
    assert [a.split(":")[0] for a in check["actions"]] == ["build image " + name, "tag image " + images.name("alias"),
                                                           "tag image " + images.name("alias")]
    ids = {images.id_of(r) for r in refs}
    assert len(ids) == 1
    data = engine.api.inspect_image(refs[0])
    assert data["Config"]["Labels"]["tier"] == "test"
    assert engine.containers.run(refs[0], ["sh", "-c", "cat /app.txt; ls /final 2>/dev/null || echo no-final"], remove=True) == b"multi\nno-final\n"
    assert "notes" not in str(check["build_log"])

    # an extra tag moved elsewhere is put back without a build
    engine.api.tag(BASE, images.name("alias"), "v2")
    check = ansible.converge("image_build", args, lambda: images.id_of(refs[2]))
    assert check["actions"] == [f"tag image {refs[2]}: tags.{refs[2]}: \"{engine.api.inspect_image(BASE)['Id']}\" -> \"{ids.pop()}\" (tag)"]


@pytest.mark.serial  # compares the engine's whole container list before and after
def test_failing_build_names_the_step_and_keeps_the_old_image(engine, ansible, images, context):
    name = images.name("broken")
    ansible.ok("image_build", {"name": name, "path": context})
    good = images.id_of(name)
    containers_before = {c.id for c in engine.containers.list(all=True)}
    with open(os.path.join(context, "Dockerfile"), "a") as handle:
        handle.write("RUN echo about to fail && exit 3\n")
    result = ansible.fails("image_build", {"name": name, "path": context})
    assert result["msg"].startswith(f"building {name}:latest failed at Step 6/7 : RUN echo about to fail && exit 3: "), result["msg"]
    assert "returned a non-zero code: 3" in result["msg"]
    assert f"{name}:latest still points at image {good[:19]}" in result["msg"]
    assert "about to fail" in result["msg"].split("last 20 lines of the build log")[1]
    assert result["changed"] is False
    assert images.id_of(name) == good
    assert {c.id for c in engine.containers.list(all=True)} == containers_before, "intermediate containers left behind"


@pytest.mark.parametrize("change, option, words", [
    ({"path": "/nonexistent/dhtest"}, "path", "is not a directory"),
    ({"dockerfile": "Nope.dockerfile"}, "dockerfile", "is not a file"),
    ({"args": {"VERSION": 2}}, "args", "must be a string"),
    ({"labels": {HASH_LABEL: "x"}}, "labels", "set by the module"),
    ({"name": "Bad/Name"}, "name", "is not a valid image name"),
    ({"name": "{name}@sha256:" + "a" * 64}, "name", "names a digest"),
    ({"tag": "-bad"}, "tag", "is not a valid tag"),
    ({"platform": "amd64/"}, "platform", "is not a platform"),
    ({"platform": ["linux/amd64", "linux/arm64/v8"]}, "platform", "several platforms need BuildKit"),
    ({"shm_size": "lots"}, "shm_size", "is not a size"),
    ({"tags": ["UPPER/case"]}, "tags[1]", "is not a valid image name"),
    ({"secrets": [{"id": "token", "src": "/etc/hostname"}]}, "secrets", "need BuildKit"),
    ({"outputs": [{"type": "local", "dest": "/tmp/x"}]}, "outputs[0].type", "needs BuildKit"),
])
def test_build_bad_input_fails_and_leaves_nothing(ansible, images, context, change, option, words):
    args = {"name": images.name("bad"), "path": context}
    args.update({k: (v.format(name=args["name"]) if isinstance(v, str) else v) for k, v in change.items()})
    for check in (True, False):
        result = ansible.fails("image_build", args, check=check)
        assert result["msg"].startswith(f"{option}: "), result["msg"]
        assert words in result["msg"]
    assert images.mine() == []


# --- image_tag ---------------------------------------------------------------------------------------------------

def test_tag_points_names_at_the_image(engine, ansible, images, tmp_path):
    source = images.name("src")
    engine.api.tag(BASE, source, "1")
    targets = [images.name("a") + ":x", images.name("b")]
    args = {"name": f"{source}:1", "repository": targets}
    base_id = engine.api.inspect_image(BASE)["Id"]
    check = ansible.converge("image_tag", args, lambda: [images.id_of(t) for t in targets])
    assert check["actions"] == [f"tag image {targets[0]}: {targets[0]}: null -> \"{base_id}\" (tag) (from {source}:1)",
                                f"tag image {targets[1]}:latest: {targets[1]}:latest: null -> \"{base_id}\" (tag) (from {source}:1)"]
    assert check["diff"]["after"][targets[0]] == base_id
    assert [images.id_of(t) for t in targets] == [base_id, base_id]

    # a name on another image: kept with existing_images=keep, moved by default
    other_ctx = write_context(tmp_path / "other", {"Dockerfile": images.dockerfile(f"FROM {BASE}\nLABEL other=1\n")})
    ansible.ok("image_build", {"name": images.name("other"), "path": other_ctx})
    other = images.id_of(images.name("other"))
    engine.api.tag(other, images.name("b"), "latest")
    assert ansible.ok("image_tag", dict(args, existing_images="keep"))["changed"] is False
    assert images.id_of(targets[1]) == other
    check = ansible.converge("image_tag", args, lambda: images.id_of(targets[1]))
    assert check["changes"] == [{"field": f"{targets[1]}:latest", "before": other, "after": base_id, "how": "tag"}]


def test_tag_by_id_and_missing_source(engine, ansible, images):
    base_id = engine.api.inspect_image(BASE)["Id"]
    target = images.name("byid") + ":v1"
    ansible.converge("image_tag", {"name": base_id, "repository": [target]}, lambda: images.id_of(target))
    assert images.id_of(target) == base_id
    missing = ansible.fails("image_tag", {"name": images.name("nothing"), "repository": [images.name("x")]})
    assert missing["msg"] == f"name: no local image {images.name('nothing')}:latest to tag"
    bad = ansible.fails("image_tag", {"name": BASE, "repository": [images.name("x") + "@sha256:" + "b" * 64]})
    assert bad["msg"].startswith("repository[1]: ") and "names a digest" in bad["msg"]
    assert images.id_of(images.name("x")) is None


# --- image_remove ------------------------------------------------------------------------------------------------

def test_remove_a_name_then_the_image(engine, ansible, images, tmp_path):
    ctx = write_context(tmp_path / "rm", {"Dockerfile": images.dockerfile(f"FROM {BASE}\nLABEL remove-me=1\n")})
    name = images.name("rm")
    ansible.ok("image_build", {"name": name, "path": ctx, "tags": [f"{name}:second"]})
    image_id = images.id_of(name)

    check = ansible.converge("image_remove", {"name": name}, lambda: engine.api.inspect_image(image_id)["RepoTags"])
    assert check["actions"] == [f"untag image {name}:latest: tags: [\"{name}:latest\", \"{name}:second\"] -> [\"{name}:second\"] (untag) "
                                f"(image {image_id[:19]} keeps its other names)"]
    assert engine.api.inspect_image(image_id)["RepoTags"] == [f"{name}:second"]

    check = ansible.converge("image_remove", {"name": name, "tag": "second"}, lambda: images.id_of(image_id))
    assert check["actions"] == [f"remove image {name}:second"]
    assert check["diff"]["after"] == {"exists": False}
    assert images.id_of(image_id) is None
    # community.docker's keys: predicted in check mode, the engine's own answer when applied
    assert check["untagged"] == check.applied["untagged"] == [f"{name}:second"]
    assert check["deleted"] == [image_id] and check.applied["deleted"][0] == image_id


def test_remove_in_use_needs_force(engine, ansible, images, tmp_path):
    ctx = write_context(tmp_path / "used", {"Dockerfile": images.dockerfile(f"FROM {BASE}\nLABEL used-by=1\n")})
    name = images.name("used")
    ansible.ok("image_build", {"name": name, "path": ctx})
    image_id = images.id_of(name)
    user = engine.containers.create(name, ["true"], name=f"{images.prefix}-user")
    refused = ansible.fails("image_remove", {"name": name})
    assert refused["option"] == "force"
    assert f"is used by containers {images.prefix}-user" in refused["msg"]
    assert images.id_of(name) == image_id

    by_id = ansible.fails("image_remove", {"name": image_id})
    assert by_id["option"] == "force"

    check = ansible.converge("image_remove", {"name": name, "force": True}, lambda: images.id_of(name))
    assert check["actions"] == [f"remove image {name}:latest (used by {images.prefix}-user)"]
    user.remove(force=True)


def test_remove_missing_is_unchanged(ansible, images):
    for check in (True, False):
        result = ansible.ok("image_remove", {"name": images.name("ghost")}, check=check)
        assert result["changed"] is False and result["image"] == {}
