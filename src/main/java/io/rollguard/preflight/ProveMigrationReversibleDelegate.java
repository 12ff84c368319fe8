package io.rollguard.preflight;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import io.rollguard.release.ReleaseContext;
import io.rollguard.release.ReleaseContexts;
import io.rollguard.release.ReleaseVariables;

/**
 * The dry run of a data model change. Runs before the approvals (see the lifecycle), so the schema
 * approver decides on the report, which is kept in a variable of its own for the approval form.
 */
@Component
class ProveMigrationReversibleDelegate implements JavaDelegate {

    private final ReleaseContexts contexts;
    private final PreflightChecks checks;

    ProveMigrationReversibleDelegate(ReleaseContexts contexts, PreflightChecks checks) {
        this.contexts = contexts;
        this.checks = checks;
    }

    @Override
    public void execute(DelegateExecution execution) {
        ReleaseContext ctx = contexts.of(execution);
        PreflightChecks.Reversibility proof = checks.migrationReversible(ctx);
        if (proof == null) {
            return;
        }
        execution.setVariable(ReleaseVariables.CHANGELOG_TEXT, proof.forApproval().text());
        execution.setVariable(ReleaseVariables.CHANGELOG_CHANGES, proof.forApproval().changes());
        execution.setVariable(ReleaseVariables.REVERSIBILITY_REPORT, proof.report());
        PreflightReport.add(execution, checks, ctx, proof.check());
    }
}
