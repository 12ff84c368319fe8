package io.rollguard.release.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.release.ReleaseState;
import io.rollguard.release.history.ReleaseFact.*;
import io.rollguard.support.Api;
import io.rollguard.support.PostgresDatabase;

/**
 * A database written by the version before the typed history (src/test/resources/history, made by
 * that version's SchemaReleaseIT on PostgreSQL: three schema releases of expenses, one rolled back
 * by its failed canary, one promoted and rolled back by a release manager, one promoted whose data
 * copies expired) is upgraded by this version's Liquibase: its audit chain still verifies, its
 * stored texts are untouched, and every old event reads back as the fact that wrote it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false"})
@ActiveProfiles("postgres")
class PreviousVersionHistoryIT {

    static final String FIXTURE = "/history/previous-version-postgres.sql";
    static final String FAILED_CANARY = "079a48ae-4ca1-480a-bd21-fa37e0661e07";
    static final String ROLLED_BACK_AFTER_PROMOTION = "9859d8ea-65b4-4e89-932f-d460f90696c6";
    static final String COPIES_EXPIRED = "c240bb97-5551-4c71-86b9-4bd7924c79cc";

    @DynamicPropertySource
    static void previousVersionsDatabase(DynamicPropertyRegistry registry) throws Exception {
        String url = PostgresDatabase.fresh("rollguard_it_previous_history");
        load(url);
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> PostgresDatabase.USER);
        registry.add("spring.datasource.password", () -> PostgresDatabase.PASSWORD);
        PostgresDatabase.dryRunProperties().forEach((key, value) -> registry.add(key, () -> value));
    }

    /** The dump as pg_dump wrote it, in one go (the driver splits the statements, dollar quotes included). */
    static void load(String url) throws IOException, SQLException {
        String dump;
        try (InputStream in = PreviousVersionHistoryIT.class.getResourceAsStream(FIXTURE)) {
            dump = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Connection c = DriverManager.getConnection(url, PostgresDatabase.USER, PostgresDatabase.PASSWORD);
                Statement s = c.createStatement()) {
            s.execute(dump);
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ReleaseHistory history;

    Api api() {
        return new Api("http://127.0.0.1:" + port);
    }

    @Test
    void theAuditChainThePreviousVersionWroteStillVerifies() {
        JsonNode verified = api().get("erin", "/api/audit/verify").json();

        assertThat(verified.path("ok").asBoolean()).as(verified.toString()).isTrue();
        assertThat(verified.path("checked").asLong()).isGreaterThanOrEqualTo(66)
                .isEqualTo(jdbc.queryForObject("select count(*) from rg_audit_entry", Long.class));
    }

    @Test
    void liquibaseGaveEveryOldRowItsFactOnceAndLeftItsTextsAsTheAuditTrailHashedThem() {
        assertThat(jdbc.queryForList("select id from databasechangelog where id like '070-%' order by id", String.class))
                .containsExactly("070-release-event-facts", "070-release-event-facts-of-earlier-rows");
        assertThat(jdbc.queryForObject("select count(*) from rg_release_event where fact is null", Long.class)).isZero();
        // the 66 old rows' texts, in order, are still those of the chain's entries written with them
        List<Map<String, Object>> events = jdbc.queryForList(
                "select type, actor, detail from rg_release_event where id <= 66 order by id");
        List<Map<String, Object>> entries = jdbc.queryForList(
                "select type, actor, detail from rg_audit_entry where seq <= 66 order by seq");
        assertThat(events).hasSize(66).isEqualTo(entries);
    }

    @Test
    void everyOldEventReadsBackAsTheFactThatWouldStoreExactlyItsTexts() {
        for (String release : List.of(FAILED_CANARY, ROLLED_BACK_AFTER_PROMOTION, COPIES_EXPIRED)) {
            for (ReleaseEvent e : history.of(release)) {
                assertThat(e.fact()).as(e.toString()).isNotInstanceOf(Unrecognized.class);
                assertThat(e.fact().type()).as(e.toString()).isEqualTo(e.type());
                assertThat(e.fact().actor()).as(e.toString()).isEqualTo(e.actor());
                assertThat(e.fact().detail()).as(e.toString()).isEqualTo(e.detail());
            }
        }
    }

    @Test
    void theFailedCanarysHistoryHasItsFieldsBack() {
        List<ReleaseFact> facts = facts(FAILED_CANARY);
        String tag = "rollguard-" + FAILED_CANARY;

        assertThat(facts.get(0)).isEqualTo(new Submitted("expenses", "1.4.0", "alice"));
        assertThat(facts).contains(new Approved("schema-approver", "carol", null),
                new StateChanged(ReleaseState.PREFLIGHT, null),
                new PreflightChecked("descriptor matches app", List.of()),
                new SlotsRecorded("b98821ca6608", "b98821ca6608", 0),
                new CanaryDeployed("1.4.0"),
                new DataSnapshotTaken(List.of()),
                new MigrationApplied(tag, List.of("expenses-1.4.0-rename-description")),
                TrafficShifted.toWeight(1, 20),
                new TrafficRestored(),
                new CanaryRestored("b98821ca6608"),
                new MigrationRolledBack(tag, List.of("expenses-1.4.0-rename-description"), List.of()),
                new RestorationVerified(false),
                new StateChanged(ReleaseState.ROLLED_BACK, null));
        // its (empty) data copies were swept when the last release's retention passed
        assertThat(facts.get(facts.size() - 1)).isEqualTo(new DataSnapshotDropped(Duration.ZERO));
        MigrationDryRun dryRun = one(facts, MigrationDryRun.class);
        assertThat(dryRun.passed()).isTrue();
        assertThat(dryRun.millis()).isEqualTo(2920);
        assertThat(dryRun.steps()).isNotEmpty();
        AnalysisRecorded analysis = one(facts, AnalysisRecorded.class);
        assertThat(analysis.run()).isEqualTo(1);
        assertThat(analysis.step()).isEqualTo(1);
        assertThat(analysis.weight()).isEqualTo(20);
        assertThat(analysis.verdict()).isEqualTo("FAILED");
        assertThat(analysis.reason()).startsWith("error-rate: 1 of 1 measurements failed");
        assertThat(Duration.between(analysis.from(), analysis.to())).isPositive();
    }

    @Test
    void theReleaseRolledBackAfterItsPromotionHasItsFieldsBack() {
        List<ReleaseFact> facts = facts(ROLLED_BACK_AFTER_PROMOTION);
        String tag = "rollguard-" + ROLLED_BACK_AFTER_PROMOTION;

        assertThat(facts).contains(new Submitted("expenses", "1.5.0", "alice"),
                new DataSnapshotTaken(List.of(new DataCopy("expense", "created_at", "rollguard_snap_9859d8ea_0"))),
                TrafficShifted.toWeight(2, 50),
                new StateChanged(ReleaseState.PROMOTED, "1.5.0 is stable"),
                new RollbackRequested("frank"),
                new PreviousVersionRestored("1.0.0"),
                new MigrationRolledBack(tag, List.of("expenses-1.5.0-drop-created-at"), List.of("expense.created_at")),
                new RestorationVerified(true));
        assertThat(facts.stream().filter(AnalysisRecorded.class::isInstance).map(f -> ((AnalysisRecorded) f).run()))
                .containsExactly(2L, 3L);
        assertThat(facts(COPIES_EXPIRED)).contains(new DataSnapshotDropped(Duration.ZERO));
    }

    @Test
    void theApiAndTheReleasePageShowTheOldHistoryThroughItsFacts() {
        JsonNode release = api().get("alice", "/api/releases/" + ROLLED_BACK_AFTER_PROMOTION).json();
        JsonNode rollback = null;
        for (JsonNode e : release.path("history")) {
            assertThat(e.path("fact").path("type").asText()).isEqualTo(e.path("type").asText());
            if (e.path("type").asText().equals("MIGRATION_ROLLED_BACK")) {
                rollback = e;
            }
        }
        assertThat(release.path("history")).hasSize(25);
        assertThat(rollback).isNotNull();
        assertThat(rollback.path("fact").path("restored").get(0).asText()).isEqualTo("expense.created_at");

        Api.Response page = api().get("alice", "/releases/" + ROLLED_BACK_AFTER_PROMOTION);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<td>carol</td><td>schema-approver</td>", "Step <span>2</span> at <span>50</span> %",
                "<strong>PREVIOUS_VERSION_RESTORED</strong>");
    }

    @Test
    void aNewEventOnAnOldReleaseLinksToTheOldChain() {
        // when a release manager's repair is recorded on the promoted release whose copies expired
        history.record(COPIES_EXPIRED, new RestorationRepaired("frank", "checked after the upgrade"));

        // then the chain, old entries and new, verifies
        JsonNode verified = api().get("erin", "/api/audit/verify").json();
        assertThat(verified.path("ok").asBoolean()).as(verified.toString()).isTrue();
        assertThat(verified.path("checked").asLong()).isEqualTo(
                jdbc.queryForObject("select count(*) from rg_audit_entry", Long.class));
        assertThat(facts(COPIES_EXPIRED)).endsWith(new RestorationRepaired("frank", "checked after the upgrade"));
    }

    List<ReleaseFact> facts(String release) {
        return history.of(release).stream().map(ReleaseEvent::fact).toList();
    }

    static <T extends ReleaseFact> T one(List<ReleaseFact> facts, Class<T> type) {
        List<T> found = facts.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }
}
