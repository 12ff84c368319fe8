#!/usr/bin/env bash
# Starts a local, dev-only Keycloak for Rollguard natively (no container) and imports
# realm-rollguard.json. Usage: stack/keycloak/start.sh [--port 8180]
#
# Idempotent: does nothing when the realm already answers on the port. When the realm file
# changed since the last import, the dev-file database is wiped so that --import-realm
# applies the new file (fine for a dev/test Keycloak; see NOTES.md).
#
# Environment (all optional):
#   KC_VERSION                   Keycloak version (Maven Central keycloak-quarkus-dist), default 26.7.3
#   KC_START_TIMEOUT             seconds to wait for the realm, default 180
#   KEYCLOAK_ADMIN_USERNAME      bootstrap admin of the master realm, default admin
#   KEYCLOAK_ADMIN_PASSWORD      its password, default admin-dev (same as docker-compose.yml)
#   KC_JAVA_HOME                 JDK to run Keycloak with; default Temurin 25 if installed, else JAVA_HOME / java on PATH
#   JAVA_OPTS_KC_HEAP            heap options for Keycloak, default "-Xms64m -Xmx1g"
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KC_VERSION="${KC_VERSION:-26.7.3}"
PORT=8180
TIMEOUT="${KC_START_TIMEOUT:-180}"

while [ $# -gt 0 ]; do
  case "$1" in
    --port) [ $# -ge 2 ] || { echo "--port needs a value" >&2; exit 2; }; PORT="$2"; shift 2 ;;
    --port=*) PORT="${1#--port=}"; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (usage: $0 [--port 8180])" >&2; exit 2 ;;
  esac
done
case "$PORT" in ''|*[!0-9]*) echo "invalid port: $PORT" >&2; exit 2 ;; esac

DIST_ROOT="$HERE/dist"
KC_HOME="$DIST_ROOT/keycloak-$KC_VERSION"
REALM_FILE="$HERE/realm-rollguard.json"
LOG="$HERE/keycloak.log"
PIDFILE="$HERE/keycloak.pid"
BASE="http://localhost:$PORT"
WELL_KNOWN="$BASE/realms/rollguard/.well-known/openid-configuration"

http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$1" 2>/dev/null || true; }
realm_hash() { sha256sum "$REALM_FILE" | cut -d' ' -f1; }
pid_alive() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

# --- already running? -------------------------------------------------------------------
if [ "$(http_code "$WELL_KNOWN")" = "200" ]; then
  echo "Keycloak already answers on $BASE (realm rollguard); nothing to do."
  if [ -f "$KC_HOME/data/.rollguard-realm.sha256" ] && [ "$(cat "$KC_HOME/data/.rollguard-realm.sha256")" != "$(realm_hash)" ]; then
    echo "WARNING: realm-rollguard.json changed since the running instance imported it;" >&2
    echo "         run stack/keycloak/stop.sh and start.sh again to re-import." >&2
  fi
  exit 0
fi
if pid_alive; then
  echo "Keycloak (pid $(cat "$PIDFILE")) is running but $WELL_KNOWN does not answer 200." >&2
  echo "It may still be starting or listen on another port; run stop.sh first." >&2
  exit 1
fi
if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$BASE/" 2>/dev/null || true)" != "000" ]; then
  echo "Port $PORT is already taken by something that is not Keycloak's rollguard realm." >&2
  exit 1
fi

# --- distribution ------------------------------------------------------------------------
if [ ! -x "$KC_HOME/bin/kc.sh" ]; then
  mkdir -p "$DIST_ROOT"
  ZIP="$DIST_ROOT/keycloak-quarkus-dist-$KC_VERSION.zip"
  if [ ! -s "$ZIP" ]; then
    echo "Fetching org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip from Maven Central ..."
    (cd "$DIST_ROOT" && mvn -q -B -Dstyle.color=never dependency:copy \
        -Dartifact="org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip" \
        -DoutputDirectory="$DIST_ROOT")
  fi
  echo "Unpacking $ZIP ..."
  rm -rf "$DIST_ROOT/.unpack"
  mkdir -p "$DIST_ROOT/.unpack"
  unzip -q "$ZIP" -d "$DIST_ROOT/.unpack"
  mv "$DIST_ROOT/.unpack/keycloak-$KC_VERSION" "$KC_HOME"
  rm -rf "$DIST_ROOT/.unpack" "$ZIP"
fi

# --- Java (chosen after the download, so that Maven runs on the default JDK) ---------
if [ -n "${KC_JAVA_HOME:-}" ]; then
  export JAVA_HOME="$KC_JAVA_HOME"
elif [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
JAVA_BIN="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JAVA_MAJOR="$("$JAVA_BIN" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')"
if [ "${JAVA_MAJOR%%.*}" -lt 21 ] 2>/dev/null; then
  echo "WARNING: Keycloak $KC_VERSION wants Java 21 or newer, found $JAVA_MAJOR ($JAVA_BIN)." >&2
fi

START_TS=$(date +%s.%N)

# --- build (once, and again if the build options change) ---------------------------------
BUILD_OPTS=(--db=dev-file)   # --cache is a run-time option in 26.7
BUILD_MARKER="$KC_HOME/.rollguard-build"
if [ ! -f "$BUILD_MARKER" ] || [ "$(cat "$BUILD_MARKER")" != "${BUILD_OPTS[*]}" ]; then
  echo "Running kc.sh build ${BUILD_OPTS[*]} ..."
  if ! "$KC_HOME/bin/kc.sh" build "${BUILD_OPTS[@]}" >"$HERE/keycloak-build.log" 2>&1; then
    tail -n 40 "$HERE/keycloak-build.log" >&2
    exit 1
  fi
  echo "${BUILD_OPTS[*]}" >"$BUILD_MARKER"
fi

# --- realm import --------------------------------------------------------------------------
NEW_HASH="$(realm_hash)"
HASH_FILE="$KC_HOME/data/.rollguard-realm.sha256"
if [ -d "$KC_HOME/data/h2" ] && { [ ! -f "$HASH_FILE" ] || [ "$(cat "$HASH_FILE")" != "$NEW_HASH" ]; }; then
  echo "realm-rollguard.json changed since the last import: wiping the dev-file database for a fresh import."
  rm -rf "$KC_HOME/data/h2"
  rm -f "$HASH_FILE"
fi
mkdir -p "$KC_HOME/data/import"
rm -f "$KC_HOME/data/import/"*.json
cp "$REALM_FILE" "$KC_HOME/data/import/realm-rollguard.json"

# --- start -------------------------------------------------------------------------------------
export KC_BOOTSTRAP_ADMIN_USERNAME="${KEYCLOAK_ADMIN_USERNAME:-admin}"
export KC_BOOTSTRAP_ADMIN_PASSWORD="${KEYCLOAK_ADMIN_PASSWORD:-admin-dev}"
export JAVA_OPTS_KC_HEAP="${JAVA_OPTS_KC_HEAP:--Xms64m -Xmx1g}"

[ -f "$LOG" ] && mv -f "$LOG" "$LOG.1"   # keep the previous run's log
{
  echo "=== $(date -Is) start.sh: Keycloak $KC_VERSION on $BASE (java: $JAVA_BIN, $JAVA_MAJOR) ==="
} >>"$LOG"
# setsid: own session, so the server survives the shell that started it.
setsid nohup "$KC_HOME/bin/kc.sh" start --optimized \
  --cache=local \
  --http-enabled=true \
  --http-host=127.0.0.1 \
  --http-port="$PORT" \
  --hostname="$BASE" \
  --import-realm \
  </dev/null >>"$LOG" 2>&1 &
echo $! >"$PIDFILE"
echo "Keycloak starting (pid $(cat "$PIDFILE")), log: $LOG"

# --- wait -------------------------------------------------------------------------------------
deadline=$(( $(date +%s) + TIMEOUT ))
while :; do
  if [ "$(http_code "$WELL_KNOWN")" = "200" ]; then
    echo "$NEW_HASH" >"$HASH_FILE"
    secs=$(awk -v a="$START_TS" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
    echo "Keycloak ready on $BASE (realm rollguard) after ${secs}s"
    exit 0
  fi
  if ! pid_alive; then
    echo "Keycloak exited during start-up. Last log lines:" >&2
    tail -n 60 "$LOG" >&2
    rm -f "$PIDFILE"
    exit 1
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "Keycloak did not answer $WELL_KNOWN within ${TIMEOUT}s. Last log lines:" >&2
    tail -n 60 "$LOG" >&2
    echo "Stopping the half-started Keycloak." >&2
    "$HERE/stop.sh" >&2 || true
    exit 1
  fi
  sleep 1
done
