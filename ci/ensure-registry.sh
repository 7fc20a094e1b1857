#!/usr/bin/env bash
# Makes a plain (no auth) Docker registry answer on 127.0.0.1:5000 for the image tests: Debian's docker-registry
# (distribution 2.x), with its config and data under /var/lib/dockhand-registry, detached from the caller.
# Idempotent: exits at once when something already answers at http://127.0.0.1:5000/v2/. Fails loudly with the
# log tail otherwise. The engine trusts 127.0.0.0/8 as an insecure registry, so no daemon config is needed.
set -euo pipefail
REGISTRY_ADDR="${REGISTRY_ADDR:-127.0.0.1:5000}"
REGISTRY_DIR="${REGISTRY_DIR:-/var/lib/dockhand-registry}"
REGISTRY_TIMEOUT="${REGISTRY_TIMEOUT:-30}"
url="http://$REGISTRY_ADDR/v2/"
case "$REGISTRY_ADDR" in
  127.*|localhost:*) ;;
  *) echo "ensure-registry: ERROR $REGISTRY_ADDR is not a loopback address" >&2; exit 1 ;;
esac
if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then echo "ensure-registry: already running at $REGISTRY_ADDR" >&2; exit 0; fi
if ! command -v docker-registry >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq docker-registry >/dev/null
fi
mkdir -p "$REGISTRY_DIR/data"
cat >"$REGISTRY_DIR/config.yml" <<CONF
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: $REGISTRY_DIR/data}, delete: {enabled: true}}
http: {addr: $REGISTRY_ADDR}
CONF
log="$REGISTRY_DIR/registry.log"
# detached: CI must not wait on the registry's stdout or process group
setsid nohup docker-registry serve "$REGISTRY_DIR/config.yml" >"$log" 2>&1 </dev/null &
pid=$!; echo "$pid" >"$REGISTRY_DIR/pid"; deadline=$((SECONDS + REGISTRY_TIMEOUT))
until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
  if ! kill -0 "$pid" 2>/dev/null; then echo "ensure-registry: ERROR docker-registry exited:" >&2; tail -n 30 "$log" >&2; exit 1; fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "ensure-registry: ERROR no answer at $url within ${REGISTRY_TIMEOUT}s:" >&2; tail -n 30 "$log" >&2; exit 1; fi
  sleep 0.1
done
echo "ensure-registry: ready at $REGISTRY_ADDR (pid $pid)" >&2
