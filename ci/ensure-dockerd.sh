#!/usr/bin/env bash
# Makes the local Docker engine answer: installs Debian's docker.io when dockerd is missing, starts dockerd in the
# background when nothing answers (there is no systemd here), waits for `docker info`, and fails loudly otherwise.
# Idempotent: exits at once when the engine already answers.
set -euo pipefail
DOCKERD_TIMEOUT="${DOCKERD_TIMEOUT:-60}"
DOCKERD_LOG="${DOCKERD_LOG:-/tmp/dockerd.log}"
DOCKERD_PIDFILE="${DOCKERD_PIDFILE:-/var/run/docker.pid}"
if ! command -v dockerd >/dev/null 2>&1; then
  echo "ensure-dockerd: installing docker.io" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq docker.io >/dev/null
fi
if docker info >/dev/null 2>&1; then echo "ensure-dockerd: engine answers" >&2; exit 0; fi
# a pidfile left by a daemon killed at the end of an earlier session; if its PID was reused, dockerd refuses to start
if [ -f "$DOCKERD_PIDFILE" ]; then
  oldpid="$(cat "$DOCKERD_PIDFILE" 2>/dev/null || true)"
  if [ -z "$oldpid" ] || ! grep -qs dockerd "/proc/$oldpid/cmdline"; then rm -f "$DOCKERD_PIDFILE"; fi
fi
echo "ensure-dockerd: starting dockerd (log: $DOCKERD_LOG)" >&2
# detached, so the caller never waits on the daemon's output or process group
setsid nohup dockerd --pidfile "$DOCKERD_PIDFILE" >"$DOCKERD_LOG" 2>&1 </dev/null &
pid=$!
deadline=$((SECONDS + DOCKERD_TIMEOUT))
until docker info >/dev/null 2>&1; do
  if ! kill -0 "$pid" 2>/dev/null && ! docker info >/dev/null 2>&1; then
    echo "ensure-dockerd: ERROR dockerd exited; last lines of $DOCKERD_LOG:" >&2; tail -n 30 "$DOCKERD_LOG" >&2; exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "ensure-dockerd: ERROR no answer within ${DOCKERD_TIMEOUT}s; last lines of $DOCKERD_LOG:" >&2; tail -n 30 "$DOCKERD_LOG" >&2; exit 1
  fi
  sleep 0.5
done
echo "ensure-dockerd: ready (engine $(docker info --format '{{.ServerVersion}}'))" >&2
