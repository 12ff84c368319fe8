# shellcheck shell=bash
# Helpers shared by start-slot.sh, stop-slot.sh and deploy-flows.sh.
# Sourced, not executed. Expects STACK_DIR to be set by the caller.

: "${STACK_DIR:?STACK_DIR must be set before sourcing _common.sh}"

die() {
    printf '%s: %s\n' "$(basename "$0")" "$*" >&2
    exit 1
}

# The Admin API token of one slot: $NODE_RED_ADMIN_TOKEN, else the slot's dev-only default:
# dev-token-canary for a slot whose name ends in "canary", dev-token-stable for every other.
# The two differ, so code running in the canary slot holds no key to the stable slot.
# usage: resolve_admin_token [slot-name]
resolve_admin_token() {
    if [[ -n "${NODE_RED_ADMIN_TOKEN:-}" ]]; then
        printf '%s' "$NODE_RED_ADMIN_TOKEN"
        return
    fi
    local token_file="$STACK_DIR/dev-token-stable"
    [[ "${1:-}" == *canary ]] && token_file="$STACK_DIR/dev-token-canary"
    [[ -r "$token_file" ]] || die "NODE_RED_ADMIN_TOKEN is not set and $token_file is missing"
    local token
    token="$(tr -d '[:space:]' <"$token_file")"
    [[ -n "$token" ]] || die "$token_file is empty"
    printf '%s' "$token"
}

validate_port() {
    if [[ ! "$1" =~ ^[0-9]+$ ]] || (("$1" < 1 || "$1" > 65535)); then
        die "invalid port '$1'"
    fi
}

# True when something accepts TCP connections on 127.0.0.1:<port>.
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# admin_curl <token> <curl args...>
# Runs curl against the Admin API with the bearer token and the v2 API header.
# The token goes through a curl config on stdin so it never shows up in `ps`.
admin_curl() {
    local token="$1"
    shift
    printf 'header = "Authorization: Bearer %s"\nheader = "Node-RED-API-Version: v2"\n' "$token" |
        curl --config - --silent --show-error "$@"
}

# Is the process with this pid alive and a Node-RED red.js process?
is_node_red_pid() {
    local pid="$1"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    [[ -r "/proc/$pid/cmdline" ]] || return 0
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -Eq 'red\.js|node-red'
}
