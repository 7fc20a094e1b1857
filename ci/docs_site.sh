#!/usr/bin/env bash
# Builds the collection's documentation site: antsibull-docs writes the RST of every plugin page and of the extra docs
# (docs/docsite, linted first) from the staged collection, and Sphinx (with the Ansible theme, warnings as errors)
# renders the HTML; makes sure headless Chromium (Debian's chromium) is there for tests/ecosystem/test_docs_site.py.
# Prints the HTML directory.
# The tools venv (antsibull-docs, Sphinx) comes from ci/core_matrix.sh. Output: $DOCKHAND_DOCS (default /tmp/dockhand-docs).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${DOCKHAND_DOCS:-/tmp/dockhand-docs}"
tools="$(dirname "$(bash "$ROOT/ci/core_matrix.sh" python tools)")"
if ! command -v chromium >/dev/null 2>&1; then
  echo "docs_site: installing Debian's chromium (about 3 minutes the first time)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
DOCKHAND_STAGE="$OUT/collections" bash "$ROOT/ci/stage.sh" >/dev/null
rm -rf "$OUT/site" && mkdir -p "$OUT/site"
export ANSIBLE_COLLECTIONS_PATH="$OUT/collections" PATH="$tools:$PATH"
# the extra docs (docs/docsite: the migration guide): extra-docs.yml, labels, rstcheck, and every reference to this
# collection's plugins, options and return values
(cd "$OUT/collections/ansible_collections/dockhand/docker" \
  && antsibull-docs lint-collection-docs --check-extra-docs-refs --validate-collection-refs self . >"$OUT/lint.log" 2>&1) \
  || { echo "docs_site: ERROR antsibull-docs lint-collection-docs:" >&2; tail -n 40 "$OUT/lint.log" >&2; exit 1; }
antsibull-docs sphinx-init --use-current --dest-dir "$OUT/site" dockhand.docker >/dev/null
cd "$OUT/site"
# as the generated build.sh, but without -W: offline, Sphinx cannot fetch docs.ansible.com's and docs.python.org's
# inventories, so links into them (ansible.builtin modules, common_return_values, ...) warn. Any other warning fails.
mkdir -p rst && chmod og-w rst
antsibull-docs --config-file antsibull-docs.cfg collection --cleanup everything --use-current --dest-dir rst \
  dockhand.docker >"$OUT/build.log" 2>&1 || { tail -n 40 "$OUT/build.log" >&2; exit 1; }
sphinx-build -M html rst build -c . -q -w "$OUT/warnings.log" >>"$OUT/build.log" 2>&1 || { tail -n 40 "$OUT/build.log" >&2; exit 1; }
offline="undefined label: '(ansible_collections\.(ansible|community)\.|common_return_values|action_plugins|ansible_configuration_settings)"
offline="$offline|'envvar' reference target not found: ANSIBLE_|failed to reach any of the inventories|intersphinx inventory|loading intersphinx"
if grep -vE "$offline" "$OUT/warnings.log" | grep -q .; then
  echo "docs_site: ERROR Sphinx warnings:" >&2; grep -vE "$offline" "$OUT/warnings.log" >&2; exit 1
fi
echo "$OUT/site/build/html"
