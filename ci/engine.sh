#!/usr/bin/env bash
# Copyright: dockhand.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Another Docker engine next to the machine's own, for running the test suite against it (issue 18):
#   ci/engine.sh start VERSION [--containerd-store]   VERSION: 26 (Debian trixie's docker.io 26.1) or 28 (sid's 28.5)
#   ci/engine.sh stop NAME                            NAME as start printed it: dh18-26, dh18-28, dh18-28c
#   ci/engine.sh env NAME                             the export lines for a running engine
# `start` prints export lines (DOCKER_HOST, DOCKHAND_REGISTRY, DOCKHAND_ENGINE): eval "$(ci/engine.sh start 28)".
#
# The engine's .debs come from Debian's archive with a sources list and apt state of their own (the system's apt
# state is untouched), cached under ~/.cache/dockhand/engines/, unpacked with dpkg-deb -x (never installed).
# trixie's and sid's runc need glibc 2.38: Debian 12's runc (/usr/sbin/runc) stands in for it.
#
# The daemon runs INSIDE a network namespace of its own (dh18-NAME, veth 10.218.X.1 host side / 10.218.X.2 inside):
# a second dockerd in the host's namespace deletes the host's docker0 and breaks the machine's engine. It has its own
# data root, exec root and pidfile, and a unix socket on the host's file system (/run/dockhand-engines/NAME.sock).
# Its loopback is not the host's, so a registry for it listens on the host-side veth address (a second
# docker-registry, REGISTRY port 5000), which the daemon trusts as insecure (--insecure-registry 10.218.X.0/24).
# It gets the base image dockhand/busybox:latest from the machine's engine (docker save | docker load).
set -euo pipefail
CACHE="${DOCKHAND_ENGINE_CACHE:-$HOME/.cache/dockhand/engines}"
RUN_DIR=/run/dockhand-engines
STATE_DIR="${DOCKHAND_ENGINE_STATE:-/var/lib/dockhand-engines}"
TIMEOUT="${DOCKHAND_ENGINE_TIMEOUT:-60}"
BASE_IMAGE="dockhand/busybox:latest"

die() { echo "engine: ERROR $*" >&2; exit 1; }
log() { echo "engine: $*" >&2; }

# NAME -> suite, subnet octet
suite_of() { case "$1" in dh18-26) echo trixie ;; dh18-28|dh18-28c) echo sid ;; *) die "unknown engine $1 (dh18-26, dh18-28, dh18-28c)" ;; esac; }
octet_of() { case "$1" in dh18-26) echo 26 ;; dh18-28) echo 28 ;; dh18-28c) echo 29 ;; esac; }

fetch() {  # fetch SUITE: unpacks docker.io, containerd and tini of SUITE into $CACHE/SUITE/root once; prints that root
  local suite="$1" dir="$CACHE/$1"
  if [ -x "$dir/root/usr/sbin/dockerd" ]; then echo "$dir/root"; return; fi
  log "fetching docker.io, containerd, tini from Debian $suite into $dir"
  rm -rf "$dir"; mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/debs" "$dir/root.tmp"
  echo "deb http://deb.debian.org/debian $suite main" >"$dir/sources.list"
  local apt=(apt-get -q -o "Dir::Etc::sourcelist=$dir/sources.list" -o Dir::Etc::sourceparts=- -o "Dir::State::Lists=$dir/lists"
             -o "Dir::Cache=$dir/cache" -o APT::Get::List-Cleanup=0)
  "${apt[@]}" update >"$dir/apt.log" 2>&1 || { tail -n 20 "$dir/apt.log" >&2; die "apt-get update for $suite failed"; }
  (cd "$dir/debs" && "${apt[@]}" download docker.io containerd tini) >>"$dir/apt.log" 2>&1 \
    || { tail -n 20 "$dir/apt.log" >&2; die "apt-get download from $suite failed"; }
  local deb; for deb in "$dir"/debs/*.deb; do dpkg-deb -x "$deb" "$dir/root.tmp"; done
  # trixie's and sid's runc need glibc 2.38; Debian 12's runc 1.1.5 runs their containers
  [ -x /usr/sbin/runc ] || die "/usr/sbin/runc missing (Debian 12's runc package, installed with docker.io)"
  rm -f "$dir/root.tmp/usr/sbin/runc" "$dir/root.tmp/usr/bin/runc"; ln -s /usr/sbin/runc "$dir/root.tmp/usr/sbin/runc"
  [ -x "$dir/root.tmp/usr/sbin/dockerd" ] || die "no usr/sbin/dockerd in the $suite packages"
  mv "$dir/root.tmp" "$dir/root"
  echo "$dir/root"
}

env_lines() {  # env_lines NAME
  local x; x="$(octet_of "$1")"
  echo "export DOCKER_HOST=unix://$RUN_DIR/$1.sock DOCKHAND_REGISTRY=10.218.$x.1:5000 DOCKHAND_ENGINE=$1"
}

alive() { local pid; pid="$(cat "$1" 2>/dev/null || true)"; [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

stop_pid() {  # stop_pid PIDFILE: TERM, wait up to 30 s, then KILL
  local pid; pid="$(cat "$1" 2>/dev/null || true)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    local _i; for _i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && { log "pid $pid still alive after 30 s: KILL"; kill -9 "$pid" || true; }
  fi
  rm -f "$1"
}

start() {
  local version="$1" store="${2:-}" name
  case "$version" in 26|26.1) name=dh18-26 ;; 28|28.5) name=dh18-28 ;; *) die "VERSION must be 26 or 28, not $version" ;; esac
  case "$store" in "") ;; --containerd-store) name="${name}c"; [ "$name" = dh18-28c ] || die "--containerd-store is tested with 28 only" ;;
    *) die "unknown option $store" ;; esac
  local suite x state ns=/var/run/netns/$name sock="$RUN_DIR/$name.sock"
  suite="$(suite_of "$name")"; x="$(octet_of "$name")"; state="$STATE_DIR/$name"
  if alive "$state/dockerd.pid" && docker -H "unix://$sock" info >/dev/null 2>&1; then
    log "$name already running"; env_lines "$name"; return
  fi
  local root; root="$(fetch "$suite")"
  command -v docker-registry >/dev/null || die "docker-registry missing (ci/setup.sh installs it)"
  mkdir -p "$RUN_DIR" "$state"

  # the network namespace first: the daemon is only ever started inside it
  if [ ! -e "$ns" ]; then
    ip netns add "$name"
    ip link add "$name-h" type veth peer name "$name-n"
    ip link set "$name-n" netns "$name"
    ip addr add "10.218.$x.1/24" dev "$name-h"; ip link set "$name-h" up
    ip -n "$name" addr add "10.218.$x.2/24" dev "$name-n"; ip -n "$name" link set "$name-n" up
    ip -n "$name" link set lo up
  fi
  [ "$(readlink /proc/self/ns/net)" != "$(nsenter --net="$ns" readlink /proc/self/ns/net)" ] \
    || die "the namespace $name is the host's: refusing to start a second dockerd there"

  # a registry for this engine on the host-side veth address (the machine's one listens on loopback only)
  if ! alive "$state/registry.pid"; then
    mkdir -p "$state/registry"
    printf 'version: 0.1\nlog: {level: warn}\nstorage: {filesystem: {rootdirectory: %s}, delete: {enabled: true}}\nhttp: {addr: 10.218.%s.1:5000}\n' \
      "$state/registry" "$x" >"$state/registry.yml"
    setsid nohup docker-registry serve "$state/registry.yml" >"$state/registry.log" 2>&1 </dev/null &
    echo $! >"$state/registry.pid"
  fi

  # a clean engine each start: the data root of an earlier run goes (nothing of it may still be mounted)
  stop_pid "$state/dockerd.pid"
  if grep -qs " $state/data" /proc/mounts; then die "$state/data still has mounts: stop the engine first"; fi
  rm -rf "$state/data" "$state/exec"; rm -f "$sock"
  local config="$state/daemon.json"
  if [ "$name" = dh18-28c ]; then echo '{"features": {"containerd-snapshotter": true}}' >"$config"; else echo '{}' >"$config"; fi
  log "starting Docker from Debian $suite as $name in network namespace $name (log: $state/dockerd.log)"
  # detached: the caller must not wait on the daemon's output or process group
  PATH="$root/usr/bin:$root/usr/sbin:$root/usr/libexec/docker:$PATH" setsid nohup nsenter --net="$ns" \
    dockerd --config-file "$config" --data-root "$state/data" --exec-root "$state/exec" --pidfile "$state/dockerd.pid" \
    -H "unix://$sock" --insecure-registry "10.218.$x.0/24" >"$state/dockerd.log" 2>&1 </dev/null &
  local pid=$! deadline=$((SECONDS + TIMEOUT))
  until docker -H "unix://$sock" info >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then tail -n 30 "$state/dockerd.log" >&2; die "dockerd $name exited (log above)"; fi
    if [ "$SECONDS" -ge "$deadline" ]; then tail -n 30 "$state/dockerd.log" >&2; die "dockerd $name: no answer within ${TIMEOUT}s"; fi
    sleep 0.5
  done
  until curl -fsS -o /dev/null --max-time 2 "http://10.218.$x.1:5000/v2/"; do
    alive "$state/registry.pid" || { tail -n 20 "$state/registry.log" >&2; die "the registry of $name exited"; }
    [ "$SECONDS" -lt "$deadline" ] || die "the registry of $name: no answer within ${TIMEOUT}s"
    sleep 0.2
  done
  # the base image from the machine's engine (no registry with busybox is reachable)
  docker -H unix:///var/run/docker.sock image inspect "$BASE_IMAGE" >/dev/null 2>&1 \
    || die "$BASE_IMAGE missing on the machine's engine: source ci/setup.sh first"
  docker -H unix:///var/run/docker.sock save "$BASE_IMAGE" | docker -H "unix://$sock" load -q >&2 \
    || die "could not load $BASE_IMAGE into $name"
  log "$name ready: Docker $(docker -H "unix://$sock" info --format '{{.ServerVersion}}, storage {{.Driver}}')"
  env_lines "$name"
}

stop() {
  local name="$1" state; suite_of "$name" >/dev/null; state="$STATE_DIR/$name"
  stop_pid "$state/dockerd.pid"
  stop_pid "$state/registry.pid"
  if [ -e "/var/run/netns/$name" ]; then ip netns del "$name"; fi
  ip link del "$name-h" 2>/dev/null || true
  rm -f "$RUN_DIR/$name.sock"
  # the daemon leaves the bind mount of its namespace handle (exec/netns/default) behind
  awk -v d="$state/exec/" 'index($2, d) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do umount "$m"; done
  if grep -qs " $state/data" /proc/mounts; then die "$state/data still has mounts after the daemon stopped"; fi
  rm -rf "$state/data" "$state/exec" "$state/registry"
  log "$name stopped"
}

case "${1:-}" in
  start) [ $# -ge 2 ] || die "usage: $0 start VERSION [--containerd-store]"; start "$2" "${3:-}" ;;
  stop) [ $# -eq 2 ] || die "usage: $0 stop NAME"; stop "$2" ;;
  env) [ $# -eq 2 ] || die "usage: $0 env NAME"; env_lines "$2" ;;
  *) die "usage: $0 start VERSION [--containerd-store] | stop NAME | env NAME" ;;
esac
