"""community.docker's switches on how a container is compared and run, honoured when a migrated task sets them
(issue 13): comparisons, image_comparison, image_name_mismatch, image_label_mismatch, container_default_behavior,
command_handling, networks_cli_compatible, paused, cleanup, kill_signal, platform, and the accepted no-ops."""

import io
import tarfile

import docker
import pytest

IMAGE = "dockhand/busybox:latest"


def inspect(engine, name):
    try:
        return engine.api.inspect_container(name)
    except docker.errors.NotFound:
        return None


def snapshot_of(engine, name):
    def snapshot():
        data = inspect(engine, name)
        return data and (data["Id"], data["State"]["Running"], data["State"]["Paused"], data["Config"], data["HostConfig"])
    return snapshot


def base(prefix, **extra):
    return dict({"name": f"{prefix}-c", "image": IMAGE, "command": ["sleep", "3600"], "stop_timeout": 0}, **extra)


def build_image(engine, tag, dockerfile_text):
    dockerfile = dockerfile_text.encode()
    context = io.BytesIO()
    with tarfile.open(fileobj=context, mode="w") as tar:
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(dockerfile)
        tar.addfile(info, io.BytesIO(dockerfile))
    context.seek(0)
    engine.images.build(fileobj=context, custom_context=True, tag=tag, rm=True, forcerm=True)


@pytest.fixture
def labelled_image(engine, prefix):
    """An image of this test that sets a label, removed afterwards."""
    tag = f"{prefix}/labelled:1"
    build_image(engine, tag, f"FROM {IMAGE}\nLABEL from.image=yes\n")
    yield tag
    for container in engine.containers.list(all=True, filters={"name": prefix}):
        container.remove(force=True)
    engine.images.remove(tag, force=True)


def test_comparisons_allow_more_present_and_ignore(engine, ansible, prefix):
    args = base(prefix, env={"A": "1", "B": "2"}, memory="64m")
    ansible.ok("container", args)
    fewer = dict(args, env={"A": "1"}, comparisons={"env": "allow_more_present"})
    assert ansible.ok("container", fewer)["changed"] is False, "B may stay: more is fine"
    assert ansible.ok("container", dict(args, env={"A": "1"}))["changed"] is True, "strict, the default, removes B"
    ignored = dict(args, memory="128m", comparisons={"*": "ignore"})
    assert ansible.ok("container", ignored)["changed"] is False
    assert inspect(engine, args["name"])["HostConfig"]["Memory"] == 64 * 1024 ** 2
    missing = ansible.converge("container", dict(fewer, env={"A": "1", "C": "3"}), snapshot_of(engine, args["name"]))
    assert missing["actions"][0].startswith(f"recreate container {args['name']}: env")


def test_image_name_mismatch_and_image_comparison(engine, ansible, prefix):
    alias = f"{prefix}/alias:1"
    engine.api.tag(IMAGE, f"{prefix}/alias", "1")
    try:
        args = base(prefix)
        ansible.ok("container", args)
        same_id = dict(args, image=alias)
        assert ansible.ok("container", same_id)["changed"] is False, "by default the image is compared by ID"
        renamed = ansible.converge("container", dict(same_id, image_name_mismatch="recreate"), snapshot_of(engine, args["name"]))
        assert renamed["actions"][0].startswith(f"recreate container {args['name']}: image")
        assert inspect(engine, args["name"])["Config"]["Image"] == alias
        by_name = dict(same_id, image_comparison="current-image")
        assert ansible.ok("container", by_name)["changed"] is False
        assert ansible.ok("container", dict(by_name, image=IMAGE))["changed"] is True, "current-image compares the name"
    finally:
        engine.api.remove_container(f"{prefix}-c", force=True)
        engine.images.remove(alias)


def test_image_label_mismatch_fail(engine, ansible, prefix, labelled_image):
    args = base(prefix, image=labelled_image, image_label_mismatch="fail")
    for check in (True, False):
        result = ansible.fails("container", args, check=check)
        assert result["msg"].startswith("image_label_mismatch: ") and "from.image" in result["msg"], result["msg"]
    ansible.ok("container", dict(args, image_label_mismatch="ignore"))
    assert ansible.fails("container", args)["msg"].startswith("image_label_mismatch: ")
    assert ansible.ok("container", dict(args, labels={"from.image": "yes"}))["changed"] is False


def test_container_default_behavior_compatibility(engine, ansible, prefix):
    args = base(prefix, read_only=True)
    ansible.ok("container", args)
    compat = dict(base(prefix), container_default_behavior="compatibility")
    result = ansible.converge("container", compat, snapshot_of(engine, args["name"]))
    assert result["actions"][0].startswith(f"recreate container {args['name']}: read_only: true -> false"), result["actions"]
    assert inspect(engine, args["name"])["HostConfig"]["ReadonlyRootfs"] is False


def test_command_handling_compatibility_splits_the_joined_command(engine, ansible, prefix):
    args = base(prefix, command=["sleep 3600"], command_handling="compatibility")  # one string: split by shell rules
    ansible.converge("container", args, snapshot_of(engine, args["name"]))
    assert inspect(engine, args["name"])["Config"]["Cmd"] == ["sleep", "3600"]


def test_networks_cli_compatible_false_keeps_the_bridge(engine, ansible, prefix):
    engine.networks.create(f"{prefix}-net")
    args = base(prefix, networks=[{"name": f"{prefix}-net"}], networks_cli_compatible=False)
    ansible.converge("container", args, snapshot_of(engine, args["name"]))
    assert sorted(inspect(engine, args["name"])["NetworkSettings"]["Networks"]) == sorted(["bridge", f"{prefix}-net"])


def test_paused(engine, ansible, prefix):
    args = base(prefix, paused=True)
    result = ansible.converge("container", args, snapshot_of(engine, args["name"]))
    assert [a.split(" (")[0] for a in result["actions"]][-1] == f"pause container {args['name']}"
    assert inspect(engine, args["name"])["State"]["Paused"] is True
    ansible.converge("container", dict(args, paused=False), snapshot_of(engine, args["name"]))
    assert inspect(engine, args["name"])["State"]["Paused"] is False and inspect(engine, args["name"])["State"]["Running"]


def test_cleanup_removes_a_one_off_container_after_it_ran(engine, ansible, prefix):
    result = ansible.ok("container", base(prefix, command=["echo", "done"], detach=False, cleanup=True, output_logs=True))
    assert result["changed"] is True and result["output"] == "done" and result["status"] == 0
    assert inspect(engine, f"{prefix}-c") is None


def test_force_kill_sends_kill_signal(engine, ansible, prefix):
    trap = ["sh", "-c", "trap 'echo got-usr1; exit 0' USR1; while true; do sleep 0.2; done"]
    args = base(prefix, command=trap, stop_timeout=5)  # up to 5 s for the signal to end it before SIGKILL
    ansible.ok("container", args)
    ansible.ok("container", dict(args, state="stopped", force_kill=True, kill_signal="SIGUSR1"))
    # the task returns once the container has exited: its shell runs the trap only after the current sleep
    container = engine.containers.get(args["name"])
    assert container.status == "exited" and b"got-usr1" in container.logs()
    assert container.attrs["State"]["ExitCode"] == 0
    assert ansible.ok("container", dict(args, state="stopped", force_kill=True, kill_signal="SIGUSR1"))["changed"] is False


def test_force_kill_with_an_ignored_signal_ends_with_sigkill_after_stop_timeout(engine, ansible, prefix):
    deaf = ["sh", "-c", "trap '' USR1; while true; do sleep 0.2; done"]
    args = base(prefix, command=deaf, stop_timeout=1)
    ansible.ok("container", args)
    ansible.ok("container", dict(args, state="stopped", force_kill=True, kill_signal="SIGUSR1"))
    state = engine.containers.get(args["name"]).attrs["State"]
    assert state["Running"] is False and state["ExitCode"] == 137  # SIGKILL, after the second the signal was given
    # a restart kills it the same way and starts it again (it no longer runs when the start comes)
    ansible.ok("container", args)
    started = engine.containers.get(args["name"]).attrs["State"]["StartedAt"]
    restarted = ansible.ok("container", dict(args, state="restarted", force_kill=True, kill_signal="SIGUSR1"))
    state = engine.containers.get(args["name"]).attrs["State"]
    assert restarted["changed"] is True and state["Running"] is True and state["StartedAt"] != started


def test_platform_short_forms_and_accepted_options(engine, ansible, prefix):
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(engine.info()["Architecture"], engine.info()["Architecture"])
    args = base(prefix, platform=arch, removal_wait_timeout=5.0, pull_check_mode_behavior="always", output_logs=False)
    ansible.converge("container", args, snapshot_of(engine, args["name"]))
    assert ansible.ok("container", dict(args, platform="linux"))["changed"] is False


@pytest.mark.parametrize("options, option", [
    ({"comparisons": {"env": "sometimes"}}, "comparisons.env"),
    ({"comparisons": {"no_such_option": "strict"}}, "comparisons.no_such_option"),
    ({"platform": "linux/??"}, "platform"),
])
def test_bad_switches_name_the_option(engine, ansible, prefix, options, option):
    for check in (True, False):
        result = ansible.fails("container", base(prefix, **options), check=check)
        assert result["msg"].startswith(f"{option}: "), result["msg"]
    assert inspect(engine, f"{prefix}-c") is None


def test_healthcheck_without_test_as_community_docker(engine, ansible, prefix):
    """test_cli_compatible: true keeps the image's test (the engine merges it in), false turns the check off, unset fails."""
    tag = f"{prefix}/checked:1"
    build_image(engine, tag, f"FROM {IMAGE}\nHEALTHCHECK --interval=30s --retries=2 CMD true\n")
    try:
        args = base(prefix, image=tag, healthcheck={"interval": "5s", "test_cli_compatible": True})
        ansible.converge("container", args, snapshot_of(engine, args["name"]))
        assert inspect(engine, args["name"])["Config"]["Healthcheck"] == {"Test": ["CMD-SHELL", "true"], "Interval": 5 * 10 ** 9, "Retries": 2}
        off = ansible.converge("container", dict(args, healthcheck={"interval": "5s", "test_cli_compatible": False}),
                               snapshot_of(engine, args["name"]))
        assert off["actions"][0].startswith(f"recreate container {args['name']}: healthcheck")
        assert inspect(engine, args["name"])["Config"]["Healthcheck"]["Test"] == ["NONE"]
        refused = ansible.fails("container", dict(args, healthcheck={"interval": "5s"}))
        assert refused["msg"].startswith("healthcheck.test: is needed") and "test_cli_compatible" in refused["msg"]
    finally:
        engine.api.remove_container(f"{prefix}-c", force=True)
        engine.images.remove(tag)
