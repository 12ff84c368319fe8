package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.migration.MigrationService;
import io.rollguard.support.Api;
import io.rollguard.support.Browser;
import io.rollguard.support.Tasklist;
import io.rollguard.support.TrafficGenerator;

/**
 * Releases that change the expenses app's data model, end to end: real PostgreSQL for the
 * platform and for the app, real Node-RED slots whose flows read and write the app database,
 * real traffic through the built-in router.
 */
@TestPropertySource(properties = {"rollguard.migration.snapshot-retention=PT0S",
        // the tests sweep expired snapshots themselves, when they mean to
        "rollguard.migration.snapshot-sweep-initial-delay=PT10H", "rollguard.migration.snapshot-sweep=PT10H"})
class SchemaReleaseIT extends EndToEndTest {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        startInfrastructure(registry, "rollguard_it_schema");
    }

    @Autowired
    MigrationService migrations;

    /** alice submits a sample version with its changelog, carol (schema approver) approves it. */
    String submitSchemaChange(String version, String changelog) throws Exception {
        Api.Response submitted = submitExample(version, changelog);
        String pi = submitted.json().path("processInstanceId").asText();
        // bob is an approver but not of data model changes: the task is not his
        assertThat(tasks("bob", pi)).isEmpty();
        JsonNode task = awaitTask("carol", pi);
        assertThat(task.path("name").asText()).contains("schema-approver");
        // she decides on the dry run's report: proven reversible on a scratch copy before she was asked
        Api.Response report = api.get("carol", "/engine-rest/task/" + task.path("id").asText()
                + "/form-variables?variableNames=reversibilityReport");
        assertThat(report.json().path("reversibilityReport").path("value").asText()).as(report.body())
                .startsWith("PASSED in ").contains("rolled back in").contains("applied again in");
        assertThat(complete("carol", task.path("id").asText(), "approve", "").status()).isEqualTo(204);
        return submitted.json().path("id").asText();
    }

    /** As above, carol working in Tasklist: the approval form shows the risk and the dry run's report. */
    String submitSchemaChangeApprovedInTasklist(String version, String changelog) throws Exception {
        Api.Response submitted = submitExample(version, changelog);
        String id = submitted.json().path("id").asText();
        awaitTask("carol", submitted.json().path("processInstanceId").asText());
        WebDriver browser = Browser.start();
        try {
            Tasklist.signIn(browser, "http://127.0.0.1:" + port, "carol");
            Tasklist.openAndClaim(browser, "Approve expenses " + version + " as schema-approver");
            assertThat(Tasklist.field(browser, "Field_ReversibilityReport")).startsWith("PASSED in ")
                    .contains("schema and data after the rollback equal the copy before it");
            // nothing destructive here: that field is hidden, not shown empty
            assertThat(browser.findElements(By.cssSelector("[id$='Field_DestructiveChanges']"))).isEmpty();
            Tasklist.field(browser, "Field_ReversibilityReport");
            Browser.screenshot(browser, "tasklist-approve-schema-change-with-dry-run-report");
            Tasklist.approve(browser, "dry run passed, backfill checked");
            await().atMost(Duration.ofSeconds(30)).until(() -> hasEvent(release(id), "APPROVED", "dry run passed"));
        } finally {
            browser.quit();
        }
        return id;
    }

    /** alice submits the sample version with its flows and changelog; it is accepted. */
    Api.Response submitExample(String version, String changelog) throws Exception {
        var dir = EXAMPLES.resolve(version);
        Api.Response submitted = api.submit("alice", Files.readString(dir.resolve("release.yaml")), Map.of(
                "flows.json", Files.readAllBytes(dir.resolve("flows.json")),
                changelog, Files.readAllBytes(dir.resolve(changelog))));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        return submitted;
    }

    @Test
    void badSchemaReleaseFailsItsCanaryAndLeavesSchemaAndEveryRowAsBefore() throws Exception {
        // given expenses 1.0.0 on its baseline database, with some more records
        baseline("1.0.0");
        appDatabase.execute("insert into expense (description, amount, created_at) select 'Expense ' || i, i * 1.5, "
                + "timestamp with time zone '2025-02-01 10:00+00' + i * interval '1 hour' from generate_series(1, 200) i");
        String schemaBefore = appDatabase.schema();
        Map<Long, String> rowsBefore = appDatabase.rowChecksums("expense");

        JsonNode rolledBack;
        try (TrafficGenerator traffic = new TrafficGenerator(routerUrl("/expenses"), 4, Duration.ofMillis(40))) {
            // when the release that renames a column its flows still use goes out
            String id = submitSchemaChange("1.4.0", "changelog.yaml");

            // then its canary fails and everything is undone, the data model last
            rolledBack = waitForState(id, "ROLLED_BACK", Duration.ofSeconds(150));
        }
        assertThat(hasEvent(rolledBack, "MIGRATION_DRY_RUN", "PASSED")).isTrue();
        assertThat(hasEvent(rolledBack, "MIGRATION_APPLIED", "expenses-1.4.0-rename-description")).isTrue();
        assertThat(hasEvent(rolledBack, "ANALYSIS", "\"verdict\":\"FAILED\"")).isTrue();
        assertThat(hasEvent(rolledBack, "MIGRATION_ROLLED_BACK", "rolled back expenses-1.4.0-rename-description")).isTrue();
        assertThat(hasEvent(rolledBack, "RESTORATION_VERIFIED", "")).isTrue();
        assertThat(eventTime(rolledBack, "MIGRATION_ROLLED_BACK")).isAfter(eventTime(rolledBack, "CANARY_RESTORED"));

        assertThat(appDatabase.schema()).isEqualTo(schemaBefore);
        assertThat(appDatabase.rowChecksums("expense")).isEqualTo(rowsBefore);
        // the old version works against the restored data
        for (int i = 0; i < 20; i++) {
            TrafficGenerator.Hit hit = TrafficGenerator.hit(routerUrl("/expenses"));
            assertThat(hit.status()).isEqualTo(200);
            assertThat(hit.version()).isEqualTo("1.0.0");
        }
        // (the list shows the newest 100)
        assertThat(get(routerUrl("/expenses"))).contains("{\"id\":203,\"description\":\"Expense 200\",\"amount\":300,"
                + "\"createdAt\":\"2025-02-09T18:00:00.000Z\"}");
    }

    @Test
    void destructiveDropIsUndoneAndTheDroppedColumnsDataIsBackIdentical() throws Exception {
        // given records whose creation times are all different
        baseline("1.0.0");
        appDatabase.execute("insert into expense (description, amount, created_at) select 'Expense ' || i, i, "
                + "timestamp with time zone '2025-03-01 08:00+00' + i * interval '17 minutes' from generate_series(1, 100) i");
        String schemaBefore = appDatabase.schema();
        Map<Long, String> rowsBefore = appDatabase.rowChecksums("expense");

        // when the release that drops created_at is applied
        String id = submitSchemaChange("1.5.0", "changelog.sql");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> hasEvent(release(id), "TRAFFIC_SHIFTED", ""));
        JsonNode applied = release(id);
        assertThat(hasEvent(applied, "DATA_SNAPSHOT_TAKEN", "expense.created_at")).isTrue();
        assertThat(appDatabase.schema()).doesNotContain("expense.created_at");

        // and its requester aborts it
        Api.Response abort = api.post("alice", "/api/releases/" + id + "/abort");
        assertThat(abort.status()).as(abort.body()).isEqualTo(200);

        // then the column is back with every value it had
        JsonNode aborted = waitForState(id, "ABORTED", Duration.ofSeconds(60));
        assertThat(hasEvent(aborted, "MIGRATION_ROLLED_BACK", "restored data of expense.created_at")).isTrue();
        assertThat(hasEvent(aborted, "RESTORATION_VERIFIED", "")).isTrue();
        assertThat(appDatabase.schema()).isEqualTo(schemaBefore);
        assertThat(appDatabase.rowChecksums("expense")).isEqualTo(rowsBefore);

        // and once the retention (zero here) has passed, the copy is removed from the app database
        assertThat(appDatabase.tables()).anyMatch(t -> t.startsWith("rollguard_snap_"));
        migrations.dropExpiredSnapshots();
        assertThat(hasEvent(release(id), "DATA_SNAPSHOT_DROPPED", "")).isTrue();
        assertThat(appDatabase.tables()).noneMatch(t -> t.startsWith("rollguard_snap_"));
    }

    @Test
    void databaseThatDiffersAfterTheRollbackKeepsTheReleaseRollingBackWithAnIncidentAndATaskForTheReleaseManager()
            throws Exception {
        // given a schema change in its first canary step
        baseline("1.0.0");
        String id = submitSchemaChange("1.3.0", "changelog.yaml");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> hasEvent(release(id), "TRAFFIC_SHIFTED", ""));

        // when a row is written meanwhile and the release is then aborted
        appDatabase.execute("insert into expense (description, amount) values ('Written during the canary', 1)");
        assertThat(api.post("alice", "/api/releases/" + id + "/abort").status()).isEqualTo(200);

        // then the migration is rolled back, but the verification finds the extra row: an incident
        // names it, a release manager gets a task, and the release is not called aborted
        // (the verification and its repair task run in the releaseRestoration the lifecycle called)
        String lifecycle = release(id).path("processInstanceId").asText();
        String pi = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> api.get("admin", "/engine-rest/process-instance?superProcessInstance=" + lifecycle).json(),
                        p -> p.size() > 0)
                .get(0).path("id").asText();
        JsonNode incident = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> api.get("admin", "/engine-rest/incident?processInstanceId=" + pi).json(), i -> i.size() > 0)
                .get(0);
        assertThat(incident.path("activityId").asText()).isEqualTo("UserTask_RepairRestoration");
        assertThat(incident.path("incidentType").asText()).isEqualTo("restorationMismatch");
        assertThat(incident.path("incidentMessage").asText()).contains("database: table expense: 4 rows, were 3");
        JsonNode task = awaitTask("frank", pi);
        assertThat(task.path("name").asText()).isEqualTo("Repair the restoration of expenses 1.3.0");
        assertThat(api.get("frank", "/engine-rest/task/" + task.path("id").asText()
                + "/form-variables?variableNames=restorationDifferences").json().path("restorationDifferences")
                .path("value").asText()).isEqualTo("database: table expense: 4 rows, were 3");
        // it is release managers' work (in frank's Tasklist); nobody else has it in Tasklist or may complete it
        // (auditors and admins read every task, as they read everything)
        assertThat(tasksInMyGroupTasksFilter("frank")).contains(task.path("id").asText());
        for (String other : new String[] {"alice", "bob", "carol", "dave", "erin", "admin", "zoe", "ada"}) {
            assertThat(tasksInMyGroupTasksFilter(other)).as(other).doesNotContain(task.path("id").asText());
            assertThat(api.postJson(other, "/engine-rest/task/" + task.path("id").asText() + "/complete",
                    "{\"variables\":{\"comment\":{\"value\":\"done\"}}}").status()).as(other).isEqualTo(403);
        }
        JsonNode stuck = release(id);
        assertThat(stuck.path("state").asText()).isEqualTo("ROLLING_BACK");
        assertThat(hasEvent(stuck, "MIGRATION_ROLLED_BACK", "rolled back")).isTrue();
        assertThat(hasEvent(stuck, "RESTORATION_MISMATCH", "4 rows, were 3")).isTrue();
        assertThat(hasEvent(stuck, "RESTORATION_VERIFIED", "")).isFalse();

        // when frank says he repaired it but has not, the verification finds it again: a new task
        Api.Response refused = api.postJson("frank", "/engine-rest/task/" + task.path("id").asText() + "/complete",
                "{\"variables\":{\"comment\":{\"value\":\"\"}}}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.json().path("message").asText()).contains("comment is required");
        assertThat(api.postJson("frank", "/engine-rest/task/" + task.path("id").asText() + "/complete",
                "{\"variables\":{\"comment\":{\"value\":\"looked at it\"}}}").status()).isEqualTo(204);
        JsonNode again = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> tasks("frank", pi), t -> !t.isEmpty() && !t.get(0).path("id").equals(task.path("id")))
                .get(0);
        assertThat(release(id).path("state").asText()).isEqualTo("ROLLING_BACK");

        // when he removes the row written during the canary and says so in Tasklist, where the form
        // lists what differs
        appDatabase.execute("delete from expense where description = 'Written during the canary'");
        WebDriver browser = Browser.start();
        try {
            Tasklist.signIn(browser, "http://127.0.0.1:" + port, "frank");
            Tasklist.openAndClaim(browser, "Repair the restoration of expenses 1.3.0");
            assertThat(Tasklist.field(browser, "Field_RestorationDifferences"))
                    .isEqualTo("database: table expense: 4 rows, were 3");
            Browser.screenshot(browser, "tasklist-repair-restoration");
            Tasklist.complete(browser, "deleted the row written during the canary");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> hasEvent(release(id), "RESTORATION_REPAIRED", "deleted the row written during the canary"));
        } finally {
            browser.quit();
        }

        // then the release is verified and ends aborted, with his word in its history and no incident left
        JsonNode aborted = waitForState(id, "ABORTED", Duration.ofSeconds(30));
        assertThat(hasEvent(aborted, "RESTORATION_REPAIRED", "deleted the row written during the canary")).isTrue();
        assertThat(hasEvent(aborted, "RESTORATION_VERIFIED", "")).isTrue();
        assertThat(api.get("admin", "/engine-rest/incident?processInstanceId=" + pi).json()).isEmpty();
        assertThat(api.get("admin", "/engine-rest/incident?processInstanceId=" + lifecycle).json()).isEmpty();
    }

    @Test
    void goodSchemaReleaseIsPromotedAndItsBackfillIsServed() throws Exception {
        // given
        baseline("1.0.0");
        try (TrafficGenerator traffic = new TrafficGenerator(routerUrl("/expenses"), 4, Duration.ofMillis(40))) {
            // when carol approves it in Tasklist, with the dry run's report in front of her
            String id = submitSchemaChangeApprovedInTasklist("1.3.0", "changelog.yaml");

            // then
            JsonNode promoted = waitForState(id, "PROMOTED", Duration.ofSeconds(150));
            assertThat(hasEvent(promoted, "MIGRATION_APPLIED", "expenses-1.3.0-backfill-category")).isTrue();
            assertThat(traffic.hits()).anyMatch(h -> "1.3.0".equals(h.version()) && h.status() == 200);
        }
        assertThat(appDatabase.schema()).contains("expense.category character varying NO");
        String body = get(routerUrl("/expenses"));
        assertThat(body).contains("\"description\":\"Train ticket Berlin - Hamburg\",\"amount\":49.9,\"category\":\"travel\"")
                .contains("\"category\":\"meals\"");
    }

    @Test
    void promotedDestructiveReleaseRolledBackByTheReleaseManagerGetsItsColumnBackAndKeepsNewRecords()
            throws Exception {
        // given 1.5.0, which drops created_at, promoted over records with distinct creation times
        baseline("1.0.0");
        appDatabase.execute("insert into expense (description, amount, created_at) select 'Expense ' || i, i, "
                + "timestamp with time zone '2025-04-01 08:00+00' + i * interval '13 minutes' from generate_series(1, 100) i");
        String schemaBefore = appDatabase.schema();
        Map<Long, String> rowsBefore = appDatabase.rowChecksums("expense");
        String id;
        try (TrafficGenerator traffic = new TrafficGenerator(routerUrl("/expenses"), 4, Duration.ofMillis(40))) {
            id = submitSchemaChange("1.5.0", "changelog.sql");
            waitForState(id, "PROMOTED", Duration.ofSeconds(150));
        }
        assertThat(appDatabase.schema()).doesNotContain("expense.created_at");
        // and a user records an expense through the live 1.5.0
        assertThat(post(routerUrl("/expenses"), "{\"description\":\"Written while 1.5.0 was live\",\"amount\":7}"))
                .isEqualTo(201);

        // when the release manager rolls it back
        Api.Response rollback = api.post("frank", "/api/releases/" + id + "/rollback");
        assertThat(rollback.status()).as(rollback.body()).isEqualTo(200);

        // then the app goes back to 1.0.0 first, then its data model, and both are verified
        JsonNode rolledBack = waitForState(id, "ROLLED_BACK", Duration.ofSeconds(60));
        assertThat(hasEvent(rolledBack, "MIGRATION_ROLLED_BACK", "rolled back expenses-1.5.0-drop-created-at")).isTrue();
        assertThat(hasEvent(rolledBack, "MIGRATION_ROLLED_BACK", "restored data of expense.created_at")).isTrue();
        assertThat(eventTime(rolledBack, "MIGRATION_ROLLED_BACK")).isAfter(eventTime(rolledBack, "PREVIOUS_VERSION_RESTORED"));
        assertThat(hasEvent(rolledBack, "RESTORATION_VERIFIED", "with the data copied aside back in place")).isTrue();
        assertThat(appDatabase.schema()).isEqualTo(schemaBefore);
        // every record from before has its creation time back, identical; the new one is kept
        Map<Long, String> rowsAfter = appDatabase.rowChecksums("expense");
        assertThat(rowsAfter).containsAllEntriesOf(rowsBefore).hasSize(rowsBefore.size() + 1);
        String body = get(routerUrl("/expenses"));
        assertThat(body).contains("\"description\":\"Expense 100\",\"amount\":100,\"createdAt\":\"2025-04-02T05:40:00.000Z\"")
                .contains("Written while 1.5.0 was live");
        assertThat(TrafficGenerator.hit(routerUrl("/expenses")).version()).isEqualTo("1.0.0");
    }

    @Test
    void promotedDestructiveReleaseWhoseDataCopiesWereDroppedIsNotRolledBack() throws Exception {
        // given 1.5.0 promoted, and its retention (zero here) passed: the copy of created_at is gone
        baseline("1.0.0");
        String id;
        try (TrafficGenerator traffic = new TrafficGenerator(routerUrl("/expenses"), 4, Duration.ofMillis(40))) {
            id = submitSchemaChange("1.5.0", "changelog.sql");
            waitForState(id, "PROMOTED", Duration.ofSeconds(150));
        }
        migrations.dropExpiredSnapshots();
        assertThat(hasEvent(release(id), "DATA_SNAPSHOT_DROPPED", "")).isTrue();
        String schemaPromoted = appDatabase.schema();

        // when the release manager asks for a rollback
        Api.Response rollback = api.post("frank", "/api/releases/" + id + "/rollback");

        // then it is refused with the reason, and nothing changes
        assertThat(rollback.status()).as(rollback.body()).isEqualTo(409);
        assertThat(rollback.json().path("detail").asText()).contains("were dropped")
                .contains("changeset expenses-1.5.0-drop-created-at drops column expense.created_at");
        assertThat(release(id).path("state").asText()).isEqualTo("PROMOTED");
        assertThat(appDatabase.schema()).isEqualTo(schemaPromoted);
        assertThat(TrafficGenerator.hit(routerUrl("/expenses")).version()).isEqualTo("1.5.0");
    }

    private static int post(String url, String json) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static String get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
