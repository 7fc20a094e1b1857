#!/usr/bin/env bash
# The ansible-core / Python matrix of issue 18, besides the main venv (ansible-core 2.19 on Python 3.11):
#   core-2.17  ansible-core 2.17 on Python 3.11 (the oldest requires_ansible allows)
#   core-2.21  ansible-core 2.21 on Python 3.13 (2.20+ needs Python >= 3.12 on the controller)
#   tools      ansible-core 2.19 with ansible-builder and antsibull-docs with Sphinx: the execution environment and
#              the docs site (tests/ecosystem)
#   py38       Python 3.8 with the Docker SDK and requests: the managed host's Python for the modules (the oldest the
#              Docker SDK 7.1 supports; ansible-core 2.19 is the last that runs modules on it)
# Each is a venv under ~/.cache/dockhand/, made from pyenv's Pythons and PyPI once, then reused (a stamp holds what
# was installed).
# Usage: bash ci/core_matrix.sh setup [NAME...]     make the venvs (quick when they exist); prints nothing else
#        bash ci/core_matrix.sh python NAME         prints the python of venv NAME (core-2.17, core-2.21, tools, py38)
#        bash ci/core_matrix.sh check VERSION       on ansible-core VERSION (2.17 or 2.21): the sanity tests that differ
#                                                   by version, the unit tests, and the integration smoke tests
#        bash ci/core_matrix.sh managed-py38        the integration smoke tests with the modules run by Python 3.8
# The integration runs need the staged collection (ci/stage.sh, DOCKHAND_STAGE) and the engine and registry running.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${DOCKHAND_CACHE:-$HOME/.cache/dockhand}"
PYENV="${PYENV_ROOT:-/root/.pyenv}/versions"
TEST_PKGS=(docker requests pytest pytest-mock mock)

# name -> interpreter|a module the venv must import|packages
venv_spec() {
  case "$1" in
    core-2.17) echo "$PYENV/3.11.7/bin/python|docker|ansible-core>=2.17,<2.18 ${TEST_PKGS[*]}" ;;
    core-2.21) echo "$PYENV/3.13.0/bin/python|docker|ansible-core>=2.21,<2.22 ${TEST_PKGS[*]}" ;;
    tools) echo "$PYENV/3.11.7/bin/python|ansible_builder|ansible-core>=2.19,<2.20 ansible-builder>=3.1 antsibull-docs ansible-pygments sphinx sphinx-ansible-theme pytest" ;;
    py38) echo "$PYENV/3.8.18/bin/python|docker|docker>=7.1.0 requests" ;;
    *) echo "core_matrix: unknown venv $1" >&2; return 1 ;;
  esac
}

ensure_venv() {
  local name="$1" spec base module pkgs dir
  spec="$(venv_spec "$name")"; base="${spec%%|*}"; pkgs="${spec##*|}"; module="${spec#*|}"; module="${module%%|*}"
  dir="$CACHE/$name"
  if [ -x "$dir/bin/python" ] && [ "$(cat "$dir/.dockhand-stamp" 2>/dev/null)" = "$pkgs" ]; then return 0; fi
  [ -x "$base" ] || { echo "core_matrix: ERROR $base is missing (pyenv)" >&2; return 1; }
  echo "core_matrix: creating $dir ($pkgs)" >&2
  rm -rf "$dir"
  "$base" -m venv "$dir"
  # shellcheck disable=SC2086
  "$dir/bin/pip" install -q --disable-pip-version-check $pkgs 2>&1 | grep -v "is ignored: it is neither" >&2 || true
  "$dir/bin/python" -c "import $module" || { echo "core_matrix: ERROR $dir is incomplete" >&2; return 1; }
  echo "$pkgs" >"$dir/.dockhand-stamp"
}

# A few real-engine scenarios, one per kind of resource, each the full converge (check, apply, again, check again).
SMOKE=(
  tests/integration/test_container.py::test_in_place_updates_keep_the_container
  tests/integration/test_network.py::test_create_with_ipam_and_labels
  tests/integration/test_volume.py::test_create_with_options_and_labels
  tests/integration/test_project.py::test_create_reapply_check_remove
  tests/integration/test_core_matrix.py
)
# The modules on Python 3.8 also pull and push, through the registry on 127.0.0.1:5000
SMOKE_PY38=("${SMOKE[@]}" tests/integration/test_image_registry.py::test_push_pull_round_trip)
# Sanity tests whose code or rules change between ansible-core versions (the rest are the same as on 2.19). pylint is
# left to 2.19's full sanity run: on 2.17 and 2.21 it took 3 minutes each warm and 8 to 10 on a fresh machine, which CI's
# 90 minutes cannot carry with the engine matrix; DOCKHAND_MATRIX_PYLINT=1 adds it back.
SANITY_TESTS=(validate-modules import compile pep8 ansible-doc runtime-metadata action-plugin-docs)
[ "${DOCKHAND_MATRIX_PYLINT:-0}" = 1 ] && SANITY_TESTS+=(pylint)

stage_dir() {
  local stage="${DOCKHAND_STAGE:-/tmp/dockhand-stage}/ansible_collections/dockhand/docker"
  [ -d "$stage" ] || stage="$(DOCKHAND_STAGE="${DOCKHAND_STAGE:-/tmp/dockhand-stage}" bash "$ROOT/ci/stage.sh")"
  echo "$stage"
}

timed() {  # timed LABEL CMD...: runs CMD, prints its wall time
  local start=$SECONDS rc=0
  "${@:2}" || rc=$?
  echo "core_matrix: $1: $((SECONDS - start)) s (rc $rc)" >&2
  return "$rc"
}

check_core() {
  local version="$1" venv="$CACHE/core-$1" stage
  ensure_venv "core-$version"
  stage="$(stage_dir)"
  (
    export PATH="$venv/bin:$PATH" DOCKHAND_VENV="$venv" DOCKHAND_EXPECT_CORE="$version"
    export ANSIBLE_COLLECTIONS_PATH="${stage%/ansible_collections/*}"
    cd "$ROOT"
    args=()
    for t in "${SANITY_TESTS[@]}"; do args+=(--test "$t"); done
    rc=0  # all three run; any failure fails the check
    DOCKHAND_STAGE="${stage%/ansible_collections/*}" timed "sanity on ansible-core $version" bash ci/sanity.sh "${args[@]}" || rc=1
    cd "$stage"
    timed "unit tests on ansible-core $version" python -m pytest -p no:cacheprovider -q tests/unit || rc=1
    timed "integration smoke on ansible-core $version" python -m pytest -p no:cacheprovider -q "${SMOKE[@]}" || rc=1
    exit "$rc"
  )
}

managed_py38() {
  local stage
  ensure_venv py38
  stage="$(stage_dir)"
  (
    cd "$stage"
    export DOCKHAND_MANAGED_PYTHON="$CACHE/py38/bin/python"
    timed "integration smoke, modules on Python 3.8" python -m pytest -p no:cacheprovider -q "${SMOKE_PY38[@]}"
  )
}

case "${1:-}" in
  setup) shift; [ $# -gt 0 ] || set -- core-2.17 core-2.21 tools py38; for v in "$@"; do ensure_venv "$v"; done ;;
  python) ensure_venv "$2" && echo "$CACHE/$2/bin/python" ;;
  check) check_core "$2" ;;
  managed-py38) managed_py38 ;;
  *) sed -n '2,15p' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
esac
