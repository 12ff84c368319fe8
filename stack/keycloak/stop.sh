#!/usr/bin/env bash
# Stops the Keycloak started by start.sh, by its pid file (SIGTERM, SIGKILL after 30 s).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PIDFILE="$HERE/keycloak.pid"

if [ ! -f "$PIDFILE" ]; then
  echo "No pid file ($PIDFILE): Keycloak is not running (or was not started by start.sh)."
  exit 0
fi
PID="$(cat "$PIDFILE")"
case "$PID" in ''|*[!0-9]*) echo "Bad pid file content: '$PID'" >&2; rm -f "$PIDFILE"; exit 1 ;; esac

if ! kill -0 "$PID" 2>/dev/null; then
  echo "Keycloak (pid $PID) is not running; removing stale pid file."
  rm -f "$PIDFILE"
  exit 0
fi
# Guard against a recycled pid: only stop a process that is this Keycloak.
if ! tr '\0' ' ' <"/proc/$PID/cmdline" 2>/dev/null | grep -q "$HERE/dist/keycloak-"; then
  echo "pid $PID is not the Keycloak from $HERE/dist; not touching it. Removing stale pid file." >&2
  rm -f "$PIDFILE"
  exit 1
fi

kill -TERM "$PID"
for _ in $(seq 1 30); do
  kill -0 "$PID" 2>/dev/null || { rm -f "$PIDFILE"; echo "Keycloak (pid $PID) stopped."; exit 0; }
  sleep 1
done
echo "Keycloak (pid $PID) still running after 30 s; sending SIGKILL."
kill -KILL "$PID" 2>/dev/null || true
rm -f "$PIDFILE"
