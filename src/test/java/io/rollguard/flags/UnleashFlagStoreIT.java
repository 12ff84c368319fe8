package io.rollguard.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;

import io.rollguard.app.App;
import io.rollguard.support.NodeRedSlots;
import io.rollguard.support.Unleash;

/**
 * The Unleash adapter against a real Unleash server 8: what Rollguard writes through the Admin API
 * reads back as written, Unleash's own view of the feature says the same, the app's own
 * unleash-client serves exactly the requests the built-in router counts as exposed, and features
 * Rollguard does not manage for the app are never touched.
 */
class UnleashFlagStoreIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static Unleash unleash;
    static UnleashFlagStore store;
    static App app;

    @BeforeAll
    static void startUnleash() {
        unleash = Unleash.start("store_it");
        store = new UnleashFlagStore(Unleash.adminToken());
        app = app("expenses", unleash.url());
    }

    @AfterAll
    static void stopUnleash() {
        if (unleash != null) {
            unleash.close();
        }
    }

    static App app(String key, String unleashUrl) {
        return new App(key, Set.of("alice"), new App.Slot("http://127.0.0.1:9/admin", "http://127.0.0.1:9/app"),
                new App.Slot("http://127.0.0.1:10/admin", "http://127.0.0.1:10/app"), new App.AdminTokens("s", "c"), key,
                "1.0.0", new App.DataPlane("builtin", null, null, "builtin", null, "X-Tenant", "unleash", unleashUrl,
                        null, null));
    }

    static FlagDefinition listStyle(String key) {
        Map<String, JsonNode> variants = new LinkedHashMap<>();
        variants.put("classic", TextNode.valueOf("classic"));
        variants.put("compact", TextNode.valueOf("compact"));
        return new FlagDefinition(key, variants, "classic", "compact");
    }

    /** Unleash's own view of the flag in the app's environment, not Rollguard's. */
    static JsonNode production(String flag) {
        return unleash.environment(flag, "production");
    }

    @Test
    void whatIsWrittenReadsBackAsWrittenAndUnleashShowsTheSame() throws Exception {
        FlagDefinition definition = listStyle("store-list-style");
        FlagState state = new FlagState(true, 25, List.of("acme", "globex"));

        store.write(app, definition, state);

        assertThat(store.read(app, "store-list-style")).contains(new StoredFlag(definition, state));
        assertThat(store.list(app)).contains(new StoredFlag(definition, state));
        JsonNode production = production("store-list-style");
        assertThat(production.path("enabled").asBoolean()).isTrue();
        assertThat(production.path("strategies").toString()).contains("\"rollout\":\"25\"", "\"rollout\":\"100\"",
                "\"contextName\":\"tenant\"", "acme", "globex", "\"stickiness\":\"userId\"");

        // a later step raises the percentage and drops the tenants: rewritten in place
        FlagState next = new FlagState(true, 60, List.of());
        store.write(app, definition, next);
        assertThat(store.read(app, "store-list-style")).contains(new StoredFlag(definition, next));
        assertThat(production("store-list-style").path("strategies")).hasSize(1);
    }

    @Test
    void offTurnsTheEnvironmentOffAndReadsBackOff() throws Exception {
        FlagDefinition export = FlagDefinition.booleanFlag("store-export");
        store.write(app, export, new FlagState(true, 100, List.of()));
        assertThat(production("store-export").path("enabled").asBoolean()).isTrue();

        store.write(app, export, new FlagState(true, 100, List.of()).off());

        assertThat(production("store-export").path("enabled").asBoolean()).isFalse();
        assertThat(store.read(app, "store-export").orElseThrow().state().enabled()).isFalse();
    }

    @Test
    void aRemovedFlagReadsAbsentServesNobodyAndCanBeWrittenAgain() throws Exception {
        FlagDefinition export = FlagDefinition.booleanFlag("store-gone");
        store.write(app, export, new FlagState(true, 100, List.of()));

        store.remove(app, "store-gone");

        assertThat(store.read(app, "store-gone")).isEmpty();
        JsonNode production = production("store-gone");
        assertThat(production.path("enabled").asBoolean()).isFalse();
        assertThat(production.path("strategies")).isEmpty();
        assertThat(store.list(app)).extracting(f -> f.definition().key()).doesNotContain("store-gone");
        // Unleash keeps the name reserved; a later release takes the feature up again
        store.write(app, export, new FlagState(true, 10, List.of()));
        assertThat(store.read(app, "store-gone").orElseThrow().state().percentage()).isEqualTo(10);
    }

    @Test
    void theAppsOwnUnleashClientServesExactlyTheRequestsTheRouterCountsAsExposed() throws Exception {
        FlagDefinition definition = listStyle("store-agreement");
        FlagState state = new FlagState(true, 30, List.of("acme"));
        store.write(app, definition, state);
        StoredFlag flag = store.read(app, "store-agreement").orElseThrow();

        List<String> requests = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            requests.add("user-" + i + "|" + (i % 10 == 0 ? "acme" : "initech"));
        }
        requests.add("|acme");
        requests.add("|");
        JsonNode decisions = unleashClient("store-agreement", requests);

        int exposed = 0;
        for (int i = 0; i < requests.size(); i++) {
            String[] request = requests.get(i).split("\\|", -1);
            boolean router = UnleashRollout.exposed(flag, request[0], request[1]);
            JsonNode client = decisions.get(i);
            assertThat(client.path("enabled").asBoolean()).as("request %s", requests.get(i)).isEqualTo(router);
            if (router) {
                exposed++;
                assertThat(client.path("variant").asText()).isEqualTo("compact");
                assertThat(client.path("payload").asText()).isEqualTo("compact");
            }
        }
        // 30 % of 270 users plus the 30 acme users (and the acme request without a user)
        assertThat(exposed).isBetween(90, 140);
    }

    @Test
    void aFeatureRollguardDoesNotManageForTheAppIsNeverChanged() throws Exception {
        HttpResponse<String> made = HTTP.send(HttpRequest.newBuilder(URI.create(unleash.url()
                + "/api/admin/projects/default/features")).header("Authorization", Unleash.adminToken())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"store-by-hand\",\"type\":\"release\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        store.write(app, FlagDefinition.booleanFlag("store-other-app"), new FlagState(true, 100, List.of()));

        assertThatThrownBy(() -> store.write(app, FlagDefinition.booleanFlag("store-by-hand"), FlagState.OFF))
                .isInstanceOf(FlagStoreException.class).hasMessageContaining("not managed by Rollguard for app expenses");
        App other = app("payroll", unleash.url());
        assertThatThrownBy(() -> store.write(other, FlagDefinition.booleanFlag("store-other-app"), FlagState.OFF))
                .isInstanceOf(FlagStoreException.class).hasMessageContaining("not managed by Rollguard for app payroll");
        assertThatThrownBy(() -> store.remove(other, "store-other-app")).isInstanceOf(FlagStoreException.class);
        assertThat(production("store-other-app").path("enabled").asBoolean()).isTrue();
        assertThat(production("store-by-hand").path("strategies")).isEmpty();
    }

    @Test
    void aRefusedTokenAndAnUnreachableUnleashAreNamedNotThrownRaw() {
        UnleashFlagStore wrongToken = new UnleashFlagStore("*:*.not-the-token");
        assertThatThrownBy(() -> wrongToken.read(app, "store-export")).isInstanceOf(FlagStoreException.class)
                .hasMessageContaining("HTTP 401").hasMessageContaining("admin token was refused")
                .hasMessageNotContaining("not-the-token");
        App nowhere = app("expenses", "http://127.0.0.1:" + NodeRedSlots.freePort());
        assertThatThrownBy(() -> store.write(nowhere, FlagDefinition.booleanFlag("x"), FlagState.OFF))
                .isInstanceOf(FlagStoreException.class).hasMessageContaining("could not be reached");
        assertThatThrownBy(() -> new UnleashFlagStore("").read(app, "x")).isInstanceOf(FlagStoreException.class)
                .hasMessageContaining("rollguard.flags.unleash.admin-token");
    }

    /** Runs src/test/resources/unleash/evaluate.js with the Node-RED stack's unleash-client. */
    static JsonNode unleashClient(String flag, List<String> requests) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", NodeRedSlots.PROJECT.resolve(
                "src/test/resources/unleash/evaluate.js").toString(), unleash.clientApiUrl(), Unleash.clientToken(), flag));
        command.addAll(requests);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("NODE_RED_HOME", NodeRedSlots.PROJECT.resolve("stack/node-red").toString());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(err).isZero();
        return JSON.readTree(out);
    }
}
