package io.rollguard.analysis;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;

import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.form.validator.FormFieldValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.rollguard.approval.Approvers;
import io.rollguard.release.ReleaseContext;
import io.rollguard.release.ReleaseContexts;
import io.rollguard.release.ReleaseVariables;
import io.rollguard.release.StoredText;
import io.rollguard.release.history.ReleaseFact;
import io.rollguard.release.history.ReleaseHistory;

@Configuration
class AnalysisDelegates {

    private static final Logger log = LoggerFactory.getLogger(AnalysisDelegates.class);

    private final ReleaseContexts contexts;
    private final CanaryAnalysis analysis;
    private final ReleaseHistory history;
    private final AnalysisEvidence evidence;

    /** Process variable with a readable summary of the latest run's evidence, shown in Form_DecideAnalysis. */
    static final String EVIDENCE_SUMMARY = "analysisEvidence";

    AnalysisDelegates(ReleaseContexts contexts, CanaryAnalysis analysis, ReleaseHistory history,
            AnalysisEvidence evidence) {
        this.contexts = contexts;
        this.analysis = analysis;
        this.history = history;
        this.evidence = evidence;
    }

    /** Judges the window since the step shifted traffic, keeps the evidence, sets {@code verdict}. */
    @Bean
    JavaDelegate analyzeCanaryDelegate() {
        return execution -> {
            ReleaseContext ctx = contexts.of(execution);
            int step = ((Number) execution.getVariable(ReleaseVariables.STEP_INDEX)).intValue();
            Instant from = ((Date) execution.getVariable(ReleaseVariables.STEP_STARTED_AT)).toInstant();
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
            execution.setVariable(ReleaseVariables.VERDICT, run.verdict().id());
            // Camunda's string variables hold 4000 characters; a long reason must not fail the step
            execution.setVariable(ReleaseVariables.VERDICT_REASON, StoredText.clip(run.reason()));
            execution.setVariable(EVIDENCE_SUMMARY, StoredText.clip(summary(run)));
        };
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

    /** Records a release manager's decision on a held analysis; the decision is theirs alone. */
    @Bean
    TaskListener recordAnalysisDecisionListener() {
        return task -> {
            String user = Approvers.completingUser(task);
            if (user == null) {
                throw new ProcessEngineException("An analysis decision must be made by an identified user");
            }
            String decision = (String) task.getVariable(ReleaseVariables.DECISION);
            if (!"continue".equals(decision) && !"rollback".equals(decision)) {
                throw new FormFieldValidationException(ReleaseVariables.DECISION,
                        "decision must be 'continue' or 'rollback', was " + decision);
            }
            String comment = (String) task.getVariable(ReleaseVariables.COMMENT);
            history.record((String) task.getVariable(ReleaseVariables.RELEASE_ID),
                    new ReleaseFact.AnalysisDecided(user, decision, comment));
        };
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
