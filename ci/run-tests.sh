#!/usr/bin/env bash
# The whole test suite, as CI runs it: sets up the machine (ci/setup.sh), stages the collection at
# ansible_collections/dockhand/docker, then runs ansible-test sanity, ruff, mypy, ansible-lint, antsibull-docs,
# a galaxy build + install, and pytest last: the whole integration suite on Docker 28.5, then on the machine's engine the
# unit tests, the tests only it can run and the subset every engine runs, then that subset on 26.1 and 28.5-containerd.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# each step prints the time since the start (bash's SECONDS), so the log shows the wall time of every part
step() { printf '\n=== [%dm%02ds] %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*"; }
step "set-up: venv, engine, registry, images (ci/setup.sh)"
# shellcheck source=ci/setup.sh
source ci/setup.sh
export DOCKHAND_STAGE="${DOCKHAND_STAGE:-/tmp/dockhand-stage}"
STAGE_ROOT="$DOCKHAND_STAGE"
STAGE="$STAGE_ROOT/ansible_collections/dockhand/docker"
export ANSIBLE_COLLECTIONS_PATH="$STAGE_ROOT" ANSIBLE_PYTHON_INTERPRETER="$DOCKHAND_VENV/bin/python"


step "ansible-test sanity (on a copy staged at $STAGE)"
bash ci/sanity.sh

step "ruff and mypy"
ruff check --no-cache plugins tests ci bench
(cd "$STAGE_ROOT" && mypy --no-incremental --cache-dir /dev/null --check-untyped-defs --ignore-missing-imports -p ansible_collections.dockhand.docker.plugins)

step "ansible-lint (offline, production profile)"
(cd "$STAGE" && ansible-lint --offline -q playbooks roles)

step "antsibull-docs lint-collection-docs"
(cd "$STAGE" && antsibull-docs lint-collection-docs --plugin-docs .)

step "ansible-doc renders every module"
# one ansible-doc for all of them (one each took 12 s); it only warns of a module it cannot render, so count the pages
modules=()
for m in plugins/modules/*.py; do modules+=("dockhand.docker.$(basename "$m" .py)"); done
pages="$(ansible-doc "${modules[@]}" | grep -c '^> MODULE ' || true)"
[ "$pages" -eq "${#modules[@]}" ] || { echo "ansible-doc rendered $pages of ${#modules[@]} modules" >&2; exit 1; }

step "ansible-galaxy collection build and install"
(cd "$STAGE" && ansible-galaxy collection build --force --output-path "$STAGE_ROOT/dist" >/dev/null)
ansible-galaxy collection install --offline --force -p "$STAGE_ROOT/installed" "$STAGE_ROOT"/dist/dockhand-docker-*.tar.gz >/dev/null
ANSIBLE_COLLECTIONS_PATH="$STAGE_ROOT/installed" ansible-doc -l dockhand.docker | grep -q "dockhand.docker.volume"

step "ecosystem: execution environment (ansible-builder) and docs site (antsibull-docs, Sphinx, headless Chromium)"
python -m pytest -p no:cacheprovider -q tests/ecosystem

step "ansible-core 2.17 (Python 3.11) and 2.21 (Python 3.13): version-dependent sanity, unit tests, integration smoke"
bash ci/core_matrix.sh check 2.17
bash ci/core_matrix.sh check 2.21
step "the modules on Python 3.8 (the managed host's): integration smoke"
bash ci/core_matrix.sh managed-py38

step "pytest on Docker 28.5, in a network namespace of its own: the whole integration suite"
# ci/engine-tests.sh: everything not marked serial on $workers xdist workers (a test file stays on one worker:
# its tests share names and ports with nothing else), then the serial tests alone. Tests marked local_engine (they
# reach published ports from the host's loopback) and test_faults.py (it kills the machine's engine) are left out
# there: they run on the machine's engine below. The engine comes from Debian's .debs, fetched once (ci/engine.sh).
cd "$STAGE"
# 4 workers on 2 cores: the tests wait on engines and sleeps; with 3 this phase took 854 s, with 4 773 s
workers="${PYTEST_WORKERS:-4}"
rc=0
PYTEST_WORKERS="$workers" DOCKHAND_ENGINE_TESTS=tests/integration bash ci/engine-tests.sh 28 -- --durations=15 "$@" || rc=$?

step "pytest on the machine's engine (Debian 12's Docker 20.10): unit tests, the local_engine tests and ci/engine-subset.txt, then the serial tests alone"
run_phase() {  # pytest's exit 5 (no tests collected) is a failure
  set +e
  python -m pytest -p no:cacheprovider -q "$@"
  local rc=$?
  set -e
  if [ "$rc" -eq 5 ]; then echo "pytest collected no tests: that is a failure" >&2; return 1; fi
  return "$rc"
}
mapfile -t local_tests < <(python -m pytest -p no:cacheprovider -q --collect-only -m "local_engine and not serial" tests/integration | grep '::')
[ "${#local_tests[@]}" -gt 0 ] || { echo "collected no local_engine tests: that is a failure" >&2; rc=1; }
read -r -a subset <<<"$(sed 's/#.*//' ci/engine-subset.txt | xargs)"
run_phase -n "$workers" --dist loadfile -m "not serial" "$@" tests/unit "${local_tests[@]}" "${subset[@]}" || rc=$?
run_phase -m serial --durations=5 "$@" tests/integration || rc=$?

step "integration tests on Docker 26.1 and 28.5 with the containerd image store, both at once, the modules run as module processes: the subset in ci/engine-subset.txt"
# each engine in a network namespace of its own (28.5 with the classic store ran the whole suite above), two pytest
# workers each (together 191 s; one after the other, three workers each, 201 s). Each run's output goes to a file,
# printed when both have ended. Everywhere else the modules run in a fork of the controller (the default for a local
# connection with the controller's Python); here ansible-core starts each module as it would on a remote host
# (DOCKHAND_RUN_IN_CONTROLLER=false), as the Python 3.8 smoke above also does.
logs="$(mktemp -d)"
pids=()
for engine in ${DOCKHAND_CI_ENGINES:-26 28c}; do
  DOCKHAND_RUN_IN_CONTROLLER=false PYTEST_WORKERS=2 DOCKHAND_ENGINE_TESTS=ci/engine-subset.txt bash ci/engine-tests.sh "$engine" >"$logs/$engine.log" 2>&1 &
  pids+=("$!")
done
for pid in "${pids[@]}"; do wait "$pid" || rc=$?; done
cat "$logs"/*.log
step "done"
exit "$rc"
