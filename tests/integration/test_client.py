"""The engine client on the real engine: its socket reads answer exactly what the SDK answers, and leave the SDK unloaded.

A no-change task reads and never writes, so it must not pay for importing the SDK (issue 2's speed goal); these tests
hold that design to the SDK's answers object by object.
"""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from ansible_collections.dockhand.docker.plugins.module_utils._client import (
    APIError,
    Engine,
    EngineError,
    NotFound,
    connect,
    describe_engine_error,
    engine_errors,
)

from _engine_support import DOCKER_HOST

HOST = DOCKER_HOST
BASE_IMAGE = "dockhand/busybox:latest"  # the engine fixture builds it


def sdk_path(params=None):
    """An Engine that answers every read through the SDK, as it does for ssh:// hosts."""
    client = Engine(dict({"docker_host": HOST}, **(params or {})))
    client.socket_path, client.reads_direct = None, False
    return client


@pytest.fixture
def objects(engine, prefix):

    volume = engine.volumes.create(f"{prefix}-data", labels={"app": "x"})
    network = engine.networks.create(f"{prefix}-net", labels={"app": "x"})
    container = engine.containers.create(BASE_IMAGE, ["sleep", "3600"], name=f"{prefix}-c", labels={"app": "x"},
                                         volumes={volume.name: {"bind": "/data", "mode": "rw"}})
    network.connect(container, aliases=["web"])
    return {"volume": volume.name, "network": network.name, "container": container.name, "image": BASE_IMAGE}


def test_socket_reads_equal_the_sdk_reads(objects):
    light, sdk = Engine({"docker_host": HOST}), sdk_path()
    for api in (light.api, sdk.api):
        assert api.inspect_volume(objects["volume"])["Name"] == objects["volume"]
    assert light.api.inspect_volume(objects["volume"]) == sdk.api.inspect_volume(objects["volume"])
    assert light.api.inspect_network(objects["network"]) == sdk.api.inspect_network(objects["network"])
    assert light.api.inspect_container(objects["container"]) == sdk.api.inspect_container(objects["container"])
    assert light.api.inspect_image(objects["image"]) == sdk.api.inspect_image(objects["image"])
    for filters in ({"volume": objects["volume"]}, {"network": objects["network"]}, {"label": ["app=x"], "status": ["created"]}):
        found = light.api.containers(all=True, filters=filters)
        assert [c["Names"] for c in found] == [["/" + objects["container"]]]
        assert found == sdk.api.containers(all=True, filters=filters)
    assert light.api.containers(all=False, filters={"name": objects["container"]}) == []  # created, not running
    assert light.info()["ID"] == sdk.info()["ID"]
    by_label = {"label": ["app=x"]}
    assert [n["Name"] for n in light.api.networks(filters=by_label)] == [objects["network"]]
    assert light.api.networks(filters=by_label) == sdk.api.networks(filters=by_label)
    assert [v["Name"] for v in light.api.volumes(filters=by_label)["Volumes"]] == [objects["volume"]]
    assert light.api.volumes(filters=by_label) == sdk.api.volumes(filters=by_label)


def test_missing_objects_raise_one_not_found_on_both_paths(prefix):
    for client in (Engine({"docker_host": HOST}), sdk_path()):
        for read in (client.api.inspect_volume, client.api.inspect_network, client.api.inspect_container, client.api.inspect_image):
            with pytest.raises(NotFound):
                read(f"{prefix}-missing")
    with pytest.raises(NotFound):  # a write, through the SDK, translated to the same class
        Engine({"docker_host": HOST}).api.remove_volume(f"{prefix}-missing")


def test_engine_error_messages_from_the_socket(prefix):
    client = Engine({"docker_host": HOST})
    with pytest.raises(EngineError) as caught:
        with engine_errors(f"reading volume {prefix}-missing", HOST):
            client.api.inspect_volume(f"{prefix}-missing")
    assert str(caught.value) == f"reading volume {prefix}-missing: not found: get {prefix}-missing: no such volume"
    with pytest.raises(EngineError) as caught:
        with engine_errors("reading volume v", "unix:///run/no-such.sock"):
            Engine({"docker_host": "unix:///run/no-such.sock"}).api.inspect_volume("v")
    assert str(caught.value) == "cannot reach the Docker engine at unix:///run/no-such.sock: No such file or directory"


def test_api_version_is_the_url_prefix(objects):
    pinned = Engine({"docker_host": HOST, "api_version": "1.40"})
    assert pinned.api.inspect_volume(objects["volume"])["Name"] == objects["volume"]
    too_new = Engine({"docker_host": HOST, "api_version": "9.99"})
    with pytest.raises(APIError) as caught:
        too_new.api.inspect_volume(objects["volume"])
    assert not isinstance(caught.value, NotFound) and caught.value.status_code == 400
    assert "too new" in describe_engine_error(caught.value, "reading volume", HOST)


def test_reads_from_many_threads(objects):
    client = connect({"docker_host": HOST})
    names = [objects["volume"], objects["network"], objects["container"]] * 20
    reads = [client.api.inspect_volume, client.api.inspect_network, client.api.inspect_container] * 20
    with ThreadPoolExecutor(8) as pool:
        found = list(pool.map(lambda pair: pair[0](pair[1]), zip(reads, names)))
    assert [f["Name"].lstrip("/") for f in found] == names


def test_reads_leave_the_sdk_unloaded(objects):
    """The point of the socket path: a task that only reads imports neither docker nor requests; a write loads them."""
    script = f"""
import sys
from ansible_collections.dockhand.docker.plugins.module_utils._client import connect
client = connect({{"docker_host": {HOST!r}}})
client.api.inspect_volume({objects['volume']!r}); client.api.containers(all=True, filters={{"volume": {objects['volume']!r}}})
client.api.inspect_container({objects['container']!r}); client.info()
client.api.networks(filters={{"label": "app=x"}}); client.api.volumes(filters={{"label": "app=x"}})
print(sorted(m for m in ("docker", "requests", "urllib3") if m in sys.modules))
client.api.inspect_distribution  # any SDK attribute loads the SDK
print(sorted(m for m in ("docker", "requests", "urllib3") if m in sys.modules))
"""
    env = dict(os.environ, PYTHONPATH=os.environ["DOCKHAND_COLLECTIONS_BASE"])
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0] == "[]"
    assert out[1] == "['docker', 'requests', 'urllib3']"


def test_container_life_writes_leave_the_sdk_unloaded(prefix):
    """Create, start, pause, stop, rename, kill and remove go the read path's way (no SDK import per task that writes);
    their effects are the engine's."""
    script = f"""
import sys
from ansible_collections.dockhand.docker.plugins.module_utils._client import connect, NotFound
client = connect({{"docker_host": {HOST!r}}})
name = {prefix!r} + "-w"
body = {{"Image": {BASE_IMAGE!r}, "Cmd": ["sleep", "3600"], "StopTimeout": 1, "HostConfig": {{}}}}
cid = client.api.post_json("/containers/create", body, query={{"name": name}})["Id"]
client.api.start(cid); client.api.start(cid)  # the second start is the engine's 304: not an error
client.api.pause(cid); state = client.api.inspect_container(cid)["State"]; print(state["Paused"])
client.api.unpause(cid); client.api.stop(cid, timeout=0); print(client.api.inspect_container(cid)["State"]["Running"])
client.api.rename(cid, name + "-b"); print(client.api.inspect_container(cid)["Name"])
client.api.start(cid); client.api.kill(cid, signal="SIGKILL")
client.api.remove_container(cid, force=True, v=True)
try:
    client.api.remove_container(cid, force=True)
except NotFound as exc:
    print("gone:", exc.status_code)
print(sorted(m for m in ("docker", "requests", "urllib3") if m in sys.modules))
"""
    env = dict(os.environ, PYTHONPATH=os.environ["DOCKHAND_COLLECTIONS_BASE"])
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[:5] == ["True", "False", f"/{prefix}-w-b", "gone: 404", "[]"]


@pytest.mark.parametrize("path", ["socket", "sdk"])
def test_write_errors_are_the_same_on_both_paths(prefix, path):
    client = connect({"docker_host": HOST}) if path == "socket" else sdk_path()
    with pytest.raises(NotFound):
        client.api.start(f"{prefix}-missing")
    cid = client.api.post_json("/containers/create", {"Image": BASE_IMAGE, "Cmd": ["sleep", "3600"]}, query={"name": f"{prefix}-e"})["Id"]
    try:
        with pytest.raises(APIError) as conflict:
            client.api.post_json("/containers/create", {"Image": BASE_IMAGE}, query={"name": f"{prefix}-e"})
        assert conflict.value.status_code == 409 and "already in use" in conflict.value.explanation
        with pytest.raises(APIError) as paused:
            client.api.pause(cid)  # not running
        assert paused.value.status_code == 409
    finally:
        client.api.remove_container(cid, force=True)
    with pytest.raises(NotFound):
        client.api.inspect_container(cid)
