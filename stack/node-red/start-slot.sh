#!/usr/bin/env bash
# Start one Node-RED slot (e.g. "stable" or "canary") in the background.
#
# usage: start-slot.sh <name> <port> [userDir]
#
#   name     slot name, [A-Za-z0-9._-]
#   port     HTTP port on 127.0.0.1 (/app = application, /admin = Admin API)
#   userDir  Node-RED user directory (default: stack/node-red/var/<name>)
#
# Environment:
#   NODE_RED_ADMIN_TOKEN   Admin API bearer token of this slot (default: content of stack/node-red/
#                          dev-token-canary for a name ending in "canary", else dev-token-stable)
#   NODE_RED_CREDENTIAL_SECRET  key encrypting the slot's credential store (secrets of the managed
#                          environment); unset: stored unencrypted. Keep it across restarts.
#   NODE_RED_LOG_LEVEL     Node-RED log level (default: warn)
#   START_TIMEOUT          seconds to wait for the Admin API (default: 60)
#
# Logs go to <userDir>/node-red.log, the pid to <userDir>/node-red.pid.
# Returns once GET /admin/flows answers 200; on timeout prints the log tail,
# stops the process and exits 1.
set -euo pipefail

STACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/_common.sh
source "$STACK_DIR/_common.sh"

usage() {
    echo "usage: $(basename "$0") <name> <port> [userDir]" >&2
    exit 2
}

[[ $# -ge 2 && $# -le 3 ]] || usage
name="$1"
port="$2"
[[ "$name" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || die "invalid slot name '$name'"
validate_port "$port"
user_dir="${3:-$STACK_DIR/var/$name}"
timeout="${START_TIMEOUT:-60}"
[[ "$timeout" =~ ^[0-9]+$ ]] || die "START_TIMEOUT must be a number of seconds"

token="$(resolve_admin_token "$name")"

mkdir -p "$user_dir"
user_dir="$(cd "$user_dir" && pwd)"
log_file="$user_dir/node-red.log"
pid_file="$user_dir/node-red.pid"

if [[ -f "$pid_file" ]]; then
    old_pid="$(cat "$pid_file")"
    if is_node_red_pid "$old_pid"; then
        die "slot '$name' already running (pid $old_pid, userDir $user_dir); stop it first with stop-slot.sh"
    fi
    rm -f "$pid_file"
fi

if port_in_use "$port"; then
    die "port $port on 127.0.0.1 is already in use"
fi

if [[ ! -f "$STACK_DIR/node_modules/node-red/red.js" || ! -f "$STACK_DIR/node_modules/pg/package.json" ]]; then
    echo "node_modules missing, running npm ci in $STACK_DIR ..."
    (cd "$STACK_DIR" && npm ci --no-audit --no-fund) || die "npm ci failed"
fi

started_ns="$(date +%s%N)"
{
    printf '\n==== %s starting slot %s on 127.0.0.1:%s ====\n' "$(date -Is)" "$name" "$port"
} >>"$log_file"

(
    cd "$STACK_DIR"
    export NODE_RED_PORT="$port"
    export NODE_RED_USER_DIR="$user_dir"
    export NODE_RED_ADMIN_TOKEN="$token"
    exec nohup node node_modules/node-red/red.js \
        -s settings.js -u "$user_dir" --title "node-red-$name" \
        >>"$log_file" 2>&1 </dev/null
) &
pid=$!
echo "$pid" >"$pid_file"

url="http://127.0.0.1:$port/admin/flows"
deadline=$((SECONDS + timeout))
while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "slot '$name': Node-RED (pid $pid) exited during startup; last log lines:" >&2
        tail -n 40 "$log_file" >&2 || true
        rm -f "$pid_file"
        exit 1
    fi
    code="$(admin_curl "$token" --output /dev/null --write-out '%{http_code}' \
        --max-time 2 "$url" 2>/dev/null || true)"
    if [[ "$code" == "200" ]]; then
        break
    fi
    if ((SECONDS >= deadline)); then
        echo "slot '$name': Admin API not ready after ${timeout}s (last status '${code:-none}'); last log lines:" >&2
        tail -n 40 "$log_file" >&2 || true
        kill "$pid" 2>/dev/null || true
        rm -f "$pid_file"
        exit 1
    fi
    sleep 0.2
done

elapsed_ms=$((($(date +%s%N) - started_ns) / 1000000))
echo "slot '$name' up: pid $pid, http://127.0.0.1:$port (app /app, admin /admin), userDir $user_dir, ready in ${elapsed_ms} ms"
