"""dockhand.docker.compose next to the real Docker Compose v2 (Debian sid's 2.40, fetched by ci/compose_v2.sh): for one
Compose file per feature group, what `docker compose up -d` made is adopted unchanged, what the module made is what
`docker compose ps` lists and `docker compose down` removes, and the containers, networks and volumes both make are the
same once the fields only one of them writes (its own bookkeeping labels, IDs) are set aside."""

import textwrap
import zlib
from pathlib import Path

import pytest
import yaml
from _compose_support import Compose
from ansible_collections.dockhand.docker.plugins.module_utils._container_fields import FIELDS_BY_NAME

IMAGE = "dockhand/busybox:latest"
PROJECT = "com.docker.compose.project"
DEPENDS_ON = "com.docker.compose.depends_on"
ROOT = Path(__file__).resolve().parents[2]
EXPOSED = FIELDS_BY_NAME["exposed_ports"]

# labels of one side's own: Compose's version, image ID and config hash (the module writes a config hash of its own, which
# `docker compose ps` needs, and never compares it); the module's record of the fields it manages (dockhand.*)
COMPOSE_ONLY = {"com.docker.compose.version", "com.docker.compose.config-hash", "com.docker.compose.image"}

SLEEP = """
            image: {image}
            command: sleep 3600
            stop_grace_period: 1s"""

# one Compose file per feature group; {image} is the base image, {subnet} a /24 of the test's own
FILES = {
    "runtime": """
        services:
          app:
            image: {image}
            entrypoint: ["/bin/sh", "-c"]
            command: ["exec sleep 3600"]
            environment:
              - PLAIN=1
              - SPACED=a b
              - FROM_DOTENV=${{FROM_DOTENV}}
              - DEFAULTED=${{UNSET:-dflt}}
              - FLAG=true
            env_file:
              - app.env
              - path: missing.env
                required: false
            labels: [tier=app, empty=]
            user: "1000:1000"
            working_dir: /tmp
            hostname: apphost
            domainname: example.test
            init: true
            tty: true
            stdin_open: true
            stop_signal: SIGINT
            stop_grace_period: 3s
            read_only: true
            tmpfs: /run
        """,
    "ports": """
        services:
          web:""" + SLEEP + """
            ports:
              - "127.0.0.1::80"
              - "127.0.0.1::53/udp"
              - "127.0.0.1::9000-9001"
              - target: 81
                host_ip: 127.0.0.1
                protocol: tcp
            expose: ["8080", "9090/udp", "7000-7001"]
        """,
    "volumes": """
        services:
          store:""" + SLEEP + """
            volumes:
              - data:/data
              - named:/named:ro
              - ./conf:/conf:ro
              - type: bind
                source: ./conf
                target: /bound
                read_only: true
              - type: tmpfs
                target: /scratch
                tmpfs: {{size: 1048576}}
        volumes:
          data: {{}}
          named:
            name: {project}-custom
            labels: {{kind: custom}}
        """,
    "networks": """
        services:
          front:""" + SLEEP + """
            networks:
              edge: {{aliases: [www, site]}}
              back:
                ipv4_address: {subnet}.10
          side:""" + SLEEP + """
            network_mode: service:front
          alone:""" + SLEEP + """
            network_mode: none
          inner:""" + SLEEP + """
            networks: [back]
        networks:
          edge:
            labels: {{role: edge}}
          back:
            internal: true
            ipam:
              config:
                - subnet: {subnet}.0/24
                  gateway: {subnet}.1
        """,
    "resources": """
        services:
          limited:""" + SLEEP + """
            mem_limit: 96m
            mem_reservation: 32m
            memswap_limit: 192m
            cpus: 0.5
            cpu_shares: 512
            cpuset: "0"
            pids_limit: 64
            shm_size: 32m
            oom_score_adj: 100
            ulimits:
              nofile: {{soft: 1024, hard: 2048}}
              nproc: 512
            sysctls: {{net.core.somaxconn: 1024, net.ipv4.tcp_syncookies: 0}}
          deployed:""" + SLEEP + """
            deploy:
              resources:
                limits: {{cpus: "0.25", memory: 64m, pids: 32}}
                reservations: {{memory: 16m}}
        """,
    "security": """
        services:
          guarded:""" + SLEEP + """
            cap_add: [NET_ADMIN, SYS_TIME]
            cap_drop: [MKNOD]
            security_opt: ["no-new-privileges:true"]
            group_add: ["100", "101"]
            devices: ["/dev/null:/dev/xnull:rwm"]
            ipc: shareable
          hostpid:""" + SLEEP + """
            pid: host
        """,
    "health_deps": """
        services:
          db:""" + SLEEP + """
            healthcheck:
              test: ["CMD", "true"]
              interval: 1s
              timeout: 1m30s
              retries: 3
              start_period: 1s
            restart: unless-stopped
          init:
            image: {image}
            command: ["true"]
          web:""" + SLEEP + """
            healthcheck:
              test: "exit 0"
              interval: 2s
            restart: on-failure:3
            logging:
              driver: json-file
              options: {{max-size: 1m, max-file: "2"}}
            depends_on:
              db: {{condition: service_healthy}}
              init: {{condition: service_completed_successfully}}
          quiet:""" + SLEEP + """
            healthcheck: {{disable: true}}
            restart: "no"
            depends_on: [web]
        """,
    "dns_hosts": """
        services:
          resolver:""" + SLEEP + """
            hostname: resolver
            extra_hosts: ["alpha:10.0.0.1", "beta=10.0.0.2"]
            dns: 10.0.0.53
            dns_search: [example.test, example.org]
          mapped:""" + SLEEP + """
            extra_hosts:
              gamma: 10.0.0.3
            dns: [10.0.0.54, 10.0.0.55]
        """,
    "scale_names": """
        services:
          worker:""" + SLEEP + """
            deploy: {{replicas: 2}}
          helper:""" + SLEEP + """
            scale: 2
          named:""" + SLEEP + """
            container_name: {project}-fixed
          extra:""" + SLEEP + """
            profiles: [extra]
        """,
    "merge_extends": """
        x-common: &common
          image: {image}
          stop_grace_period: 1s
        services:
          base:
            <<: *common
            command: sleep 3600
            environment: {{LEVEL: base}}
            labels: {{from: base}}
          child:
            extends: base
            environment: {{CHILD: "yes"}}
            ports: ["127.0.0.1::80"]
        """,
    "interpolation": """
        services:
          echo:
            image: ${{IMAGE_NAME:-{image}}}
            command: ["sleep", "${{SLEEP_FOR:-3600}}"]
            stop_grace_period: ${{GRACE-1s}}
            environment:
              SET: ${{FROM_DOTENV}}
              SET_OR: ${{FROM_DOTENV:-unused}}
              EMPTY_OR: ${{EMPTY_IN_DOTENV:-fallback}}
              EMPTY_DASH: ${{EMPTY_IN_DOTENV-kept empty}}
              ALT: ${{FROM_DOTENV:+alternative}}
              NO_ALT: ${{UNSET_HERE:+alternative}}
              LITERAL: $$NOT_A_VARIABLE and $${{NEITHER}}
              NESTED: ${{UNSET_HERE:-${{FROM_DOTENV}} nested}}
              REQUIRED: ${{FROM_DOTENV:?must be set}}
              QUOTED: ${{QUOTED_IN_DOTENV}}
              FROM_SHELL:
            labels:
              version: ${{FROM_DOTENV}}
        """,
    "anonymous_volumes": """
        services:
          keeper:""" + SLEEP + """
            volumes:
              - /anon
              - type: volume
                target: /nocopy
                volume: {{nocopy: true}}
              - data:/data
          plain:""" + SLEEP + """
            volumes: ["/anon"]
        volumes:
          data: {{}}
        """,
    "secrets_configs": """
        services:
          app:""" + SLEEP + """
            secrets: [token, {{source: token, target: copy}}, {{source: token, target: /etc/token}}]
            configs: [appconf, {{source: appconf, target: /etc/app.conf}}]
        secrets:
          token: {{file: ./token.txt}}
        configs:
          appconf: {{file: ./conf/app.conf}}
        """,
}

# files next to compose.yaml
OVERRIDE = """
    services:
      child:
        environment: {CHILD: overridden}
        ports: ["127.0.0.1::81"]
    """


def write_project(tmp_path, prefix, group):
    """The project directory tmp_path/<prefix> (so the project name is the prefix for both tools) for one group."""
    src = tmp_path / prefix
    (src / "conf").mkdir(parents=True, exist_ok=True)
    subnet = f"10.236.{zlib.crc32(prefix.encode()) % 250}"  # 10.236/16: no other test's, nor ci/engine.sh's 10.218/16
    text = textwrap.dedent(FILES[group]).format(image=IMAGE, subnet=subnet, project=prefix)
    (src / "compose.yaml").write_text(text)
    (src / ".env").write_text("FROM_DOTENV=dotenv value\nEMPTY_IN_DOTENV=\nQUOTED_IN_DOTENV='single $FROM_DOTENV'\n# a comment\n")
    (src / "app.env").write_text("FROM_FILE=1\nPLAIN=overridden by environment\n")
    (src / "token.txt").write_text("s3cret\n")
    (src / "conf" / "app.conf").write_text("level=1\n")
    if group == "merge_extends":
        (src / "compose.override.yaml").write_text(textwrap.dedent(OVERRIDE))
    return src


def engine_state(engine, project):
    """Every container, network and volume of the project: name -> (ID, start time)."""
    label = {"label": f"{PROJECT}={project}"}
    out = {}
    for c in engine.containers.list(all=True, filters=label):
        out[f"container {c.name}"] = (c.id, c.attrs["State"]["StartedAt"], c.attrs["RestartCount"])
    out.update({f"network {n.name}": n.id for n in engine.networks.list(filters=label)})
    out.update({f"volume {v.name}": v.attrs["CreatedAt"] for v in engine.volumes.list(filters=label)})
    return out


def _empty_none(value):
    return None if value in ([], {}, "", None) else value


def normalised(engine, project, model):
    """What both tools should agree on, per resource: Config and HostConfig with empty values as None, lists whose
    order means nothing sorted, and the fields that identify an instance (IDs, the default hostname, anonymous
    volume names) or only one tool's bookkeeping (labels) set aside."""
    label = {"label": f"{PROJECT}={project}"}
    ids = {c.id: c.name for c in engine.containers.list(all=True, filters=label)}
    out = {}
    for cid, name in ids.items():
        data = engine.api.inspect_container(cid)
        config = {k: _empty_none(v) for k, v in data["Config"].items()}
        # Compose 2.40 passes `NAME:` of a variable the shell does not set as NAME alone, which sets nothing in the
        # container (the module leaves it out)
        config["Env"] = sorted(e for e in config["Env"] or [] if "=" in e)
        # Compose sends `expose: ["8080", "7000-7001"]` as it is, and Docker 20.10 keeps it: the ports they mean
        config["ExposedPorts"] = EXPOSED.load(config.get("ExposedPorts")) or None
        # Attach*: whether a client was attached when it was created (Compose's `up -d` says yes, then detaches);
        # the engine never reads them again for a detached container
        for key in ("AttachStdin", "AttachStdout", "AttachStderr"):
            config.pop(key)
        if config["Hostname"] in {i[:12] for i in ids}:  # its own ID, or that of the container whose network it shares
            config["Hostname"] = "<id>"
        config["Labels"] = {k: v for k, v in (config["Labels"] or {}).items() if k not in COMPOSE_ONLY and not k.startswith("dockhand.")}
        if config["Labels"].get(DEPENDS_ON):  # Compose writes it in the order of a Go map: any
            config["Labels"][DEPENDS_ON] = ",".join(sorted(config["Labels"][DEPENDS_ON].split(",")))
        host = {k: _empty_none(v) for k, v in data["HostConfig"].items()}
        for key in ("Binds", "Dns", "DnsSearch", "ExtraHosts", "GroupAdd", "SecurityOpt", "Tmpfs"):
            host[key] = sorted(host[key]) if isinstance(host.get(key), list) else host.get(key)
        for key in ("CapAdd", "CapDrop"):  # the engine takes NET_ADMIN and CAP_NET_ADMIN alike
            host[key] = sorted(c.upper().removeprefix("CAP_") for c in host[key] or []) or None
        if host.get("Ulimits"):
            host["Ulimits"] = sorted(host["Ulimits"], key=lambda u: u["Name"])
        if host.get("Mounts"):
            host["Mounts"] = sorted(({k: v for k, v in m.items() if v != {}} for m in host["Mounts"]), key=lambda m: m["Target"])
        mode = host["NetworkMode"] or ""
        if mode.startswith("container:"):
            other = mode.split(":", 1)[1]
            host["NetworkMode"] = "container:" + ids.get(other, next((n for i, n in ids.items() if i.startswith(other)), other))
        # a volume's mount point is its name's; an anonymous volume's name is random
        mounts = sorted((dict(m, Source=m["Source"] if m["Type"] == "bind" else None,
                              Name=m.get("Name") if len(m.get("Name") or "") != 64 else "<anonymous>") for m in data["Mounts"]),
                        key=lambda m: m["Destination"])
        networks = {net: {"Aliases": sorted(set(ep.get("Aliases") or []) - {cid[:12]}), "IPAMConfig": _empty_none(ep.get("IPAMConfig")),
                          "Links": _empty_none(ep.get("Links"))}
                    for net, ep in (data["NetworkSettings"]["Networks"] or {}).items()}
        out[f"container {name}"] = {"Config": config, "HostConfig": host, "Mounts": mounts, "Networks": networks}
    for net in engine.networks.list(filters=label):
        data = net.attrs
        out[f"network {net.name}"] = {k: data.get(k) for k in ("Driver", "Options", "Internal", "Attachable", "EnableIPv6", "Scope")}
        out[f"network {net.name}"]["IPAM"] = {k: _empty_none(v) for k, v in data["IPAM"].items()}
        out[f"network {net.name}"]["Labels"] = {k: v for k, v in (data.get("Labels") or {}).items() if k not in COMPOSE_ONLY}
        key = (data.get("Labels") or {}).get("com.docker.compose.network")
        if not ((model.get("networks") or {}).get(key) or {}).get("ipam"):  # the engine picks a free subnet each time
            out[f"network {net.name}"]["IPAM"]["Config"] = "<picked by the engine>"
    for vol in engine.volumes.list(filters=label):
        data = vol.attrs
        out[f"volume {vol.name}"] = {"Driver": data["Driver"], "Options": data.get("Options"),
                                     "Labels": {k: v for k, v in (data.get("Labels") or {}).items() if k not in COMPOSE_ONLY}}
    return out


def differences(a, b, path=""):
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(set(a) | set(b), key=str) for d in differences(a.get(k), b.get(k), f"{path}.{k}" if path else str(k))]
    return [] if a == b else [f"{path}: compose {a!r} / module {b!r}"]


@pytest.mark.parametrize("group", sorted(FILES))
def test_compose_and_module_interoperate(engine, ansible, compose_cli, prefix, tmp_path, group):
    src = write_project(tmp_path, prefix, group)
    compose = Compose(compose_cli, src, prefix)
    model = yaml.safe_load((src / "compose.yaml").read_text())
    args = {"project_src": str(src)}

    # docker compose up first: the module adopts all of it unchanged, in check mode and for real
    compose("up", "-d")
    made = engine_state(engine, prefix)
    assert made, "docker compose made nothing"
    by_compose = normalised(engine, prefix, model)
    for check in (True, False):
        result = ansible.ok("compose", args, check=check)
        assert result["changed"] is False, f"{group}: {result['actions']} {result['changes']}"
        assert result["project_name"] == prefix
    assert engine_state(engine, prefix) == made, "the module touched what docker compose made"
    compose("down", "-v")
    assert engine_state(engine, prefix) == {}

    # the module first (check, apply, again, check again): the same resources as docker compose made them
    ansible.converge("compose", args, lambda: engine_state(engine, prefix))
    by_module = normalised(engine, prefix, model)
    found = differences(by_compose, by_module)
    assert not found, "\n".join(found)

    # docker compose sees all of it, and its down leaves nothing behind
    listed = {c["Name"]: (c["Service"], c["State"]) for c in compose.ps()}
    containers = [k.split(" ", 1)[1] for k in by_module if k.startswith("container ")]
    assert sorted(listed) == sorted(containers)
    running = {name for name, (_service, state) in listed.items() if state == "running"}
    one_shots = {name for name in containers if "-init-" in name}
    assert running == set(containers) - one_shots
    compose("down", "-v")
    assert engine_state(engine, prefix) == {}
    assert [v for v in engine.volumes.list() if v.name.startswith(prefix)] == []


def _files(engine, name, *paths):
    """The contents of files in the container (empty string: missing)."""
    return [engine.containers.get(name).exec_run(["cat", path]).output.decode() if
            engine.containers.get(name).exec_run(["test", "-f", path]).exit_code == 0 else "" for path in paths]


def test_anonymous_volumes_keep_their_data_through_recreates(engine, ansible, compose_cli, prefix, tmp_path):
    """A recreate by either tool mounts the old container's anonymous volumes again; the module adopts what a Compose
    recreate left (the generated volume names as mount sources, nocopy dropped); renew_anon_volumes starts them afresh."""
    src = write_project(tmp_path, prefix, "anonymous_volumes")
    compose = Compose(compose_cli, src, prefix)
    args = {"project_src": str(src)}
    name, paths = f"{prefix}-keeper-1", ("/anon/f", "/nocopy/f", "/data/f")
    left: list = []  # the anonymous volumes renew_anon_volumes leaves behind, unused
    try:
        compose("up", "-d")
        engine.containers.get(name).exec_run(["sh", "-c", "for d in /anon /nocopy /data; do echo kept > $d/f; done"])
        compose_file = src / "compose.yaml"
        compose_file.write_text(compose_file.read_text().replace("sleep 3600", "sleep 3601"))
        compose("up", "-d")  # Compose's own recreate
        assert _files(engine, name, *paths) == ["kept\n"] * 3
        made = engine_state(engine, prefix)
        assert ansible.ok("compose", args)["changed"] is False
        assert engine_state(engine, prefix) == made

        compose_file.write_text(compose_file.read_text().replace("stop_grace_period: 1s", "stop_grace_period: 1s\n    environment: {EDIT: '1'}"))
        result = ansible.ok("compose", args)  # the module's recreate
        assert result["changed"] is True and engine.containers.get(name).id != made[f"container {name}"][0]
        assert _files(engine, name, *paths) == ["kept\n"] * 3
        assert ansible.ok("compose", args)["changed"] is False

        compose_file.write_text(compose_file.read_text().replace("EDIT: '1'", "EDIT: '2'"))
        left += [m["Name"] for m in engine.api.inspect_container(name)["Mounts"] if len(m.get("Name") or "") == 64]
        assert ansible.ok("compose", dict(args, renew_anon_volumes=True))["changed"] is True
        assert _files(engine, name, *paths) == ["", "", "kept\n"], "renew_anon_volumes: new anonymous volumes, the named one kept"
        assert ansible.ok("compose", dict(args, renew_anon_volumes=True))["changed"] is False
    finally:
        compose("down", "-v")
        for volume in left:
            engine.api.remove_volume(volume)
