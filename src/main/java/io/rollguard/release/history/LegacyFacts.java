package io.rollguard.release.history;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.rollguard.release.ReleaseState;
import io.rollguard.release.history.ReleaseFact.AbortRequested;
import io.rollguard.release.history.ReleaseFact.AnalysisDecided;
import io.rollguard.release.history.ReleaseFact.AnalysisRecorded;
import io.rollguard.release.history.ReleaseFact.Approved;
import io.rollguard.release.history.ReleaseFact.CanaryDeployed;
import io.rollguard.release.history.ReleaseFact.CanaryRestored;
import io.rollguard.release.history.ReleaseFact.DataCopy;
import io.rollguard.release.history.ReleaseFact.DataSnapshotDropped;
import io.rollguard.release.history.ReleaseFact.DataSnapshotTaken;
import io.rollguard.release.history.ReleaseFact.MetricOutcome;
import io.rollguard.release.history.ReleaseFact.MigrationApplied;
import io.rollguard.release.history.ReleaseFact.MigrationDryRun;
import io.rollguard.release.history.ReleaseFact.MigrationLock;
import io.rollguard.release.history.ReleaseFact.MigrationRolledBack;
import io.rollguard.release.history.ReleaseFact.PreflightChecked;
import io.rollguard.release.history.ReleaseFact.PreviousVersionRestored;
import io.rollguard.release.history.ReleaseFact.Rejected;
import io.rollguard.release.history.ReleaseFact.RestorationMismatch;
import io.rollguard.release.history.ReleaseFact.RestorationRepaired;
import io.rollguard.release.history.ReleaseFact.RestorationVerified;
import io.rollguard.release.history.ReleaseFact.RollbackRequested;
import io.rollguard.release.history.ReleaseFact.SlotsRecorded;
import io.rollguard.release.history.ReleaseFact.StateChanged;
import io.rollguard.release.history.ReleaseFact.Submitted;
import io.rollguard.release.history.ReleaseFact.TrafficRestored;
import io.rollguard.release.history.ReleaseFact.TrafficShifted;
import io.rollguard.release.history.ReleaseFact.Unrecognized;

/**
 * The one reader of history rows written before facts were stored as JSON: from the stored type,
 * actor and detail back to the fact that produced them. Every format any earlier version wrote is
 * read here and nowhere else; a row it does not understand becomes {@link Unrecognized} with its
 * texts, so reading never fails. For every row the current code could have written,
 * {@code parse(type, actor, detail).detail()} is {@code detail} again.
 */
final class LegacyFacts {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SLOTS = Pattern.compile("stable (\\S*), canary (\\S*), canary weight (-?\\d+) %");
    private static final Pattern WEIGHT_SHIFT = Pattern.compile("step (\\d+): (\\d+) % to canary");
    private static final Pattern TENANT_SHIFT = Pattern.compile("step (\\d+): tenants (.*) pinned to canary", Pattern.DOTALL);
    private static final Pattern DRY_RUN = Pattern.compile("(PASSED|FAILED) in (\\d+) ms\n(.*)", Pattern.DOTALL);
    private static final String DRY_RUN_PASSED = "schema and data after the rollback equal the copy before it";
    private static final String DRY_RUN_FAILED = "after the rollback the copy differs from before: ";

    private LegacyFacts() {
    }

    static ReleaseFact parse(String type, String actor, String detail) {
        ReleaseFact fact;
        try {
            fact = known(type, actor, detail);
        } catch (RuntimeException unreadable) {
            fact = null;
        }
        return fact != null ? fact : new Unrecognized(type, actor, detail);
    }

    /** The fact, or null when the text is not one this type was ever written with. */
    private static ReleaseFact known(String type, String actor, String detail) {
        String text = detail == null ? "" : detail;
        return switch (type) {
            case "SUBMITTED" -> {
                int space = text.indexOf(' ');
                yield space < 0 ? null : new Submitted(text.substring(0, space), text.substring(space + 1), actor);
            }
            case "APPROVED", "REJECTED" -> {
                if (!text.startsWith("as ")) {
                    yield null;
                }
                String[] groupAndComment = splitOnce(text.substring(3), ": ");
                yield type.equals("APPROVED") ? new Approved(groupAndComment[0], actor, groupAndComment[1])
                        : new Rejected(groupAndComment[0], actor, groupAndComment[1]);
            }
            case "STATE" -> {
                String[] stateAndNote = splitOnce(text, ": ");
                yield new StateChanged(ReleaseState.valueOf(stateAndNote[0]), stateAndNote[1]);
            }
            case "PREFLIGHT_CHECK" -> preflight(text);
            case "MIGRATION_DRY_RUN" -> dryRun(text);
            case "SLOTS_RECORDED" -> {
                Matcher m = SLOTS.matcher(text);
                yield m.matches() ? new SlotsRecorded(m.group(1), m.group(2), Integer.parseInt(m.group(3))) : null;
            }
            case "DATA_SNAPSHOT_TAKEN" -> {
                List<DataCopy> copies = new ArrayList<>();
                for (String copy : text.isEmpty() ? List.<String>of() : Arrays.asList(text.split(", "))) {
                    String[] sourceAndCopy = splitOnce(copy, " -> ");
                    String[] tableAndColumn = splitOnce(sourceAndCopy[0], ".");
                    copies.add(new DataCopy(tableAndColumn[0], tableAndColumn[1], sourceAndCopy[1]));
                }
                yield new DataSnapshotTaken(copies);
            }
            case "MIGRATION_LOCK" -> new MigrationLock(detail);
            case "MIGRATION_APPLIED" -> {
                String[] tagAndRest = splitOnce(text.startsWith("tag ") ? text.substring(4) : null, "; ");
                String rest = tagAndRest[1];
                yield rest == null ? null : rest.equals("nothing left to apply") ? new MigrationApplied(tagAndRest[0], List.of())
                        : rest.startsWith("applied ") ? new MigrationApplied(tagAndRest[0], list(rest.substring(8), ", "))
                        : null;
            }
            case "MIGRATION_ROLLED_BACK" -> rolledBack(text);
            case "DATA_SNAPSHOT_DROPPED" -> text.startsWith("retention of ") && text.endsWith(" passed")
                    ? new DataSnapshotDropped(Duration.parse(text.substring(13, text.length() - 7))) : null;
            case "CANARY_DEPLOYED" -> new CanaryDeployed(detail);
            case "TRAFFIC_SHIFTED" -> {
                Matcher weight = WEIGHT_SHIFT.matcher(text);
                Matcher tenants = TENANT_SHIFT.matcher(text);
                yield weight.matches() ? TrafficShifted.toWeight(Integer.parseInt(weight.group(1)), Integer.parseInt(weight.group(2)))
                        : tenants.matches() ? TrafficShifted.toTenants(Integer.parseInt(tenants.group(1)), list(tenants.group(2), ", "))
                        : null;
            }
            case "ANALYSIS" -> analysis(text);
            case "ANALYSIS_DECIDED" -> {
                String[] decisionAndComment = splitOnce(text, ": ");
                yield new AnalysisDecided(actor, decisionAndComment[0], decisionAndComment[1]);
            }
            case "ABORT_REQUESTED" -> new AbortRequested(actor);
            case "ROLLBACK_REQUESTED" -> new RollbackRequested(actor);
            case "TRAFFIC_RESTORED" -> text.equals("100 % to stable") ? new TrafficRestored() : null;
            case "CANARY_RESTORED" -> text.startsWith("back to ") ? new CanaryRestored(text.substring(8)) : null;
            case "PREVIOUS_VERSION_RESTORED" -> text.endsWith(" is stable again")
                    ? new PreviousVersionRestored(text.substring(0, text.length() - 16)) : null;
            case "RESTORATION_MISMATCH" -> new RestorationMismatch(list(text, "\n"));
            case "RESTORATION_REPAIRED" -> new RestorationRepaired(actor, detail);
            // each evidence line starts with its class id; the classes are those, in order, once each
            case "CHANGES_DERIVED" -> {
                List<String> evidence = list(text, "\n");
                yield new ReleaseFact.ChangesDerived(evidence.stream().map(l -> l.substring(0, l.indexOf(':')))
                        .distinct().sorted().toList(), evidence);
            }
            case "HIGH_RISK" -> highRisk(text);
            case "RESTORATION_VERIFIED" -> text.equals(RestorationVerified.AFTER_PROMOTION) ? new RestorationVerified(true)
                    : text.equals(RestorationVerified.BEFORE_PROMOTION) ? new RestorationVerified(false) : null;
            default -> null;
        };
    }

    /** Node lines (each starts "high-risk: "), then maybe "destructive: " and the changelog's changes. */
    private static ReleaseFact highRisk(String text) {
        String marker = ReleaseFact.HighRiskFound.DESTRUCTIVE;
        int at = text.startsWith(marker) ? 0 : text.indexOf("\n" + marker);
        String nodes = at < 0 ? text : text.substring(0, at);
        String destructive = at < 0 ? null : text.substring(at == 0 ? marker.length() : at + 1 + marker.length());
        return new ReleaseFact.HighRiskFound(list(nodes, "\n"), destructive);
    }

    /** "PASSED name" or "FAILED name: problem; problem". */
    private static ReleaseFact preflight(String text) {
        if (text.startsWith("PASSED ")) {
            return new PreflightChecked(text.substring(7), List.of());
        }
        if (!text.startsWith("FAILED ")) {
            return null;
        }
        // the check's name has no ": " (names are fixed texts and paths); the problems follow the first one
        String[] nameAndProblems = splitOnce(text.substring(7), ": ");
        return nameAndProblems[1] == null ? null
                : new PreflightChecked(nameAndProblems[0], list(nameAndProblems[1], "; "));
    }

    /** "PASSED in N ms", then one step a line, then the outcome line. */
    private static ReleaseFact dryRun(String text) {
        Matcher m = DRY_RUN.matcher(text);
        if (!m.matches()) {
            return null;
        }
        boolean passed = m.group(1).equals("PASSED");
        String report = m.group(3);
        int last = report.lastIndexOf('\n');
        List<String> steps = last < 0 ? List.of() : Arrays.asList(report.substring(0, last).split("\n", -1));
        String outcome = report.substring(last + 1);
        if (passed && outcome.equals(DRY_RUN_PASSED)) {
            return new MigrationDryRun(Long.parseLong(m.group(2)), steps, List.of());
        }
        if (!passed && outcome.startsWith(DRY_RUN_FAILED)) {
            return new MigrationDryRun(Long.parseLong(m.group(2)), steps,
                    list(outcome.substring(DRY_RUN_FAILED.length()), "; "));
        }
        return null;
    }

    /** "back to tag T; rolled back A, B[; restored data of t.c, u]" or "...; nothing left to roll back[; ...]". */
    private static ReleaseFact rolledBack(String text) {
        if (!text.startsWith("back to tag ")) {
            return null;
        }
        String[] tagAndRest = splitOnce(text.substring(12), "; ");
        if (tagAndRest[1] == null) {
            return null;
        }
        String[] changesAndRestored = splitOnce(tagAndRest[1], "; restored data of ");
        String changes = changesAndRestored[0];
        List<String> restored = changesAndRestored[1] == null ? List.of() : list(changesAndRestored[1], ", ");
        if (changes.equals("nothing left to roll back")) {
            return new MigrationRolledBack(tagAndRest[0], List.of(), restored);
        }
        return changes.startsWith("rolled back ")
                ? new MigrationRolledBack(tagAndRest[0], list(changes.substring(12), ", "), restored) : null;
    }

    /**
     * The JSON object of run, step, weight, from, to, verdict and reason; the earliest entries were
     * the whole run with its metrics. A text that is not JSON (its writer's fallback) is the reason.
     */
    private static ReleaseFact analysis(String text) {
        JsonNode entry;
        try {
            entry = JSON.readTree(text);
        } catch (Exception notJson) {
            return new AnalysisRecorded(null, null, null, null, null, null, text, List.of());
        }
        if (entry == null || !entry.isObject()) {
            return new AnalysisRecorded(null, null, null, null, null, null, text, List.of());
        }
        List<MetricOutcome> metrics = new ArrayList<>();
        for (JsonNode m : entry.path("metrics")) {
            metrics.add(new MetricOutcome(textOf(m.get("name")), m.path("canary").isNumber() ? m.get("canary").asDouble() : null,
                    m.path("canarySamples").isNumber() ? m.get("canarySamples").asLong() : null,
                    m.path("baseline").isNumber() ? m.get("baseline").asDouble() : null,
                    m.path("baselineSamples").isNumber() ? m.get("baselineSamples").asLong() : null,
                    textOf(m.get("verdict")), textOf(m.get("reason"))));
        }
        return new AnalysisRecorded(entry.path("run").canConvertToLong() ? entry.get("run").asLong() : null,
                entry.path("step").canConvertToInt() ? entry.get("step").asInt() : null,
                entry.path("weight").canConvertToInt() ? entry.get("weight").asInt() : null,
                instant(entry.get("from")), instant(entry.get("to")), textOf(entry.get("verdict")),
                textOf(entry.get("reason")), metrics);
    }

    private static String textOf(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    private static Instant instant(JsonNode node) {
        try {
            return node != null && node.isTextual() ? Instant.parse(node.asText()) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** {before, after} the first {@code separator}, or {text, null} without one. */
    private static String[] splitOnce(String text, String separator) {
        if (text == null) {
            return new String[] {null, null};
        }
        int at = text.indexOf(separator);
        return at < 0 ? new String[] {text, null}
                : new String[] {text.substring(0, at), text.substring(at + separator.length())};
    }

    private static List<String> list(String joined, String separator) {
        return joined.isEmpty() ? List.of() : Arrays.asList(joined.split(Pattern.quote(separator), -1));
    }
}
