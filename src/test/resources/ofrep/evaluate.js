/*
 * The official OpenFeature OFREP provider (@openfeature/ofrep-provider under @openfeature/server-sdk,
 * stack/node-red's, the ones the app's flows use) evaluating flags through Rollguard.
 * argv[2] Rollguard's base URL, argv[3] the evaluation key, then "type|flag|targetingKey|tenant|default"
 * per evaluation. Prints one JSON line: the SDK's evaluation details, in order.
 */
"use strict";
const path = require("path");
const home = process.env.NODE_RED_HOME;
const { OpenFeature } = require(path.join(home, "node_modules", "@openfeature", "server-sdk"));
const { OFREPProvider } = require(path.join(home, "node_modules", "@openfeature", "ofrep-provider"));
const [baseUrl, key, ...evaluations] = process.argv.slice(2);

(async () => {
    await OpenFeature.setProviderAndWait(new OFREPProvider({ baseUrl, headers: { "X-API-Key": key } }));
    const client = OpenFeature.getClient("rollguard-contract-test");
    const out = [];
    for (const e of evaluations) {
        const [type, flag, targetingKey, tenant, fallback] = e.split("|");
        const context = {};
        if (targetingKey) context.targetingKey = targetingKey;
        if (tenant) context.tenant = tenant;
        const d = type === "boolean" ? await client.getBooleanDetails(flag, fallback === "true", context)
            : await client.getStringDetails(flag, fallback, context);
        out.push({ flag, value: d.value, variant: d.variant ?? null, reason: d.reason ?? null,
            errorCode: d.errorCode ?? null });
    }
    console.log(JSON.stringify(out));
    await OpenFeature.close();
})().catch((e) => { console.error(e && e.stack || String(e)); process.exit(1); });
