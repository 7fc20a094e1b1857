"""dockhand.docker.container_exec, container_copy_into and container_copy_out against the real engine."""

import io
import os
import tarfile

import docker
import pytest

BASE = "dockhand/busybox:latest"


def in_container(engine, container, path):
    """(content, mode, "uid:gid") of a file in a container (running or not), or None."""
    try:
        chunks, _stat = engine.api.get_archive(container, path)
    except docker.errors.NotFound:
        return None
    with tarfile.open(fileobj=io.BytesIO(b"".join(chunks))) as tar:
        member = tar.next()
        return tar.extractfile(member).read(), member.mode & 0o7777, f"{member.uid}:{member.gid}"


def test_exec_output_rc_and_check_mode(engine, ansible, run_container):
    web = run_container("web")
    web.exec_run(["mkdir", "-p", "/tmp"])
    args = {"container": web.name, "argv": ["sh", "-c", "touch /tmp/ran; echo out; echo err >&2; exit 3"]}
    check = ansible.ok("container_exec", args, check=True)
    assert check["changed"] is True and check["msg"] == "check mode: the command was not run" and "rc" not in check
    assert in_container(engine, web.id, "/tmp/ran") is None, "check mode ran the command"
    result = ansible.ok("container_exec", args)  # a non-zero rc is a result, not a failure
    assert (result["rc"], result["stdout"], result["stderr"]) == (3, "out", "err") and result["changed"] is True
    assert in_container(engine, web.id, "/tmp/ran") is not None

    failed = ansible.run("container_exec", dict(args, check_rc=True))
    assert failed.failed and failed["msg"].startswith("the command exited with rc 3: sh -c ")
    assert (failed["rc"], failed["stdout"], failed["stderr"]) == (3, "out", "err")

    env = ansible.ok("container_exec", {"container": web.name, "command": "sh -c 'echo $GREETING $(pwd) $(id -u)'",
                                        "env": {"GREETING": "hi"}, "chdir": "/etc", "user": "65534"})
    assert env["stdout"] == "hi /etc 65534"
    piped = ansible.ok("container_exec", {"container": web.name, "argv": ["wc", "-c"], "stdin": "12345"})
    assert piped["stdout"].strip() == "6"  # stdin_add_newline
    big = ansible.ok("container_exec", {"container": web.name, "argv": ["sh", "-c", "head -c 3000000 /dev/zero | tr '\\0' a"]})
    assert len(big["stdout"]) == 3_000_000 and set(big["stdout"]) == {"a"}
    detached = ansible.ok("container_exec", {"container": web.name, "argv": ["sleep", "1"], "detach": True})
    assert len(detached["exec_id"]) == 64 and "rc" not in detached


@pytest.mark.parametrize("args, option, words", [
    ({"container": "{p}-none", "command": "true"}, "container", "no container"),
    ({"container": "{p}-stopped", "command": "true"}, "container", "is not running"),
    ({"container": "{p}-web", "command": "pwd", "chdir": "etc"}, "chdir", "is not an absolute path"),
    ({"container": "{p}-web", "command": "env", "env": {"N": 1}}, "env", "must be a string"),
    ({"container": "{p}-web", "command": "'unclosed"}, "command", "cannot be split"),
    ({"container": "{p}-web", "command": "true", "detach": True, "check_rc": True}, "check_rc", "detach"),
])
def test_exec_bad_input(engine, ansible, prefix, run_container, args, option, words):
    run_container("web")
    engine.containers.create(BASE, ["true"], name=f"{prefix}-stopped")
    args = {k: v.format(p=prefix) if isinstance(v, str) else v for k, v in args.items()}
    for check in (True, False):
        result = ansible.fails("container_exec", args, check=check)
        assert result["msg"].startswith(f"{option}: ") and words in result["msg"], result["msg"]


def test_copy_into_by_content_on_a_stopped_container(engine, ansible, prefix):
    stopped = engine.containers.create(BASE, ["true"], name=f"{prefix}-stopped")
    args = {"container": stopped.name, "content": "dhtest-content-1\n", "container_path": "/etc/dhtest.conf"}
    check = ansible.converge("container_copy_into", args, lambda: in_container(engine, stopped.id, "/etc/dhtest.conf"))
    assert check["file"] == {} and check.applied["container_path"] == "/etc/dhtest.conf"
    assert in_container(engine, stopped.id, "/etc/dhtest.conf") == (b"dhtest-content-1\n", 0o644, "0:0")
    owner = dict(args, mode="0600", owner_id=65534, group_id=65534)
    check = ansible.converge("container_copy_into", owner, lambda: in_container(engine, stopped.id, "/etc/dhtest.conf"))
    assert [c["field"] for c in check["changes"]] == ["mode", "owner"]
    assert in_container(engine, stopped.id, "/etc/dhtest.conf") == (b"dhtest-content-1\n", 0o600, "65534:65534")
    binary = {"container": stopped.name, "content": "AAEC/w==", "content_is_b64": True, "container_path": "/bin.dat"}
    ansible.converge("container_copy_into", binary, lambda: in_container(engine, stopped.id, "/bin.dat"))
    assert in_container(engine, stopped.id, "/bin.dat")[0] == b"\x00\x01\x02\xff"


def test_copy_into_from_the_controller_with_diff(engine, ansible, run_container, tmp_path):
    web = run_container("web")
    source = tmp_path / "httpd.conf"
    source.write_text("port 80\nroot /srv\n")
    source.chmod(0o640)
    args = {"container": web.name, "path": str(source), "container_path": "/etc/httpd.conf"}
    check = ansible.converge("container_copy_into", args, lambda: in_container(engine, web.id, "/etc/httpd.conf"))
    assert in_container(engine, web.id, "/etc/httpd.conf") == (b"port 80\nroot /srv\n", 0o640, "0:0")
    assert check["diff"]["after"] == "port 80\nroot /srv\n" and check["diff"]["before"] == ""
    source.write_text("port 8080\nroot /srv\n")
    check = ansible.converge("container_copy_into", args, lambda: in_container(engine, web.id, "/etc/httpd.conf"))
    assert check["diff"]["before"] == "port 80\nroot /srv\n" and check["diff"]["after"] == "port 8080\nroot /srv\n"
    assert check["diff"]["before_header"] == f"{web.name}:/etc/httpd.conf (before)"
    # a link in the container: with follow the file it points at is written, the link stays
    web.exec_run(["ln", "-s", "/etc/httpd.conf", "/etc/link.conf"])
    linked = dict(args, container_path="/etc/link.conf", follow=True)
    assert ansible.ok("container_copy_into", linked)["changed"] is False
    assert list(tmp_path.iterdir()) == [source]


def test_copy_out_to_the_controller(engine, ansible, run_container, tmp_path):
    web = run_container("web")
    web.exec_run(["sh", "-c", "mkdir -p /tmp; head -c 200000 /dev/urandom > /tmp/dump.bin; chmod 640 /tmp/dump.bin"])
    content = in_container(engine, web.id, "/tmp/dump.bin")[0]
    dest = tmp_path / "backups"
    dest.mkdir()
    args = {"container": web.name, "container_path": "/tmp/dump.bin", "dest": f"{dest}/"}

    def state():
        files = sorted(dest.iterdir())
        return [(f.name, f.read_bytes(), oct(f.stat().st_mode & 0o7777)) for f in files]

    check = ansible.converge("container_copy_out", args, state)
    assert state() == [("dump.bin", content, "0o640")] and check["size"] == 200_000
    check = ansible.converge("container_copy_out", dict(args, mode="0600"), state)
    assert check["changes"] == [{"field": "mode", "before": "0640", "after": "0600", "how": "fetch"}]
    assert state() == [("dump.bin", content, "0o600")]
    web.exec_run(["sh", "-c", "echo more >> /tmp/dump.bin"])
    check = ansible.converge("container_copy_out", dict(args, mode="0600"), state)
    assert [c["field"] for c in check["changes"]] == ["sha256"] and state()[0][1] == content + b"more\n"


def test_copy_out_a_directory(engine, ansible, run_container, tmp_path):
    web = run_container("web")
    web.exec_run(["sh", "-c", "mkdir -p /srv/app/conf && echo a > /srv/app/a.txt && echo b > /srv/app/conf/b.ini"])
    args = {"container": web.name, "container_path": "/srv/app", "dest": f"{tmp_path}/"}

    def tree():
        return sorted((str(p.relative_to(tmp_path)), p.read_text()) for p in tmp_path.rglob("*") if p.is_file())

    check = ansible.converge("container_copy_out", args, tree)
    assert tree() == [("app/a.txt", "a\n"), ("app/conf/b.ini", "b\n")]
    assert sorted(check["files"]) == ["a.txt", "conf/b.ini"] and check["dest"] == f"{tmp_path}/app"
    web.exec_run(["sh", "-c", "echo changed > /srv/app/conf/b.ini"])
    check = ansible.converge("container_copy_out", args, tree)
    assert [c["field"] for c in check["changes"]] == ["files.conf/b.ini"]  # only the file that differs
    assert tree() == [("app/a.txt", "a\n"), ("app/conf/b.ini", "changed\n")]


@pytest.mark.parametrize("module, args, option, words", [
    ("container_copy_into", {"content": "dhtest-x", "container_path": "etc/x"}, "container_path", "is not an absolute file path"),
    ("container_copy_into", {"content": "dhtest-x", "container_path": "/no/such/dir/x"}, "container_path", "does not exist in container"),
    ("container_copy_into", {"content": "dhtest-x", "container_path": "/etc"}, "container_path", "is a directory"),
    ("container_copy_into", {"path": "{tmp}/none", "container_path": "/x"}, "path", "Could not find or access"),
    ("container_copy_into", {"content": "dhtest-x", "container_path": "/x", "mode": "rwx"}, "mode", "is not an octal mode"),
    ("container_copy_into", {"content": "dhtest-x!", "content_is_b64": True, "container_path": "/x"}, "content", "is not base64"),
    ("container_copy_out", {"container_path": "/none", "dest": "{tmp}/x"}, "container_path", "does not exist in container"),
    ("container_copy_out", {"container_path": "/bin/sh", "dest": "{tmp}/x"}, "container_path", "is a link"),
    ("container_copy_out", {"container_path": "/etc/passwd", "dest": "{tmp}/no/dir/x"}, "dest", "does not exist"),
])
def test_copy_bad_input(engine, ansible, run_container, tmp_path, module, args, option, words):
    web = run_container("web")
    before = web.diff()
    args = dict({k: v.format(tmp=tmp_path) if isinstance(v, str) else v for k, v in args.items()}, container=web.name)
    for check in (True, False):
        result = ansible.fails(module, args, check=check)
        assert result["msg"].startswith(f"{option}: ") and words in result["msg"], result["msg"]
    assert web.diff() == before and list(tmp_path.iterdir()) == []
    assert not os.path.exists(f"{tmp_path}/x")
