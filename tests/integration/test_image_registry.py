"""dockhand.docker.image_push and image_pull against the real engine and real registries (Debian's docker-registry):
the plain one on 127.0.0.1:5000 and a throwaway one with htpasswd basic auth."""

import pytest
from _engine_support import containerd_store
from _image_support import (  # noqa: F401  # pylint: disable=unused-import
    auth_registry_fixture, docker_config_fixture, free_port, images_fixture, registry_digest, registry_fixture, write_context,
)

BASE = "dockhand/busybox:latest"


def build(ansible, images, tmp_path, name, content):
    """Build a small image named name:latest whose content is `content`; returns its ID."""
    ctx = write_context(tmp_path / f"ctx-{abs(hash((name, content)))}", {
        "Dockerfile": images.dockerfile(f"FROM {BASE}\nCOPY data.txt /data.txt\n"), "data.txt": content})
    ansible.ok("image_build", {"name": name, "path": ctx})
    return images.id_of(name)


def test_push_pull_round_trip(engine, ansible, images, registry, tmp_path):
    name = images.name("app", registry)
    repository = name.split("/", 1)[1]
    images.pushed.append((registry, repository, None))
    first = build(ansible, images, tmp_path, name, "v1\n")

    # a new repository: push, then nothing to push
    check = ansible.converge("image_push", {"name": name}, lambda: registry_digest(registry, repository, "latest"))
    assert check["actions"] == [f"push image {name}:latest: tags.latest: null -> \"image {first[:19]}\" (push) (new tag)"]
    assert check["registry_digests"] == {"latest": None} and check["pushed"] == []
    digest = registry_digest(registry, repository, "latest")
    assert check.applied["pushed"] == [{"tag": "latest", "digest": digest}]
    assert check.applied["registry_digests"] == {"latest": digest}
    assert f"{name}@{digest}" in engine.api.inspect_image(name)["RepoDigests"]

    # a new tag for layers the registry already has is a change; the tag already there is not pushed again
    engine.api.tag(name, name, "v1")
    args = {"name": name, "tags": ["latest", "v1"]}
    check = ansible.converge("image_push", args, lambda: registry_digest(registry, repository, "v1"))
    assert check["actions"] == [f"push image {name}:v1: tags.v1: null -> \"image {first[:19]}\" (push) (new tag)"]
    assert registry_digest(registry, repository, "v1") == digest

    # pull: missing locally -> pulled; then up to date
    engine.api.remove_image(f"{name}:v1")
    engine.api.remove_image(f"{name}:latest")
    assert images.id_of(name) is None
    check = ansible.converge("image_pull", {"name": name}, lambda: images.id_of(name))
    assert check["actions"] == [f"pull image {name}:latest: digest: null -> \"{digest}\" (pull)"]
    assert check["image"] == {}
    assert check.applied["image"]["Id"] == first == images.id_of(name)

    # the registry's tag moves (a new build is pushed); the local name is put back on the old image: pull=always pulls it
    second = build(ansible, images, tmp_path, name, "v2\n")
    check = ansible.converge("image_push", {"name": name}, lambda: registry_digest(registry, repository, "latest"))
    assert check["actions"] == [f"push image {name}:latest: tags.latest: \"{digest}\" -> \"image {second[:19]}\" (push) (the tag moves)"]
    new_digest = registry_digest(registry, repository, "latest")
    assert new_digest != digest
    engine.api.tag(first, name, "latest")
    assert ansible.ok("image_pull", {"name": name, "pull": "missing"}, check=True)["changed"] is False
    check = ansible.converge("image_pull", {"name": name}, lambda: images.id_of(name))
    assert check["changes"] == [{"field": "digest", "before": [digest], "after": new_digest, "how": "pull"}]
    assert images.id_of(name) == second

    # by digest: present locally, nothing to do, the registry is not even asked
    same = ansible.ok("image_pull", {"name": f"{name}@{new_digest}"})
    assert same["changed"] is False and same["image"]["Id"] == second

    # removing the digest reference keeps the image and its tag; on Docker's containerd image store (28.5) the digest
    # is the image's ID and the engine removes the repository's tags with it: the plan says so
    check = ansible.converge("image_remove", {"name": f"{name}@{new_digest}"}, lambda: engine.api.inspect_image(second)["RepoDigests"])
    if containerd_store(engine):
        assert check["actions"] == [f"remove image {name}@{new_digest} (the engine removes {name}:latest with it (containerd image store))"]
        assert images.id_of(name) is None
    else:
        assert check["actions"][0].startswith(f"untag image {name}@{new_digest}: tags: ")
        assert engine.api.inspect_image(name)["Id"] == second and engine.api.inspect_image(name)["RepoDigests"] == []


def test_credentials_are_scoped_and_never_shown(ansible, images, auth_registry, docker_config, tmp_path):
    address, user, password = auth_registry
    name = images.name("secret", address)
    repository = name.split("/", 1)[1]
    images.pushed.append((address, repository, (user, password)))
    build(ansible, images, tmp_path, name, "secret\n")
    creds = {"username": user, "password": password}

    no_creds = ansible.fails("image_push", {"name": name})
    assert no_creds["msg"].startswith(f"registry {address} ({name}:latest): it needs credentials: set username and password: ")

    for check in (True, False):
        wrong = ansible.run("image_push", {"name": name, "username": user, "password": "not-" + password}, check=check, verbosity=3)
        assert wrong.failed, wrong.output
        assert wrong["msg"].startswith(f"registry {address} ({name}:latest): it refused the credentials of user '{user}': ")
        assert password not in wrong.output

    elsewhere = ansible.fails("image_push", dict(creds, name=name, registry_url="https://127.0.0.1:5000"))
    assert elsewhere["option"] == "registry_url" and f"not the registry of {name}:latest ({address})" in elsewhere["msg"]

    check = ansible.converge("image_push", dict(creds, name=name, registry_url=f"http://{address}/"),
                             lambda: registry_digest(address, repository, "latest", (user, password)))
    assert check["actions"][0].startswith(f"push image {name}:latest: tags.latest: null -> ")
    assert password not in check.output and password not in check.applied.output
    assert registry_digest(address, repository, "latest", (user, password)) is not None

    # pull with the same credentials; every run at -vvv hides the password
    outputs = []
    images.engine.api.remove_image(name)
    for check_mode in (True, False, False):
        result = ansible.run("image_pull", dict(creds, name=name), check=check_mode, verbosity=3)
        assert not result.failed, result.output
        outputs.append(result.output)
    assert images.id_of(name) is not None
    assert all(password not in output for output in outputs)
    assert list(docker_config.iterdir()) == [], "credentials were written to the Docker config"


def test_unreachable_registry_and_missing_images(ansible, images, registry):
    closed = f"127.0.0.1:{free_port()}"
    name = images.name("nowhere", closed)
    images.engine.api.tag(BASE, name, "latest")
    for module in ("image_push", "image_pull"):
        for check in (True, False):
            result = ansible.fails(module, {"name": name}, check=check)
            assert result["msg"].startswith(f"registry {closed} ({name}:latest): it cannot be reached: "), result["msg"]
            assert "connection refused" in result["msg"]

    missing_local = ansible.fails("image_push", {"name": images.name("nothing", registry)})
    assert missing_local["msg"] == f"name: no local image {images.name('nothing', registry)}:latest to push; build, pull or tag it first"
    missing_remote = ansible.fails("image_pull", {"name": images.name("nothing", registry), "tag": "v9"}, check=True)
    assert missing_remote["msg"] == f"name: registry {registry} has no image {images.name('nothing', registry)}:v9"


@pytest.mark.parametrize("module, args, option, words", [
    ("image_push", {"name": "{reg}/{p}/x@sha256:" + "a" * 64}, "name", "names a digest"),
    ("image_push", {"name": "{reg}/{p}/x", "tags": ["ok", "-bad"]}, "tags", "is not a valid tag"),
    ("image_push", {"name": "{reg}/{p}/x", "registry_url": "{reg}"}, "registry_url", "only used with username and password"),
    ("image_pull", {"name": "{reg}/{p}/x", "platform": "linux/"}, "platform", "is not a platform"),
    ("image_pull", {"name": "{reg}/{p}/x@sha256:abc"}, "name", "is not a digest"),
    ("image_pull", {"name": "{reg}/{p}/X"}, "name", "is not a valid image name"),
])
def test_registry_bad_input(ansible, images, registry, module, args, option, words):
    args = {k: (v.format(reg=registry, p=images.prefix) if isinstance(v, str) else v) for k, v in args.items()}
    for check in (True, False):
        result = ansible.fails(module, args, check=check)
        assert result["msg"].startswith(f"{option}: "), result["msg"]
        assert words in result["msg"]
    assert images.mine() == []
