package io.rollguard.flags;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.rollguard.app.App;

/**
 * Unleash (server 8) as an app's flag store, driven through its Admin API with Rollguard's admin
 * token ({@code rollguard.flags.unleash.admin-token}). A Rollguard flag is one Unleash feature of
 * the same name in the registration's project; only the registration's environment is touched.
 *
 * <p>The state maps onto at most two {@code flexibleRollout} strategies: one with the percentage,
 * sticky on {@code userId} (the targeting key the app's unleash-client passes; without one nobody
 * is in the split, as on the built-in store), and one at 100 % constrained to
 * {@code tenant IN [...]}. Off is the environment off. The definition (variants, default, new) has
 * no home in Unleash, so it lives in the feature's description, which also marks the feature as
 * this app's: a feature another app or a person made is never overwritten. The new variant's value
 * rides on each strategy as its only variant, so the app's client gets it with the match.
 *
 * <p>Ordering matters because Unleash serves an enabled feature with no strategies to everyone:
 * turning off goes off first and then rewrites strategies; turning on writes the strategies first
 * and then goes on; strategies are replaced in place, never all deleted while on.
 */
@Component
class UnleashFlagStore implements FlagStore {

    private static final Logger log = LoggerFactory.getLogger(UnleashFlagStore.class);
    static final String MARKER = "rollguard=";
    static final String SPLIT = "rollguard: percentage";
    static final String TENANTS = "rollguard: tenants";
    static final String TENANT_CONTEXT = "tenant";
    static final String STICKINESS = "userId";
    /** How stale the router's copy of a judged flag may get before it is fetched again. */
    static final Duration FRESH = Duration.ofSeconds(1);

    private final ObjectMapper json = new ObjectMapper();
    private final String adminToken;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).followRedirects(HttpClient.Redirect.NEVER).build();
    /** The router's copy per app and flag, refreshed in the background (never a call per request). */
    private final Map<String, Cached> memory = new ConcurrentHashMap<>();
    private final Set<String> refreshing = ConcurrentHashMap.newKeySet();
    private final Set<String> contextReady = ConcurrentHashMap.newKeySet();
    private final ExecutorService refresher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "unleash-flag-refresh");
        t.setDaemon(true);
        return t;
    });

    private record Cached(StoredFlag flag, long fetchedAt) {
    }

    UnleashFlagStore(@Value("${rollguard.flags.unleash.admin-token:}") String adminToken) {
        this.adminToken = adminToken;
    }

    @Override
    public String name() {
        return App.DataPlane.UNLEASH;
    }

    @Override
    public Optional<StoredFlag> read(App app, String key) {
        Optional<StoredFlag> flag = fromFeature(app, key, feature(app, key));
        memory.put(cacheKey(app, key), new Cached(flag.orElse(null), System.nanoTime()));
        return flag;
    }

    @Override
    public List<StoredFlag> list(App app) {
        JsonNode features = call(app, "GET", project(app) + "/features", null, "list the features");
        List<StoredFlag> flags = new ArrayList<>();
        for (JsonNode summary : features.path("features")) {
            if (managedBy(app, summary.path("description").asText(""))) {
                read(app, summary.path("name").asText()).ifPresent(flags::add);
            }
        }
        flags.sort(java.util.Comparator.comparing(f -> f.definition().key()));
        return flags;
    }

    @Override
    public void write(App app, FlagDefinition definition, FlagState state) {
        ensureTenantContext(app);
        String key = definition.key();
        JsonNode feature = feature(app, key);
        String description = description(app, definition, false);
        if (feature == null) {
            ObjectNode create = json.createObjectNode().put("name", key).put("type", "release")
                    .put("description", description);
            call(app, "POST", project(app) + "/features", create, "create feature " + key);
            feature = feature(app, key);
        } else {
            requireOwned(app, key, feature);
            if (!description.equals(feature.path("description").asText())) {
                ObjectNode update = json.createObjectNode().put("type", feature.path("type").asText("release"))
                        .put("description", description);
                call(app, "PUT", featurePath(app, key), update, "describe feature " + key);
            }
        }
        JsonNode environment = environment(app, key, feature);
        if (!state.enabled()) {
            switchEnvironment(app, key, false);
        }
        reconcileStrategies(app, definition, state, environment);
        if (state.enabled()) {
            switchEnvironment(app, key, true);
        }
        memory.put(cacheKey(app, key), new Cached(new StoredFlag(definition, state), System.nanoTime()));
    }

    /**
     * Unleash keeps archived names reserved, so "not there" is a feature switched off with no
     * strategies whose description says removed: {@link #read} reports it absent, a later
     * {@link #write} takes it up again.
     */
    @Override
    public void remove(App app, String key) {
        JsonNode feature = feature(app, key);
        if (feature == null) {
            return;
        }
        requireOwned(app, key, feature);
        switchEnvironment(app, key, false);
        for (JsonNode strategy : environment(app, key, feature).path("strategies")) {
            call(app, "DELETE", strategiesPath(app, key) + "/" + strategy.path("id").asText(), null,
                    "delete a strategy of " + key);
        }
        ObjectNode update = json.createObjectNode().put("type", feature.path("type").asText("release"))
                .put("description", "Managed by Rollguard for app " + app.key() + ": removed. " + MARKER
                        + json.createObjectNode().put("app", app.key()).put("removed", true));
        call(app, "PUT", featurePath(app, key), update, "mark feature " + key + " removed");
        memory.put(cacheKey(app, key), new Cached(null, System.nanoTime()));
    }

    @Override
    public boolean exposed(App app, String key, String targetingKey, String tenant) {
        String cacheKey = cacheKey(app, key);
        Cached cached = memory.get(cacheKey);
        if (cached == null || System.nanoTime() - cached.fetchedAt() > FRESH.toNanos()) {
            refreshLater(app, key, cacheKey);
        }
        return cached != null && UnleashRollout.exposed(cached.flag(), targetingKey, tenant);
    }

    private void refreshLater(App app, String key, String cacheKey) {
        if (!refreshing.add(cacheKey)) {
            return;
        }
        refresher.execute(() -> {
            try {
                read(app, key);
            } catch (RuntimeException e) {
                log.warn("app {}: flag {} could not be read from Unleash for the router: {}", app.key(), key,
                        e.getMessage());
            } finally {
                refreshing.remove(cacheKey);
            }
        });
    }

    private void reconcileStrategies(App app, FlagDefinition definition, FlagState state, JsonNode environment) {
        String key = definition.key();
        String split = null;
        String tenants = null;
        List<String> foreign = new ArrayList<>();
        for (JsonNode strategy : environment.path("strategies")) {
            String title = strategy.path("title").asText("");
            String id = strategy.path("id").asText();
            if (title.equals(SPLIT) && split == null) {
                split = id;
            } else if (title.equals(TENANTS) && tenants == null) {
                tenants = id;
            } else {
                foreign.add(id);
            }
        }
        ObjectNode splitBody = strategy(definition, SPLIT, state.percentage(), List.of());
        if (split == null) {
            call(app, "POST", strategiesPath(app, key), splitBody, "add the percentage strategy of " + key);
        } else {
            call(app, "PUT", strategiesPath(app, key) + "/" + split, splitBody, "set the percentage of " + key);
        }
        if (!state.tenants().isEmpty()) {
            ObjectNode tenantBody = strategy(definition, TENANTS, 100, state.tenants());
            if (tenants == null) {
                call(app, "POST", strategiesPath(app, key), tenantBody, "add the tenant strategy of " + key);
            } else {
                call(app, "PUT", strategiesPath(app, key) + "/" + tenants, tenantBody, "set the tenants of " + key);
            }
        } else if (tenants != null) {
            foreign.add(tenants);
        }
        // the percentage strategy is in place, so deleting the rest never leaves an enabled feature bare
        for (String id : foreign) {
            call(app, "DELETE", strategiesPath(app, key) + "/" + id, null, "delete a strategy of " + key);
        }
    }

    private ObjectNode strategy(FlagDefinition definition, String title, int rollout, List<String> tenants) {
        // the tenant strategy matches every request of a listed tenant, with or without a user: at 100 %
        // any stickiness passes, and "random" needs no userId (with "userId" a request without one fails it)
        String stickiness = tenants.isEmpty() ? STICKINESS : "random";
        ObjectNode body = json.createObjectNode().put("name", "flexibleRollout").put("title", title);
        body.putObject("parameters").put("rollout", String.valueOf(rollout)).put("stickiness", stickiness)
                .put("groupId", definition.key());
        ArrayNode constraints = body.putArray("constraints");
        if (!tenants.isEmpty()) {
            ObjectNode constraint = constraints.addObject().put("contextName", TENANT_CONTEXT).put("operator", "IN");
            tenants.forEach(constraint.putArray("values")::add);
        }
        ObjectNode variant = body.putArray("variants").addObject().put("name", definition.newVariant())
                .put("weight", 1000).put("weightType", "variable").put("stickiness", stickiness);
        JsonNode value = definition.variants().get(definition.newVariant());
        variant.set("payload", payload(value));
        return body;
    }

    /**
     * Unleash's payload types: {@code json} only for objects and arrays, {@code number}, and
     * {@code string} for text and for booleans ({@code "true"}/{@code "false"}); the app's provider
     * (stack/node-red/flags.js) reads it back by the type the flow asks for.
     */
    private ObjectNode payload(JsonNode value) {
        ObjectNode payload = json.createObjectNode();
        if (value.isContainerNode()) {
            return payload.put("type", "json").put("value", value.toString());
        }
        if (value.isNumber()) {
            return payload.put("type", "number").put("value", value.asText());
        }
        return payload.put("type", "string").put("value", value.asText());
    }

    private Optional<StoredFlag> fromFeature(App app, String key, JsonNode feature) {
        if (feature == null) {
            return Optional.empty();
        }
        requireOwned(app, key, feature);
        JsonNode marker = marker(feature.path("description").asText(""));
        if (marker.path("removed").asBoolean(false)) {
            return Optional.empty();
        }
        FlagDefinition definition;
        try {
            definition = json.treeToValue(marker.path("definition"), FlagDefinition.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new FlagStoreException("flag " + key + " in Unleash has a Rollguard description that is not readable");
        }
        JsonNode environment = environment(app, key, feature);
        Integer percentage = null;
        List<String> tenants = List.of();
        for (JsonNode strategy : environment.path("strategies")) {
            String title = strategy.path("title").asText("");
            if (title.equals(SPLIT) && percentage == null) {
                percentage = rollout(key, strategy);
            } else if (title.equals(TENANTS)) {
                List<String> values = new ArrayList<>();
                strategy.path("constraints").path(0).path("values").forEach(v -> values.add(v.asText()));
                tenants = values;
            } else {
                throw new FlagStoreException("flag " + key + " in Unleash (environment " + environmentName(app)
                        + ") has a strategy Rollguard did not set ('" + strategy.path("name").asText() + "', title '"
                        + title + "'): it is changed outside its releases");
            }
        }
        if (percentage == null) {
            throw new FlagStoreException("flag " + key + " in Unleash (environment " + environmentName(app)
                    + ") has no percentage strategy: it is changed outside its releases");
        }
        return Optional.of(new StoredFlag(definition,
                new FlagState(environment.path("enabled").asBoolean(false), percentage, tenants)));
    }

    private static int rollout(String key, JsonNode strategy) {
        try {
            return Integer.parseInt(strategy.path("parameters").path("rollout").asText());
        } catch (NumberFormatException e) {
            throw new FlagStoreException("flag " + key + " in Unleash has a rollout that is not a whole percentage");
        }
    }

    /** The feature as the Admin API returns it, or null when Unleash has none of that name. */
    private JsonNode feature(App app, String key) {
        return callOrNull(app, "GET", featurePath(app, key), "read feature " + key);
    }

    private JsonNode environment(App app, String key, JsonNode feature) {
        for (JsonNode environment : feature.path("environments")) {
            if (environment.path("name").asText().equals(environmentName(app))) {
                return environment;
            }
        }
        throw new FlagStoreException("Unleash at " + app.dataPlane().unleashUrl() + " has no environment '"
                + environmentName(app) + "' for feature " + key + " (the app registration names it)");
    }

    private void switchEnvironment(App app, String key, boolean on) {
        call(app, "POST", featurePath(app, key) + "/environments/" + encode(environmentName(app)) + (on ? "/on" : "/off"),
                null, "switch " + key + (on ? " on" : " off"));
    }

    /** Tenant constraints need Unleash to know the context field; created once per Unleash (409 when it has it). */
    private void ensureTenantContext(App app) {
        String url = app.dataPlane().unleashUrl();
        if (contextReady.contains(url)) {
            return;
        }
        HttpResponse<String> answer = send(app, "POST", "/api/admin/context",
                json.createObjectNode().put("name", TENANT_CONTEXT).put("stickiness", false)
                        .put("description", "the app's tenant, as Rollguard's tenant waves and flag tenants name it"),
                "create the tenant context field");
        if (answer.statusCode() / 100 != 2 && answer.statusCode() != 409) {
            throw refused(app, "create the tenant context field", answer);
        }
        contextReady.add(url);
    }

    private void requireOwned(App app, String key, JsonNode feature) {
        if (!managedBy(app, feature.path("description").asText(""))) {
            throw new FlagStoreException("feature " + key + " in Unleash is not managed by Rollguard for app " + app.key()
                    + " (another app's, or made by hand): Rollguard never changes it; rename the flag or remove that feature");
        }
    }

    private boolean managedBy(App app, String description) {
        return app.key().equals(marker(description).path("app").asText(null));
    }

    private JsonNode marker(String description) {
        int at = description.indexOf(MARKER);
        if (at < 0) {
            return json.missingNode();
        }
        try {
            return json.readTree(description.substring(at + MARKER.length()));
        } catch (IOException e) {
            return json.missingNode();
        }
    }

    private String description(App app, FlagDefinition definition, boolean removed) {
        ObjectNode marker = json.createObjectNode().put("app", app.key()).put("removed", removed);
        marker.set("definition", json.valueToTree(definition));
        return "Managed by Rollguard for app " + app.key() + ": change it through a release (or its kill switch). "
                + MARKER + marker;
    }

    private JsonNode call(App app, String method, String path, JsonNode body, String what) {
        HttpResponse<String> answer = send(app, method, path, body, what);
        if (answer.statusCode() / 100 != 2) {
            throw refused(app, what, answer);
        }
        return parse(app, what, answer);
    }

    private JsonNode callOrNull(App app, String method, String path, String what) {
        HttpResponse<String> answer = send(app, method, path, null, what);
        if (answer.statusCode() == 404) {
            return null;
        }
        if (answer.statusCode() / 100 != 2) {
            throw refused(app, what, answer);
        }
        return parse(app, what, answer);
    }

    private JsonNode parse(App app, String what, HttpResponse<String> answer) {
        if (answer.body() == null || answer.body().isBlank()) {
            return json.missingNode();
        }
        try {
            return json.readTree(answer.body());
        } catch (IOException e) {
            throw new FlagStoreException("Unleash at " + app.dataPlane().unleashUrl() + " answered '" + what
                    + "' with something that is not JSON");
        }
    }

    private HttpResponse<String> send(App app, String method, String path, JsonNode body, String what) {
        if (adminToken == null || adminToken.isBlank()) {
            throw new FlagStoreException("app " + app.key() + " keeps its flags in Unleash, but this Rollguard has no "
                    + "Unleash admin token (rollguard.flags.unleash.admin-token)");
        }
        String base = app.dataPlane().unleashUrl();
        if (base == null || base.isBlank()) {
            throw new FlagStoreException("app " + app.key() + " keeps its flags in Unleash but its registration has no "
                    + "dataPlane.unleashUrl");
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5))
                .header("Authorization", adminToken).header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new FlagStoreException("Unleash at " + base + " could not be reached to " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlagStoreException("interrupted while asking Unleash to " + what, e);
        }
    }

    private FlagStoreException refused(App app, String what, HttpResponse<String> answer) {
        String message = "";
        try {
            JsonNode problem = json.readTree(answer.body());
            StringBuilder text = new StringBuilder(problem.path("message").asText(""));
            // Unleash's validation errors name the offending field in details[]
            for (JsonNode detail : problem.path("details")) {
                String line = detail.path("description").asText(detail.path("message").asText(""));
                if (!line.isEmpty() && !text.toString().contains(line)) {
                    text.append("; ").append(line);
                }
            }
            message = text.toString();
        } catch (IOException | RuntimeException e) {
            // not JSON: the status says enough
        }
        String reason = answer.statusCode() == 401 || answer.statusCode() == 403
                ? " (Rollguard's Unleash admin token was refused)" : message.isEmpty() ? "" : ": " + abbreviate(message);
        return new FlagStoreException("Unleash at " + app.dataPlane().unleashUrl() + " refused to " + what + " (HTTP "
                + answer.statusCode() + ")" + reason);
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "…" : oneLine;
    }

    private static String project(App app) {
        return "/api/admin/projects/" + encode(app.dataPlane().unleashProject());
    }

    private static String featurePath(App app, String key) {
        return project(app) + "/features/" + encode(key);
    }

    private static String strategiesPath(App app, String key) {
        return featurePath(app, key) + "/environments/" + encode(environmentName(app)) + "/strategies";
    }

    private static String environmentName(App app) {
        return app.dataPlane().unleashEnvironment();
    }

    private static String cacheKey(App app, String key) {
        return app.key() + "\u0000" + key;
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
