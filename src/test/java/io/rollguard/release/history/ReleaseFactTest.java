package io.rollguard.release.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.rollguard.release.ReleaseState;
import io.rollguard.release.StoredText;
import io.rollguard.release.history.ReleaseFact.*;

/**
 * Each fact stores exactly the type, actor and detail the code before the typed history wrote for
 * the same situation (the expected texts are that code's formatting, written out), the one legacy
 * reader gets the fact back from those texts, and the JSON column holds it whole.
 */
class ReleaseFactTest {

    static final Instant FROM = Instant.parse("2026-12-02T00:53:34.285Z");
    static final Instant TO = Instant.parse("2026-12-02T00:53:42.721306917Z");

    static Stream<Arguments> facts() {
        return Stream.of(
                // ReleaseService: d.app() + " " + d.version(), by the requester
                Arguments.of(new Submitted("expenses", "1.4.0", "alice"), "SUBMITTED", "alice", "expenses 1.4.0"),
                // RecordApprovalListener: "as " + group + (blank comment ? "" : ": " + comment)
                Arguments.of(new Approved("schema-approver", "carol", null), "APPROVED", "carol", "as schema-approver"),
                Arguments.of(new Approved("approver", "bob", "fine: ship it"), "APPROVED", "bob", "as approver: fine: ship it"),
                Arguments.of(new Rejected("integration-approver", "dave", "webhook points at prod"), "REJECTED", "dave",
                        "as integration-approver: webhook points at prod"),
                // ReleaseStates: state.name() + (detail == null ? "" : ": " + detail)
                Arguments.of(new StateChanged(ReleaseState.PREFLIGHT, null), "STATE", null, "PREFLIGHT"),
                Arguments.of(new StateChanged(ReleaseState.PROMOTED, "1.5.0 is stable"), "STATE", null,
                        "PROMOTED: 1.5.0 is stable"),
                // ValidateDescriptorDelegate: the evidence the flows' diff gave, one line each, each starting with its class
                Arguments.of(new ChangesDerived(List.of("integration"), List.of(
                        "integration: adds http request to api.rates.example (node 'Get rates' on 'Expenses')",
                        "integration: changes url of http request to api.rates.example (node 'Post it' on 'Expenses')")),
                        "CHANGES_DERIVED", null, "integration: adds http request to api.rates.example (node 'Get rates' "
                                + "on 'Expenses')\nintegration: changes url of http request to api.rates.example "
                                + "(node 'Post it' on 'Expenses')"),
                // ValidateDescriptorDelegate: why the release is high risk, the nodes' lines then the changelog's
                Arguments.of(new HighRiskFound(List.of(
                        "high-risk: changes func of function (node 'Store' on 'Expenses'): the code uses a database client (line 3)",
                        "high-risk: adds function (node 'Shell' on 'Expenses'): the code uses child_process (line 1)"),
                        "changeset 1.2.0-a drops column expense.note; changeset 1.2.0-b deletes every row of audit_log"),
                        "HIGH_RISK", null, "high-risk: changes func of function (node 'Store' on 'Expenses'): the code uses "
                                + "a database client (line 3)\nhigh-risk: adds function (node 'Shell' on 'Expenses'): the "
                                + "code uses child_process (line 1)\ndestructive: changeset 1.2.0-a drops column expense.note; "
                                + "changeset 1.2.0-b deletes every row of audit_log"),
                Arguments.of(new HighRiskFound(List.of(), "changeset 1.2.0-a drops table expense"), "HIGH_RISK", null,
                        "destructive: changeset 1.2.0-a drops table expense"),
                Arguments.of(new HighRiskFound(List.of("high-risk: adds function (node 'Shell' on 'Expenses'): "
                        + "the code uses child_process (line 1)"), null), "HIGH_RISK", null,
                        "high-risk: adds function (node 'Shell' on 'Expenses'): the code uses child_process (line 1)"),
                // PreflightDelegates: (PASSED|FAILED) + " " + name + (problems ? ": " + join("; ") : "")
                Arguments.of(new PreflightChecked("smoke request GET /health -> 200", List.of()), "PREFLIGHT_CHECK", null,
                        "PASSED smoke request GET /health -> 200"),
                Arguments.of(new PreflightChecked("descriptor matches app", List.of("app is expenses, not payroll",
                        "flag beta unknown")), "PREFLIGHT_CHECK", null,
                        "FAILED descriptor matches app: app is expenses, not payroll; flag beta unknown"),
                // ReversibilityProof.summary(): verdict, time, one step a line, outcome
                Arguments.of(new MigrationDryRun(2920, List.of("copied 1 tables with 203 rows", "applied in 526 ms"), List.of()),
                        "MIGRATION_DRY_RUN", null, "PASSED in 2920 ms\ncopied 1 tables with 203 rows\napplied in 526 ms\n"
                                + "schema and data after the rollback equal the copy before it"),
                Arguments.of(new MigrationDryRun(977, List.of("applied in 12 ms"), List.of("table expense: 3 rows, were 4",
                        "column expense.note is missing")), "MIGRATION_DRY_RUN", null, "FAILED in 977 ms\napplied in 12 ms\n"
                                + "after the rollback the copy differs from before: table expense: 3 rows, were 4; "
                                + "column expense.note is missing"),
                // RolloutService.recordStateBefore
                Arguments.of(new SlotsRecorded("b98821ca6608", "?", 0), "SLOTS_RECORDED", null,
                        "stable b98821ca6608, canary ?, canary weight 0 %"),
                // MigrationService.apply: (column == null ? table : table.column) + " -> " + copy, joined ", "
                Arguments.of(new DataSnapshotTaken(List.of(new DataCopy("expense", "created_at", "rollguard_snap_9859d8ea_0"),
                        new DataCopy("audit_log", null, "rollguard_snap_9859d8ea_1"))), "DATA_SNAPSHOT_TAKEN", null,
                        "expense.created_at -> rollguard_snap_9859d8ea_0, audit_log -> rollguard_snap_9859d8ea_1"),
                Arguments.of(new DataSnapshotTaken(List.of()), "DATA_SNAPSHOT_TAKEN", null, ""),
                Arguments.of(new MigrationLock("waited 2 s for the lock held by rollguard-1"), "MIGRATION_LOCK", null,
                        "waited 2 s for the lock held by rollguard-1"),
                // "tag " + tag + "; " + (none ? "nothing left to apply" : "applied " + join(", "))
                Arguments.of(new MigrationApplied("rollguard-079a48ae", List.of("expenses-1.4.0-rename-description")),
                        "MIGRATION_APPLIED", null, "tag rollguard-079a48ae; applied expenses-1.4.0-rename-description"),
                Arguments.of(new MigrationApplied("rollguard-079a48ae", List.of()), "MIGRATION_APPLIED", null,
                        "tag rollguard-079a48ae; nothing left to apply"),
                // "back to tag " + tag + "; " + (none ? "nothing left to roll back" : "rolled back " + join) + restored
                Arguments.of(new MigrationRolledBack("rollguard-9859d8ea", List.of("a-1", "a-2"), List.of("expense.created_at",
                        "audit_log")), "MIGRATION_ROLLED_BACK", null, "back to tag rollguard-9859d8ea; rolled back a-1, a-2; "
                                + "restored data of expense.created_at, audit_log"),
                Arguments.of(new MigrationRolledBack("rollguard-9859d8ea", List.of(), List.of()), "MIGRATION_ROLLED_BACK", null,
                        "back to tag rollguard-9859d8ea; nothing left to roll back"),
                Arguments.of(new DataSnapshotDropped(Duration.ofDays(7)), "DATA_SNAPSHOT_DROPPED", null,
                        "retention of PT168H passed"),
                Arguments.of(new CanaryDeployed("1.4.0"), "CANARY_DEPLOYED", null, "1.4.0"),
                // "step " + n + ": " + weight + " % to canary" / ": tenants " + join(", ") + " pinned to canary"
                Arguments.of(TrafficShifted.toWeight(2, 50), "TRAFFIC_SHIFTED", null, "step 2: 50 % to canary"),
                Arguments.of(TrafficShifted.toTenants(1, List.of("acme", "globex")), "TRAFFIC_SHIFTED", null,
                        "step 1: tenants acme, globex pinned to canary"),
                // AnalysisDelegates.historyEntry: the application's JSON of {run, step, weight, from, to, verdict, reason}
                Arguments.of(AnalysisRecorded.of(1, 1, 20, FROM, TO, "FAILED", "error-rate: 1 of 1 measurements failed"),
                        "ANALYSIS", null, "{\"run\":1,\"step\":1,\"weight\":20,\"from\":\"2026-12-02T00:53:34.285Z\","
                                + "\"to\":\"2026-12-02T00:53:42.721306917Z\",\"verdict\":\"FAILED\","
                                + "\"reason\":\"error-rate: 1 of 1 measurements failed\"}"),
                // (the application's mapper leaves null values out: spring.jackson.default-property-inclusion)
                Arguments.of(AnalysisRecorded.of(3, 2, 50, FROM, TO, "INCONCLUSIVE", null), "ANALYSIS", null,
                        "{\"run\":3,\"step\":2,\"weight\":50,\"from\":\"2026-12-02T00:53:34.285Z\","
                                + "\"to\":\"2026-12-02T00:53:42.721306917Z\",\"verdict\":\"INCONCLUSIVE\"}"),
                Arguments.of(new AnalysisDecided("frank", "rollback", "too little traffic to tell"), "ANALYSIS_DECIDED", "frank",
                        "rollback: too little traffic to tell"),
                Arguments.of(new AnalysisDecided("frank", "continue", null), "ANALYSIS_DECIDED", "frank", "continue"),
                Arguments.of(new AbortRequested("alice"), "ABORT_REQUESTED", "alice", null),
                Arguments.of(new RollbackRequested("frank"), "ROLLBACK_REQUESTED", "frank", null),
                Arguments.of(new TrafficRestored(), "TRAFFIC_RESTORED", null, "100 % to stable"),
                Arguments.of(new CanaryRestored("b98821ca6608"), "CANARY_RESTORED", null, "back to b98821ca6608"),
                Arguments.of(new PreviousVersionRestored("1.0.0"), "PREVIOUS_VERSION_RESTORED", null, "1.0.0 is stable again"),
                // VerifyRestorationDelegate: the differences, one a line
                Arguments.of(new RestorationMismatch(List.of("database: table expense: 4 rows, were 3", "canary runs 1.3.0")),
                        "RESTORATION_MISMATCH", null, "database: table expense: 4 rows, were 3\ncanary runs 1.3.0"),
                Arguments.of(new RestorationRepaired("frank", "deleted the row written during the canary"),
                        "RESTORATION_REPAIRED", "frank", "deleted the row written during the canary"),
                Arguments.of(new RestorationVerified(false), "RESTORATION_VERIFIED", null,
                        "slots run what they ran before the release; all traffic on stable"),
                Arguments.of(new RestorationVerified(true), "RESTORATION_VERIFIED", null,
                        "slots run what they ran before the release; all traffic on stable; the app database has its "
                                + "structure from before, with the data copied aside back in place"));
    }

    /** Facts that came after the fact column: every row of them has its JSON, so no legacy text needs parsing. */
    static Stream<Arguments> factsSinceTheFactColumn() {
        return Stream.of(
                Arguments.of(new ReleaseFact.FlagChanged("expenses-csv-export", "absent", "on for 20 % (new variant on, "
                        + "default off)", "on for 20 % (new variant on, default off)", null, "release step 1"),
                        "FLAG_CHANGED", null, "flag expenses-csv-export: absent -> on for 20 % (new variant on, default "
                                + "off) (read back: on for 20 % (new variant on, default off)); release step 1"),
                Arguments.of(new ReleaseFact.FlagChanged("expenses-csv-export", "on", "off", "off", "frank",
                        "kill switch: leaks a column"), "FLAG_CHANGED", "frank",
                        "flag expenses-csv-export: on -> off (read back: off); kill switch: leaks a column"));
    }

    @ParameterizedTest
    @MethodSource("factsSinceTheFactColumn")
    void aNewerFactStoresItsTextsAndKeepsEveryFieldInItsJson(ReleaseFact fact, String type, String actor, String detail) {
        storesTheTypeActorAndDetailThePreviousVersionWrote(fact, type, actor, detail);
        theFactColumnKeepsEveryFieldUnderItsType(fact, type, actor, detail);
    }

    @ParameterizedTest
    @MethodSource("facts")
    void storesTheTypeActorAndDetailThePreviousVersionWrote(ReleaseFact fact, String type, String actor, String detail) {
        assertThat(fact.type()).isEqualTo(type);
        assertThat(fact.actor()).isEqualTo(actor);
        assertThat(fact.detail()).isEqualTo(detail);
    }

    @ParameterizedTest
    @MethodSource("facts")
    void theLegacyReaderGetsTheFactBackFromItsStoredTexts(ReleaseFact fact, String type, String actor, String detail) {
        assertThat(LegacyFacts.parse(type, actor, detail)).isEqualTo(fact);
    }

    @ParameterizedTest
    @MethodSource("facts")
    void theFactColumnKeepsEveryFieldUnderItsType(ReleaseFact fact, String type, String actor, String detail) {
        String json = FactJson.write(fact);
        assertThat(json).startsWith("{\"type\":\"" + type + "\"");
        assertThat(FactJson.read(json)).isEqualTo(fact);
    }

    @Test
    void everyKindOfFactIsCoveredAboveAndHasItsOwnType() {
        Set<Class<?>> covered = Stream.concat(facts(), factsSinceTheFactColumn()).map(a -> a.get()[0].getClass())
                .collect(Collectors.toSet());
        List<Class<?>> all = FactJson.facts(ReleaseFact.class);
        assertThat(all).hasSize(28);
        assertThat(covered).containsAll(all.stream().filter(c -> c != Unrecognized.class).toList());
        assertThat(Stream.concat(facts(), factsSinceTheFactColumn()).map(a -> (String) a.get()[1]).distinct()).hasSize(27);
    }

    @Test
    void aBlankCommentIsNoComment() {
        assertThat(new Approved("approver", "bob", "  ").detail()).isEqualTo("as approver");
        assertThat(new AnalysisDecided("frank", "continue", "").detail()).isEqualTo("continue");
    }

    @Test
    void aLongAnalysisReasonIsClippedSoTheDetailStaysWholeJson() {
        AnalysisRecorded run = AnalysisRecorded.of(1, 1, 20, FROM, TO, "FAILED", "x".repeat(StoredText.MAX));
        assertThat(run.reason()).hasSize(StoredText.MAX / 2).endsWith("x...");
        assertThat(StoredText.clip(run.detail())).isEqualTo(run.detail()).endsWith("x...\"}");
    }

    @Test
    void analysisEntriesOfTheFirstVersionsWereTheWholeRunAndKeepTheirMetrics() {
        // given an entry as the walking skeleton wrote it: the run itself, without a run id
        String whole = "{\"step\":1,\"weight\":20,\"from\":\"2026-12-02T00:53:34.285Z\",\"to\":\"2026-12-02T00:53:42.721306917Z\","
                + "\"verdict\":\"PASSED\",\"reason\":\"all metrics within limits\",\"metrics\":[{\"name\":\"error-rate\","
                + "\"source\":\"builtin\",\"query\":\"error-ratio\",\"canarySamples\":40,\"canary\":0.0,"
                + "\"baselineSamples\":160,\"baseline\":0.01,\"verdict\":\"PASSED\",\"reason\":\"within 0.05\"}]}";

        // when
        ReleaseFact fact = LegacyFacts.parse("ANALYSIS", null, whole);

        // then
        assertThat(fact).isEqualTo(new AnalysisRecorded(null, 1, 20, FROM, TO, "PASSED", "all metrics within limits",
                List.of(new MetricOutcome("error-rate", 0.0, 40L, 0.01, 160L, "PASSED", "within 0.05"))));
    }

    @Test
    void anAnalysisEntryThatIsNotJsonIsItsReason() {
        assertThat(LegacyFacts.parse("ANALYSIS", null, "FAILED: provider down"))
                .isEqualTo(new AnalysisRecorded(null, null, null, null, null, null, "FAILED: provider down", List.of()));
    }

    @Test
    void aRowNoVersionWroteIsKeptAsUnrecognizedWithItsTexts() {
        assertThat(LegacyFacts.parse("NOTE", "mallory", "hello")).isEqualTo(new Unrecognized("NOTE", "mallory", "hello"));
        ReleaseFact unknownState = LegacyFacts.parse("STATE", null, "HIBERNATING: sleeping");
        assertThat(unknownState).isEqualTo(new Unrecognized("STATE", null, "HIBERNATING: sleeping"));
        assertThat(unknownState.type()).isEqualTo("STATE");
        assertThat(unknownState.detail()).isEqualTo("HIBERNATING: sleeping");
        assertThat(LegacyFacts.parse("TRAFFIC_SHIFTED", null, "half of it")).isInstanceOf(Unrecognized.class);
        assertThat(FactJson.read(FactJson.write(unknownState))).isEqualTo(unknownState);
    }

    @Test
    void anUnrecognizedFactIsNeverRecorded() {
        ReleaseHistory history = new ReleaseHistory(null, null);
        assertThatThrownBy(() -> history.record("r1", new Unrecognized("NOTE", null, "free text")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
