package io.rollguard.preflight;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import io.rollguard.release.ReleaseContext;
import io.rollguard.release.ReleaseContexts;
import io.rollguard.release.ReleaseVariables;

/**
 * The descriptor's journeys against the canary slot again, before promotion; a failed one throws
 * {@code JourneyFailed}, which the lifecycle undoes like a failed analysis.
 */
@Component
class RunJourneysDelegate implements JavaDelegate {

    private final ReleaseContexts contexts;
    private final PreflightChecks checks;

    RunJourneysDelegate(ReleaseContexts contexts, PreflightChecks checks) {
        this.contexts = contexts;
        this.checks = checks;
    }

    @Override
    public void execute(DelegateExecution execution) {
        ReleaseContext ctx = contexts.of(execution);
        for (PreflightChecks.Check check : checks.journeysBeforePromotion(ctx)) {
            PreflightReport.add(execution, checks, ctx, check, ReleaseVariables.JOURNEY_FAILED);
        }
    }
}
