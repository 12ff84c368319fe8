/*
 * Unleash server 8 on the local PostgreSQL, configured from the environment start.sh sets:
 *   UNLEASH_PORT           HTTP port on 127.0.0.1
 *   UNLEASH_DATABASE_URL   postgres://user:password@host:port/database (Unleash migrates it on start)
 *   INIT_ADMIN_API_TOKENS  the Admin API token Rollguard drives it with (read by Unleash itself)
 *   INIT_BACKEND_API_TOKENS the token the app's unleash-client reads features with
 */
"use strict";

const unleash = require("unleash-server");

const port = Number(process.env.UNLEASH_PORT);
const url = new URL(process.env.UNLEASH_DATABASE_URL);

unleash.start({
    db: {
        host: url.hostname,
        port: Number(url.port || 5432),
        user: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
        database: url.pathname.slice(1),
        ssl: false,
        pool: { min: 0, max: 6 },
    },
    server: { port, host: "127.0.0.1", enableRequestLogger: false },
    // API tokens only (the admin token of INIT_ADMIN_API_TOKENS, no password login)
    authentication: { type: "open-source", createAdminUser: false },
    versionCheck: { enable: false },
    // no telemetry leaves the machine
    telemetry: false,
    logLevel: process.env.UNLEASH_LOG_LEVEL || "warn",
}).then((instance) => {
    console.log(`unleash-server listening on 127.0.0.1:${port}`);
    const stop = () => instance.stop().then(() => process.exit(0), () => process.exit(1));
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
}, (e) => {
    console.error(`unleash-server did not start: ${e.message}`);
    process.exit(1);
});
