package io.rollguard.release;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.rollguard.release.history.ReleaseEvent;
import io.rollguard.release.history.ReleaseFact;

/**
 * A release's history sorted into what its page shows: approvals, preflight report, analysis runs
 * and the rollback story. Everything comes from the one history the process writes.
 */
record ReleaseDetails(List<Approval> approvals, List<ReleaseEvent> preflight, List<AnalysisRun> analyses,
        List<ReleaseEvent> rollback, List<Line> history) {

    /** {@code decision} is "approved" or "rejected"; {@code comment} is empty when none was given. */
    record Approval(ReleaseEvent event, String decision, String group, String comment) {
    }

    /** One analysis run as the history recorded it; its full evidence is kept apart (see analysis.AnalysisRun). */
    record AnalysisRun(ReleaseEvent event, ReleaseFact.AnalysisRecorded fact) {
    }

    /** A row of the history table: the stored texts, except that analysis runs point to their own section. */
    record Line(Instant at, String type, String actor, String detail) {
    }

    static final Set<Class<? extends ReleaseFact>> ROLLBACK_FACTS = Set.of(ReleaseFact.AbortRequested.class,
            ReleaseFact.RollbackRequested.class, ReleaseFact.TrafficRestored.class, ReleaseFact.CanaryRestored.class,
            ReleaseFact.PreviousVersionRestored.class, ReleaseFact.MigrationRolledBack.class,
            ReleaseFact.RestorationMismatch.class, ReleaseFact.RestorationRepaired.class,
            ReleaseFact.RestorationVerified.class);

    static ReleaseDetails of(List<ReleaseEvent> history) {
        List<Approval> approvals = new ArrayList<>();
        List<ReleaseEvent> preflight = new ArrayList<>();
        List<AnalysisRun> analyses = new ArrayList<>();
        List<ReleaseEvent> rollback = new ArrayList<>();
        List<Line> lines = new ArrayList<>();
        for (ReleaseEvent e : history) {
            ReleaseFact fact = e.fact();
            if (fact instanceof ReleaseFact.ApprovalDecision d) {
                approvals.add(new Approval(e, d instanceof ReleaseFact.Approved ? "approved" : "rejected", d.group(),
                        d.comment() == null ? "" : d.comment()));
            } else if (fact instanceof ReleaseFact.PreflightChecked) {
                preflight.add(e);
            } else if (fact instanceof ReleaseFact.AnalysisRecorded run) {
                analyses.add(new AnalysisRun(e, run));
            } else if (ROLLBACK_FACTS.contains(fact.getClass())) {
                rollback.add(e);
            }
            lines.add(new Line(e.at(), e.type(), e.actor(),
                    fact instanceof ReleaseFact.AnalysisRecorded ? "see canary analysis" : e.detail()));
        }
        return new ReleaseDetails(approvals, preflight, analyses, rollback, lines);
    }
}
