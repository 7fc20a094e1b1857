"""Which engine and registry the integration tests use: the machine's engine and its registry on 127.0.0.1:5000 by
default, or another engine (ci/engine.sh) named by DOCKER_HOST, with its registry in DOCKHAND_REGISTRY.

Another engine runs in a network namespace of its own: its published ports and container addresses are not reachable
from the host's loopback, so the tests marked local_engine are deselected there (tests/integration/conftest.py).
"""

import os

DEFAULT_HOST = "unix:///var/run/docker.sock"
DOCKER_HOST = os.environ.get("DOCKER_HOST") or DEFAULT_HOST
LOCAL_ENGINE = DOCKER_HOST == DEFAULT_HOST
# the engine's unix socket path, for tests that talk to it without the SDK
ENGINE_SOCKET = DOCKER_HOST[len("unix://"):] if DOCKER_HOST.startswith("unix://") else "/var/run/docker.sock"
REGISTRY = os.environ.get("DOCKHAND_REGISTRY") or "127.0.0.1:5000"
REGISTRY_HOST = REGISTRY.rsplit(":", 1)[0]


def containerd_store(engine):
    """Whether the engine keeps its images in containerd (Docker's containerd image store) rather than its own store."""
    return ["driver-type", "io.containerd.snapshotter.v1"] in (engine.info().get("DriverStatus") or [])
