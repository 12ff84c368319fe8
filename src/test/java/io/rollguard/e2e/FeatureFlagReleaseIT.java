package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.rollguard.support.Api;
import io.rollguard.support.NodeRedSlots;
import io.rollguard.support.TrafficGenerator;

/**
 * Feature flags tied to a release, end to end on the built-in flag store: real Node-RED slots whose
 * flows evaluate the flags through the OpenFeature SDK and Rollguard's OFREP endpoint, the built-in
 * router, PostgreSQL. 1.10.0 raises its two flags step by step and is promoted with them on; a bad
 * version carrying flags is rolled back with its flags turned back first; the kill switch takes a
 * flag away from the app's users at once.
 */
class FeatureFlagReleaseIT extends EndToEndTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    /** Rollguard's port is fixed before it starts, so the slots' OpenFeature provider can be pointed at it. */
    static final int PORT = NodeRedSlots.freePort();
    static final String DATABASE = "rollguard_it_flags";
    static String ofrepKey;

    @org.springframework.beans.factory.annotation.Autowired
    java.util.List<io.rollguard.flags.FlagStore> stores;
    @org.springframework.beans.factory.annotation.Autowired
    io.rollguard.app.AppRepository apps;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
        startInfrastructure(registry, DATABASE);
    }

    /**
     * Once: register the app, issue its flag evaluation key, and restart the slots with the
     * environment a slot of an app on the built-in flag store runs with.
     */
    @BeforeEach
    void slotsEvaluateFlagsThroughRollguard() {
        if (ofrepKey != null) {
            return;
        }
        baseline("1.0.0");
        Api.Response issued = api.post("admin", "/api/apps/expenses/flag-keys");
        assertThat(issued.status()).as(issued.body()).isIn(200, 201);
        ofrepKey = issued.json().path("key").asText();
        assertThat(ofrepKey).isNotBlank();
        slots.close();
        slots = NodeRedSlots.start(DATABASE, slotEnvironmentWithOfrep(PORT, ofrepKey));
    }

    /** What the app's OFREP endpoint answers for one flag and context. */
    JsonNode evaluate(String flag, String targetingKey, String tenant) throws Exception {
        String context = JSON.writeValueAsString(Map.of("context", Map.of("targetingKey", targetingKey,
                "tenant", tenant)));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT
                + "/ofrep/v1/evaluate/flags/" + flag)).header("Content-Type", "application/json")
                .header("X-API-Key", ofrepKey).POST(HttpRequest.BodyPublishers.ofString(context)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(r.body());
        ((com.fasterxml.jackson.databind.node.ObjectNode) body).put("status", r.statusCode());
        return body;
    }

    /** A request through the built-in router as one user (the targeting key the flows and the router use). */
    static HttpResponse<String> asUser(String url, String user) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("X-User", user).timeout(Duration.ofSeconds(5))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void flagsOfACodeReleaseRiseStepByStepAreShownToApproversAndStayOnAfterPromotionUntilKilled() throws Exception {
        // given stable runs 1.0.0 and the app has no flag yet
        baseline("1.0.0");
        assertThat(evaluate("expenses-csv-export", "u-1", "").path("status").asInt()).isEqualTo(404);

        // when alice submits 1.10.0 (two flags) and bob approves it, under steady traffic
        String id;
        try (TrafficGenerator traffic = new TrafficGenerator(routerUrl("/expenses"), 4, Duration.ofMillis(40))) {
            id = submitWithFlagsAndApprove(Files.readString(EXAMPLES.resolve("1.10.0/release.yaml")), "1.10.0");
            JsonNode promoted = waitForState(id, "PROMOTED", Duration.ofSeconds(180));
            assertThat(promoted.path("state").asText()).isEqualTo("PROMOTED");
        }

        // then approvers saw each flag's state before and per step
        Api.Response changes = api.get("bob", "/api/releases/" + id + "/changes");
        assertThat(changes.status()).as(changes.body()).isEqualTo(200);
        JsonNode flags = changes.json().path("flags");
        assertThat(flags).hasSize(2);
        assertThat(flags.get(0).path("key").asText()).isEqualTo("expenses-csv-export");
        assertThat(flags.get(0).path("before").asText()).startsWith("absent");
        assertThat(flags.get(0).path("steps").toString()).contains("on for 20 % of requests", "on for 100 % of requests");

        // and the flags stand at their last step: the export for everyone, the compact list for acme and half of the rest
        JsonNode export = evaluate("expenses-csv-export", "u-1", "");
        assertThat(export.path("value").asBoolean()).as(export.toString()).isTrue();
        assertThat(export.path("reason").asText()).isEqualTo("STATIC");
        JsonNode acme = evaluate("expenses-list-style", "u-1", "acme");
        assertThat(acme.path("value").asText()).isEqualTo("compact");
        assertThat(acme.path("reason").asText()).isEqualTo("TARGETING_MATCH");
        int compact = 0;
        for (int i = 0; i < 400; i++) {
            if (evaluate("expenses-list-style", "user-" + i, "").path("value").asText().equals("compact")) {
                compact++;
            }
        }
        assertThat(compact).isBetween(160, 240);

        // and the app itself serves what its flags say (its flows ask Rollguard through OpenFeature)
        HttpResponse<String> csv = asUser(routerUrl("/expenses/export.csv"), "u-1");
        assertThat(csv.statusCode()).as(csv.body()).isEqualTo(200);
        assertThat(csv.body()).startsWith("id,description,amount\n");

        // when a requester tries the kill switch, nothing changes; a release manager's kill takes the export away
        assertThat(api.postJson("alice", "/api/apps/expenses/flags/expenses-csv-export/kill",
                "{\"reason\":\"not mine to pull\"}").status()).isEqualTo(403);
        long killedAt = System.nanoTime();
        Api.Response killed = api.postJson("frank", "/api/apps/expenses/flags/expenses-csv-export/kill",
                "{\"reason\":\"export leaks a column\"}");
        assertThat(killed.status()).as(killed.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
                .until(() -> asUser(routerUrl("/expenses/export.csv"), "u-1").statusCode() == 404);
        long toOffMs = (System.nanoTime() - killedAt) / 1_000_000;
        System.out.println("[flags] kill switch to the export gone for the app's users: " + toOffMs + " ms");
        assertThat(toOffMs).isLessThan(1_000);

        // and the flag history names every change: the release's steps and frank's kill with its reason
        Api.Response history = api.get("erin", "/api/apps/expenses/flags/history");
        assertThat(history.status()).as(history.body()).isEqualTo(200);
        assertThat(history.body()).contains(id, "frank", "export leaks a column");
    }

    @Test
    void badVersionCarryingFlagsIsRolledBackWithItsFlagsTurnedBackFirst() throws Exception {
        // given stable runs 1.0.0, and 1.2.0 (fails every third request) is submitted with a new flag
        baseline("1.0.0");
        String descriptor = Files.readString(EXAMPLES.resolve("1.2.0/release.yaml")) + """
                flags:
                  - key: expenses-bad-banner
                    steps:
                %s""".formatted("      - percentage: 100\n".repeat(stepsOf("1.2.0")));
        String id;
        try (TrafficGenerator traffic = new TrafficGenerator(routerUrl("/expenses"), 4, Duration.ofMillis(40))) {
            id = submitWithFlagsAndApprove(descriptor, "1.2.0");
            // when its canary analysis fails
            waitForState(id, "ROLLED_BACK", Duration.ofSeconds(180));
            // the app's users keep asking until a full second passes without the experimental list
            awaitNoExperimentalListFor(traffic, Duration.ofSeconds(1));
        }

        // then the flag is gone again (it did not exist before), and the restoration check found nothing different
        assertThat(evaluate("expenses-bad-banner", "u-1", "").path("status").asInt()).isEqualTo(404);
        JsonNode rolledBack = release(id);
        assertThat(rolledBack.path("history").toString()).doesNotContain("flag expenses-bad-banner is");
        // and the flag history shows it set by the release and restored by its rollback
        Api.Response history = api.get("erin", "/api/apps/expenses/flags/history");
        assertThat(history.body()).contains("expenses-bad-banner", id);
    }

    /**
     * Stable runs 1.10.0 (it evaluates expenses-list-style) and the app has no list-style flag, so
     * everyone gets the classic list. Test fixture: it removes the flag through the store's port,
     * as a restoration does; the product changes flags only through releases and the kill switch.
     */
    void stableRunsTheFlaggedVersion() throws Exception {
        baseline("1.10.0");
        var app = apps.find("expenses").orElseThrow();
        stores.stream().filter(s -> s.name().equals(app.dataPlane().flagStore()))
                .forEach(s -> s.remove(app, "expenses-list-style"));
        await().atMost(Duration.ofSeconds(5)).until(() -> evaluate("expenses-list-style", "user-1", "")
                .path("status").asInt() == 404);
    }

    @Test
    void goodFlagOnlyReleaseReachesEveryUserWhileTheSlotsKeepRunningWhatTheyRan() throws Exception {
        // given stable and canary run 1.10.0, with many users asking for the list
        stableRunsTheFlaggedVersion();
        // when alice's flag-only 1.10.1 (compact list 10 % -> 50 % -> 100 %) is approved and rolls out,
        // then no request ever went to the canary, and both variants served users during the rollout
        String id = compactListReachesEveryoneThroughStableOnly();
        // and every user gets the compact list now, from the same flows
        TrafficGenerator.Hit after = TrafficGenerator.hit(routerUrl("/expenses"), "user-7");
        assertThat(after.variant()).isEqualTo("expenses-list-style=compact");
        assertThat(after.version()).isEqualTo("1.10.0");
        // and each step was judged on the two cohorts, with samples in both
        assertThat(release(id).path("history").toString()).contains("ANALYSIS");
    }

    @Test
    void badFlagOnlyReleaseIsRolledBackByTurningTheFlagBackWhileStableKeepsServing() throws Exception {
        // given stable runs 1.10.0 with the list classic for everyone
        stableRunsTheFlaggedVersion();
        String id;
        long verdictToOff;
        try (TrafficGenerator traffic = new TrafficGenerator(routerUrl("/expenses"), 4, Duration.ofMillis(30), 200)) {
            // when 1.10.2 exposes the experimental list (every third request fails) to 20 % of users
            id = submitFlagOnlyAndApprove("1.10.2");
            waitForState(id, "ROLLED_BACK", Duration.ofSeconds(180));
            JsonNode rolledBack = release(id);
            java.time.Instant verdict = eventTime(rolledBack, "ANALYSIS");
            // then the experimental variant is gone for the users: how long after the failed verdict
            java.time.Instant lastExperimental = traffic.hits().stream()
                    .filter(h -> h.variant().equals("expenses-list-style=experimental"))
                    .map(TrafficGenerator.Hit::at).max(java.util.Comparator.naturalOrder()).orElseThrow();
            verdictToOff = verdict == null ? -1 : Duration.between(verdict, lastExperimental).toMillis();
            System.out.println("[flags] failed flag analysis to the flag off as seen by the app: " + verdictToOff + " ms");
            // and stable kept serving throughout: the canary slot was never used
            assertThat(traffic.hits()).extracting(TrafficGenerator.Hit::slot).containsOnly("stable");
        }
        TrafficGenerator.Hit after = TrafficGenerator.hit(routerUrl("/expenses"), "user-7");
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.variant()).isEqualTo("expenses-list-style=classic");
        // the flag did not exist before the release: it is gone again, and the app serves its default
        assertThat(evaluate("expenses-list-style", "user-1", "").path("status").asInt()).isEqualTo(404);
        assertThat(verdictToOff).isLessThan(1_000);
    }

    static int stepsOf(String version) throws IOException {
        String yaml = Files.readString(EXAMPLES.resolve(version + "/release.yaml"));
        return (int) yaml.lines().filter(l -> l.trim().startsWith("- weight:")).count();
    }
}
