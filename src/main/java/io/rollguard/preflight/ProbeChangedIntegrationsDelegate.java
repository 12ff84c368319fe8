package io.rollguard.preflight;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import io.rollguard.release.ReleaseContext;
import io.rollguard.release.ReleaseContexts;

/** Each integration the release changes answers its probe with the settings the canary runs, before any user traffic. */
@Component
class ProbeChangedIntegrationsDelegate implements JavaDelegate {

    private final ReleaseContexts contexts;
    private final PreflightChecks checks;

    ProbeChangedIntegrationsDelegate(ReleaseContexts contexts, PreflightChecks checks) {
        this.contexts = contexts;
        this.checks = checks;
    }

    @Override
    public void execute(DelegateExecution execution) {
        ReleaseContext ctx = contexts.of(execution);
        for (PreflightChecks.Check check : checks.integrationProbes(ctx)) {
            PreflightReport.add(execution, checks, ctx, check);
        }
    }
}
