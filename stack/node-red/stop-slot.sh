#!/usr/bin/env bash
# Stop a Node-RED slot started with start-slot.sh, using its pid file.
#
# usage: stop-slot.sh <name|userDir>
#
#   A plain name means stack/node-red/var/<name>; anything containing a "/"
#   (or an existing directory) is taken as the userDir itself.
#
# Sends SIGTERM, waits up to 10 s, then SIGKILL. Exits 0 if the slot was not running.
set -euo pipefail

STACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/_common.sh
source "$STACK_DIR/_common.sh"

[[ $# -eq 1 ]] || { echo "usage: $(basename "$0") <name|userDir>" >&2; exit 2; }
arg="$1"
if [[ "$arg" == */* || -d "$arg" ]]; then
    user_dir="$arg"
else
    [[ "$arg" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || die "invalid slot name '$arg'"
    user_dir="$STACK_DIR/var/$arg"
fi
pid_file="$user_dir/node-red.pid"

if [[ ! -f "$pid_file" ]]; then
    echo "no pid file at $pid_file: slot not running"
    exit 0
fi
pid="$(cat "$pid_file")"
if ! is_node_red_pid "$pid"; then
    echo "slot at $user_dir not running (stale pid '$pid'), removing pid file"
    rm -f "$pid_file"
    exit 0
fi

kill -TERM "$pid"
for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
done
if kill -0 "$pid" 2>/dev/null; then
    echo "pid $pid still alive after 10 s, sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
fi
rm -f "$pid_file"
echo "stopped slot at $user_dir (pid $pid)"
