package io.rollguard.release.history;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;

import io.rollguard.release.ReleaseState;
import io.rollguard.release.StoredText;

/**
 * One thing that happened to a release, as the feature that did it records it through
 * {@link ReleaseHistory}. Each fact also says the type, actor and detail text stored beside it:
 * those texts are what the audit trail hashes, so they stay exactly what Rollguard stored for
 * the same situation before the history was typed (an existing chain keeps verifying, and an
 * export reads the same). Readers take the fields, never the text.
 * <p>
 * In JSON (the {@code fact} column, the API) a fact is an object whose {@code type} is the stored type.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
public sealed interface ReleaseFact {

    /** The stored type, also the fact's name in JSON. */
    default String type() {
        return getClass().getAnnotation(JsonTypeName.class).value();
    }

    /** Who did it; null when the platform did. */
    default String actor() {
        return null;
    }

    /** The stored text (the history clips it to {@link StoredText#MAX}); null for some facts. */
    String detail();

    /** An approver's decision on one required group's approval. */
    sealed interface ApprovalDecision extends ReleaseFact {
        String group();

        String user();

        /** Null when they gave none. */
        String comment();

        @Override
        default String actor() {
            return user();
        }

        @Override
        default String detail() {
            return decisionText(group(), comment());
        }
    }

    @JsonTypeName("SUBMITTED")
    record Submitted(String app, String version, String requester) implements ReleaseFact {
        @Override
        public String actor() {
            return requester;
        }

        @Override
        public String detail() {
            return app + " " + version;
        }
    }

    @JsonTypeName("APPROVED")
    record Approved(String group, String user, String comment) implements ApprovalDecision {
        public Approved {
            comment = blankToNull(comment);
        }
    }

    @JsonTypeName("REJECTED")
    record Rejected(String group, String user, String comment) implements ApprovalDecision {
        public Rejected {
            comment = blankToNull(comment);
        }
    }

    /** A state the release entered, with what the step that set it said ({@code note}, may be null). */
    @JsonTypeName("STATE")
    record StateChanged(ReleaseState state, String note) implements ReleaseFact {
        @Override
        public String detail() {
            return state.name() + (note == null ? "" : ": " + note);
        }
    }

    /**
     * The change classes the flows' diff against the stable slot gave evidence for (ids, e.g.
     * {@code integration}), and one line per piece of evidence, each starting with its class id
     * ({@code integration: adds http request to api.rates.example (node 'Get rates' on 'Expenses')}).
     * Recorded only when there is evidence.
     */
    @JsonTypeName("CHANGES_DERIVED")
    record ChangesDerived(List<String> classes, List<String> evidence) implements ReleaseFact {
        public ChangesDerived {
            classes = listOf(classes);
            evidence = listOf(evidence);
        }

        @Override
        public String detail() {
            return String.join("\n", evidence);
        }
    }

    /**
     * Why the release is high risk for its approvers and the approval policy: one line per added or
     * changed node the node policy marks high risk ({@code high-risk: changes func of function (node
     * 'Store' on 'Expenses'): the policy's reason}), and what of its changelog a rollback cannot simply
     * undo ({@code changeset x drops column expense.note}, several joined by "; "), null when nothing.
     * Recorded only when there is a reason.
     */
    @JsonTypeName("HIGH_RISK")
    record HighRiskFound(List<String> nodes, String destructiveChanges) implements ReleaseFact {
        static final String DESTRUCTIVE = "destructive: ";

        public HighRiskFound {
            nodes = listOf(nodes);
        }

        /** The node lines, then the destructive changes on one line of their own. */
        @Override
        public String detail() {
            List<String> lines = new ArrayList<>(nodes);
            if (destructiveChanges != null) {
                lines.add(DESTRUCTIVE + destructiveChanges);
            }
            return String.join("\n", lines);
        }
    }

    /** One preflight check; it passed when it found no problem. */
    @JsonTypeName("PREFLIGHT_CHECK")
    record PreflightChecked(String name, List<String> problems) implements ReleaseFact {
        public PreflightChecked {
            problems = listOf(problems);
        }

        public boolean passed() {
            return problems.isEmpty();
        }

        @Override
        public String detail() {
            return (passed() ? "PASSED " : "FAILED ") + name + (passed() ? "" : ": " + String.join("; ", problems));
        }
    }

    /** The migration dry run on a scratch copy: its phases, and what differed after the rollback (nothing: passed). */
    @JsonTypeName("MIGRATION_DRY_RUN")
    record MigrationDryRun(long millis, List<String> steps, List<String> differences) implements ReleaseFact {
        public MigrationDryRun {
            steps = listOf(steps);
            differences = listOf(differences);
        }

        public boolean passed() {
            return differences.isEmpty();
        }

        /** The phases and the outcome, one a line, as the approval form shows them. */
        public String report() {
            StringBuilder sb = new StringBuilder();
            steps.forEach(s -> sb.append(s).append('\n'));
            if (passed()) {
                sb.append("schema and data after the rollback equal the copy before it");
            } else {
                sb.append("after the rollback the copy differs from before: ").append(String.join("; ", differences));
            }
            return sb.toString();
        }

        @Override
        public String detail() {
            return (passed() ? "PASSED in " : "FAILED in ") + millis + " ms\n" + report();
        }
    }

    /** What both slots ran before the rollout (abbreviated flows hashes, "?" if not recorded) and the canary's weight. */
    @JsonTypeName("SLOTS_RECORDED")
    record SlotsRecorded(String stableHash, String canaryHash, int canaryWeight) implements ReleaseFact {
        @Override
        public String detail() {
            return "stable " + stableHash + ", canary " + canaryHash + ", canary weight " + canaryWeight + " %";
        }
    }

    /** Data a destructive change would lose, copied aside before the migration. */
    @JsonTypeName("DATA_SNAPSHOT_TAKEN")
    record DataSnapshotTaken(List<DataCopy> copies) implements ReleaseFact {
        public DataSnapshotTaken {
            copies = listOf(copies);
        }

        @Override
        public String detail() {
            return copies.stream().map(c -> c.source() + " -> " + c.copy()).collect(Collectors.joining(", "));
        }
    }

    /** A table (column null) or a column, and the table its data was copied to. */
    record DataCopy(String table, String column, String copy) {
        /** {@code table} or {@code table.column}. */
        public String source() {
            return column == null ? table : table + "." + column;
        }
    }

    /** What the migration engine said about the lock on the app's database. */
    @JsonTypeName("MIGRATION_LOCK")
    record MigrationLock(String note) implements ReleaseFact {
        @Override
        public String detail() {
            return note;
        }
    }

    @JsonTypeName("MIGRATION_APPLIED")
    record MigrationApplied(String tag, List<String> changeSets) implements ReleaseFact {
        public MigrationApplied {
            changeSets = listOf(changeSets);
        }

        @Override
        public String detail() {
            return "tag " + tag + "; "
                    + (changeSets.isEmpty() ? "nothing left to apply" : "applied " + String.join(", ", changeSets));
        }
    }

    /** Back to the tag; {@code restored} names the tables and columns ({@code table.column}) whose copied data came back. */
    @JsonTypeName("MIGRATION_ROLLED_BACK")
    record MigrationRolledBack(String tag, List<String> changeSets, List<String> restored) implements ReleaseFact {
        public MigrationRolledBack {
            changeSets = listOf(changeSets);
            restored = listOf(restored);
        }

        @Override
        public String detail() {
            return "back to tag " + tag + "; "
                    + (changeSets.isEmpty() ? "nothing left to roll back" : "rolled back " + String.join(", ", changeSets))
                    + (restored.isEmpty() ? "" : "; restored data of " + String.join(", ", restored));
        }
    }

    @JsonTypeName("DATA_SNAPSHOT_DROPPED")
    record DataSnapshotDropped(Duration retention) implements ReleaseFact {
        @Override
        public String detail() {
            return "retention of " + retention + " passed";
        }
    }

    /**
     * A flag changed through the app's flag store: by a release step, its restoration or the kill
     * switch ({@code actor} the release manager, else null: the platform), with the state before,
     * after and as the store read it back.
     */
    @JsonTypeName("FLAG_CHANGED")
    record FlagChanged(String flag, String before, String after, String readBack, String actor, String reason)
            implements ReleaseFact {
        @Override
        public String detail() {
            return "flag " + flag + ": " + before + " -> " + after + " (read back: " + readBack + ")"
                    + (reason == null ? "" : "; " + reason);
        }
    }

    @JsonTypeName("CANARY_DEPLOYED")
    record CanaryDeployed(String version) implements ReleaseFact {
        @Override
        public String detail() {
            return version;
        }
    }

    /** Step {@code step} (1 = first) took traffic: a weight in %, or (a tenant wave) the tenants pinned, weight null. */
    @JsonTypeName("TRAFFIC_SHIFTED")
    record TrafficShifted(int step, Integer weight, List<String> tenants) implements ReleaseFact {
        public static TrafficShifted toWeight(int step, int weight) {
            return new TrafficShifted(step, weight, null);
        }

        public static TrafficShifted toTenants(int step, List<String> tenants) {
            return new TrafficShifted(step, null, listOf(tenants));
        }

        @Override
        public String detail() {
            return tenants != null ? "step " + step + ": tenants " + String.join(", ", tenants) + " pinned to canary"
                    : "step " + step + ": " + weight + " % to canary";
        }
    }

    /**
     * One analysis run: the stored run ({@code run}, its full evidence is kept apart), the step, the
     * window it judged, verdict (PASSED, FAILED, INCONCLUSIVE) and reason. Entries from before runs
     * were stored apart may lack the run and window, and carry the per-metric results in
     * {@code metrics} instead; new runs leave {@code metrics} empty.
     */
    @JsonTypeName("ANALYSIS")
    record AnalysisRecorded(Long run, Integer step, Integer weight, Instant from, Instant to, String verdict,
            String reason, List<MetricOutcome> metrics) implements ReleaseFact {
        public AnalysisRecorded {
            // kept short enough that the detail stays a whole JSON text after the history clips it
            reason = reason == null || reason.length() <= StoredText.MAX / 2 ? reason
                    : reason.substring(0, StoredText.MAX / 2 - 3) + "...";
            metrics = listOf(metrics);
        }

        public static AnalysisRecorded of(long run, int step, int weight, Instant from, Instant to, String verdict,
                String reason) {
            return new AnalysisRecorded(run, step, weight, from, to, verdict, reason, List.of());
        }

        /** A JSON object of run, step, weight, from, to, verdict and reason, those that are set, in this order. */
        @Override
        public String detail() {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("run", run);
            entry.put("step", step);
            entry.put("weight", weight);
            entry.put("from", from == null ? null : from.toString());
            entry.put("to", to == null ? null : to.toString());
            entry.put("verdict", verdict);
            entry.put("reason", reason);
            entry.values().removeIf(v -> v == null);
            return FactJson.text(entry);
        }
    }

    /** One metric's result in an analysis entry from before runs were stored apart. */
    record MetricOutcome(String name, Double canary, Long canarySamples, Double baseline, Long baselineSamples,
            String verdict, String reason) {
    }

    /** A release manager's decision on a held analysis: continue or rollback. */
    @JsonTypeName("ANALYSIS_DECIDED")
    record AnalysisDecided(String user, String decision, String comment) implements ReleaseFact {
        public AnalysisDecided {
            comment = blankToNull(comment);
        }

        @Override
        public String actor() {
            return user;
        }

        @Override
        public String detail() {
            return decision + (comment == null ? "" : ": " + comment);
        }
    }

    /** A person asked for the release to stop or be undone; who asked is all the entry says. */
    sealed interface PersonsRequest extends ReleaseFact {
        String user();

        @Override
        default String actor() {
            return user();
        }

        @Override
        default String detail() {
            return null;
        }
    }

    @JsonTypeName("ABORT_REQUESTED")
    record AbortRequested(String user) implements PersonsRequest {
    }

    @JsonTypeName("ROLLBACK_REQUESTED")
    record RollbackRequested(String user) implements PersonsRequest {
    }

    @JsonTypeName("TRAFFIC_RESTORED")
    record TrafficRestored() implements ReleaseFact {
        @Override
        public String detail() {
            return "100 % to stable";
        }
    }

    /** The canary slot runs again what it ran before (abbreviated flows hash). */
    @JsonTypeName("CANARY_RESTORED")
    record CanaryRestored(String flowsHash) implements ReleaseFact {
        @Override
        public String detail() {
            return "back to " + flowsHash;
        }
    }

    @JsonTypeName("PREVIOUS_VERSION_RESTORED")
    record PreviousVersionRestored(String version) implements ReleaseFact {
        @Override
        public String detail() {
            return version + " is stable again";
        }
    }

    /** After a rollback the world differs from before, one difference a line. */
    @JsonTypeName("RESTORATION_MISMATCH")
    record RestorationMismatch(List<String> differences) implements ReleaseFact {
        public RestorationMismatch {
            differences = listOf(differences);
        }

        @Override
        public String detail() {
            return String.join("\n", differences);
        }
    }

    /** A release manager's word that they repaired what differed. */
    @JsonTypeName("RESTORATION_REPAIRED")
    record RestorationRepaired(String user, String comment) implements ReleaseFact {
        @Override
        public String actor() {
            return user;
        }

        @Override
        public String detail() {
            return comment;
        }
    }

    /** Nothing differs after the rollback; after a promotion the app database's structure and copied data are checked too. */
    @JsonTypeName("RESTORATION_VERIFIED")
    record RestorationVerified(boolean afterPromotion) implements ReleaseFact {
        static final String BEFORE_PROMOTION = "slots run what they ran before the release; all traffic on stable";
        static final String AFTER_PROMOTION = BEFORE_PROMOTION + "; the app database has its structure from before, "
                + "with the data copied aside back in place";

        @Override
        public String detail() {
            return afterPromotion ? AFTER_PROMOTION : BEFORE_PROMOTION;
        }
    }

    /**
     * A row written before the history was typed whose type or text this version does not know;
     * only ever read back (with its stored texts), never recorded.
     */
    @JsonTypeName("UNRECOGNIZED")
    record Unrecognized(String storedType, String actor, String detail) implements ReleaseFact {
        @Override
        public String type() {
            return storedType;
        }
    }

    private static String blankToNull(String comment) {
        return comment == null || comment.isBlank() ? null : comment;
    }

    private static String decisionText(String group, String comment) {
        return "as " + group + (comment == null ? "" : ": " + comment);
    }

    private static <T> List<T> listOf(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }
}
