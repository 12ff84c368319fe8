package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.rollguard.flags.FlagStore;
import io.rollguard.support.Api;
import io.rollguard.support.DataPlaneStack;
import io.rollguard.support.NodeRedSlots;
import io.rollguard.support.TrafficGenerator;

/**
 * A flag-only release on the production data plane: HAProxy cannot tell one flag variant's
 * requests from another's, so each cohort is judged by the app's own per-variant counters
 * (1.10.0's {@code GET /app/metrics}, scraped by a real Prometheus), with the variant named by
 * {@code {{variant}}} in the descriptor's query. A variant that fails more requests is rolled back
 * by turning the flag back while stable keeps serving.
 */
class FlagCohortsOnPrometheusIT extends EndToEndTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int PORT = NodeRedSlots.freePort();
    static final String DATABASE = "rollguard_it_flag_prometheus";
    static String ofrepKey;

    static final String BAD_FLAG_ONLY = """
            app: expenses
            version: 1.10.3
            description: Flag-only, bad, judged on Prometheus by the app's per-variant counters
            flags:
              - key: expenses-list-style
                variants: { classic: "classic", compact: "compact", experimental: "experimental" }
                defaultVariant: classic
                newVariant: experimental
                steps:
                  - percentage: 30
                  - percentage: 100
            rollout:
              steps:
                - pause: 10s
                - pause: 10s
              onFailure: rollback
            analysis:
              interval: 10s
              minSamples: 5
              metrics:
                - name: error-rate
                  source: prometheus
                  query: sum(increase(expenses_list_requests_total{variant="{{variant}}",code="500"}[3s])) / sum(increase(expenses_list_requests_total{variant="{{variant}}"}[3s]))
                  failIf:
                    above: 0.05
            """;

    @Autowired
    List<FlagStore> stores;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
        startInfrastructureWithDataPlane(registry, DATABASE, "flag-prometheus");
    }

    /**
     * Once: issue the app's flag evaluation key, then restart the slots with the environment of an
     * app on the built-in flag store, and HAProxy and Prometheus in front of the new slots.
     */
    @BeforeEach
    void slotsEvaluateFlagsThroughRollguard() {
        if (ofrepKey != null) {
            return;
        }
        baselineOnHaproxy("1.10.0");
        Api.Response issued = api.post("admin", "/api/apps/expenses/flag-keys");
        assertThat(issued.status()).as(issued.body()).isIn(200, 201);
        ofrepKey = issued.json().path("key").asText();
        stack.close();
        slots.close();
        slots = NodeRedSlots.start(DATABASE, slotEnvironmentWithOfrep(PORT, ofrepKey));
        stack = DataPlaneStack.start("flag-prometheus", "expenses", slots);
    }

    /** Prometheus's own answer for an instant query. */
    static JsonNode prometheus(String promql) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(stack.prometheusUrl()
                + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body()).path("data").path("result");
    }

    @Test
    void badFlagOnlyReleaseIsJudgedByTheAppsPerVariantCountersAndRolledBack() throws Exception {
        // given stable and canary run 1.10.0 behind HAProxy, the list classic for everyone, Prometheus scraping
        // the app's own counters on both slots
        baselineOnHaproxy("1.10.0");
        var app = apps.find("expenses").orElseThrow();
        stores.stream().filter(s -> s.name().equals(app.dataPlane().flagStore()))
                .forEach(s -> s.remove(app, "expenses-list-style"));
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                .until(() -> prometheus("up{job=\"app\"} == 1").size() == 2);

        String id;
        try (TrafficGenerator traffic = new TrafficGenerator(stack.trafficUrl("/expenses"), 4, Duration.ofMillis(30),
                200)) {
            // when the flag-only release exposes the experimental list (every third request fails) to 30 %
            id = submitAndApprove(BAD_FLAG_ONLY, Map.of(), "flags only");

            // then the analysis of the exposed users' counters fails it, and it is rolled back
            JsonNode rolledBack = waitForState(id, "ROLLED_BACK", Duration.ofSeconds(180));
            assertThat(rolledBack.path("history").toString()).contains("ANALYSIS");
            awaitNoExperimentalListFor(traffic, Duration.ofSeconds(1));
            // and HAProxy sent every request to stable throughout
            assertThat(traffic.hits()).extracting(TrafficGenerator.Hit::slot).containsOnly("stable");
            assertThat(traffic.hits()).extracting(TrafficGenerator.Hit::variant)
                    .contains("expenses-list-style=classic", "expenses-list-style=experimental");
        }
        // and the evidence is the app's counters per variant, the query sent once per cohort
        JsonNode analysis = api.get("alice", "/api/releases/" + id + "/analysis").json();
        assertThat(analysis.toString()).contains("variant=\\\"experimental\\\"", "variant=\\\"classic\\\"");
        // and the counters Prometheus scraped saw experimental requests fail
        assertThat(prometheus("sum(expenses_list_requests_total{variant=\"experimental\",code=\"500\"})").get(0)
                .path("value").get(1).asDouble()).isPositive();
        TrafficGenerator.Hit after = TrafficGenerator.hit(stack.trafficUrl("/expenses"), "user-7");
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.variant()).isEqualTo("expenses-list-style=classic");
    }
}
