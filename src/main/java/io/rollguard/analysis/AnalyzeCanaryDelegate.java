package io.rollguard.analysis;

import java.time.Instant;
import java.util.Date;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import io.rollguard.release.ReleaseContexts;
import io.rollguard.release.ReleaseVariables;
import io.rollguard.release.StoredText;

/** Judges the window since the step shifted traffic and sets {@code verdict}, which the model routes on. */
@Component
class AnalyzeCanaryDelegate implements JavaDelegate {

    /** Process variable with a readable summary of the latest run's evidence, shown in Form_DecideAnalysis. */
    static final String EVIDENCE_SUMMARY = "analysisEvidence";

    private final ReleaseContexts contexts;
    private final StepAnalysis steps;

    AnalyzeCanaryDelegate(ReleaseContexts contexts, StepAnalysis steps) {
        this.contexts = contexts;
        this.steps = steps;
    }

    @Override
    public void execute(DelegateExecution execution) {
        int step = ((Number) execution.getVariable(ReleaseVariables.STEP_INDEX)).intValue();
        Instant from = ((Date) execution.getVariable(ReleaseVariables.STEP_STARTED_AT)).toInstant();
        AnalysisRun run = steps.judge(contexts.of(execution), step, from);
        execution.setVariable(ReleaseVariables.VERDICT, run.verdict().id());
        // Camunda's string variables hold 4000 characters; a long reason must not fail the step
        execution.setVariable(ReleaseVariables.VERDICT_REASON, StoredText.clip(run.reason()));
        execution.setVariable(EVIDENCE_SUMMARY, StoredText.clip(StepAnalysis.summary(run)));
    }
}
