package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.support.Api;
import io.rollguard.support.AppRegistrations;
import io.rollguard.support.ExpensesDatabase;
import io.rollguard.support.NodeRedSlots;
import io.rollguard.support.PostgresDatabase;
import io.rollguard.support.RollguardProcess;
import io.rollguard.support.TrafficGenerator;

/**
 * The JVM is killed (SIGKILL) right after a release's migration was applied, before its first
 * analysis; a new JVM on the same database finishes the release, which rolls back with no
 * changeset applied or rolled back twice and the app's database as it was.
 */
class RestartAfterMigrationIT {

    static NodeRedSlots slots;
    static ExpensesDatabase appDatabase;
    static RollguardProcess rollguard;

    @BeforeAll
    static void start() {
        appDatabase = ExpensesDatabase.create("rollguard_it_restart_migration_app");
        slots = NodeRedSlots.start("rollguard_it_restart_migration", appDatabase.slotEnvironment());
        String db = PostgresDatabase.fresh("rollguard_it_restart_migration");
        rollguard = new RollguardProcess("rollguard-restart-migration-it", List.of("--spring.profiles.active=postgres",
                "--spring.datasource.url=" + db, "--spring.datasource.username=" + PostgresDatabase.USER,
                "--spring.datasource.password=" + PostgresDatabase.PASSWORD, "--rollguard.sample-app.enabled=false",
                // the job that ran when the JVM died stays locked by it until the lock expires
                // (Camunda's default: 5 minutes); a short lock lets the test see the continuation sooner
                "--camunda.bpm.job-execution.lock-time-in-millis=20000"));
        rollguard.start();
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
    void releaseKilledAfterItsMigrationRollsBackAfterRestartWithoutRepeatingAChangeset() throws Exception {
        // given expenses 1.0.0 with its database registered
        Api api = new Api(rollguard.baseUrl());
        slots.deploy(slots.stable(), EndToEndTest.EXAMPLES.resolve("1.0.0/flows.json"));
        slots.deploy(slots.canary(), EndToEndTest.EXAMPLES.resolve("1.0.0/flows.json"));
        assertThat(api.registerExpenses(slots, List.of("alice"), "1.0.0").status()).isEqualTo(201);
        assertThat(api.putJson("admin", "/api/apps/expenses/database", AppRegistrations.database(appDatabase.jdbcUrl()))
                .status()).isEqualTo(201);
        appDatabase.execute("insert into expense (description, amount) select 'Expense ' || i, i from generate_series(1, 50) i");
        String schemaBefore = appDatabase.schema();
        Map<Long, String> rowsBefore = appDatabase.rowChecksums("expense");

        JsonNode done;
        try (TrafficGenerator traffic = new TrafficGenerator(rollguard.routerUrl("/expenses/expenses"), 4,
                Duration.ofMillis(40))) {
            var dir = EndToEndTest.EXAMPLES.resolve("1.4.0");
            Map<String, byte[]> files = new HashMap<>();
            files.put("flows.json", Files.readAllBytes(dir.resolve("flows.json")));
            files.put("changelog.yaml", Files.readAllBytes(dir.resolve("changelog.yaml")));
            Api.Response submitted = api.submit("alice", Files.readString(dir.resolve("release.yaml")), files);
            assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
            String id = submitted.json().path("id").asText();
            String pi = submitted.json().path("processInstanceId").asText();
            JsonNode task = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> api.get("carol", "/engine-rest/task?processInstanceId=" + pi).json(), t -> t.size() > 0)
                    .get(0);
            assertThat(api.postJson("carol", "/engine-rest/task/" + task.path("id").asText() + "/complete",
                    "{\"variables\":{\"decision\":{\"value\":\"approve\"}}}").status()).isEqualTo(204);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                    .until(() -> count(api.get("alice", "/api/releases/" + id).json(), "MIGRATION_APPLIED") > 0);
            assertThat(count(api.get("alice", "/api/releases/" + id).json(), "ANALYSIS")).isZero();

            // when: killed between applying the migration and the first analysis
            rollguard.kill();
            rollguard.start();

            // then it rolls back; if the analysis after the restart had too little data, a release manager decides
            Api after = new Api(rollguard.baseUrl());
            JsonNode settled = await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(250))
                    .until(() -> after.get("alice", "/api/releases/" + id).json(),
                            r -> List.of("ROLLED_BACK", "ON_HOLD").contains(r.path("state").asText()));
            if (settled.path("state").asText().equals("ON_HOLD")) {
                JsonNode decide = after.get("frank", "/engine-rest/task?processInstanceId=" + pi).json().get(0);
                assertThat(after.postJson("frank", "/engine-rest/task/" + decide.path("id").asText() + "/complete",
                        "{\"variables\":{\"decision\":{\"value\":\"rollback\"}}}").status()).isEqualTo(204);
            }
            done = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .until(() -> after.get("alice", "/api/releases/" + id).json(),
                            r -> r.path("state").asText().equals("ROLLED_BACK"));
        }
        assertThat(countWith(done, "MIGRATION_APPLIED", "applied expenses-1.4.0-rename-description"))
                .as(done.path("history").toPrettyString()).isEqualTo(1);
        assertThat(countWith(done, "MIGRATION_ROLLED_BACK", "rolled back expenses-1.4.0-rename-description")).isEqualTo(1);
        assertThat(count(done, "RESTORATION_VERIFIED")).isEqualTo(1);
        assertThat(appDatabase.schema()).isEqualTo(schemaBefore);
        assertThat(appDatabase.rowChecksums("expense")).isEqualTo(rowsBefore);
        assertThat(TrafficGenerator.hit(rollguard.routerUrl("/expenses/expenses")).status()).isEqualTo(200);
    }

    private static long count(JsonNode release, String type) {
        return countWith(release, type, "");
    }

    private static long countWith(JsonNode release, String type, String detail) {
        long n = 0;
        for (JsonNode e : release.path("history")) {
            if (e.path("type").asText().equals(type) && e.path("detail").asText().contains(detail)) {
                n++;
            }
        }
        return n;
    }
}
