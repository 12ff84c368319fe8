/*
 * The OpenFeature client a slot's flows evaluate feature flags with (global.get("flags")).
 *
 * The provider follows the app's flag store, as the slot's environment says:
 *   ROLLGUARD_FLAGS_PROVIDER  "ofrep" (Rollguard's built-in store), "unleash", or unset (no flags:
 *                             every evaluation answers the flow's default)
 *   ROLLGUARD_OFREP_URL       Rollguard's base URL (the provider posts to /ofrep/v1/evaluate/flags/{key})
 *   ROLLGUARD_OFREP_KEY       the app's flag evaluation key (X-API-Key)
 *   UNLEASH_URL, UNLEASH_TOKEN  the Unleash API (…/api) and a backend token, for "unleash"
 *   UNLEASH_REFRESH_MS        how often unleash-client fetches the features (default 250 ms: a
 *                             flag turned off reaches the app within about that)
 * The keys are removed from the process environment after they are read, so flows (env.get falls
 * back to process.env) never see them.
 *
 * Flows ask with the request's targeting key, the same rule the built-in router uses to put each
 * request in its cohort: the X-User header, else the tenant header; the tenant goes along as "tenant".
 */
"use strict";

const { OpenFeature } = require("@openfeature/server-sdk");

function take(name) {
    const value = process.env[name];
    delete process.env[name];
    return value && value.trim() !== "" ? value.trim() : undefined;
}

/**
 * An OpenFeature provider over unleash-client. Rollguard's Unleash adapter puts the flag's new
 * variant on each strategy it writes, with a payload typed as Unleash allows: "string" for text and
 * booleans ("true"/"false"), "number", "json" for objects and arrays. A request the feature does not
 * match gets the flow's default, as a request the built-in store does not target gets the default variant.
 */
function unleashProvider(url, token) {
    const { initialize } = require("unleash-client");
    let client;
    const unleashContext = (context) => ({
        userId: context.targetingKey,
        properties: context.tenant ? { tenant: String(context.tenant) } : {},
    });
    const decode = {
        boolean: (p) => (p.type === "string" && (p.value === "true" || p.value === "false") ? p.value === "true" : undefined),
        string: (p) => (p.type === "string" ? p.value : undefined),
        number: (p) => (p.type === "number" ? Number(p.value) : undefined),
        object: (p) => (p.type === "json" ? JSON.parse(p.value) : undefined),
    };
    const resolve = (flagKey, defaultValue, context, type) => {
        if (!client.isSynchronized()) {
            return { value: defaultValue, reason: "ERROR", errorCode: "PROVIDER_NOT_READY" };
        }
        const variant = client.getVariant(flagKey, unleashContext(context));
        if (!variant || !variant.feature_enabled) {
            return { value: defaultValue, reason: "DEFAULT" };
        }
        if (!variant.enabled || !variant.payload) {
            // a boolean flag without a variant: the match itself is the answer
            return type === "boolean" ? { value: true, variant: "on", reason: "TARGETING_MATCH" }
                : { value: defaultValue, reason: "DEFAULT" };
        }
        let value;
        try {
            value = decode[type](variant.payload);
        } catch (e) {
            value = undefined;
        }
        if (value === undefined || (type === "number" && Number.isNaN(value))) {
            return { value: defaultValue, reason: "ERROR", errorCode: "TYPE_MISMATCH" };
        }
        return { value, variant: variant.name, reason: "TARGETING_MATCH" };
    };
    return {
        metadata: { name: "unleash-client" },
        runsOn: "server",
        initialize: () => new Promise((resolveReady, reject) => {
            client = initialize({
                url, appName: "rollguard-slot", refreshInterval: Number(process.env.UNLEASH_REFRESH_MS || 250),
                disableMetrics: true, customHeaders: { Authorization: token },
            });
            client.once("synchronized", () => resolveReady());
            client.on("error", (e) => reject(e));
        }),
        onClose: async () => client && client.destroy(),
        resolveBooleanEvaluation: async (k, d, c) => resolve(k, d, c, "boolean"),
        resolveStringEvaluation: async (k, d, c) => resolve(k, d, c, "string"),
        resolveNumberEvaluation: async (k, d, c) => resolve(k, d, c, "number"),
        resolveObjectEvaluation: async (k, d, c) => resolve(k, d, c, "object"),
    };
}

function client() {
    const provider = take("ROLLGUARD_FLAGS_PROVIDER");
    const ofrepUrl = take("ROLLGUARD_OFREP_URL");
    const ofrepKey = take("ROLLGUARD_OFREP_KEY");
    const unleashUrl = take("UNLEASH_URL");
    const unleashToken = take("UNLEASH_TOKEN");
    if (provider === "ofrep" && ofrepUrl) {
        const { OFREPProvider } = require("@openfeature/ofrep-provider");
        OpenFeature.setProvider(new OFREPProvider({
            baseUrl: ofrepUrl,
            headers: ofrepKey ? { "X-API-Key": ofrepKey } : {},
        }));
    } else if (provider === "unleash" && unleashUrl && unleashToken) {
        OpenFeature.setProvider(unleashProvider(unleashUrl, unleashToken));
    }
    // without a provider OpenFeature's no-op provider answers every flow's default value
    return OpenFeature.getClient("rollguard-slot");
}

module.exports = { client };
