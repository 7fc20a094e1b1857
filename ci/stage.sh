#!/usr/bin/env bash
# Copies the checkout (tracked and untracked, not ignored files) to $DOCKHAND_STAGE/ansible_collections/dockhand/docker,
# where ansible-test needs the collection to be (a real directory, not a symlink), and prints that path.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
STAGE_ROOT="${DOCKHAND_STAGE:-/tmp/dockhand-stage}"
STAGE="$STAGE_ROOT/ansible_collections/dockhand/docker"
rm -rf "$STAGE" && mkdir -p "$STAGE"
# (files deleted in the working tree but still tracked are left out)
git ls-files -co --exclude-standard -z \
  | python3 -c 'import os, sys; sys.stdout.buffer.write(b"".join(p + b"\0" for p in sys.stdin.buffer.read().split(b"\0") if p and os.path.lexists(p)))' \
  | tar --null -T - -cf - | tar -xf - -C "$STAGE"
# ansible-test lists files through git: give the copy its own repository so .gitignore holds there too
(cd "$STAGE" && git init -q && git add -A && git -c user.name=ci -c user.email=ci@localhost commit -qm stage)
echo "$STAGE"
