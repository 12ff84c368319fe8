#!/usr/bin/env bash
# Start the stand-in exchange-rates service the expenses sample app integrates with: a Node-RED
# instance of its own (stack/node-red's installation and settings, its own userDir) serving
# stack/rates/flows.json under /app:
#
#   /app/rates/v1/health, /app/rates/v1/latest?base=EUR           the old version, open to anyone
#   /app/rates/v2/health, /app/rates/v2/latest?base=EUR           the new one, header X-Api-Key = RATES_API_KEY
#   /app/rates/broken/health (200 UP), /app/rates/broken/latest   healthy, but every latest call is 503
#
# usage: start.sh <port> [userDir]
#
#   port     HTTP port on 127.0.0.1
#   userDir  Node-RED user directory (default: stack/rates/var)
#
# Environment:
#   RATES_API_KEY   the key v2 wants (default: the dev-only stack/rates/dev-api-key)
#
# Returns once the flows are deployed; stop it with stop.sh [userDir].
set -euo pipefail

RATES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NODE_RED_DIR="$(cd "$RATES_DIR/../node-red" && pwd)"

[[ $# -ge 1 && $# -le 2 ]] || { echo "usage: $(basename "$0") <port> [userDir]" >&2; exit 2; }
port="$1"
user_dir="${2:-$RATES_DIR/var}"

if [[ -z "${RATES_API_KEY:-}" ]]; then
    RATES_API_KEY="$(tr -d '[:space:]' <"$RATES_DIR/dev-api-key")"
fi
[[ -n "$RATES_API_KEY" ]] || { echo "$(basename "$0"): RATES_API_KEY is empty" >&2; exit 1; }
export RATES_API_KEY
# The service keeps no database; whatever the caller's environment names is none of its business.
unset APP_DATABASE_URL
# A fresh Admin API token per start: only this script deploys to the instance, so nobody else
# ever needs its key, and no dev token of the app's slots opens it.
NODE_RED_ADMIN_TOKEN="$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')"
export NODE_RED_ADMIN_TOKEN

"$NODE_RED_DIR/start-slot.sh" rates "$port" "$user_dir" >/dev/null
if ! "$NODE_RED_DIR/deploy-flows.sh" "$port" "$RATES_DIR/flows.json" >/dev/null; then
    "$NODE_RED_DIR/stop-slot.sh" "$user_dir" >/dev/null || true
    echo "$(basename "$0"): deploying the rates flows failed; stopped the instance" >&2
    exit 1
fi
echo "rates service up: http://127.0.0.1:$port/app/rates/{v1,v2,broken}, userDir $user_dir"
