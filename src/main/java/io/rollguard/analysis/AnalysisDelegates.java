package io.rollguard.analysis;

import java.time.Instant;
import java.util.Date;

import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.rollguard.approval.Approvers;
import io.rollguard.release.ReleaseContext;
import io.rollguard.release.ReleaseContexts;
import io.rollguard.release.ReleaseRepository;
import io.rollguard.release.ReleaseVariables;

@Configuration
class AnalysisDelegates {

    private final ReleaseContexts contexts;
    private final CanaryAnalysis analysis;
    private final ReleaseRepository releases;
    private final ObjectMapper json;

    AnalysisDelegates(ReleaseContexts contexts, CanaryAnalysis analysis, ReleaseRepository releases, ObjectMapper json) {
        this.contexts = contexts;
        this.analysis = analysis;
        this.releases = releases;
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
            AnalysisRun run = analysis.analyze(ctx.app(), ctx.descriptor(), step + 1, weight, from, Instant.now());
            releases.addEvent(ctx.release().id(), "ANALYSIS", null, evidence(run));
            execution.setVariable(ReleaseVariables.VERDICT, run.verdict().id());
            execution.setVariable(ReleaseVariables.VERDICT_REASON, run.reason());
        };
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
                throw new ProcessEngineException("decision must be 'continue' or 'rollback', was " + decision);
            }
            String comment = (String) task.getVariable(ReleaseVariables.COMMENT);
            releases.addEvent((String) task.getVariable(ReleaseVariables.RELEASE_ID), "ANALYSIS_DECIDED", user,
                    decision + (comment == null || comment.isBlank() ? "" : ": " + comment));
        };
    }

    private String evidence(AnalysisRun run) {
        try {
            return json.writeValueAsString(run);
        } catch (JsonProcessingException e) {
            return run.verdict() + ": " + run.reason();
        }
    }
}
