package io.rollguard.analysis;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import io.rollguard.release.ReleaseContext;
import io.rollguard.release.StoredText;
import io.rollguard.release.history.ReleaseFact;
import io.rollguard.release.history.ReleaseHistory;

/** One rollout step's analysis: judged, its evidence kept, its run written into the release's history. */
@Service
class StepAnalysis {

    private static final Logger log = LoggerFactory.getLogger(StepAnalysis.class);

    private final CanaryAnalysis analysis;
    private final ReleaseHistory history;
    private final AnalysisEvidence evidence;

    StepAnalysis(CanaryAnalysis analysis, ReleaseHistory history, AnalysisEvidence evidence) {
        this.analysis = analysis;
        this.history = history;
        this.evidence = evidence;
    }

    /** Judges the window of step {@code step} (0-based) since {@code from}, which is when it shifted traffic. */
    AnalysisRun judge(ReleaseContext ctx, int step, Instant from) {
        int weight = ctx.descriptor().rollout().steps().get(step).weight();
        Instant to = Instant.now();
        AnalysisRun run;
        try {
            run = analysis.analyze(ctx.app(), ctx.descriptor(), step + 1, weight, from, to);
        } catch (RuntimeException e) {
            run = notJudged(step + 1, weight, from, to, e);
        }
        long runId = evidence.save(ctx.release().id(), run);
        history.record(ctx.release().id(), historyEntry(runId, run));
        return run;
    }

    /**
     * The analysis itself failed (a bug in a metric source, input nobody foresaw): traffic is
     * already shifted, so a job failing into an incident would leave the canary serving users
     * with nobody deciding. It becomes an inconclusive run instead, which holds the release for
     * a release manager (continue or roll back). Failures to keep the evidence (the database)
     * still fail the job: they are retried, and the incident they end in is the platform's.
     */
    static AnalysisRun notJudged(int step, int weight, Instant from, Instant to, RuntimeException e) {
        log.error("Analysis of step {} failed; the run is inconclusive and the release held", step, e);
        return new AnalysisRun(step, weight, from, to, Verdict.INCONCLUSIVE,
                StoredText.clip("the analysis could not be carried out (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); a release manager decides"),
                List.of(), List.of());
    }

    /**
     * The history entry points to the full evidence (GET /api/releases/{id}/analysis) and to the
     * run's chart (GET /api/releases/{id}/analyses/{n}/series) by run id.
     */
    static ReleaseFact.AnalysisRecorded historyEntry(long runId, AnalysisRun run) {
        // the window the run judged: runs analysed before runs kept their chart are charted from it
        return ReleaseFact.AnalysisRecorded.of(runId, run.step(), run.weight(), run.from(), run.to(),
                run.verdict().name(), run.reason());
    }

    static String summary(AnalysisRun run) {
        StringBuilder text = new StringBuilder("Step ").append(run.step()).append(" at ").append(run.weight())
                .append(" %: ").append(run.verdict()).append('\n');
        for (AnalysisRun.MetricResult metric : run.metrics()) {
            text.append("\n").append(metric.name()).append(" (").append(metric.source()).append("): ")
                    .append(metric.verdict()).append(" - ").append(metric.reason()).append('\n');
            if (!metric.measurements().isEmpty()) {
                AnalysisRun.Measurement last = metric.measurements().get(metric.measurements().size() - 1);
                text.append("  canary ").append(stats(last.canary())).append(" | baseline ")
                        .append(stats(last.baseline())).append('\n');
                text.append("  query: ").append(last.canaryQuery()).append('\n');
                text.append("  measurements: ").append(metric.measurements().size()).append(", failed ")
                        .append(metric.failed()).append(" (limit ").append(metric.failureLimit()).append("), errors ")
                        .append(metric.errors()).append(" (consecutive limit ").append(metric.consecutiveErrorLimit())
                        .append(")\n");
            }
        }
        return text.toString();
    }

    private static String stats(SampleStats s) {
        return s.n() == 0 ? "n=0" : String.format(Locale.ROOT, "n=%d mean=%.4g median=%.4g p95=%.4g", s.n(), s.mean(),
                s.median(), s.p95());
    }
}
