#!/usr/bin/env bash
# ansible-test sanity, offline, on a staged copy of the collection. Arguments go to ansible-test
# (for example file paths, to check only those, or --test pep8). Use DOCKHAND_STAGE to pick the staging directory.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
venv="${DOCKHAND_VENV:-$HOME/.cache/dockhand/venv}"
export PATH="$venv/bin:$PATH"
# ansible-test downloads a pip bootstrap script that is not reachable offline: put a stand-in in its cache
pipver="$(python - <<'PY'
import pathlib, re, ansible_test
text = (pathlib.Path(ansible_test.__file__).parent / "_internal/python_requirements.py").read_text()
print(re.search(r"pip=.([0-9.]+)", text).group(1))
PY
)"
mkdir -p "$HOME/.ansible/test/cache"
cp ci/pip_bootstrap_standin.py "$HOME/.ansible/test/cache/get_pip_${pipver//./_}.py"
stage="$(bash ci/stage.sh)"
cd "$stage"
# the venv's Python: 3.11 for ansible-core 2.17 and 2.19, 3.13 for 2.21 (ci/core_matrix.sh)
ansible-test sanity --local --python "$(python -c 'import sys; print("%d.%d" % sys.version_info[:2])')" --color no "$@"
