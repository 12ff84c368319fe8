package io.rollguard.analysis;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.rollguard.release.ReleaseContext;
import io.rollguard.release.ReleaseRepository;
import io.rollguard.release.StoredText;

/** One rollout step's analysis: judged, its evidence kept, its run written into the release's history. */
@Service
class StepAnalysis {

    private static final Logger log = LoggerFactory.getLogger(StepAnalysis.class);

    private final CanaryAnalysis analysis;
    private final ReleaseRepository releases;
    private final AnalysisEvidence evidence;
    private final ObjectMapper json;

    StepAnalysis(CanaryAnalysis analysis, ReleaseRepository releases, AnalysisEvidence evidence, ObjectMapper json) {
        this.analysis = analysis;
        this.releases = releases;
        this.evidence = evidence;
        this.json = json;
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
        releases.addEvent(ctx.release().id(), "ANALYSIS", null, historyEntry(json, runId, run));
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
    static String historyEntry(ObjectMapper json, long runId, AnalysisRun run) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("run", runId);
        event.put("step", run.step());
        event.put("weight", run.weight());
        // the window the run judged: runs analysed before runs kept their chart are charted from it
        event.put("from", run.from().toString());
        event.put("to", run.to().toString());
        event.put("verdict", run.verdict());
        // clipped here, not by the history: a clipped JSON text would no longer be read as one
        event.put("reason", run.reason() == null || run.reason().length() <= StoredText.MAX / 2 ? run.reason()
                : run.reason().substring(0, StoredText.MAX / 2 - 3) + "...");
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            return run.verdict() + ": " + run.reason();
        }
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
