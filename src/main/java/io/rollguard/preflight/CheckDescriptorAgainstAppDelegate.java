package io.rollguard.preflight;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import io.rollguard.release.ReleaseContext;
import io.rollguard.release.ReleaseContexts;

/** The descriptor still fits the app: the live version it was requested against, sections this version can apply. */
@Component
class CheckDescriptorAgainstAppDelegate implements JavaDelegate {

    private final ReleaseContexts contexts;
    private final PreflightChecks checks;

    CheckDescriptorAgainstAppDelegate(ReleaseContexts contexts, PreflightChecks checks) {
        this.contexts = contexts;
        this.checks = checks;
    }

    @Override
    public void execute(DelegateExecution execution) {
        ReleaseContext ctx = contexts.of(execution);
        PreflightReport.add(execution, checks, ctx, checks.descriptorMatchesApp(ctx));
    }
}
