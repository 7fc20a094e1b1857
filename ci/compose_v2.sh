#!/usr/bin/env bash
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The real Docker Compose v2 (Debian sid's docker-compose package, Compose 2.40), for tests and benchmarks only:
#   bash ci/compose_v2.sh        prints the path of the docker-compose binary (fetched once, then cached)
# The .deb comes from Debian's archive with a sources list and apt state of their own (the system's apt state is
# untouched), into ~/.cache/dockhand/compose-v2 (DOCKHAND_COMPOSE_CACHE), unpacked with dpkg-deb -x (never installed).
# The modules never use it: dockhand.docker.compose needs no Compose CLI. Run it standalone as `docker-compose ...`,
# or as `docker compose` by linking it into $DOCKER_CONFIG/cli-plugins/.
set -euo pipefail
CACHE="${DOCKHAND_COMPOSE_CACHE:-$HOME/.cache/dockhand/compose-v2}"
SUITE="${DOCKHAND_COMPOSE_SUITE:-sid}"
BIN="$CACHE/root/usr/libexec/docker/cli-plugins/docker-compose"

die() { echo "compose_v2: ERROR $*" >&2; exit 1; }

if [ -x "$BIN" ] && "$BIN" version >/dev/null 2>&1; then echo "$BIN"; exit 0; fi
command -v apt-get >/dev/null || die "apt-get is needed (a Debian machine)"
command -v dpkg-deb >/dev/null || die "dpkg-deb is needed"
echo "compose_v2: fetching docker-compose from Debian $SUITE into $CACHE" >&2
rm -rf "$CACHE"
mkdir -p "$CACHE/lists/partial" "$CACHE/cache/archives/partial" "$CACHE/debs" "$CACHE/root.tmp"
echo "deb http://deb.debian.org/debian $SUITE main" >"$CACHE/sources.list"
apt=(apt-get -q -o "Dir::Etc::sourcelist=$CACHE/sources.list" -o Dir::Etc::sourceparts=- -o "Dir::State::Lists=$CACHE/lists"
     -o "Dir::Cache=$CACHE/cache" -o APT::Get::List-Cleanup=0)
"${apt[@]}" update >"$CACHE/apt.log" 2>&1 || { tail -n 20 "$CACHE/apt.log" >&2; die "apt-get update for $SUITE failed"; }
(cd "$CACHE/debs" && "${apt[@]}" download docker-compose) >>"$CACHE/apt.log" 2>&1 \
  || { tail -n 20 "$CACHE/apt.log" >&2; die "apt-get download docker-compose from $SUITE failed"; }
for deb in "$CACHE"/debs/*.deb; do dpkg-deb -x "$deb" "$CACHE/root.tmp"; done
mv "$CACHE/root.tmp" "$CACHE/root"
rm -rf "$CACHE/lists" "$CACHE/cache"
[ -x "$BIN" ] || die "no usr/libexec/docker/cli-plugins/docker-compose in $(ls "$CACHE"/debs)"
"$BIN" version >&2 || die "$BIN does not run"
echo "$BIN"
