package io.rollguard.release;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A release's history sorted into what its page shows: approvals, preflight report, analysis runs
 * and the rollback story. Everything comes from the one history the process writes.
 */
record ReleaseDetails(List<Approval> approvals, List<ReleaseEvent> preflight, List<AnalysisRun> analyses,
        List<ReleaseEvent> rollback, List<ReleaseEvent> history) {

    record Approval(ReleaseEvent event, String decision, String group, String comment) {
    }

    /** The stored evidence of one analysis run (see analysis.AnalysisRun), or only its text if unreadable. */
    record AnalysisRun(ReleaseEvent event, Map<String, Object> evidence, List<Map<String, Object>> metrics) {
    }

    static final Set<String> ROLLBACK_TYPES = Set.of("ABORT_REQUESTED", "ROLLBACK_REQUESTED", "TRAFFIC_RESTORED",
            "CANARY_RESTORED", "PREVIOUS_VERSION_RESTORED", "MIGRATION_ROLLED_BACK", "RESTORATION_MISMATCH",
            "RESTORATION_REPAIRED", "RESTORATION_VERIFIED");

    private static final ObjectMapper JSON = new ObjectMapper();

    static ReleaseDetails of(List<ReleaseEvent> history) {
        List<Approval> approvals = new ArrayList<>();
        List<ReleaseEvent> preflight = new ArrayList<>();
        List<AnalysisRun> analyses = new ArrayList<>();
        List<ReleaseEvent> rollback = new ArrayList<>();
        for (ReleaseEvent e : history) {
            switch (e.type()) {
                case "APPROVED", "REJECTED" -> approvals.add(approval(e));
                case "PREFLIGHT_CHECK" -> preflight.add(e);
                case "ANALYSIS" -> analyses.add(analysis(e));
                default -> {
                    if (ROLLBACK_TYPES.contains(e.type())) {
                        rollback.add(e);
                    }
                }
            }
        }
        return new ReleaseDetails(approvals, preflight, analyses, rollback, history);
    }

    /** The approval listener writes "as <group>" or "as <group>: <comment>". */
    private static Approval approval(ReleaseEvent e) {
        String detail = e.detail() == null ? "" : e.detail();
        String group = detail.startsWith("as ") ? detail.substring(3) : detail;
        String comment = "";
        int colon = group.indexOf(": ");
        if (colon >= 0) {
            comment = group.substring(colon + 2);
            group = group.substring(0, colon);
        }
        return new Approval(e, e.type().equals("APPROVED") ? "approved" : "rejected", group, comment);
    }

    @SuppressWarnings("unchecked")
    private static AnalysisRun analysis(ReleaseEvent e) {
        try {
            Map<String, Object> evidence = JSON.readValue(e.detail(), new TypeReference<Map<String, Object>>() {
            });
            Object metrics = evidence.get("metrics");
            return new AnalysisRun(e, evidence, metrics instanceof List<?> l ? (List<Map<String, Object>>) l : List.of());
        } catch (Exception notJson) {
            return new AnalysisRun(e, Map.of("reason", String.valueOf(e.detail())), List.of());
        }
    }
}
