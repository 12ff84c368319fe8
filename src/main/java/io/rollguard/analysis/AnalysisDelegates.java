package io.rollguard.analysis;

import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.form.validator.FormFieldValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.rollguard.approval.Approvers;
import io.rollguard.release.ReleaseContext;
import io.rollguard.release.ReleaseContexts;
import io.rollguard.release.ReleaseRepository;
import io.rollguard.release.ReleaseVariables;
import io.rollguard.release.StoredText;

@Configuration
class AnalysisDelegates {

    private static final Logger log = LoggerFactory.getLogger(AnalysisDelegates.class);

    private final ReleaseContexts contexts;
    private final CanaryAnalysis analysis;
    private final ReleaseRepository releases;
    private final AnalysisEvidence evidence;
    private final ObjectMapper json;

    /** Process variable with a readable summary of the latest run's evidence, shown in Form_DecideAnalysis. */
    static final String EVIDENCE_SUMMARY = "analysisEvidence";

    AnalysisDelegates(ReleaseContexts contexts, CanaryAnalysis analysis, ReleaseRepository releases,
            AnalysisEvidence evidence, ObjectMapper json) {
        this.contexts = contexts;
        this.analysis = analysis;
        this.releases = releases;
        this.evidence = evidence;
        this.json = json;
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
            releases.addEvent(ctx.release().id(), "ANALYSIS", null, historyEntry(json, runId, run));
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
            releases.addEvent((String) task.getVariable(ReleaseVariables.RELEASE_ID), "ANALYSIS_DECIDED", user,
                    decision + (comment == null || comment.isBlank() ? "" : ": " + comment));
        };
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
