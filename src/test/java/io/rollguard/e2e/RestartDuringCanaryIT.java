package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.support.Api;
import io.rollguard.support.ExpensesDatabase;
import io.rollguard.support.NodeRedSlots;
import io.rollguard.support.PostgresDatabase;
import io.rollguard.support.RollguardProcess;
import io.rollguard.support.TrafficGenerator;

/**
 * The JVM is killed (SIGKILL) while a canary step is being judged; a new JVM on the same
 * database continues the release from where it was, and no step is applied twice.
 */
class RestartDuringCanaryIT {

    static NodeRedSlots slots;
    static RollguardProcess rollguard;

    @BeforeAll
    static void start() {
        slots = NodeRedSlots.start("rollguard_it_restart",
                ExpensesDatabase.create("rollguard_it_restart_app").slotEnvironment());
        String db = PostgresDatabase.fresh("rollguard_it_restart");
        rollguard = new RollguardProcess("rollguard-restart-it", List.of("--spring.profiles.active=postgres",
                "--spring.datasource.url=" + db, "--spring.datasource.username=" + PostgresDatabase.USER,
                "--spring.datasource.password=" + PostgresDatabase.PASSWORD, "--rollguard.sample-app.enabled=false"));
        Duration startup = rollguard.start();
        System.out.printf("MEASURE start-up of the packaged app (PostgreSQL, fresh schema): %d ms, RSS %d MiB%n",
                startup.toMillis(), rollguard.rssMiB());
    }

    @AfterAll
    static void stop() {
        if (rollguard != null) {
            rollguard.stop();
        }
        if (slots != null) {
            slots.close();
        }
    }

    @Test
    void releaseKilledDuringACanaryStepContinuesAfterRestartWithoutRepeatingSteps() throws Exception {
        // given
        Api api = new Api(rollguard.baseUrl());
        slots.deploy(slots.stable(), EndToEndTest.EXAMPLES.resolve("1.0.0/flows.json"));
        slots.deploy(slots.canary(), EndToEndTest.EXAMPLES.resolve("1.0.0/flows.json"));
        Api.Response registered = api.registerExpenses(slots, List.of("alice"), "1.0.0");
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);

        try (TrafficGenerator traffic = new TrafficGenerator(rollguard.routerUrl("/expenses/expenses"), 4,
                Duration.ofMillis(40))) {
            Api.Response submitted = api.submitExample("alice", "1.1.0");
            assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
            String id = submitted.json().path("id").asText();
            String pi = submitted.json().path("processInstanceId").asText();
            JsonNode task = awaitTask(api, pi);
            assertThat(api.postJson("bob", "/engine-rest/task/" + task.path("id").asText() + "/complete",
                    "{\"variables\":{\"decision\":{\"value\":\"approve\"}}}").status()).isEqualTo(204);
            awaitEvent(api, id, "TRAFFIC_SHIFTED", Duration.ofSeconds(60));
            // let the canary collect the samples the analysis needs before the crash: after a
            // restart the overdue analysis judges the window at once, and thin data is (rightly)
            // a hold, not a pass
            Instant shifted = Instant.now();
            await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(100))
                    .until(() -> traffic.since(shifted).stream().filter(h -> h.slot().equals("canary")).count() >= 30);

            // when: killed in the middle of the first canary step
            rollguard.kill();
            rollguard.start();

            // then
            JsonNode promoted = awaitState(new Api(rollguard.baseUrl()), id, "PROMOTED", Duration.ofSeconds(150));
            assertThat(count(promoted, "CANARY_DEPLOYED")).isEqualTo(1);
            assertThat(count(promoted, "TRAFFIC_SHIFTED")).as(promoted.path("history").toPrettyString()).isEqualTo(2);
            assertThat(count(promoted, "ANALYSIS")).isEqualTo(2);
            // the restart redeployed nothing: unchanged models keep their version
            assertThat(new Api(rollguard.baseUrl()).get("admin", "/engine-rest/process-definition/count?key=releaseLifecycle")
                    .json().path("count").asInt()).isEqualTo(1);
        }
        assertThat(slots.version(slots.stable())).isEqualTo("1.1.0");
        assertThat(TrafficGenerator.hit(rollguard.routerUrl("/expenses/version")).version()).isEqualTo("1.1.0");
    }

    private static long count(JsonNode release, String type) {
        long n = 0;
        for (JsonNode e : release.path("history")) {
            if (e.path("type").asText().equals(type)) {
                n++;
            }
        }
        return n;
    }

    private static JsonNode awaitTask(Api api, String pi) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> api.get("bob", "/engine-rest/task?processInstanceId=" + pi).json(), t -> t.size() > 0)
                .get(0);
    }

    private static void awaitEvent(Api api, String id, String type, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(100))
                .until(() -> count(api.get("alice", "/api/releases/" + id).json(), type) > 0);
    }

    private static JsonNode awaitState(Api api, String id, String state, Duration timeout) {
        return await().atMost(timeout).pollInterval(Duration.ofMillis(250))
                .until(() -> api.get("alice", "/api/releases/" + id).json(), r -> r.path("state").asText().equals(state));
    }
}
