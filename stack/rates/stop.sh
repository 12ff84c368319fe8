#!/usr/bin/env bash
# Stop the rates service started with start.sh (by its pid file).
#
# usage: stop.sh [userDir]     (default: stack/rates/var)
set -euo pipefail

RATES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[[ $# -le 1 ]] || { echo "usage: $(basename "$0") [userDir]" >&2; exit 2; }
exec "$RATES_DIR/../node-red/stop-slot.sh" "${1:-$RATES_DIR/var}"
