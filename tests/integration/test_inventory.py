"""The dockhand.docker.containers inventory plugin through ansible-inventory, against containers this test makes:
host variables, the built-in groups (state, image, Compose and dockhand projects), keyed_groups, compose, filters,
SSH addresses, the cache, and bad configuration failing with the option's name."""

import socket

import pytest
import yaml
from _engine_support import DOCKER_HOST
from _containers_support import (  # noqa: F401  # pylint: disable=unused-import
    BUSYBOX,
    PYTHON_IMAGE,
    cli_fixture,
    fleet_fixture,
    python_image_fixture,
    write_inventory,
)


def safe(name):
    return "".join(c if c.isalnum() or c == "_" else "_" for c in name)


def members(listing, group):
    return set(listing.get(group, {}).get("hosts", []))


def test_list_hosts_groups_and_constructed_vars(cli, fleet, prefix, tmp_path):
    path = write_inventory(tmp_path, prefix, keyed_groups=[{"key": "dockhand_labels.tier | default('none')", "prefix": "tier"}],
                           groups={"debian": "dockhand_image is search('debian')"},
                           compose={"ansible_python_interpreter": "'/usr/bin/python3'", "short": "inventory_hostname.split('-')[-1]"})
    listing = cli.inventory(path)
    web, db, old = (fleet[n].name for n in ("web", "db", "old"))
    hostvars = listing["_meta"]["hostvars"]
    assert set(hostvars) == {web, db, old}

    assert members(listing, "running") == {web, db}
    assert members(listing, "stopped") == {old}
    assert members(listing, f"image_{safe(PYTHON_IMAGE)}") == {web, db}
    assert members(listing, f"image_{safe(BUSYBOX)}") == {old}
    assert members(listing, f"compose_{prefix.replace('-', '_')}shop") == {web}
    assert members(listing, f"compose_{prefix.replace('-', '_')}shop_web") == {web}
    assert members(listing, f"dockhand_project_{prefix.replace('-', '_')}") == {db}
    assert members(listing, f"dockhand_project_{prefix.replace('-', '_')}_db") == {db}
    assert members(listing, "tier_front") == {web, old}
    assert members(listing, "tier_back") == {db}
    assert members(listing, "debian") == {web, db}

    web_vars = hostvars[web]
    container = fleet["web"]
    assert web_vars["dockhand_id"] == container.id
    assert web_vars["dockhand_image"] == PYTHON_IMAGE
    assert web_vars["dockhand_state"] == "running"
    assert hostvars[old]["dockhand_state"] == "created"
    assert web_vars["dockhand_labels"] == container.labels
    bridge = container.attrs["NetworkSettings"]["Networks"]["bridge"]
    assert web_vars["dockhand_networks"]["bridge"]["ip_address"] == bridge["IPAddress"]
    assert web_vars["ansible_connection"] == "dockhand.docker.api"
    assert web_vars["ansible_dockhand_docker_host"] == DOCKER_HOST  # DOCKER_HOST, or the default socket
    assert web_vars["ansible_python_interpreter"] == "/usr/bin/python3"
    assert web_vars["short"] == "web"
    assert "dockhand_inspect" not in web_vars


def test_graph_filters_and_verbose_output(cli, fleet, prefix, tmp_path):
    path = write_inventory(tmp_path, prefix, verbose_output=True, timeout=30,
                           filters=[{"exclude": "dockhand_state != 'running'"},
                                    {"include": "dockhand_labels['com.docker.compose.project'] | default('') != ''"},
                                    {"include": "'tier' in dockhand_labels and dockhand_labels.tier == 'back'"},
                                    {"exclude": True}])
    listing = cli.inventory(path)
    web, db = fleet["web"].name, fleet["db"].name
    assert set(listing["_meta"]["hostvars"]) == {web, db}
    assert listing["_meta"]["hostvars"][db]["dockhand_inspect"]["Id"] == fleet["db"].id
    assert listing["_meta"]["hostvars"][db]["ansible_dockhand_timeout"] == 30
    graph = cli.run("ansible-inventory", "-i", path, "--graph")
    assert graph.returncode == 0, graph.output
    assert f"@running:\n  |  |--{web}\n  |  |--{db}" in graph.stdout or f"@running:\n  |  |--{db}\n  |  |--{web}" in graph.stdout
    assert fleet["old"].name not in graph.stdout


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_ssh_connection_vars(cli, engine, prefix, tmp_path, fleet):
    port = free_port()
    engine.containers.run(BUSYBOX, name=f"{prefix}-sshd", command=["sleep", "600"], detach=True, ports={"22/tcp": ("127.0.0.1", port)})
    listing = cli.inventory(write_inventory(tmp_path, prefix, connection_type="ssh"))
    hostvars = listing["_meta"]["hostvars"]
    assert (hostvars[f"{prefix}-sshd"]["ansible_host"], hostvars[f"{prefix}-sshd"]["ansible_port"]) == ("127.0.0.1", port)
    assert hostvars[f"{prefix}-sshd"]["ansible_connection"] == "ssh"
    web_ip = fleet["web"].attrs["NetworkSettings"]["Networks"]["bridge"]["IPAddress"]
    assert (hostvars[fleet["web"].name]["ansible_host"], hostvars[fleet["web"].name]["ansible_port"]) == (web_ip, 22)


def test_cache_answers_until_flushed(cli, fleet, prefix, tmp_path):
    path = write_inventory(tmp_path, prefix, cache=True, cache_plugin="ansible.builtin.jsonfile",
                           cache_connection=str(tmp_path / "cache"), cache_timeout=600)
    assert fleet["old"].name in cli.inventory(path)["_meta"]["hostvars"]
    fleet["old"].remove()
    assert fleet["old"].name in cli.inventory(path)["_meta"]["hostvars"], "the second listing did not come from the cache"
    flushed = cli.run("ansible-inventory", "-i", path, "--list", "--flush-cache")
    assert flushed.returncode == 0, flushed.output
    assert fleet["old"].name not in flushed.stdout


@pytest.mark.parametrize("options, message", [
    ({"connection_type": "winrm"}, "connection_type"),
    ({"timeout": "soon"}, "timeout"),
    ({"api_version": "v1"}, "api_version: must be auto or MAJOR.MINOR"),
    ({"docker_hots": "unix:///var/run/docker.sock"}, "unsupported option(s) docker_hots"),
    ({"filters": [{"inclde": True}]}, "filters[1]: each entry needs exactly one key, include or exclude"),
    ({"docker_host": "unix:///nonexistent/docker.sock"}, "cannot reach the Docker engine at unix:///nonexistent/docker.sock"),
])
def test_bad_configuration_names_the_option(cli, prefix, tmp_path, options, message, engine):
    path = write_inventory(tmp_path, prefix, **options)
    proc = cli.run("ansible-inventory", "-i", path, "--list")
    assert proc.returncode != 0, proc.output
    assert message in " ".join(proc.output.split()), proc.output
    assert "Traceback" not in proc.output


def test_a_failing_filter_is_named(cli, prefix, tmp_path, fleet):
    proc = cli.run("ansible-inventory", "-i", write_inventory(tmp_path, prefix, filters=[{"include": "undefined_thing.x"}]), "--list")
    assert proc.returncode != 0, proc.output
    assert "filters: include 'undefined_thing.x'" in " ".join(proc.output.split()), proc.output


def test_file_names_the_plugin_reads(cli, prefix, tmp_path, fleet):
    for name in ("a.dockhand.yaml", "docker.yml", "prod.docker.yaml"):
        listing = cli.inventory(write_inventory(tmp_path, prefix, name=name))
        assert fleet["web"].name in listing["_meta"]["hostvars"], name
    other = tmp_path / "hosts.yml"
    other.write_text(yaml.safe_dump({"plugin": "dockhand.docker.containers"}), encoding="utf-8")
    proc = cli.run("ansible-inventory", "-i", other, "--list")
    assert fleet["web"].name not in proc.stdout
