package io.rollguard.preflight;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import io.rollguard.release.ReleaseContext;
import io.rollguard.release.ReleaseContexts;

/** The descriptor's smoke request, then its journeys, answer as expected on the canary slot. */
@Component
class SmokeTestCanaryDelegate implements JavaDelegate {

    private final ReleaseContexts contexts;
    private final PreflightChecks checks;

    SmokeTestCanaryDelegate(ReleaseContexts contexts, PreflightChecks checks) {
        this.contexts = contexts;
        this.checks = checks;
    }

    @Override
    public void execute(DelegateExecution execution) {
        ReleaseContext ctx = contexts.of(execution);
        for (PreflightChecks.Check check : checks.canaryAnswers(ctx)) {
            PreflightReport.add(execution, checks, ctx, check);
        }
    }
}
