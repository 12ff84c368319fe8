package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static io.rollguard.support.ExpensesUntilApproval.V110;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.support.Api;
import io.rollguard.support.ExpensesUntilApproval;
import io.rollguard.support.AppRegistrations;
import io.rollguard.support.ExpensesDatabase;
import io.rollguard.support.PostgresDatabase;

/**
 * The app database in the registry, every role against it, and what submission refuses about a
 * changelog, on a real PostgreSQL. Nothing here gets past the approval step, so no Node-RED.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false"})
@ActiveProfiles("postgres")
class MigrationApiIT {

    static final ExpensesDatabase APP = ExpensesDatabase.create("rollguard_it_migration_api_app");
    static final String APP_DB = APP.jdbcUrl();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresDatabase.register(registry, "rollguard_it_migration_api");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    RuntimeService runtime;
    Api api;

    @BeforeEach
    void registerApp() {
        api = new Api("http://127.0.0.1:" + port);
        ExpensesUntilApproval.fresh(api, jdbc);
    }

    void registerDatabase() {
        Api.Response r = api.putJson("admin", "/api/apps/expenses/database", AppRegistrations.database(APP_DB));
        assertThat(r.status()).as(r.body()).isIn(200, 201);
    }

    int storedReleases() {
        return jdbc.queryForObject("select count(*) from rg_release", Integer.class);
    }

    Api.Response submitWithChangelog(String fileName, String changelog) throws Exception {
        String descriptor = Files.readString(V110.resolve("release.yaml")) + "schema:\n  changelog: " + fileName + "\n";
        Map<String, byte[]> files = new HashMap<>();
        files.put("flows.json", Files.readAllBytes(V110.resolve("flows.json")));
        files.put(fileName, changelog.getBytes());
        return api.submit("alice", descriptor, files);
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice", "bob", "carol", "dave", "erin", "frank", "zoe"})
    void onlyAdminsReadOrChangeAnAppDatabase(String user) {
        registerDatabase();
        assertThat(api.get(user, "/api/apps/expenses/database").status()).isEqualTo(403);
        Api.Response put = api.putJson(user, "/api/apps/expenses/database", AppRegistrations.database("jdbc:postgresql://127.0.0.1:1/x"));
        assertThat(put.status()).isEqualTo(403);
        assertThat(put.header("Content-Type")).contains("application/problem+json");
        assertThat(api.get(null, "/api/apps/expenses/database").status()).isEqualTo(401);
        assertThat(jdbc.queryForObject("select jdbc_url from rg_app_database where app_key = 'expenses'", String.class))
                .isEqualTo(APP_DB);
    }

    @ParameterizedTest
    @ValueSource(strings = {"admin", "ada"})
    void adminsRegisterAnAppDatabaseWhosePasswordIsNeverShown(String admin) {
        // when
        Api.Response put = api.putJson(admin, "/api/apps/expenses/database", AppRegistrations.database(APP_DB));

        // then
        assertThat(put.status()).as(put.body()).isIn(200, 201);
        Api.Response get = api.get(admin, "/api/apps/expenses/database");
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.json().path("jdbcUrl").asText()).isEqualTo(APP_DB);
        assertThat(get.json().path("passwordSet").asBoolean()).isTrue();
        assertThat(get.body()).doesNotContain("\"password\"");
    }

    @Test
    void invalidAppDatabaseRegistrationNamesEachFieldAndChangesNothing() {
        registerDatabase();
        Api.Response r = api.putJson("admin", "/api/apps/expenses/database", """
                {"jdbcUrl":"jdbc:h2:mem:x","username":" "}""");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("violations").findValuesAsText("path")).containsExactly("/jdbcUrl", "/username", "/password");
        assertThat(api.putJson("admin", "/api/apps/nosuchapp/database", AppRegistrations.database(APP_DB)).status()).isEqualTo(404);
        assertThat(jdbc.queryForObject("select jdbc_url from rg_app_database where app_key = 'expenses'", String.class))
                .isEqualTo(APP_DB);
    }

    @Test
    void changelogWithChangesetsThatCannotBeRolledBackIsRefusedWithTheirIdsAndNothingStored() throws Exception {
        // given
        registerDatabase();
        int before = storedReleases();
        int migrationsBefore = jdbc.queryForObject("select count(*) from rg_release_migration", Integer.class);

        // when
        Api.Response r = submitWithChangelog("changelog.yaml", """
                databaseChangeLog:
                  - changeSet:
                      id: add-category
                      author: alice
                      changes:
                        - addColumn: { tableName: expense, columns: [ { column: { name: category, type: varchar(32) } } ] }
                  - changeSet:
                      id: double-amounts
                      author: alice
                      changes:
                        - sql: { sql: "update expense set amount = amount * 2" }
                  - changeSet:
                      id: forget-old-ones
                      author: alice
                      changes:
                        - delete: { tableName: expense, where: "created_at < '2025-01-01'" }
                """);

        // then
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("Content-Type")).contains("application/problem+json");
        assertThat(r.json().path("violations").get(0).path("path").asText()).isEqualTo("/schema/changelog");
        assertThat(r.json().path("violations").get(0).path("message").asText())
                .contains("double-amounts, forget-old-ones").doesNotContain("add-category");
        assertThat(storedReleases()).isEqualTo(before);
        assertThat(jdbc.queryForObject("select count(*) from rg_release_migration", Integer.class)).isEqualTo(migrationsBefore);
    }

    @Test
    void changelogThatLiquibaseCannotReadIsRefusedWithTheReason() throws Exception {
        registerDatabase();
        int before = storedReleases();
        Api.Response r = submitWithChangelog("changelog.xml", "<databaseChangeLog><changeSet id=");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("violations").get(0).path("message").asText())
                .contains("changelog.xml is not a valid Liquibase changelog");
        assertThat(r.body()).doesNotContain("at liquibase.");
        assertThat(storedReleases()).isEqualTo(before);
    }

    @Test
    void schemaChangeForAnAppWithoutADatabaseIsRefused() throws Exception {
        jdbc.update("delete from rg_app_database");
        Api.Response r = submitWithChangelog("changelog.yaml", """
                databaseChangeLog:
                  - changeSet:
                      id: add-category
                      author: alice
                      changes:
                        - addColumn: { tableName: expense, columns: [ { column: { name: category, type: varchar(32) } } ] }
                """);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("violations").get(0).path("message").asText()).contains("has no database registered");
    }

    /**
     * Waits for the release to fail its dry run, which comes before any approval: no approver was
     * ever asked (no task in Camunda's history either). Returns the release with its history.
     */
    JsonNode awaitFailedBeforeApproval(Api.Response submitted) {
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        String id = submitted.json().path("id").asText();
        String pi = submitted.json().path("processInstanceId").asText();
        JsonNode release = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> api.get("erin", "/api/releases/" + id).json(),
                        r -> r.path("state").asText().equals("PREFLIGHT_FAILED"));
        assertThat(api.get("erin", "/engine-rest/history/task?processInstanceId=" + pi).json()).isEmpty();
        return release;
    }

    static String dryRunReport(JsonNode release) {
        for (JsonNode e : release.path("history")) {
            if (e.path("type").asText().equals("MIGRATION_DRY_RUN")) {
                return e.path("detail").asText();
            }
        }
        throw new AssertionError("no MIGRATION_DRY_RUN event: " + release.toPrettyString());
    }

    @Test
    void preflightFailsARollbackThatLeavesStructureBehindAndNamesItInTheRelease() throws Exception {
        // given
        registerDatabase();
        String liveBefore = APP.schema();

        // when a changeset's rollback forgets the index it created
        JsonNode release = awaitFailedBeforeApproval(submitWithChangelog("changelog.yaml", """
                databaseChangeLog:
                  - changeSet:
                      id: index-amount
                      author: alice
                      changes:
                        - createIndex: { tableName: expense, indexName: ix_expense_amount, columns: [ { column: { name: amount } } ] }
                      rollback:
                        - sql: { sql: "select 1" }
                """));

        // then the report, readable by an auditor through the API, names the index
        assertThat(dryRunReport(release)).startsWith("FAILED")
                .contains("table expense: index ix_expense_amount CREATE INDEX ix_expense_amount ON expense USING btree (amount) is new");
        assertThat(APP.schema()).isEqualTo(liveBefore);
        assertThat(APP.tables()).containsExactly("databasechangelog", "databasechangeloglock", "expense");
    }

    @Test
    void preflightFailsARollbackThatLosesDataAndNamesTheTable() throws Exception {
        // given
        registerDatabase();
        var rowsBefore = APP.rowChecksums("expense");

        // when a changeset's rollback does not undo what it did to the rows
        JsonNode release = awaitFailedBeforeApproval(submitWithChangelog("changelog.yaml", """
                databaseChangeLog:
                  - changeSet:
                      id: round-amounts
                      author: alice
                      changes:
                        - sql: { sql: "update expense set amount = round(amount) where amount > 10" }
                      rollback:
                        - sql: { sql: "select 1" }
                """));

        // then the report names the table whose rows differ, and the live rows were never touched
        assertThat(dryRunReport(release)).startsWith("FAILED").contains("table expense: row contents differ");
        assertThat(APP.rowChecksums("expense")).isEqualTo(rowsBefore);
    }

    @Test
    void destructiveChangeIsAcceptedAsAHighRiskSchemaChange() throws Exception {
        // given
        registerDatabase();

        // when a changelog drops a column (with a rollback that recreates it)
        Api.Response r = submitWithChangelog("changelog.sql", """
                --liquibase formatted sql
                --changeset alice:drop-created-at
                alter table expense drop column created_at;
                --rollback alter table expense add column created_at timestamp with time zone not null default now();
                """);

        // then, once proven reversible on a scratch copy, it waits for a schema approver who sees the
        // risk and the dry run's report
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String pi = r.json().path("processInstanceId").asText();
        api.awaitFirstStep(pi);
        assertThat(runtime.getVariable(pi, "changeClasses")).isEqualTo("schema");
        assertThat(runtime.getVariable(pi, "risk")).isEqualTo("high");
        assertThat((String) runtime.getVariable(pi, "destructiveChanges"))
                .isEqualTo("changeset drop-created-at drops column expense.created_at");
        JsonNode task = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> api.get("carol", "/engine-rest/task?processInstanceId=" + pi).json(), t -> t.size() > 0)
                .get(0);
        assertThat(task.path("name").asText()).contains("schema-approver");
        // the approver reads the changelog itself and, parsed, what each change does
        assertThat((String) runtime.getVariable(pi, "changelogText")).startsWith("changelog.sql:\n--liquibase formatted sql")
                .contains("alter table expense drop column created_at;");
        assertThat((String) runtime.getVariable(pi, "changelogChanges")).isEqualTo("changeset drop-created-at (alice): "
                + "sql: alter table expense drop column created_at; -- HIGH RISK, drops column expense.created_at; "
                + "copied aside before it runs, restored by a rollback");
        Api.Response report = api.get("carol", "/engine-rest/task/" + task.path("id").asText()
                + "/form-variables?variableNames=reversibilityReport,risk");
        assertThat(report.status()).as(report.body()).isEqualTo(200);
        assertThat(report.json().path("risk").path("value").asText()).isEqualTo("high");
        assertThat(report.json().path("reversibilityReport").path("value").asText()).startsWith("PASSED in ")
                .contains("copied aside what destructive changes remove: [expense.created_at]")
                .contains("schema and data after the rollback equal the copy before it");
        assertThat(List.of(jdbc.queryForObject("select file_name from rg_release_migration where release_id = ?",
                String.class, r.json().path("id").asText()))).containsExactly("changelog.sql");
        // and why it is high risk is in its history and so in the audit trail, as the destructive change
        assertThat(jdbc.queryForList("select detail from rg_audit_entry where release_id = ? and type = 'HIGH_RISK'",
                String.class, r.json().path("id").asText()))
                .singleElement().asString().endsWith("destructive: changeset drop-created-at drops column expense.created_at");
    }
}
