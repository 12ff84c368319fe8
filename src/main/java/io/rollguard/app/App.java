package io.rollguard.app;

import java.util.Set;

import io.rollguard.security.Owned;

/**
 * A registered low-code app: who owns it, where its two Node-RED slots run (each with its own
 * Admin API token), which router route sends its users there, and which router and metric source
 * its releases use.
 */
public record App(
        String key,
        Set<String> owners,
        Slot stable,
        Slot canary,
        AdminTokens adminTokens,
        String route,
        String currentVersion,
        DataPlane dataPlane) implements Owned {

    /** An app on the embedded default: built-in router, built-in measurements. */
    public App(String key, Set<String> owners, Slot stable, Slot canary, AdminTokens adminTokens, String route,
            String currentVersion) {
        this(key, owners, stable, canary, adminTokens, route, currentVersion, DataPlane.BUILTIN);
    }

    /**
     * The bearer tokens of the two slots' Admin APIs. They differ, so what runs in the canary slot
     * (a requester's flows, with the slot's environment) holds no key to the stable slot.
     */
    public record AdminTokens(String stable, String canary) {

        public String of(SlotName slot) {
            return slot == SlotName.STABLE ? stable : canary;
        }

        public boolean bothSet() {
            return stable != null && !stable.isBlank() && canary != null && !canary.isBlank();
        }

        @Override
        public String toString() {
            // never a token in a log line or an exception message
            return "AdminTokens[stable " + (stable == null ? "unset" : "set") + ", canary "
                    + (canary == null ? "unset" : "set") + "]";
        }
    }

    /**
     * Which {@code TrafficRouter} and which {@code MetricSource} serve the app: a switch, not a
     * fork; the same descriptor and process run on either. For HAProxy, {@code runtimeApi} is the
     * host:port of its TCP stats socket and {@code backend} the backend whose servers are named
     * {@code stable} and {@code canary}; for Prometheus, {@code prometheusUrl} is its HTTP API base.
     * {@code tenantHeader} names the request header that carries the tenant for tenant waves (on
     * HAProxy it must match the one its configuration maps, see stack/haproxy/start.sh).
     * {@code flagStore} names the app's {@code FlagStore} ({@code builtin} or {@code unleash});
     * for Unleash, {@code unleashUrl} is its base URL (without {@code /api}), {@code unleashProject}
     * the project its features are in and {@code unleashEnvironment} the one environment Rollguard
     * turns them on and off in (the Admin API token is Rollguard's configuration, never the app's).
     */
    public record DataPlane(String router, String runtimeApi, String backend, String metrics, String prometheusUrl,
            String tenantHeader, String flagStore, String unleashUrl, String unleashProject, String unleashEnvironment) {

        public static final String BUILTIN_FLAGS = "builtin";
        public static final String UNLEASH = "unleash";
        public static final String DEFAULT_UNLEASH_PROJECT = "default";
        public static final String DEFAULT_UNLEASH_ENVIRONMENT = "production";

        public DataPlane {
            flagStore = flagStore == null ? BUILTIN_FLAGS : flagStore;
            boolean unleash = UNLEASH.equals(flagStore);
            unleashUrl = unleash ? unleashUrl : null;
            unleashProject = unleash ? (unleashProject == null ? DEFAULT_UNLEASH_PROJECT : unleashProject) : null;
            unleashEnvironment = unleash
                    ? (unleashEnvironment == null ? DEFAULT_UNLEASH_ENVIRONMENT : unleashEnvironment) : null;
        }

        /** A data plane whose flags are in the built-in store. */
        public DataPlane(String router, String runtimeApi, String backend, String metrics, String prometheusUrl,
                String tenantHeader) {
            this(router, runtimeApi, backend, metrics, prometheusUrl, tenantHeader, BUILTIN_FLAGS, null, null, null);
        }

        public static final String DEFAULT_TENANT_HEADER = "X-Tenant";

        public static final String BUILTIN_ROUTER = "builtin";
        public static final String HAPROXY = "haproxy";
        public static final String BUILTIN_METRICS = "builtin";
        public static final String PROMETHEUS = "prometheus";
        public static final DataPlane BUILTIN = new DataPlane(BUILTIN_ROUTER, null, null, BUILTIN_METRICS, null,
                DEFAULT_TENANT_HEADER);
    }

    /** A slot is reached twice: its Admin API (never exposed to users) and its app traffic base. */
    public record Slot(String adminUrl, String trafficUrl) {
    }

    public Slot slot(SlotName name) {
        return name == SlotName.STABLE ? stable : canary;
    }

    @Override
    public boolean isOwnedBy(String userId) {
        return owners.contains(userId);
    }

    public App withCurrentVersion(String version) {
        return new App(key, owners, stable, canary, adminTokens, route, version, dataPlane);
    }
}
