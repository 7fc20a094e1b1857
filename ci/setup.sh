#!/usr/bin/env bash
# Sets up everything the demo and the tests need on a fresh Debian machine, and is quick when it already is:
# Debian packages, the Docker engine, a virtualenv outside the checkout with requirements-dev.txt, and the
# base image (busybox from scratch: no image registry is reachable).
# Usage: source ci/setup.sh   (exports DOCKHAND_VENV and puts its bin on PATH)
set -euo pipefail
DOCKHAND_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DOCKHAND_VENV="${DOCKHAND_VENV:-$HOME/.cache/dockhand/venv}"
export DOCKHAND_ROOT DOCKHAND_VENV

need_pkgs=()
dpkg -s busybox-static >/dev/null 2>&1 || need_pkgs+=(busybox-static)
command -v docker-registry >/dev/null 2>&1 || need_pkgs+=(docker-registry)
command -v htpasswd >/dev/null 2>&1 || need_pkgs+=(apache2-utils)
command -v shellcheck >/dev/null 2>&1 || need_pkgs+=(shellcheck)
command -v curl >/dev/null 2>&1 || need_pkgs+=(curl)
if [ "${#need_pkgs[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${need_pkgs[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

bash "$DOCKHAND_ROOT/ci/ensure-dockerd.sh"
bash "$DOCKHAND_ROOT/ci/ensure-registry.sh"

stamp="$DOCKHAND_VENV/.requirements.sha256"
want="$(cat "$DOCKHAND_ROOT/requirements.txt" "$DOCKHAND_ROOT/requirements-dev.txt" | sha256sum | cut -d' ' -f1)"
if [ ! -x "$DOCKHAND_VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: creating the virtualenv $DOCKHAND_VENV (about 90 s the first time)" >&2
  python3 -m venv "$DOCKHAND_VENV"
  "$DOCKHAND_VENV/bin/pip" install -q --disable-pip-version-check -r "$DOCKHAND_ROOT/requirements-dev.txt" 2>&1 | grep -v "is ignored: it is neither" >&2 || true
  "$DOCKHAND_VENV/bin/python" -c "import ansible, docker, requests, pytest" || { echo "setup: ERROR the virtualenv is incomplete" >&2; exit 1; }
  echo "$want" >"$stamp"
fi
export PATH="$DOCKHAND_VENV/bin:$PATH"

"$DOCKHAND_VENV/bin/python" "$DOCKHAND_ROOT/ci/base_image.py"
