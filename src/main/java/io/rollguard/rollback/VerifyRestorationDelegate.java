package io.rollguard.rollback;

import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import io.rollguard.release.ReleaseContext;
import io.rollguard.release.ReleaseContexts;
import io.rollguard.release.ReleaseVariables;

/**
 * A release is only called rolled back (or aborted) when the world really is as before. A
 * difference is a BPMN error: {@code releaseRestoration} hands the release to a release manager (a
 * task, with an incident open meanwhile) and verifies again once they have repaired it; the
 * release stays ROLLING_BACK until nothing differs (the caller's end event sets the final state).
 * A check that cannot be made at all (a slot unreachable) is an ordinary failure: retried, then an
 * incident on this step.
 */
@Component
class VerifyRestorationDelegate implements JavaDelegate {

    private final ReleaseContexts contexts;
    private final RestorationCheck check;

    VerifyRestorationDelegate(ReleaseContexts contexts, RestorationCheck check) {
        this.contexts = contexts;
        this.check = check;
    }

    @Override
    public void execute(DelegateExecution execution) {
        ReleaseContext ctx = contexts.of(execution);
        boolean afterPromotion = Boolean.TRUE.equals(execution.getVariable(ReleaseVariables.AFTER_PROMOTION));
        RestorationCheck.Verification verification = check.verify(ctx, afterPromotion);
        if (!verification.restored()) {
            execution.setVariable(ReleaseVariables.RESTORATION_DIFFERENCES, verification.found());
            throw new BpmnError(ReleaseVariables.RESTORATION_MISMATCH, "Restoration of release " + ctx.release().id()
                    + " is incomplete: " + String.join("; ", verification.differences()));
        }
        execution.removeVariable(ReleaseVariables.RESTORATION_DIFFERENCES);
    }
}
