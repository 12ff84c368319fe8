package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.rollguard.app.SlotName;
import io.rollguard.platform.TargetPlatform;
import io.rollguard.support.Api;
import io.rollguard.support.NodeRedSlots;
import io.rollguard.support.RatesService;
import io.rollguard.support.TrafficGenerator;

/**
 * The sample app's integration with the rates service, end to end: real Node-RED slots, the real
 * rates service ({@link RatesService}) and PostgreSQL. 1.6.0 moves the registered integration
 * {@code rates} to the service's new version (with an API key held as an app secret) and is
 * promoted; 1.7.0 points it at the broken version, whose journeys fail in preflight before any user
 * traffic. Needs the integration registry and the slots' managed environment.
 */
class RatesIntegrationReleaseIT extends EndToEndTest {

    static final ObjectMapper JSON = new ObjectMapper();
    /** The rates service's key for this run only, so finding it anywhere can only mean it leaked. */
    static final String KEY = "it-rates-key-" + UUID.randomUUID();
    static RatesService rates;

    @Autowired
    TargetPlatform target;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        startInfrastructure(registry, "rollguard_it_rates");
        rates = RatesService.start("rollguard_it_rates", KEY);
    }

    @AfterAll
    static void stopRates() {
        if (rates != null) {
            rates.close();
        }
    }

    /** As an admin registers it: the integration's settings schema and probe, then the key as an app secret. */
    void ratesRegistered() {
        String hostAndPort = rates.hostAndPort();
        Api.Response integration = api.putJson("admin", "/api/apps/expenses/integrations/rates", """
                {"kind":"http","settings":{
                  "baseUrl":{"type":"url","env":"RATES_BASE_URL","hosts":["%s"],"default":"%s"},
                  "timeoutMs":{"type":"integer","env":"RATES_TIMEOUT_MS","min":100,"max":30000,"default":2000},
                  "apiVersion":{"type":"string","env":"RATES_API_VERSION","pattern":"^[0-9]{1,3}$","default":"1"},
                  "apiKey":{"type":"secret","env":"RATES_API_KEY"}},
                 "probe":{"url":"baseUrl","method":"GET","path":"/health","headers":{"X-Api-Key":"${apiKey}"},
                  "expectStatus":200,"expect":[{"pointer":"/status","equals":"UP"}]}}"""
                .formatted(hostAndPort, rates.baseUrl("v1")));
        assertThat(integration.status()).as(integration.body()).isBetween(200, 204);
        Api.Response secret = api.putJson("admin", "/api/apps/expenses/secrets/rates-api-key",
                "{\"value\":\"" + KEY + "\"}");
        assertThat(secret.status()).as(secret.body()).isBetween(200, 204);
        assertThat(secret.body()).doesNotContain(KEY);
    }

    /** The example's descriptor with the rates service on this test's port instead of the dev port 1882. */
    static String descriptor(String version) throws IOException {
        return Files.readString(EXAMPLES.resolve(version + "/release.yaml")).replace("127.0.0.1:1882", rates.hostAndPort());
    }

    Api.Response submit(String version) throws IOException {
        return api.submit("alice", descriptor(version),
                Map.of("flows.json", Files.readAllBytes(EXAMPLES.resolve(version + "/flows.json"))));
    }

    @Test
    void movingTheRatesIntegrationToItsNewVersionIsProbedJourneyedAndPromotedWithTheKeyNeverShown() throws Exception {
        // given stable runs 1.0.0, and the admin has registered the rates integration and its key
        baseline("1.0.0");
        ratesRegistered();
        String id;
        String taskForm;
        try (TrafficGenerator traffic = new TrafficGenerator(routerUrl("/expenses"), 4, Duration.ofMillis(40))) {
            // when alice submits 1.6.0 and the integration approver approves it
            Api.Response submitted = submit("1.6.0");
            assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
            id = submitted.json().path("id").asText();
            String pi = submitted.json().path("processInstanceId").asText();
            api.awaitFirstStep(pi);
            assertThat(release(id).path("changeClasses").toString()).contains("integration");
            JsonNode task = awaitTask("dave", pi);
            assertThat(tasks("bob", pi)).isEmpty();
            taskForm = api.get("dave", "/engine-rest/task/" + task.path("id").asText() + "/form-variables").body();
            assertThat(complete("dave", task.path("id").asText(), "approve", "v2 with its key").status()).isEqualTo(204);

            // then the probe and every journey pass on the canary, and it is promoted
            JsonNode promoted = waitForState(id, "PROMOTED", Duration.ofSeconds(180));
            // (the probe's wording is the integration feature's: a passed check naming the integration)
            assertThat(details(promoted, "PREFLIGHT_CHECK")).as(promoted.path("history").toPrettyString())
                    .anyMatch(d -> d.startsWith("PASSED") && d.contains("rates") && !d.contains("journey"));
            for (String journey : List.of("'list expenses' (1 step)", "'create an expense and find it' (2 steps)",
                    "'total in USD' (1 step)")) {
                assertThat(hasEvent(promoted, "PREFLIGHT_CHECK", "PASSED journey " + journey)).as(journey).isTrue();
            }
            // and once more, under load, after the last step and before promotion
            assertThat(hasEvent(promoted, "PREFLIGHT_CHECK", "PASSED before promotion: journey 'total in USD' (1 step)"))
                    .isTrue();
            assertThat(traffic.hits()).anyMatch(h -> h.slot().equals("canary") && h.version().equals("1.6.0"));
        }

        // stable converts with the new version of the rates service, through its key
        assertThat(slots.version(slots.stable())).isEqualTo("1.6.0");
        JsonNode total = getJson(slots.stable().baseUrl() + "/app/expenses/total?currency=USD", 200);
        assertThat(total.path("currency").asText()).isEqualTo("USD");
        assertThat(total.path("ratesApiVersion").asText()).isEqualTo("2");
        assertThat(total.path("rate").decimalValue()).as("v2's rate, v1 has 1.08").isEqualByComparingTo("1.09");
        double eur = 0;
        for (JsonNode expense : getJson(slots.stable().baseUrl() + "/app/expenses", 200)) {
            eur += expense.path("amount").asDouble();
        }
        assertThat(total.path("total").asDouble()).isCloseTo(eur * 1.09, within(0.01));

        // the approvers read each changed setting, live and new, the key by reference only
        JsonNode changes = api.get("erin", "/api/releases/" + id + "/changes").json();
        assertThat(changes.path("integrations").findValuesAsText("setting")).contains("baseUrl", "apiVersion", "apiKey");
        // (each test of this class registers the key again: the version counts them)
        assertThat(changes.path("integrations").toString()).contains(rates.baseUrl("v2"))
                .containsPattern("secret rates-api-key \\(version \\d+\\)");
        assertThat(taskForm).contains("Integration settings (live -> this release)")
                .contains("rates.baseUrl (RATES_BASE_URL)");

        // and the key is nowhere anyone reads: API answers, the audit trail, the approval form,
        // the slot's flows as read back, any process variable or any row (secrets are sealed at rest)
        List<String> readable = new ArrayList<>(List.of(taskForm,
                api.get("alice", "/api/releases/" + id).body(),
                api.get("erin", "/api/releases/" + id + "/changes").body(),
                api.get("erin", "/api/releases/" + id + "/analysis").body(),
                api.get("erin", "/api/audit/export?format=json").body(),
                api.get("erin", "/api/audit/export?format=csv").body(),
                api.get("erin", "/api/audit/releases/" + id).body(),
                api.get("admin", "/api/apps/expenses").body(),
                api.get("admin", "/api/apps/expenses/integrations/rates").body(),
                api.get("admin", "/api/apps/expenses/secrets/rates-api-key").body(),
                rawFlows(slots.stable()), rawFlows(slots.canary())));
        assertThat(readable).allSatisfy(text -> assertThat(text).doesNotContain(KEY));
        assertThat(rowsContaining(KEY)).isEmpty();
    }

    @Test
    void pointingTheRatesIntegrationAtTheBrokenServiceFailsItsJourneyInPreflightAndTheCanaryIsRestored() throws Exception {
        // given stable and canary run 1.0.0 with the rates integration registered
        baseline("1.0.0");
        ratesRegistered();
        String canaryHashBefore = target.read(apps.find("expenses").orElseThrow(), SlotName.CANARY).hash();
        List<JsonNode> canaryEnvironmentBefore = globalConfig(rawFlows(slots.canary()));
        int heaviestCanaryWeight = 0;
        JsonNode failed;
        List<TrafficGenerator.Hit> hits;
        try (TrafficGenerator traffic = new TrafficGenerator(routerUrl("/expenses"), 2, Duration.ofMillis(50))) {
            // when alice submits 1.7.0 and the integration approver approves it
            Api.Response submitted = submit("1.7.0");
            assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
            String id = submitted.json().path("id").asText();
            JsonNode task = awaitTask("dave", submitted.json().path("processInstanceId").asText());
            assertThat(complete("dave", task.path("id").asText(), "approve", "").status()).isEqualTo(204);

            // then (watching the router's weight all along) preflight fails it
            int[] heaviest = {0};
            Awaitility.await("1.7.0 fails its preflight").atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        heaviest[0] = Math.max(heaviest[0], trafficRouter.canaryWeight(apps.find("expenses").orElseThrow()));
                        return release(id).path("state").asText().equals("PREFLIGHT_FAILED");
                    });
            heaviestCanaryWeight = heaviest[0];
            failed = waitForState(id, "PREFLIGHT_FAILED", Duration.ofSeconds(5));
            hits = traffic.hits();
        }
        // the probe passes (the broken service is healthy); its journey names the step, the request and the 502
        assertThat(hasEvent(failed, "PREFLIGHT_CHECK", "PASSED journey 'list expenses' (1 step)")).isTrue();
        assertThat(hasEvent(failed, "PREFLIGHT_CHECK", "FAILED journey 'total in USD' (1 step): step 1 GET "
                + "/expenses/total?currency=USD: expected 200, got 502, answered {\"error\":\"rates_unavailable\"}"))
                .as(failed.path("history").toPrettyString()).isTrue();
        assertThat(hasEvent(failed, "TRAFFIC_SHIFTED", "")).isFalse();
        assertThat(heaviestCanaryWeight).as("the canary's weight on the router").isZero();
        assertThat(hits).isNotEmpty().allMatch(h -> h.slot().equals("stable") && h.version().equals("1.0.0"));

        // and the canary slot runs again what it ran before: its flows and its environment
        assertThat(slots.version(slots.canary())).isEqualTo("1.0.0");
        assertThat(target.read(apps.find("expenses").orElseThrow(), SlotName.CANARY).hash()).isEqualTo(canaryHashBefore);
        assertThat(globalConfig(rawFlows(slots.canary()))).isEqualTo(canaryEnvironmentBefore);
    }

    @Test
    void rollingBackThePromotedIntegrationChangePutsEverySlotsSettingsBackAsTheyWere() throws Exception {
        // given 1.6.0 promoted: stable runs the rates service's new version with its key
        baseline("1.0.0");
        ratesRegistered();
        io.rollguard.app.App app = apps.find("expenses").orElseThrow();
        var stableBefore = target.read(app, SlotName.STABLE).environment();
        var canaryBefore = target.read(app, SlotName.CANARY).environment();
        String id;
        try (TrafficGenerator traffic = new TrafficGenerator(routerUrl("/expenses"), 4, Duration.ofMillis(40))) {
            Api.Response submitted = submit("1.6.0");
            assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
            id = submitted.json().path("id").asText();
            JsonNode task = awaitTask("dave", submitted.json().path("processInstanceId").asText());
            assertThat(complete("dave", task.path("id").asText(), "approve", "").status()).isEqualTo(204);
            waitForState(id, "PROMOTED", Duration.ofSeconds(180));
        }
        var promoted = target.read(app, SlotName.STABLE).environment();
        assertThat(promoted.values()).containsEntry("RATES_BASE_URL", rates.baseUrl("v2"))
                .containsEntry("RATES_API_VERSION", "2");
        assertThat(promoted.secrets().get("RATES_API_KEY").reference()).matches("rates-api-key@\\d+");

        // when the release manager rolls it back
        Api.Response rollback = api.post("frank", "/api/releases/" + id + "/rollback");
        assertThat(rollback.status()).as(rollback.body()).isEqualTo(200);
        JsonNode rolledBack = waitForState(id, "ROLLED_BACK", Duration.ofSeconds(90));

        // then both slots run what they ran before, settings included, and the restoration check agreed
        assertThat(hasEvent(rolledBack, "RESTORATION_VERIFIED", "")).as(rolledBack.path("history").toPrettyString()).isTrue();
        assertThat(slots.version(slots.stable())).isEqualTo("1.0.0");
        assertThat(target.read(app, SlotName.STABLE).environment()).isEqualTo(stableBefore);
        assertThat(target.read(app, SlotName.CANARY).environment()).isEqualTo(canaryBefore);
        assertThat(rawFlows(slots.stable())).doesNotContain("RATES_API_KEY").doesNotContain(KEY);
    }

    static List<String> details(JsonNode release, String type) {
        List<String> details = new ArrayList<>();
        release.path("history").forEach(e -> {
            if (e.path("type").asText().equals(type)) {
                details.add(e.path("detail").asText());
            }
        });
        return details;
    }

    /** The slot's global-config nodes, where a Node-RED slot keeps the environment Rollguard manages. */
    static List<JsonNode> globalConfig(String flows) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        JSON.readTree(flows).path("flows").forEach(n -> {
            if (n.path("type").asText().equals("global-config")) {
                nodes.add(n);
            }
        });
        return nodes;
    }

    /** What the slot's Admin API answers for its flows, as anyone holding its token reads them. */
    static String rawFlows(NodeRedSlots.Slot slot) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create(slot.baseUrl() + "/admin/flows"))
                        .header("Authorization", "Bearer " + slot.token()).header("Node-RED-API-Version", "v2").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    static JsonNode getJson(String url, int expectedStatus) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(expectedStatus);
        return JSON.readTree(response.body());
    }

    /** Every table of Rollguard's database (Camunda's included) with a row holding {@code text}, as text or as bytes. */
    List<String> rowsContaining(String text) {
        List<String> found = new ArrayList<>();
        for (String table : jdbc.queryForList("select table_name from information_schema.tables "
                + "where table_schema = current_schema() and table_type = 'BASE TABLE'", String.class)) {
            Integer rows = jdbc.queryForObject("select count(*) from \"" + table + "\" t where t::text like ?",
                    Integer.class, "%" + text + "%");
            if (rows != null && rows > 0) {
                found.add(table);
            }
        }
        for (Map<String, Object> column : jdbc.queryForList("select table_name, column_name from information_schema.columns "
                + "where table_schema = current_schema() and data_type = 'bytea'")) {
            Integer rows = jdbc.queryForObject("select count(*) from \"" + column.get("table_name") + "\" where position("
                    + "convert_to(?, 'UTF8') in \"" + column.get("column_name") + "\") > 0", Integer.class, text);
            if (rows != null && rows > 0) {
                found.add(column.get("table_name") + "." + column.get("column_name"));
            }
        }
        return found;
    }
}
