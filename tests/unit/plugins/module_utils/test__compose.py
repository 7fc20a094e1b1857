"""The Compose model (pure): interpolation, .env files, file lookup, merging, profiles, and the mapping to container options."""

import pytest

from ansible_collections.dockhand.docker.plugins.module_utils import _compose, _compose_model
from ansible_collections.dockhand.docker.plugins.module_utils._errors import ParamError

ENV = {"SET": "value", "EMPTY": ""}


@pytest.mark.parametrize("text, expected", [
    ("${SET}", "value"), ("$SET/x", "value/x"), ("${UNSET}", ""), ("a$$b", "a$b"), ("$${SET}", "${SET}"),
    ("${UNSET:-dflt}", "dflt"), ("${EMPTY:-dflt}", "dflt"), ("${EMPTY-dflt}", ""), ("${UNSET-dflt}", "dflt"),
    ("${SET:+alt}", "alt"), ("${EMPTY:+alt}", ""), ("${EMPTY+alt}", "alt"), ("${UNSET:-${SET}}", "value"),
    ("${SET:?err}", "value"), ("${EMPTY?err}", ""), ("no vars", "no vars"),
])
def test_interpolate(text, expected):
    assert _compose_model.interpolate(text, ENV, "x") == expected


@pytest.mark.parametrize("text, message", [
    ("${UNSET:?set it}", "required variable UNSET is missing a value: set it"),
    ("${EMPTY:?}", "required variable EMPTY is missing a value"),
    ("${UNSET?no}", "required variable UNSET is missing a value: no"),
    ("${SET", "is never closed"), ("cost $5", "invalid interpolation"), ("${1BAD}", "invalid interpolation"),
])
def test_interpolate_refuses(text, message):
    with pytest.raises(ParamError) as err:
        _compose_model.interpolate(text, ENV, "services.web.image")
    assert err.value.option == "services.web.image" and message in err.value.why


def test_env_file(tmp_path):
    path = tmp_path / ".env"
    path.write_text("# comment\n\nexport A=1\nB='${A} literal'\nC=\"x ${A}\"\nD=plain # note\nE=${B:-none}\n")
    assert _compose_model.read_env_file(str(path), "env_files") == {"A": "1", "B": "${A} literal", "C": "x 1", "D": "plain", "E": "${A} literal"}
    path.write_text("GOOD=1\nnot a line\n")
    with pytest.raises(ParamError) as err:
        _compose_model.read_env_file(str(path), "env_files")
    assert err.value.option == "env_files" and "line 2" in err.value.why


def test_environment_precedence(tmp_path):
    (tmp_path / ".env").write_text("A=from-dotenv\nB=from-dotenv\n")
    (tmp_path / "other.env").write_text("A=from-other\n")
    assert _compose_model.environment({"project_src": str(tmp_path)}, {"B": "shell"}) == {"A": "from-dotenv", "B": "shell"}
    assert _compose_model.environment({"project_src": str(tmp_path), "env_files": ["other.env"]}, {}) == {"A": "from-other"}


def test_file_lookup_with_override(tmp_path):
    (tmp_path / "docker-compose.yml").write_text("services: {}\n")
    (tmp_path / "compose.yaml").write_text("services: {}\n")
    (tmp_path / "compose.override.yml").write_text("services: {}\n")
    assert _compose_model._files({"project_src": str(tmp_path)}) == [str(tmp_path / "compose.yaml"), str(tmp_path / "compose.override.yml")]
    with pytest.raises(ParamError) as err:
        _compose_model._files({"project_src": str(tmp_path / "none")})
    assert err.value.option == "project_src"
    with pytest.raises(ParamError) as err:
        _compose_model._files({"project_src": str(tmp_path), "files": ["missing.yaml"]})
    assert err.value.option == "files" and "missing.yaml: no such file" in err.value.why


def test_merge_rules():
    base = _compose_model.normalize({"services": {"web": {
        "image": "a", "command": "sleep 1", "environment": ["A=1", "B=2"], "ports": ["80"], "labels": {"x": "1"},
        "volumes": ["data:/data", "/h:/logs"], "healthcheck": {"test": ["CMD", "a"], "interval": "1s"}}}})
    over = _compose_model.normalize({"services": {"web": {
        "command": ["sleep", "2"], "environment": {"B": "3"}, "ports": ["81", "80"], "labels": ["y=2"],
        "volumes": [{"type": "bind", "source": "/other", "target": "/logs"}], "healthcheck": {"test": ["CMD", "b"]}}}})
    web = _compose_model.merge(base, over)["services"]["web"]
    assert web["command"] == ["sleep", "2"] and web["image"] == "a"
    assert web["environment"] == {"A": "1", "B": "3"} and web["labels"] == {"x": "1", "y": "2"}
    assert web["ports"] == ["80", "81"]
    assert web["volumes"] == ["data:/data", {"type": "bind", "source": "/other", "target": "/logs"}]
    assert web["healthcheck"] == {"test": ["CMD", "b"], "interval": "1s"}


def load(tmp_path, text, **params):
    (tmp_path / "compose.yaml").write_text(text)
    return _compose_model.load(dict({"project_src": str(tmp_path)}, **params), {"TAG": "1.2"})


def test_load_interpolates_each_file_and_names_the_key(tmp_path):
    model = load(tmp_path, "services:\n  web:\n    image: app:${TAG}\n")
    assert model.data["services"]["web"]["image"] == "app:1.2"
    assert model.config_files == (str(tmp_path / "compose.yaml"),) and model.working_dir == str(tmp_path)
    with pytest.raises(ParamError) as err:
        load(tmp_path, "services:\n  web:\n    environment:\n      KEY: ${NOPE:?needed}\n")
    assert err.value.option == "services.web.environment.KEY" and "compose.yaml" in err.value.why
    with pytest.raises(ParamError) as err:
        load(tmp_path, "services: [\n")
    assert err.value.option.startswith("files") and "not valid YAML" in err.value.why


def test_keys_not_supported_are_named():
    with pytest.raises(ParamError) as err:
        _compose.check_keys({"services": {"web": {"image": "a", "develop": {}}}})
    assert str(err.value) == "services.web.develop: not supported"
    with pytest.raises(ParamError) as err:
        _compose.check_keys({"services": {}, "secrets": {"token": {"environment": "TOKEN"}}})
    assert err.value.option == "secrets.token.environment"
    with pytest.raises(ParamError) as err:
        _compose.check_keys({"services": {}, "configs": {"app": {"name": "x"}}})
    assert err.value.option == "configs.app.file"
    with pytest.raises(ParamError) as err:
        _compose.check_keys({"services": {}, "models": {}})
    assert err.value.option == "models"
    with pytest.raises(ParamError) as err:
        _compose.check_keys({"networks": {"n": {"driver": "bridge", "scope": "x"}}})
    assert err.value.option == "networks.n.scope"
    _compose.check_keys({"version": "3", "x-any": 1, "services": {"web": {"image": "a", "x-note": 1}}})


def test_project_name():
    model = _compose_model.Model({}, "/srv/My.Shop", (), {})
    assert _compose.project_name({"project_src": "/srv/My.Shop"}, model, {}) == "myshop"
    assert _compose.project_name({"project_name": "given"}, model, {}) == "given"
    with pytest.raises(ParamError) as err:
        _compose.project_name({"project_name": "Bad Name"}, model, {})
    assert err.value.option == "project_name"


def test_profiles_and_dependencies():
    data = {"services": {"web": {"depends_on": {"db": None}}, "db": {}, "tool": {"profiles": ["tools"]},
                         "debug": {"profiles": ["debug"], "depends_on": {"tool": None}}}}
    assert _compose.services_in_scope(data, {}, {})[0] == ["web", "db"]
    assert _compose.services_in_scope(data, {"profiles": ["tools"]}, {})[0] == ["web", "db", "tool"]
    assert _compose.services_in_scope(data, {}, {"COMPOSE_PROFILES": "tools"})[0] == ["web", "db", "tool"]
    assert _compose.services_in_scope(data, {"services": ["web"]}, {})[0] == ["web", "db"]
    assert _compose.services_in_scope(data, {"services": ["web"], "dependencies": False}, {})[0] == ["web"]
    with pytest.raises(ParamError) as err:
        _compose.services_in_scope(data, {"profiles": ["debug"]}, {})
    assert err.value.option == "services.debug.depends_on" and "not enabled" in err.value.why


def context(tmp_path):
    return _compose.Context("p", str(tmp_path), {"FROM_ENV": "e"}, {"default": "p_default", "back": "p_back"},
                            {"data": "p_data"}, {"db": "p-db-1"})


def test_service_to_container_options(tmp_path):
    (tmp_path / "web.env").write_text("FILE=1\nBOTH=file\n")
    svc = {"image": "app", "command": ["run"], "environment": {"BOTH": "env", "FROM_ENV": None, "MISSING": None, "FLAG": True},
           "env_file": ["web.env"], "ports": ["8080:80", {"target": 81, "published": 9000, "host_ip": "127.0.0.1", "protocol": "udp"}],
           "volumes": ["data:/data", "./conf:/conf:ro", "/anon", {"type": "tmpfs", "target": "/tmp", "tmpfs": {"size": "1m"}}],
           "networks": {"back": {"aliases": ["api"]}}, "restart": "on-failure:3", "stop_grace_period": "1m30s",
           "ulimits": {"nofile": {"soft": 10, "hard": 20}, "nproc": 5}, "extra_hosts": ["h1:10.0.0.1", "h2=10.0.0.2"],
           "dns": "1.1.1.1", "cap_add": ["NET_ADMIN"], "stdin_open": True, "mem_limit": "1g", "logging": {"driver": "json-file"},
           "deploy": {"resources": {"limits": {"cpus": "0.5", "pids": 10}, "reservations": {"memory": "64m"}}}, "pull_policy": "if_not_present"}
    opts = _compose.container_options(context(tmp_path), "web", svc, {"pull": "policy"})
    assert opts["env"] == {"FILE": "1", "BOTH": "env", "FROM_ENV": "e", "FLAG": "true"}
    assert opts["published_ports"] == ["8080:80", "127.0.0.1:9000:81/udp"]
    assert opts["volumes"] == ["p_data:/data:rw", f"{tmp_path}/conf:/conf:ro"]
    # an anonymous volume is a volume mount without source, as Compose makes it
    assert opts["mounts"] == [{"type": "volume", "target": "/anon", "read_only": False},
                              {"type": "tmpfs", "target": "/tmp", "tmpfs_size": "1m", "tmpfs_mode": None}]
    assert opts["networks"] == [{"name": "p_back", "aliases": ["web", "api"], "ipv4_address": None, "ipv6_address": None}]
    assert (opts["restart_policy"], opts["restart_retries"], opts["stop_timeout"]) == ("on-failure", 3, 90)
    assert opts["ulimits"] == ["nofile:10:20", "nproc:5:5"] and opts["etc_hosts"] == {"h1": "10.0.0.1", "h2": "10.0.0.2"}
    assert opts["dns_servers"] == ["1.1.1.1"] and opts["capabilities"] == ["NET_ADMIN"] and opts["interactive"] is True
    assert (opts["memory"], opts["cpus"], opts["pids_limit"], opts["memory_reservation"]) == ("1g", "0.5", 10, "64m")
    assert opts["log_driver"] == "json-file" and opts["pull"] == "missing"


@pytest.mark.parametrize("svc, option", [
    ({"image": "a", "volumes": ["undeclared:/x"]}, "services.web.volumes[0]"),
    ({"image": "a", "networks": ["nowhere"]}, "services.web.networks.nowhere"),
    ({"image": "a", "network_mode": "host", "networks": ["back"]}, "services.web.network_mode"),
    ({"command": "x"}, "services.web.image"),
    ({"image": "a", "secrets": ["undeclared"]}, "services.web.secrets[0].source"),
    ({"image": "a", "secrets": [{"source": "token", "mode": 0o400}]}, "services.web.secrets[0].mode"),
    ({"image": "a", "deploy": {"placement": {}}}, "services.web.deploy.placement"),
    ({"image": "a", "deploy": {"resources": {"reservations": {"cpus": 1}}}}, "services.web.deploy.resources.reservations.cpus"),
    ({"image": "a", "healthcheck": {"test": "true", "start_interval": "1s"}}, "services.web.healthcheck.start_interval"),
    ({"image": "a", "restart": "sometimes"}, "services.web.restart"),
    ({"image": "a", "pull_policy": "daily"}, "services.web.pull_policy"),
    ({"image": "a", "networks": {"back": {"link_local_ips": []}}}, "services.web.networks.back.link_local_ips"),
])
def test_service_refusals_name_the_key(tmp_path, svc, option):
    ctx = context(tmp_path)
    ctx.files = {"secrets": {"token": str(tmp_path / "token")}}
    with pytest.raises(ParamError) as err:
        _compose.container_options(ctx, "web", svc, {"pull": "policy", "build": "policy"})
    assert err.value.option == option


def test_build_never_runs_the_image(tmp_path):
    opts = _compose.container_options(context(tmp_path), "web", {"image": "a", "build": "."}, {"pull": "never", "build": "never"})
    assert opts["image"] == "a" and opts["pull"] == "never"


def test_replicas():
    assert _compose.replicas("web", {"deploy": {"replicas": 3}, "scale": 2}, {}) == 3
    assert _compose.replicas("web", {"scale": 2}, {"scale": {"web": 4}}) == 4
    assert _compose.replicas("web", {}, {}) == 1
    with pytest.raises(ParamError) as err:
        _compose.replicas("web", {"scale": 2, "container_name": "x"}, {})
    assert err.value.option == "services.web.container_name"


def test_extends_same_file_and_other_file(tmp_path):
    (tmp_path / "common.yml").write_text("services:\n  base:\n    image: common\n    environment: [A=1]\n    ports: ['80']\n")
    model = load(tmp_path, "services:\n"
                           "  proto:\n    extends: {service: base, file: common.yml}\n    environment: {B: '2'}\n"
                           "  web:\n    extends: proto\n    ports: ['81']\n    command: run\n")
    web = model.data["services"]["web"]
    assert web == {"image": "common", "environment": {"A": "1", "B": "2"}, "ports": ["80", "81"], "command": ["run"]}
    with pytest.raises(ParamError) as err:
        load(tmp_path, "services:\n  a:\n    extends: b\n  b:\n    extends: a\n")
    assert err.value.option in ("services.a.extends", "services.b.extends") and "cycle" in err.value.why
    with pytest.raises(ParamError) as err:
        load(tmp_path, "services:\n  a:\n    extends: {service: x, file: nope.yml}\n")
    assert err.value.option == "services.a.extends.file" and "no such file" in err.value.why
    with pytest.raises(ParamError) as err:
        load(tmp_path, "services:\n  a:\n    extends: missing\n")
    assert err.value.option == "services.a.extends.service"


def test_compose_2_40_conventions(tmp_path):
    """What `docker compose` 2.40 does, found by the interop tests: the highest-priority network first (then by name),
    a long-syntax port with a host IP and no published port, network_mode service: as a depends_on with restart."""
    ctx = context(tmp_path)
    ctx.networks["edge"] = "p_edge"
    opts = _compose.container_options(ctx, "web", {"image": "a", "networks": {"edge": None, "back": None}}, {"pull": "policy"})
    assert [n["name"] for n in opts["networks"]] == ["p_back", "p_edge"]
    opts = _compose.container_options(ctx, "web", {"image": "a", "networks": {"back": None, "edge": {"priority": 5}}}, {"pull": "policy"})
    assert [n["name"] for n in opts["networks"]] == ["p_edge", "p_back"]
    assert _compose._port("x", {"target": 81, "host_ip": "127.0.0.1"}) == "127.0.0.1::81/tcp"
    assert _compose._depends_on({"network_mode": "service:front", "depends_on": {"db": {"condition": "service_healthy", "restart": True}}}) == {
        "db": ("service_healthy", True), "front": ("service_started", True)}


def test_secrets_and_configs_as_compose_mounts_them(tmp_path):
    ctx = context(tmp_path)
    ctx.files = {"secrets": {"token": "/p/token.txt"}, "configs": {"app": "/p/app.conf"}}
    svc = {"image": "a", "secrets": ["token", {"source": "token", "target": "other"}, {"source": "token", "target": "/abs/t"}],
           "configs": ["app", {"source": "app", "target": "/etc/app.conf"}]}
    mounts = _compose.container_options(ctx, "web", svc, {"pull": "policy"})["mounts"]
    assert [(m["source"], m["target"], m["read_only"], m["type"]) for m in mounts] == [
        ("/p/token.txt", "/run/secrets/token", True, "bind"), ("/p/token.txt", "/run/secrets/other", True, "bind"),
        ("/p/token.txt", "/abs/t", True, "bind"), ("/p/app.conf", "/app", True, "bind"), ("/p/app.conf", "/etc/app.conf", True, "bind")]


def test_build_section_to_image_build(tmp_path):
    from ansible_collections.dockhand.docker.plugins.module_utils import _compose_build

    ctx = context(tmp_path)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text("FROM scratch\n")
    svc = {"build": {"context": "app", "args": ["A=1", "B"], "target": "t", "labels": {"x": 1}}, "pull_policy": "build"}
    p = _compose_build.build_unit_params(ctx, "web", svc, {"build": "policy"})
    assert p == {"path": str(tmp_path / "app"), "args": {"A": "1", "B": ""}, "target": "t", "labels": {"x": "1"}, "name": "p-web",
                 "rebuild": "inputs-changed"}
    assert _compose_build.rebuild_policy({}, {"build": "policy"}) == "never"
    assert _compose_build.rebuild_policy({"pull_policy": "build"}, {"build": "always"}) == "always"
    assert _compose.container_options(ctx, "web", svc, {"pull": "policy", "build": "policy"})["image"] == "p-web"
    with pytest.raises(ParamError) as err:
        _compose_build.build_want(ctx, "web", {"build": {"context": "app", "ssh": ["default"]}}, {})
    assert err.value.option == "services.web.build.ssh"
    with pytest.raises(ParamError) as err:
        _compose_build.build_want(ctx, "web", {"build": {"context": "app", "dockerfile": "Nope"}}, {})
    assert err.value.option == "services.web.build.dockerfile"
    with pytest.raises(ParamError) as err:
        _compose_build.build_want(ctx, "web", {"build": "missing"}, {})
    assert err.value.option == "services.web.build.context"


def test_assume_yes_containers_on_a_renewed_volume_plan_as_made_again(tmp_path):
    """With assume_yes: true, a container on a volume of the model knows the volume's desired state; when the volume's
    plan removes the container, the container's own plan creates and starts it (what the real run does after)."""
    params = {"project_name": "p", "assume_yes": True, "definition": {
        "services": {"app": {"image": "busybox", "volumes": ["data:/data", "./here:/here"]}, "other": {"image": "busybox"}},
        "volumes": {"data": {}}}}
    units = {u.key: u for u in _compose.plan_project(params, {}).units}
    app, other = units["container p-app-1"], units["container p-other-1"]
    assert app.kind.__name__ == "RenewingContainerKind" and [v.name for v in app.want.renewing] == ["p_data"]
    assert other.kind is _compose.ContainerKind
    kept = {u.key: u for u in _compose.plan_project(dict(params, assume_yes=False), {}).units}["container p-app-1"]
    assert kept.kind is _compose.ContainerKind

    have = {"Name": "/p-app-1", "Config": {"Image": "busybox", "Labels": {}}, "State": {"Running": True}, "HostConfig": {}}
    actual = {"container": have, "image": {"Id": "sha256:1", "Config": {}}, "remote_digest": None, "remote_error": None,
              "missing_networks": [], "managed": {}, "container_ids": {}, "inspect": have, "removed_by": ["p_data"]}
    plan = app.kind.plan(app.want, actual)
    assert plan.describe() == ["create container p-app-1 (from busybox)", "start container p-app-1"]
