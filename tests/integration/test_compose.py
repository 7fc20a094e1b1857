"""dockhand.docker.compose against the real engine: a Compose project through the project core."""

import textwrap

IMAGE = "dockhand/busybox:latest"
PROJECT = "com.docker.compose.project"

COMPOSE = """
services:
  web:
    image: {image}
    command: sleep 3600
    stop_grace_period: 1s
    environment:
      MODE: ${{MODE}}
      GREETING: ${{GREETING:-hello}}
    ports: ["127.0.0.1::80"]
    deploy:
      replicas: 2
      resources:
        limits: {{memory: 64m}}
    depends_on:
      db: {{condition: service_healthy}}
    networks: [back]
  db:
    image: {image}
    command: ["sleep", "3600"]
    stop_grace_period: 1s
    volumes: ["data:/data"]
    healthcheck: {{test: "true", interval: 1s, retries: 2}}
    networks:
      back: {{aliases: [database]}}
  cache:
    image: {image}
    command: sleep 3600
    stop_grace_period: 1s
  tool:
    image: {image}
    command: sleep 3600
    stop_grace_period: 1s
    profiles: [tools]
networks:
  back: {{}}
volumes:
  data: {{}}
"""


def write(path, text):
    path.write_text(textwrap.dedent(text))
    return path


def project(tmp_path, prefix, mode="one", compose=COMPOSE):
    """A project directory named after the test's prefix (the project name), with compose.yaml and .env."""
    src = tmp_path / prefix
    src.mkdir(exist_ok=True)
    write(src / "compose.yaml", compose.format(image=IMAGE))
    write(src / ".env", f"MODE={mode}\n# a comment\nexport UNUSED='x y'\n")
    return src


def state(engine, name):
    label = {"label": f"{PROJECT}={name}"}
    containers = sorted((c.name, c.status, c.id) for c in engine.containers.list(all=True, filters=label))
    networks = sorted(n.name for n in engine.networks.list(filters=label))
    volumes = sorted(v.name for v in engine.volumes.list(filters=label))
    return containers, networks, volumes


def test_converge_reapply_edit_and_down(engine, ansible, prefix, tmp_path):
    src = project(tmp_path, prefix)
    check = ansible.converge("compose", {"project_src": str(src)}, lambda: state(engine, prefix))
    assert check["actions"][:3] == [f"create network {prefix}_default", f"create network {prefix}_back", f"create volume {prefix}_data"]
    containers, networks, volumes = state(engine, prefix)
    assert [c[:2] for c in containers] == [(f"{prefix}-cache-1", "running"), (f"{prefix}-db-1", "running"),
                                           (f"{prefix}-web-1", "running"), (f"{prefix}-web-2", "running")]
    assert networks == [f"{prefix}_back", f"{prefix}_default"] and volumes == [f"{prefix}_data"]
    web = engine.api.inspect_container(f"{prefix}-web-2")
    labels = web["Config"]["Labels"]
    assert labels[PROJECT] == prefix and labels["com.docker.compose.service"] == "web"
    assert labels["com.docker.compose.container-number"] == "2" and labels["com.docker.compose.oneoff"] == "False"
    assert labels["com.docker.compose.project.working_dir"] == str(src)
    assert labels["com.docker.compose.project.config_files"] == str(src / "compose.yaml")
    assert {"MODE=one", "GREETING=hello"} <= set(web["Config"]["Env"])
    assert web["HostConfig"]["Memory"] == 64 * 1024 ** 2
    assert web["Config"]["StopTimeout"] == 1
    assert list(web["NetworkSettings"]["Networks"]) == [f"{prefix}_back"]
    db = engine.api.inspect_container(f"{prefix}-db-1")
    assert db["State"]["Health"]["Status"] == "healthy"  # web waited for it
    assert {"db", "database"} <= set(db["NetworkSettings"]["Networks"][f"{prefix}_back"]["Aliases"])
    assert [m["Name"] for m in db["Mounts"]] == [f"{prefix}_data"]
    assert engine.networks.get(f"{prefix}_back").attrs["Labels"]["com.docker.compose.network"] == "back"
    assert engine.volumes.get(f"{prefix}_data").attrs["Labels"]["com.docker.compose.volume"] == "data"
    applied = check.applied
    assert {c["Name"]: c["Service"] for c in applied["containers"]}[f"{prefix}-web-1"] == "web"
    assert applied["project_name"] == prefix and len(applied["networks"]) == 2 and len(applied["volumes"]) == 1
    assert f"{prefix}-tool-1" not in [c[0] for c in containers]  # its profile is not active

    # a changed .env value recreates the web containers only
    before = {c[0]: c[2] for c in state(engine, prefix)[0]}
    project(tmp_path, prefix, mode="two")
    edit = ansible.converge("compose", {"project_src": str(src)}, lambda: state(engine, prefix))
    assert {a.split()[2].rstrip(":") for a in edit["actions"]} == {f"{prefix}-web-1", f"{prefix}-web-2"}
    assert all(a.startswith("recreate container") for a in edit["actions"])
    assert {(c["resource"], c["field"]) for c in edit["changes"]} == {(f"container {prefix}-web-1", "env"), (f"container {prefix}-web-2", "env")}
    after = {c[0]: c[2] for c in state(engine, prefix)[0]}
    assert after[f"{prefix}-db-1"] == before[f"{prefix}-db-1"] and after[f"{prefix}-cache-1"] == before[f"{prefix}-cache-1"]
    assert after[f"{prefix}-web-1"] != before[f"{prefix}-web-1"]
    assert "MODE=two" in engine.api.inspect_container(f"{prefix}-web-1")["Config"]["Env"]

    # down: containers and networks go, the volume stays unless remove_volumes
    down = ansible.converge("compose", {"project_src": str(src), "state": "absent"}, lambda: state(engine, prefix))
    assert f"remove network {prefix}_back" in down["actions"]
    assert state(engine, prefix) == ([], [], [f"{prefix}_data"])
    purge = ansible.converge("compose", {"project_src": str(src), "state": "absent", "remove_volumes": True}, lambda: state(engine, prefix))
    assert purge["actions"] == [f"remove volume {prefix}_data"]
    assert state(engine, prefix) == ([], [], [])


def test_orphans_profiles_and_scale(engine, ansible, prefix, tmp_path):
    src = project(tmp_path, prefix)
    ansible.ok("compose", {"project_src": str(src), "profiles": ["tools"], "scale": {"web": 3}})
    names = [c[0] for c in state(engine, prefix)[0]]
    assert f"{prefix}-tool-1" in names and f"{prefix}-web-3" in names

    # without the profile, tool is not an orphan: it stays; scale back to 2 removes web-3
    fewer = ansible.converge("compose", {"project_src": str(src)}, lambda: state(engine, prefix))
    assert fewer["actions"] == [f"remove container {prefix}-web-3 (its volumes are kept)"]
    assert f"{prefix}-tool-1" in [c[0] for c in state(engine, prefix)[0]]

    # a service removed from the file is an orphan: listed, and removed only with remove_orphans
    project(tmp_path, prefix, compose=COMPOSE.replace("  cache:\n    image: {image}\n    command: sleep 3600\n    stop_grace_period: 1s\n", ""))
    kept = ansible.ok("compose", {"project_src": str(src)})
    assert kept["changed"] is False and kept["orphans"] == [f"container {prefix}-cache-1"]
    gone = ansible.converge("compose", {"project_src": str(src), "remove_orphans": True}, lambda: state(engine, prefix))
    assert gone["actions"] == [f"remove container {prefix}-cache-1 (its volumes are kept)"]
    assert f"{prefix}-tool-1" in [c[0] for c in state(engine, prefix)[0]]


def test_files_merged_definition_and_stopped(engine, ansible, prefix, tmp_path):
    write(tmp_path / "base.yml", f"""
        name: {prefix}
        services:
          app:
            image: {IMAGE}
            command: sleep 3600
            stop_grace_period: 1s
            environment: [A=1, B=2]
            labels: {{tier: base}}
            ports: ["127.0.0.1::80"]
        """)
    over = write(tmp_path / "over.yml", """
        services:
          app:
            command: ["sleep", "7200"]
            environment: {B: "3"}
            ports: ["127.0.0.1::81"]
            volumes:
              - type: tmpfs
                target: /scratch
        """)
    args = {"project_src": str(tmp_path), "files": ["base.yml", str(over)], "state": "stopped"}
    check = ansible.converge("compose", args, lambda: state(engine, prefix))
    assert check["actions"] == [f"create network {prefix}_default", f"create container {prefix}-app-1 (from {IMAGE})"]
    app = engine.api.inspect_container(f"{prefix}-app-1")
    assert app["State"]["Running"] is False
    assert app["Config"]["Cmd"] == ["sleep", "7200"] and {"A=1", "B=3"} <= set(app["Config"]["Env"])
    assert sorted(app["HostConfig"]["PortBindings"]) == ["80/tcp", "81/tcp"] and app["Config"]["Labels"]["tier"] == "base"
    assert [m["Target"] for m in app["HostConfig"]["Mounts"]] == ["/scratch"]

    inline = {"project_name": prefix, "definition": {"services": {"solo": {"image": IMAGE, "command": "sleep 3600", "stop_grace_period": "1s"}}}}
    solo = ansible.converge("compose", inline, lambda: state(engine, prefix))
    assert f"create container {prefix}-solo-1 (from {IMAGE})" in solo["actions"]
    assert solo.applied["orphans"] == [f"container {prefix}-app-1"]


def nothing_left(engine, prefix):
    return (engine.containers.list(all=True, filters={"name": prefix}), engine.networks.list(names=[prefix]),
            [v for v in engine.volumes.list() if v.name.startswith(prefix)])


def test_bad_input_names_the_key_and_leaves_nothing(engine, ansible, prefix, tmp_path):
    src = project(tmp_path, prefix, compose=COMPOSE.replace("  db:\n", "  db:\n    develop: {{}}\n"))
    bad = ansible.fails("compose", {"project_src": str(src)})
    assert bad["msg"] == "services.db.develop: not supported" and bad["option"] == "services.db.develop"

    src = project(tmp_path, prefix, compose=COMPOSE.replace("${{MODE}}", "${{NEEDED:?set NEEDED first}}"))
    bad = ansible.fails("compose", {"project_src": str(src)})
    assert bad["option"] == "services.web.environment.MODE"
    assert "required variable NEEDED is missing a value: set NEEDED first" in bad["msg"]

    src = project(tmp_path, prefix, compose=COMPOSE.replace("64m", "lots"))
    bad = ansible.fails("compose", {"project_src": str(src)})
    assert bad["option"] == "services.web.deploy.resources.limits.memory" and "'lots' is not a size" in bad["msg"]

    bad = ansible.fails("compose", {"project_src": str(src), "files": ["missing.yaml"]})
    assert bad["option"] == "files" and "missing.yaml: no such file" in bad["msg"]

    src = project(tmp_path, prefix, compose=COMPOSE.replace("[back]", "[nowhere]"))
    bad = ansible.fails("compose", {"project_src": str(src)})
    assert bad["option"] == "services.web.networks.nowhere"

    ssh_build = "build: {{context: ., ssh: [default]}}\n    image: {image}\n    command: ["
    src = project(tmp_path, prefix, compose=COMPOSE.replace("image: {image}\n    command: [", ssh_build))
    bad = ansible.fails("compose", {"project_src": str(src)})
    assert bad["option"] == "services.db.build.ssh" and "not supported" in bad["msg"]
    assert nothing_left(engine, prefix) == ([], [], [])


def test_services_subset_recreate_modes_diff_and_wait(engine, ansible, prefix):
    def model(x):
        return {"services": {
            "a": {"image": IMAGE, "command": "sleep 3600", "stop_grace_period": "1s", "environment": {"X": x},
                  "healthcheck": {"test": ["CMD", "true"], "interval": "1s"}},
            "b": {"image": IMAGE, "command": "sleep 3600", "stop_grace_period": "1s", "depends_on": ["a"]}}}

    def args(x="1", **more):
        return dict({"project_name": prefix, "definition": model(x)}, **more)

    only_b = ansible.converge("compose", args(services=["b"], dependencies=False), lambda: state(engine, prefix))
    assert [a for a in only_b["actions"] if "container" in a] == [f"create container {prefix}-b-1 (from {IMAGE})", f"start container {prefix}-b-1"]
    assert [c[0] for c in state(engine, prefix)[0]] == [f"{prefix}-b-1"]
    waited = ansible.ok("compose", args(wait=True))
    assert waited["actions"] == [f"create container {prefix}-a-1 (from {IMAGE})", f"start container {prefix}-a-1"]
    assert engine.api.inspect_container(f"{prefix}-a-1")["State"]["Health"]["Status"] == "healthy"

    kept = ansible.ok("compose", args("2", recreate="never"))
    assert kept["changed"] is False and kept["actions"] == []
    predicted = ansible.ok("compose", args("2"), check=True)
    assert predicted["actions"][0].startswith(f"recreate container {prefix}-a-1: env:")
    assert predicted["diff"]["before"][f"container {prefix}-a-1"]["env"] == {"X": "1"}
    assert predicted["diff"]["after"][f"container {prefix}-a-1"]["env"] == {"X": "2"}
    assert len(predicted["actions"]) == 1
    forced = ansible.ok("compose", args("1", recreate="always"), check=True)
    assert sorted(a.split(":")[0].split(" (")[0] for a in forced["actions"]) == [f"recreate container {prefix}-a-1", f"recreate container {prefix}-b-1"]


def test_service_completed_successfully(engine, ansible, prefix):
    def args(init_command):
        return {"project_name": prefix, "definition": {"services": {
            "init": {"image": IMAGE, "command": init_command},
            "app": {"image": IMAGE, "command": "sleep 3600", "stop_grace_period": "1s",
                    "depends_on": {"init": {"condition": "service_completed_successfully"}}}}}}

    check = ansible.converge("compose", args(["true"]), lambda: state(engine, prefix))
    assert check["actions"][1:] == [f"create container {prefix}-init-1 (from {IMAGE})", f"start container {prefix}-init-1",
                                    f"create container {prefix}-app-1 (from {IMAGE})", f"start container {prefix}-app-1"]
    init = engine.api.inspect_container(f"{prefix}-init-1")["State"]
    assert (init["Status"], init["ExitCode"]) == ("exited", 0)  # done once, not started again by the second run

    failed = ansible.fails("compose", dict(args(["sh", "-c", "echo broken; exit 3"]), remove_orphans=True))
    status = {r["resource"]: (r["status"], r["error"]) for r in failed["resources"]}
    assert status[f"container {prefix}-init-1"][0] == "failed" and "exited with code 3" in status[f"container {prefix}-init-1"][1]
    assert "broken" in failed["msg"] and status[f"container {prefix}-app-1"][0] == "skipped"


def test_file_secrets_and_configs(engine, ansible, prefix, tmp_path):
    src = tmp_path / prefix
    src.mkdir()
    (src / "token.txt").write_text("s3cret\n")
    (src / "app.conf").write_text("level=1\n")
    write(src / "compose.yaml", f"""
        services:
          app:
            image: {IMAGE}
            command: sleep 3600
            stop_grace_period: 1s
            secrets: [token, {{source: token, target: copy}}]
            configs: [{{source: appconf, target: /etc/app.conf}}]
        secrets:
          token: {{file: ./token.txt}}
        configs:
          appconf: {{file: ./app.conf}}
        """)
    check = ansible.converge("compose", {"project_src": str(src)}, lambda: state(engine, prefix))
    assert check["actions"][-2:] == [f"create container {prefix}-app-1 (from {IMAGE})", f"start container {prefix}-app-1"]
    app = engine.containers.get(f"{prefix}-app-1")
    mounts = {m["Destination"]: (m["Source"], m["RW"]) for m in app.attrs["Mounts"]}
    assert mounts == {"/run/secrets/token": (str(src / "token.txt"), False), "/run/secrets/copy": (str(src / "token.txt"), False),
                      "/etc/app.conf": (str(src / "app.conf"), False)}
    assert app.exec_run(["cat", "/run/secrets/copy"]).output == b"s3cret\n"
    assert app.exec_run(["cat", "/etc/app.conf"]).output == b"level=1\n"
    assert app.exec_run(["sh", "-c", "echo x > /run/secrets/token"]).exit_code != 0  # read-only
    assert "s3cret" not in check.output and "s3cret" not in check.applied.output

    bad = ansible.fails("compose", {"project_name": prefix, "definition": {
        "services": {"app": {"image": IMAGE, "secrets": ["token"]}}, "secrets": {"token": {"file": str(src / "missing.txt")}}}})
    assert bad["option"] == "secrets.token.file" and "no such file" in bad["msg"]


def test_build_through_image_build(engine, ansible, prefix, tmp_path):
    src = tmp_path / prefix
    (src / "app").mkdir(parents=True)
    (src / "app" / "Dockerfile").write_text(f"FROM {IMAGE}\nARG GREETING\nCOPY msg /msg\nRUN echo $GREETING > /greeting\nCMD [\"sleep\", \"3600\"]\n")
    (src / "app" / "msg").write_text("one\n")
    write(src / "compose.yaml", """
        services:
          app:
            build:
              context: ./app
              args: {GREETING: hello}
              labels: {tier: built}
            pull_policy: build
            stop_grace_period: 1s
            volumes: [data:/data]
        volumes:
          data: {}
        """)
    image = f"{prefix}-app"
    try:
        first = ansible.converge("compose", {"project_src": str(src)}, lambda: state(engine, prefix))
        assert first["actions"][2:] == [f"build image {image}:latest: build_hash: null -> \"{first['changes'][0]['after']}\" (build) (no such image yet)",
                                        f"create container {prefix}-app-1 (from {image})", f"start container {prefix}-app-1"]
        app = engine.containers.get(f"{prefix}-app-1")
        assert app.exec_run(["cat", "/msg", "/greeting"]).output == b"one\nhello\n"
        assert engine.images.get(image).labels["tier"] == "built"
        app.exec_run(["sh", "-c", "echo kept > /data/file"])

        # a changed file of the context: rebuilt, and the container recreated (its volume kept); check mode predicts both
        (src / "app" / "msg").write_text("two\n")
        second = ansible.converge("compose", {"project_src": str(src)}, lambda: state(engine, prefix))
        assert [a.split(":")[0] for a in second["actions"]] == [f"build image {image}", f"recreate container {prefix}-app-1"]
        app = engine.containers.get(f"{prefix}-app-1")
        assert app.exec_run(["cat", "/msg", "/data/file"]).output == b"two\nkept\n"

        # build: always rebuilds; the same image is no change unless ignore_build_events: false counts every build
        app_id = engine.containers.get(f"{prefix}-app-1").id
        always = ansible.ok("compose", {"project_src": str(src), "build": "always"})
        assert always["changed"] is False and always["actions"] == [f"build image {image}:latest (rebuild: always; changed only if the image ID moves)"]
        counted = ansible.ok("compose", {"project_src": str(src), "build": "always", "ignore_build_events": False})
        assert counted["changed"] is True and engine.containers.get(f"{prefix}-app-1").id == app_id

        # build: never runs the image as it is; a bad build section names its key
        assert ansible.ok("compose", {"project_src": str(src), "build": "never"})["changed"] is False
        (src / "app" / "Dockerfile").unlink()
        bad = ansible.fails("compose", {"project_src": str(src)})
        assert bad["option"] == "services.app.build.dockerfile"
    finally:
        for container in engine.containers.list(all=True, filters={"name": prefix}):
            container.remove(force=True)
        engine.images.remove(image, force=True)


def test_bad_models_name_the_key_and_leave_nothing(engine, ansible, prefix, tmp_path):
    """The bad inputs the issue lists that test_bad_input_names_the_key_and_leaves_nothing does not: each fails before
    anything is written (the first service alone would be valid)."""
    def svc(**more):
        return dict({"image": IMAGE, "command": "sleep 3600"}, **more)

    cases = [
        ({"services": {"ok": svc(), "a": svc(depends_on=["b"]), "b": svc(depends_on={"c": {"condition": "service_started"}}),
                       "c": svc(depends_on=["a"])}},
         "services.a.depends_on", "forms a cycle: a -> b -> c -> a"),
        ({"services": {"ok": svc(volumes=["data:/data"]), "web": svc(volumes=["undeclared:/x"])}, "volumes": {"data": {}}},
         "services.web.volumes[0]", "'undeclared' is not a volume of the Compose model"),
        ({"services": {"ok": svc(), "web": svc(networks=["back"], network_mode="host")}, "networks": {"back": {}}},
         "services.web.network_mode", "cannot be combined with networks"),
        ({"services": {"ok": svc(), "web": svc(env_file=["absent.env", {"path": "optional.env", "required": False}])}},
         "services.web.env_file[0]", "cannot read"),
        ({"services": {"ok": svc(), "web": svc(networks=["nowhere"])}},
         "services.web.networks.nowhere", "is not a network of the Compose model"),
        ({"services": {"ok": svc(), "web": svc(develop={"watch": []})}}, "services.web.develop", "not supported"),
        ({"services": {"ok": svc(environment={"X": "${UNSET_VARIABLE?say why}"})}},
         "services.ok.environment.X", "required variable UNSET_VARIABLE is missing a value: say why"),
    ]
    for definition, option, message in cases:
        bad = ansible.fails("compose", {"project_name": prefix, "project_src": str(tmp_path), "definition": definition})
        assert bad.get("option") == option and message in bad["msg"], (option, bad["msg"])
        assert nothing_left(engine, prefix) == ([], [], [])


def test_edits_converge_in_place_or_by_recreate(engine, ansible, prefix):
    """A memory limit changes in place (same container); a dropped port recreates the container without it."""
    def args(memory, ports):
        return {"project_name": prefix, "definition": {"services": {"app": {
            "image": IMAGE, "command": "sleep 3600", "stop_grace_period": "1s", "mem_limit": memory, "ports": ports}}}}

    ansible.ok("compose", args("64m", ["127.0.0.1::80", "127.0.0.1::81"]))
    first = engine.containers.get(f"{prefix}-app-1").id
    memory = ansible.converge("compose", args("96m", ["127.0.0.1::80", "127.0.0.1::81"]), lambda: state(engine, prefix))
    assert [a.split(":")[0] for a in memory["actions"]] == [f"update container {prefix}-app-1"]
    app = engine.api.inspect_container(f"{prefix}-app-1")
    assert app["Id"] == first and app["HostConfig"]["Memory"] == 96 * 1024 ** 2

    port = ansible.converge("compose", args("96m", ["127.0.0.1::80"]), lambda: state(engine, prefix))
    assert [a.split(":")[0] for a in port["actions"]] == [f"recreate container {prefix}-app-1"]
    assert [c["field"] for c in port["changes"]] == ["published_ports"]
    app = engine.api.inspect_container(f"{prefix}-app-1")
    assert app["Id"] != first and list(app["HostConfig"]["PortBindings"]) == ["80/tcp"]


def test_check_mode_predicts_what_assume_yes_does(engine, ansible, prefix):
    """A volume that differs, with assume_yes: true: check mode lists the removals of the containers on it, the volume's
    recreate and the containers made again (one of them with an edit of its own), exactly as the real run does them;
    a service not on the volume is left alone."""
    def args(version, mode):
        return {"project_name": prefix, "assume_yes": True, "definition": {
            "services": {
                "app": {"image": IMAGE, "command": "sleep 3600", "stop_grace_period": "1s", "scale": 2, "environment": {"MODE": mode},
                        "volumes": ["data:/data", "logs:/logs"]},
                "side": {"image": IMAGE, "command": "sleep 3600", "stop_grace_period": "1s",
                         "volumes": [{"type": "volume", "source": "logs", "target": "/logs"}]},
                "other": {"image": IMAGE, "command": "sleep 3600", "stop_grace_period": "1s"}},
            "volumes": {"data": {"labels": {"version": version}}, "logs": {}}}}

    def snapshot():
        volumes = engine.volumes.list(filters={"label": f"{PROJECT}={prefix}"})
        return state(engine, prefix), sorted((v.name, v.attrs["CreatedAt"], v.attrs["Labels"]) for v in volumes)

    apps, volume = [f"{prefix}-app-1", f"{prefix}-app-2"], f"{prefix}_data"
    try:
        ansible.ok("compose", args("1", "a"))
        other = engine.containers.get(f"{prefix}-other-1").id
        side = engine.containers.get(f"{prefix}-side-1").id
        check = ansible.converge("compose", args("2", "b"), snapshot)
        assert check["actions"][:3] == [f"remove container {n} (uses volume {volume}; made again on the new one)" for n in apps] + \
            [check["actions"][2]] and check["actions"][2].startswith(f"recreate volume {volume}: labels")
        assert check["actions"][3:] == [a for n in apps for a in (f"create container {n} (from {IMAGE})", f"start container {n}")]
        assert check.applied["changed"] is True and check.applied["actions"] == check["actions"]
        assert engine.volumes.get(volume).attrs["Labels"]["version"] == "2"
        assert all("MODE=b" in engine.containers.get(n).attrs["Config"]["Env"] for n in apps)
        assert engine.containers.get(f"{prefix}-other-1").id == other and engine.containers.get(f"{prefix}-side-1").id == side
    finally:
        ansible.ok("compose", dict(args("2", "b"), state="absent", remove_volumes=True))


def test_a_volume_that_differs_is_kept_or_recreated_with_assume_yes(engine, ansible, prefix):
    def args(version, **more):
        return dict({"project_name": prefix, "definition": {
            "services": {"app": {"image": IMAGE, "command": "sleep 3600", "stop_grace_period": "1s", "volumes": ["data:/data"]}},
            "volumes": {"data": {"labels": {"version": version}}}}}, **more)

    name, volume = f"{prefix}-app-1", f"{prefix}_data"
    try:
        ansible.ok("compose", args("1"))
        engine.containers.get(name).exec_run(["sh", "-c", "echo kept > /data/f"])
        before = state(engine, prefix)

        # assume_yes: false (Compose's answer without --yes): used as it is, nothing written, the result says how it differs
        for check in (True, False):
            kept = ansible.ok("compose", args("2"), check=check)
            assert kept["changed"] is False and kept["actions"] == []
            entry = next(r for r in kept["resources"] if r["resource"] == f"volume {volume}")
            assert "labels" in entry["facts"]["kept"] and "assume_yes" in entry["facts"]["kept"]
        assert state(engine, prefix) == before and engine.volumes.get(volume).attrs["Labels"]["version"] == "1"

        # assume_yes: true (--yes): the containers on it go, the volume is made again (its data lost), the containers too;
        # check mode lists all of it, as the real run does it
        predicted = ansible.ok("compose", args("2", assume_yes=True), check=True)
        assert predicted["changed"] is True and predicted["actions"][0] == f"remove container {name} (uses volume {volume}; made again on the new one)"
        assert predicted["actions"][1].startswith(f"recreate volume {volume}: labels")
        assert predicted["actions"][2:] == [f"create container {name} (from {IMAGE})", f"start container {name}"]
        assert state(engine, prefix) == before
        renewed = ansible.ok("compose", args("2", assume_yes=True))
        assert renewed["changed"] is True and renewed["actions"] == predicted["actions"]
        assert engine.volumes.get(volume).attrs["Labels"]["version"] == "2"
        assert engine.containers.get(name).status == "running"
        assert engine.containers.get(name).exec_run(["test", "-f", "/data/f"]).exit_code == 1
        assert ansible.ok("compose", args("2", assume_yes=True))["changed"] is False
    finally:
        ansible.ok("compose", args("2", state="absent", remove_volumes=True))
