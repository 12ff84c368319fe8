package io.rollguard.support;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Bodies of app registrations for the tests: an app whose slots nothing listens on (ports 9 and
 * 10), for tests about permissions, pages and the registry that must never reach a Node-RED; and
 * an app's database.
 */
public final class AppRegistrations {

    private AppRegistrations() {
    }

    /** {@code expenses} at {@code version}, owned by alice. */
    public static String withoutSlots(String version) {
        return withoutSlots("expenses", version, List.of("alice"), null);
    }

    /** As above with the route, owners and, when not null, the {@code dataPlane} object given. */
    public static String withoutSlots(String route, String version, List<String> owners, String dataPlane) {
        return """
                {"owners":[%s],
                 "stable":{"adminUrl":"http://127.0.0.1:9/admin","trafficUrl":"http://127.0.0.1:9/app"},
                 "canary":{"adminUrl":"http://127.0.0.1:10/admin","trafficUrl":"http://127.0.0.1:10/app"},
                 "stableAdminToken":"not-a-real-token-stable","canaryAdminToken":"not-a-real-token-canary","route":"%s","currentVersion":"%s"%s}""".formatted(
                owners.stream().map(o -> "\"" + o + "\"").collect(Collectors.joining(",")), route, version,
                dataPlane == null ? "" : ",\"dataPlane\":" + dataPlane);
    }

    /** {@code expenses} at {@code version}, owned by alice, its stable slot's Admin API at {@code stableAdminUrl}. */
    public static String withStableAdminAt(String stableAdminUrl, String version) {
        return withoutSlots(version).replace("\"adminUrl\":\"http://127.0.0.1:9/admin\"",
                "\"adminUrl\":\"" + stableAdminUrl + "\"");
    }

    /** Body for {@code PUT /api/apps/{key}/database}: the app database at {@code jdbcUrl}, as the app's own role. */
    public static String database(String jdbcUrl) {
        return """
                {"jdbcUrl":"%s","username":"%s","password":"%s"}""".formatted(jdbcUrl, PostgresDatabase.APP_USER,
                PostgresDatabase.APP_PASSWORD);
    }
}
