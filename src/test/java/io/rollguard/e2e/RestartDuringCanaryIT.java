package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.support.Api;
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
        slots = NodeRedSlots.start("rollguard_it_restart");
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
            while (traffic.since(shifted).stream().filter(h -> h.slot().equals("canary")).count() < 30
                    && Duration.between(shifted, Instant.now()).toSeconds() < 6) {
                EndToEndTest.sleep(Duration.ofMillis(100));
            }

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
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            JsonNode tasks = api.get("bob", "/engine-rest/task?processInstanceId=" + pi).json();
            if (tasks.size() > 0) {
                return tasks.get(0);
            }
            EndToEndTest.sleep(Duration.ofMillis(200));
        }
        throw new AssertionError("no approval task");
    }

    private static void awaitEvent(Api api, String id, String type, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (count(api.get("alice", "/api/releases/" + id).json(), type) > 0) {
                return;
            }
            EndToEndTest.sleep(Duration.ofMillis(100));
        }
        throw new AssertionError("no " + type + " event for " + id);
    }

    private static JsonNode awaitState(Api api, String id, String state, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        JsonNode release = null;
        while (Instant.now().isBefore(deadline)) {
            release = api.get("alice", "/api/releases/" + id).json();
            if (release.path("state").asText().equals(state)) {
                return release;
            }
            EndToEndTest.sleep(Duration.ofMillis(250));
        }
        throw new AssertionError("release did not reach " + state + ": " + release);
    }
}
