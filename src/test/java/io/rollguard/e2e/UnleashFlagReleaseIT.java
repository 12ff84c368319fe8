package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.rollguard.app.App;
import io.rollguard.flags.FlagStore;
import io.rollguard.support.Api;
import io.rollguard.support.NodeRedSlots;
import io.rollguard.support.TrafficGenerator;
import io.rollguard.support.Unleash;

/**
 * Feature flags tied to a release with the app's flags in a real Unleash server 8: Rollguard drives
 * Unleash's Admin API, the app's flows evaluate through the OpenFeature SDK with unleash-client,
 * the built-in router attributes each request to its cohort by Unleash's own rollout hash. A good
 * flag-only release reaches every user; a bad one is rolled back by turning the flag back while
 * stable keeps serving; a code release whose flag step Unleash refuses restores the flags it set
 * and the slot; the kill switch turns an Unleash flag off for the app's users.
 */
class UnleashFlagReleaseIT extends EndToEndTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    static final String DATABASE = "rollguard_it_unleash_flags";
    static Unleash unleash;

    @Autowired
    List<FlagStore> stores;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        unleash = Unleash.start("release_it");
        startInfrastructure(registry, DATABASE);
        // the slots of an app on Unleash: the OpenFeature SDK over unleash-client, with the backend token
        slots.close();
        Map<String, String> environment = new HashMap<>(appDatabase.slotEnvironment());
        environment.put("ROLLGUARD_FLAGS_PROVIDER", "unleash");
        environment.put("UNLEASH_URL", unleash.clientApiUrl());
        environment.put("UNLEASH_TOKEN", Unleash.clientToken());
        slots = NodeRedSlots.start(DATABASE, environment);
    }

    @AfterAll
    static void stopUnleash() {
        if (unleash != null) {
            unleash.close();
        }
    }

    String dataPlane() {
        return """
                {"flagStore":"unleash","unleashUrl":"%s"}""".formatted(unleash.url());
    }

    /** Both slots on {@code version}, traffic on stable, the app's flags in Unleash and none of its flags there yet. */
    void baselineOnUnleash(String version) {
        baseline(version);
        Api.Response put = api.registerExpenses(slots, List.of("alice"), version, dataPlane());
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        App app = app();
        assertThat(app.dataPlane().flagStore()).isEqualTo("unleash");
        // test fixture, through the store's port as a restoration does: no flag of an earlier test is left
        for (var flag : unleashStore().list(app)) {
            unleashStore().remove(app, flag.definition().key());
        }
    }

    App app() {
        return apps.find("expenses").orElseThrow();
    }

    FlagStore unleashStore() {
        return stores.stream().filter(s -> s.name().equals("unleash")).findFirst().orElseThrow();
    }

    /** Unleash's own view of the flag in the app's environment, not Rollguard's. */
    static JsonNode production(String flag) {
        return unleash.environment(flag, "production");
    }

    @Test
    void goodFlagOnlyReleaseReachesEveryUserAndTheKillSwitchTakesItAwayAgain() throws Exception {
        // given stable runs 1.10.0 with the classic list for everyone, its flags in Unleash
        baselineOnUnleash("1.10.0");
        // when the flag-only 1.10.1 (compact list 10 % -> 50 % -> 100 %) is approved and rolls out,
        // then only stable served, and both variants reached users through unleash-client
        String id = compactListReachesEveryoneThroughStableOnly();
        // and Unleash itself holds the flag on at 100 %
        JsonNode production = production("expenses-list-style");
        assertThat(production.path("enabled").asBoolean()).isTrue();
        assertThat(production.path("strategies").toString()).contains("\"rollout\":\"100\"");
        // and each step's analysis had samples in both cohorts, as the router attributed them by Unleash's hash
        JsonNode analysis = api.get("alice", "/api/releases/" + id + "/analysis").json();
        assertThat(analysis.toString()).contains("exposed");
        await().atMost(Duration.ofSeconds(5)).until(() -> TrafficGenerator.hit(routerUrl("/expenses"), "user-7")
                .variant().equals("expenses-list-style=compact"));

        // when a release manager kills the flag
        long killedAt = System.nanoTime();
        Api.Response killed = api.postJson("frank", "/api/apps/expenses/flags/expenses-list-style/kill",
                "{\"reason\":\"compact list hides the dates\"}");
        assertThat(killed.status()).as(killed.body()).isEqualTo(200);
        // then the app's users get the classic list again, and Unleash shows the flag off
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> TrafficGenerator
                .hit(routerUrl("/expenses"), "user-7").variant().equals("expenses-list-style=classic"));
        System.out.println("[flags] Unleash: kill switch to the compact list gone for the app's users: "
                + (System.nanoTime() - killedAt) / 1_000_000 + " ms");
        assertThat(production("expenses-list-style").path("enabled").asBoolean()).isFalse();
    }

    @Test
    void badFlagOnlyReleaseIsRolledBackByTurningTheFlagBackWhileStableKeepsServing() throws Exception {
        // given stable runs 1.10.0 with the classic list for everyone
        baselineOnUnleash("1.10.0");
        String id;
        long verdictToOff;
        try (TrafficGenerator traffic = new TrafficGenerator(routerUrl("/expenses"), 4, Duration.ofMillis(30), 200)) {
            // when 1.10.2 exposes the experimental list (every third request fails) to 20 % of users
            id = submitFlagOnlyAndApprove("1.10.2");
            waitForState(id, "ROLLED_BACK", Duration.ofSeconds(180));
            // the app's users keep asking until a full second passes without the experimental list
            awaitNoExperimentalListFor(traffic, Duration.ofSeconds(1));
            Instant verdict = eventTime(release(id), "ANALYSIS");
            Instant lastExperimental = traffic.hits().stream()
                    .filter(h -> h.variant().equals("expenses-list-style=experimental"))
                    .map(TrafficGenerator.Hit::at).max(java.util.Comparator.naturalOrder()).orElseThrow();
            verdictToOff = Duration.between(verdict, lastExperimental).toMillis();
            System.out.println("[flags] Unleash: failed flag analysis to the flag off as seen by the app: "
                    + verdictToOff + " ms");
            // then stable kept serving throughout: the canary slot was never used
            assertThat(traffic.hits()).extracting(TrafficGenerator.Hit::slot).containsOnly("stable");
        }
        // and the flag is back to "not there": off in Unleash, with no strategy, and the app serves its default
        assertThat(unleashStore().read(app(), "expenses-list-style")).isEmpty();
        JsonNode production = production("expenses-list-style");
        assertThat(production.path("enabled").asBoolean()).isFalse();
        assertThat(production.path("strategies")).isEmpty();
        TrafficGenerator.Hit after = TrafficGenerator.hit(routerUrl("/expenses"), "user-7");
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.variant()).isEqualTo("expenses-list-style=classic");
        // Unleash publishes a change to its client API on its own 1 s revision tick (an unchanged revision
        // answers 304 to the client's ETag), and unleash-client fetches every 250 ms: after the restore,
        // up to about 1.3 s more, so the bound here is Unleash's, not the built-in store's 1 s
        assertThat(verdictToOff).isLessThan(2_000);
    }

    @Test
    void codeReleaseWhoseFlagStepUnleashRefusesRestoresTheFlagsItSetAndTheSlot() throws Exception {
        // given stable runs 1.0.0, and someone once made and archived a feature expenses-archived-banner in
        // Unleash by hand: Unleash keeps the archived name reserved, so creating it again is refused
        baselineOnUnleash("1.0.0");
        String admin = Unleash.adminToken();
        HttpResponse<String> made = HTTP.send(HttpRequest.newBuilder(URI.create(unleash.url()
                + "/api/admin/projects/default/features")).header("Authorization", admin)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"expenses-archived-banner\",\"type\":\"release\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(made.statusCode()).as(made.body()).isIn(201, 409);
        HttpResponse<String> archived = HTTP.send(HttpRequest.newBuilder(URI.create(unleash.url()
                + "/api/admin/projects/default/features/expenses-archived-banner")).header("Authorization", admin)
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(archived.statusCode()).as(archived.body()).isIn(200, 202, 404);

        // when 1.10.0 is submitted with its two flags and the banner flag after them
        String descriptor = Files.readString(EXAMPLES.resolve("1.10.0/release.yaml")).replace("rollout:\n", """
                  - key: expenses-archived-banner
                    steps:
                %srollout:
                """.formatted("      - percentage: 100\n".repeat(FeatureFlagReleaseIT.stepsOf("1.10.0"))));
        assertThat(descriptor).contains("expenses-archived-banner");
        String id = submitWithFlagsAndApprove(descriptor, "1.10.0");
        JsonNode ended = waitForState(id, "ROLLED_BACK", Duration.ofSeconds(180));

        // then the release names Unleash's refusal, the flags it set are back to "not there", and the slot is restored
        assertThat(ended.path("history").toString()).contains("expenses-archived-banner", "refused");
        assertThat(unleashStore().read(app(), "expenses-csv-export")).isEmpty();
        assertThat(unleashStore().read(app(), "expenses-list-style")).isEmpty();
        TrafficGenerator.Hit after = TrafficGenerator.hit(routerUrl("/version"));
        assertThat(after.version()).isEqualTo("1.0.0");
        assertThat(slots.version(slots.canary())).isEqualTo("1.0.0");
    }
}
