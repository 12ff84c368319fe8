/*
 * What the app's own unleash-client (stack/node-red's, the one its flows use) decides for a list
 * of requests: argv[2] the client API URL, argv[3] the backend token, argv[4] the flag, then
 * "targetingKey|tenant" per request. Prints one JSON line: [{enabled, variant, payload}, ...].
 */
"use strict";
const path = require("path");
const { initialize } = require(path.join(process.env.NODE_RED_HOME, "node_modules", "unleash-client"));
const [url, token, flag, ...requests] = process.argv.slice(2);
const client = initialize({ url, appName: "rollguard-contract-test", refreshInterval: 60000, disableMetrics: true,
    customHeaders: { Authorization: token } });
const timer = setTimeout(() => { console.error("unleash-client did not synchronize within 20 s"); process.exit(2); }, 20000);
client.on("error", (e) => { console.error(String(e && e.message || e)); process.exit(3); });
client.once("synchronized", () => {
    clearTimeout(timer);
    const out = requests.map((r) => {
        const [userId, tenant] = r.split("|");
        const context = { userId: userId || undefined, properties: tenant ? { tenant } : {} };
        const variant = client.getVariant(flag, context);
        return { enabled: client.isEnabled(flag, context), variant: variant.enabled ? variant.name : null,
            payload: variant.enabled && variant.payload ? variant.payload.value : null };
    });
    console.log(JSON.stringify(out));
    client.destroy();
    process.exit(0);
});
