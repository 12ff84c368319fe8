package io.rollguard.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.camunda.bpm.engine.HistoryService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.rollguard.support.Api;
import io.rollguard.support.AppRegistrations;
import io.rollguard.support.ExpensesDatabase;
import io.rollguard.support.NodeRedSlots;
import io.rollguard.support.PostgresDatabase;

/**
 * A hostile changelog through the real HTTP API, on PostgreSQL: refused at submission with a 400
 * problem naming the changeset and the reason, and nothing stored, nothing started.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false"})
@ActiveProfiles("postgres")
class HostileChangelogIT {

    static final Path V110 = NodeRedSlots.PROJECT.resolve("examples/expenses/1.1.0");
    static final ExpensesDatabase APP = ExpensesDatabase.create("rollguard_it_hostile_changelog_app");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresDatabase.register(registry, "rollguard_it_hostile_changelog");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    HistoryService history;
    Api api;

    @BeforeEach
    void registerApp() {
        api = new Api("http://127.0.0.1:" + port);
        Api.Response app = api.putJson("admin", "/api/apps/expenses", AppRegistrations.withoutSlots("1.0.0"));
        assertThat(app.status()).as(app.body()).isIn(200, 201);
        Api.Response database = api.putJson("admin", "/api/apps/expenses/database", AppRegistrations.database(APP.jdbcUrl()));
        assertThat(database.status()).as(database.body()).isIn(200, 201);
    }

    @Test
    void hostileChangelogIsRefusedAtSubmissionAndNothingIsStored() throws Exception {
        // given
        int releases = count("select count(*) from rg_release");
        int migrations = count("select count(*) from rg_release_migration");
        long processes = history.createHistoricProcessInstanceQuery().count();
        Path marker = Files.createTempDirectory("rollguard-hostile").resolve("pwned");
        String changelog = """
                databaseChangeLog:
                  - changeSet:
                      id: harmless
                      author: alice
                      changes:
                        - tagDatabase: { tag: v1 }
                  - changeSet:
                      id: add-category
                      author: alice
                      changes:
                        - addColumn: { tableName: expense, columns: [ { column: { name: category, type: varchar(32) } } ] }
                      rollback:
                        - executeCommand: { executable: /usr/bin/touch, args: [ { arg: { value: %s } } ] }
                """.formatted(marker);

        // when alice submits it
        String descriptor = Files.readString(V110.resolve("release.yaml")) + "schema:\n  changelog: changelog.yaml\n";
        Map<String, byte[]> files = new HashMap<>();
        files.put("flows.json", Files.readAllBytes(V110.resolve("flows.json")));
        files.put("changelog.yaml", changelog.getBytes());
        Api.Response r = api.submit("alice", descriptor, files);

        // then a 400 problem names the changeset and why, and nothing was stored or started
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.header("Content-Type")).contains("application/problem+json");
        assertThat(r.json().path("violations").get(0).path("path").asText()).isEqualTo("/schema/changelog");
        assertThat(r.json().path("violations").get(0).path("message").asText())
                .contains("changeset add-category (alice)").contains("executeCommand is not allowed");
        assertThat(r.body()).doesNotContain("at liquibase.").doesNotContain("/tmp/rollguard-changelog");
        assertThat(count("select count(*) from rg_release")).isEqualTo(releases);
        assertThat(count("select count(*) from rg_release_migration")).isEqualTo(migrations);
        assertThat(history.createHistoricProcessInstanceQuery().count()).isEqualTo(processes);
        assertThat(marker).doesNotExist();
    }

    private int count(String sql) {
        return jdbc.queryForObject(sql, Integer.class);
    }
}
