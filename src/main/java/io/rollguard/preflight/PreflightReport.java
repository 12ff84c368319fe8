package io.rollguard.preflight;

import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;

import io.rollguard.release.ReleaseContext;
import io.rollguard.release.ReleaseVariables;

/** What every preflight delegate does with its check: a line in the report, and the BPMN error when it failed. */
final class PreflightReport {

    private PreflightReport() {
    }

    static void add(DelegateExecution execution, PreflightChecks checks, ReleaseContext ctx, PreflightChecks.Check check) {
        add(execution, checks, ctx, check, ReleaseVariables.PREFLIGHT_CHECK_FAILED);
    }

    /** As {@link #add(DelegateExecution, PreflightChecks, ReleaseContext, PreflightChecks.Check)}, failing with this error code. */
    static void add(DelegateExecution execution, PreflightChecks checks, ReleaseContext ctx, PreflightChecks.Check check,
            String errorCode) {
        check = checks.shown(ctx, check);
        String report = (String) execution.getVariable(ReleaseVariables.PREFLIGHT_REPORT);
        execution.setVariable(ReleaseVariables.PREFLIGHT_REPORT, checks.report(ctx, report, check));
        if (!check.passed()) {
            throw new BpmnError(errorCode, check.failure());
        }
    }
}
