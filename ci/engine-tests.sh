#!/usr/bin/env bash
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The integration tests against other Docker engines (issue 18), one after another:
#   bash ci/engine-tests.sh [ENGINE...] [-- PYTEST ARGS]
# ENGINE: 26 (Debian trixie's 26.1), 28 (sid's 28.5), 28c (28.5 with the containerd image store); default: 28c 26.
# Each engine is started by ci/engine.sh in a network namespace of its own, the tests run with DOCKER_HOST and
# DOCKHAND_REGISTRY pointing at it (the local_engine tests are deselected there), and the engine is stopped again.
# DOCKHAND_ENGINE_TESTS picks the test files or node IDs (default: all of tests/integration), or names a file that lists
# them one a line, # comments allowed (ci/engine-subset.txt: what CI runs, ci/run-tests.sh). Run after `source ci/setup.sh`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
engines=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do engines+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
[ "${#engines[@]}" -gt 0 ] || engines=(28c 26)
selection="${DOCKHAND_ENGINE_TESTS:-tests/integration}"
if [ -f "$selection" ]; then selection="$(sed 's/#.*//' "$selection" | xargs)"; fi
read -r -a tests <<<"$selection"
[ "${#tests[@]}" -gt 0 ] || { echo "engine-tests: no tests in ${DOCKHAND_ENGINE_TESTS:-}" >&2; exit 2; }
# test_faults.py kills the machine's engine by its pidfile and restarts it with ci/ensure-dockerd.sh, which sees the
# other engine answer on DOCKER_HOST and leaves the machine's engine down: never run it against another engine
tests+=(--ignore tests/integration/test_faults.py)
workers="${PYTEST_WORKERS:-3}"
rc=0
for engine in "${engines[@]}"; do
  case "$engine" in
    26) start=(26); name=dh18-26 ;;
    28) start=(28); name=dh18-28 ;;
    28c) start=(28 --containerd-store); name=dh18-28c ;;
    *) echo "engine-tests: unknown engine $engine (26, 28, 28c)" >&2; exit 2 ;;
  esac
  began=$SECONDS
  printf '\n=== integration tests on %s\n' "$name"
  exports="$(bash ci/engine.sh start "${start[@]}")"
  (
    eval "$exports"
    set +e
    python -m pytest -p no:cacheprovider -q -n "$workers" --dist loadfile -m "not serial" "$@" "${tests[@]}"; a=$?
    python -m pytest -p no:cacheprovider -q -m serial "$@" "${tests[@]}"; b=$?
    # exit 5 (nothing collected) is fine for a phase only when the other ran tests
    [ "$a" -eq 5 ] && [ "$b" -eq 0 ] && a=0
    [ "$b" -eq 5 ] && [ "$a" -eq 0 ] && b=0
    [ "$a" -eq 0 ] && [ "$b" -eq 0 ]
  ) || { rc=1; echo "engine-tests: FAILED on $name" >&2; }
  bash ci/engine.sh stop "$name"
  echo "engine-tests: $name took $((SECONDS - began)) s" >&2
done
exit "$rc"
