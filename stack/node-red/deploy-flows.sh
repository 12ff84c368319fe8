#!/usr/bin/env bash
# Deploy a Node-RED flows file to a running slot through the Admin API
# (full deployment: every node is stopped and the new flows started).
#
# usage: deploy-flows.sh <port> <flows.json>
#
#   port        the slot's port on 127.0.0.1
#   flows.json  a Node-RED flows export: a JSON array of nodes
#               (an object {"flows": [...]} is accepted too)
#
# Environment:
#   NODE_RED_ADMIN_TOKEN   the slot's Admin API bearer token (default: content of stack/node-red/
#                          dev-token-stable; give the canary slot's token for the canary slot)
#
# Before deploying, the node types used by the file are checked against the types
# installed in the slot (Node-RED would accept unknown types with 200 but never
# start the flows). On success prints the new flows revision ("rev") on stdout;
# on failure prints the HTTP status and body on stderr and exits 1.
set -euo pipefail

STACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/_common.sh
source "$STACK_DIR/_common.sh"

if [[ $# -ne 2 ]]; then
    echo "usage: $(basename "$0") <port> <flows.json>" >&2
    exit 2
fi
port="$1"
flows_file="$2"
validate_port "$port"
[[ -f "$flows_file" && -r "$flows_file" ]] || die "cannot read flows file '$flows_file'"

token="$(resolve_admin_token)"
base="http://127.0.0.1:$port/admin"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# 1. Which node types does the slot have?
code="$(admin_curl "$token" --max-time 10 --header 'Accept: application/json' \
    --output "$tmp/nodes.json" --write-out '%{http_code}' "$base/nodes")" ||
    die "cannot reach the Admin API at $base (is the slot running?)"
if [[ "$code" != "200" ]]; then
    echo "GET $base/nodes answered HTTP $code:" >&2
    cat "$tmp/nodes.json" >&2 || true
    echo >&2
    exit 1
fi

# 2. Validate the flows file and wrap it into the v2 request body {"flows": [...]}.
node - "$flows_file" "$tmp/nodes.json" "$tmp/body.json" <<'JS' || exit 1
const fs = require("fs");
const [flowsFile, nodesFile, bodyFile] = process.argv.slice(2);
function fail(message) {
    console.error(`deploy-flows.sh: ${flowsFile}: ${message}`);
    process.exit(1);
}
let flows;
try {
    flows = JSON.parse(fs.readFileSync(flowsFile, "utf8"));
} catch (err) {
    fail(`not valid JSON (${err.message})`);
}
if (flows && !Array.isArray(flows) && Array.isArray(flows.flows)) {
    flows = flows.flows;
}
if (!Array.isArray(flows)) {
    fail("expected a JSON array of nodes (or an object with a \"flows\" array)");
}
const ids = new Set();
const subflowIds = new Set(flows.filter(n => n && n.type === "subflow").map(n => n.id));
const installed = new Set(["tab", "subflow", "group"]);
for (const set of JSON.parse(fs.readFileSync(nodesFile, "utf8"))) {
    if (set.enabled !== false) {
        (set.types || []).forEach(t => installed.add(t));
    }
}
const missing = new Set();
flows.forEach((n, i) => {
    if (!n || typeof n !== "object" || typeof n.id !== "string" || typeof n.type !== "string") {
        fail(`entry ${i} is not a node with a string "id" and "type"`);
    }
    if (ids.has(n.id)) {
        fail(`duplicate node id ${n.id}`);
    }
    ids.add(n.id);
    const isSubflowInstance = n.type.startsWith("subflow:") && subflowIds.has(n.type.slice(8));
    if (!isSubflowInstance && !installed.has(n.type)) {
        missing.add(n.type);
    }
});
if (missing.size > 0) {
    fail(`node types not installed in the slot: ${[...missing].join(", ")}`);
}
fs.writeFileSync(bodyFile, JSON.stringify({ flows }));
JS

# 3. Full deployment. No "rev" is sent: the file replaces whatever is deployed.
code="$(admin_curl "$token" --max-time 60 --request POST \
    --header 'Content-Type: application/json' \
    --header 'Node-RED-Deployment-Type: full' \
    --data-binary "@$tmp/body.json" \
    --output "$tmp/response.json" --write-out '%{http_code}' "$base/flows")" ||
    die "POST $base/flows failed"
if [[ "$code" != "200" ]]; then
    echo "POST $base/flows answered HTTP $code:" >&2
    cat "$tmp/response.json" >&2 || true
    echo >&2
    exit 1
fi

node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
if (typeof r.rev !== "string") { console.error("unexpected response: " + JSON.stringify(r)); process.exit(1); }
console.log(r.rev);
' "$tmp/response.json"
