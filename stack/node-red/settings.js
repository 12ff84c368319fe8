/**
 * Rollguard - Node-RED settings for one runtime "slot" (e.g. stable / canary).
 *
 * Everything is configured from environment variables so that several slots
 * can run side by side from the same installation:
 *
 *   NODE_RED_ADMIN_TOKEN  (required) static bearer token protecting the Admin API; each slot
 *                         has its own (stable and canary differ), so a slot's flows cannot
 *                         redeploy the other slot
 *   NODE_RED_PORT         HTTP port to listen on (default 1880), always on 127.0.0.1
 *   NODE_RED_USER_DIR     user directory; normally given with `-u <dir>` on the
 *                         command line, which takes precedence
 *   NODE_RED_LOG_LEVEL    fatal|error|warn|info|debug|trace|off (default warn)
 *   NODE_RED_CREDENTIAL_SECRET  (optional) key that encrypts the slot's credential store
 *                         (<userDir>/flows_cred.json), where the secrets of Rollguard's managed
 *                         environment live; without it they are stored unencrypted. Keep it the
 *                         same across restarts: Node-RED cannot read a store under another key.
 *   APP_DATABASE_URL      postgres://user:password@host:port/database of the app the slot
 *                         serves (read by the app's flows through env.get)
 *
 * URL layout of a slot:
 *   /app/...    the low-code application (http in nodes)      -> httpNodeRoot
 *   /admin/...  the Node-RED Admin API (bearer token needed)  -> httpAdminRoot
 *
 * The editor is disabled; only the Admin API is served under /admin.
 */
"use strict";

const crypto = require("crypto");
const path = require("path");

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "off"];

function fail(message) {
    const err = new Error("[rollguard settings.js] " + message);
    // red.js prints this and exits with status 1
    throw err;
}

function adminToken() {
    const token = process.env.NODE_RED_ADMIN_TOKEN;
    if (token === undefined || token.trim() === "") {
        fail("NODE_RED_ADMIN_TOKEN is not set (or empty). Refusing to start a Node-RED slot " +
            "with an unprotected Admin API. Export NODE_RED_ADMIN_TOKEN, or use start-slot.sh " +
            "which defaults it to the slot's stack/node-red/dev-token-stable or dev-token-canary.");
    }
    return token;
}

function port() {
    const raw = process.env.NODE_RED_PORT;
    if (raw === undefined || raw === "") {
        return 1880;
    }
    if (!/^[0-9]+$/.test(raw) || Number(raw) < 1 || Number(raw) > 65535) {
        fail("NODE_RED_PORT must be an integer between 1 and 65535, got '" + raw + "'");
    }
    return Number(raw);
}

function logLevel() {
    const level = (process.env.NODE_RED_LOG_LEVEL || "warn").toLowerCase();
    if (!LOG_LEVELS.includes(level)) {
        fail("NODE_RED_LOG_LEVEL must be one of " + LOG_LEVELS.join(", ") + ", got '" + level + "'");
    }
    return level;
}

const ADMIN_TOKEN = adminToken();
// The flows of this slot read their environment (env.get falls back to process.env): they must not
// read the key to their own slot's Admin API either.
delete process.env.NODE_RED_ADMIN_TOKEN;
// Flows read the environment with env.get: the key of the credential store is no business of theirs either.
const CREDENTIAL_SECRET = process.env.NODE_RED_CREDENTIAL_SECRET || false;
delete process.env.NODE_RED_CREDENTIAL_SECRET;
// Compare SHA-256 digests so both buffers always have the same length (32 bytes):
// timingSafeEqual needs equal lengths, and this also hides the token's length.
const ADMIN_TOKEN_DIGEST = crypto.createHash("sha256").update(ADMIN_TOKEN, "utf8").digest();

function tokenMatches(candidate) {
    if (typeof candidate !== "string" || candidate.length === 0) {
        return false;
    }
    const digest = crypto.createHash("sha256").update(candidate, "utf8").digest();
    return crypto.timingSafeEqual(digest, ADMIN_TOKEN_DIGEST);
}

// Node-RED's "http in" node answers 500 (plain text) when a request body is not
// valid JSON, which would count as a server error in canary analysis. This
// middleware runs before the node's own body parsers and answers 400 JSON
// instead; on success it leaves the parsed body for the node (req._body is set,
// so the node's parsers skip it).
const API_MAX_LENGTH = "5mb";
function jsonBodyErrorsAs400() {
    const nodeRedDir = path.dirname(require.resolve("node-red/package.json"));
    const express = require(require.resolve("express", { paths: [nodeRedDir] }));
    const parseJson = express.json({ limit: API_MAX_LENGTH });
    return function (req, res, next) {
        parseJson(req, res, function (err) {
            if (err && err.type === "entity.parse.failed") {
                res.status(400).json({ error: "invalid_json", message: "request body is not valid JSON" });
                return;
            }
            if (err && err.type === "entity.too.large") {
                res.status(413).json({ error: "payload_too_large", message: "request body is too large" });
                return;
            }
            next(err);
        });
    };
}

module.exports = {
    /* ---------------------------------------------------------------- server */
    uiPort: port(),
    uiHost: process.env.NODE_RED_HOST || "127.0.0.1",

    // Normally overridden by `-u <dir>` (red.js gives the command line precedence).
    userDir: process.env.NODE_RED_USER_DIR || undefined,

    httpAdminRoot: "/admin",
    httpNodeRoot: "/app",
    disableEditor: true,
    apiMaxLength: API_MAX_LENGTH,
    httpNodeMiddleware: jsonBodyErrorsAs400(),

    /* ----------------------------------------------------------------- flows */
    flowFile: "flows.json",
    flowFilePretty: false,
    // The secrets of Rollguard's managed environment (cred entries of the global-config node) live in
    // the credential store; encrypted when the slot is given a key (NODE_RED_CREDENTIAL_SECRET).
    credentialSecret: CREDENTIAL_SECRET,

    /* ------------------------------------------------------------- security */
    adminAuth: {
        type: "credentials",
        // No interactive users: every username is unknown ...
        users: async function (/* username */) {
            return null;
        },
        // ... and every username/password login is refused (resolving null makes
        // /admin/auth/token answer with an error instead of issuing a token).
        authenticate: async function (/* username, password */) {
            return null;
        },
        // Anonymous requests get no permissions (no `default` user).
        // The only way in is the static bearer token:
        //   Authorization: Bearer <NODE_RED_ADMIN_TOKEN>
        tokens: async function (token) {
            if (tokenMatches(token)) {
                // Node-RED reads `username` (shown in /admin/settings and audit events).
                return { username: "rollguard", permissions: "*" };
            }
            return null;
        }
    },

    /* ---------------------------------------------- no external connections */
    telemetry: {
        enabled: false,
        updateNotification: false
    },
    diagnostics: {
        enabled: false,
        ui: false
    },
    runtimeState: {
        enabled: false,
        ui: false
    },
    externalModules: {
        autoInstall: false,
        palette: {
            allowInstall: false,
            allowUpdate: false,
            allowUpload: false
        },
        modules: {
            allowInstall: false
        }
    },
    functionExternalModules: false,
    // The sample app's flows reach their app database with node-postgres (installed from npm
    // with Node-RED); the connection string comes from the slot's APP_DATABASE_URL. They evaluate
    // feature flags with the OpenFeature client of flags.js (its provider from the slot's environment).
    functionGlobalContext: { pg: require("pg"), flags: require("./flags").client() },
    exportGlobalContextKeys: false,

    editorTheme: {
        projects: { enabled: false },
        tours: false
    },

    /* --------------------------------------------------------------- logging */
    logging: {
        console: {
            level: logLevel(),
            metrics: false,
            audit: false
        }
    }
};
