#!/usr/bin/env bash
# Stop the Unleash started by start.sh from <dir>.
# usage: stop.sh <dir>
set -euo pipefail
[[ $# -eq 1 ]] || { echo "usage: $(basename "$0") <dir>" >&2; exit 2; }
pid_file="$1/unleash.pid"
[[ -f "$pid_file" ]] || exit 0
pid="$(cat "$pid_file")"
if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && grep -q server.js "/proc/$pid/cmdline" 2>/dev/null; then
    kill "$pid"
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
fi
rm -f "$pid_file"
