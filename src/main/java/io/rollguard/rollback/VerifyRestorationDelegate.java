package io.rollguard.rollback;

import java.util.List;

import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import io.rollguard.release.ReleaseContext;
import io.rollguard.release.ReleaseContexts;
import io.rollguard.release.ReleaseState;
import io.rollguard.release.ReleaseStates;
import io.rollguard.release.ReleaseVariables;
import io.rollguard.release.StoredText;
import io.rollguard.release.history.ReleaseFact;
import io.rollguard.release.history.ReleaseHistory;

/**
 * A release is only called rolled back (or aborted) when the world really is as before. A
 * difference is a BPMN error: the diagram hands the release to a release manager (a task, with an
 * incident open meanwhile) and verifies again once they have repaired it; the release stays
 * ROLLING_BACK until nothing differs. A check that cannot be made at all (a slot unreachable)
 * is an ordinary failure: retried, then an incident on this step.
 */
@Component("verifyRestorationDelegate")
class VerifyRestorationDelegate implements JavaDelegate {

    private final ReleaseContexts contexts;
    private final RestorationCheck check;
    private final ReleaseHistory history;
    private final ReleaseStates states;

    VerifyRestorationDelegate(ReleaseContexts contexts, RestorationCheck check, ReleaseHistory history,
            ReleaseStates states) {
        this.contexts = contexts;
        this.check = check;
        this.history = history;
        this.states = states;
    }

    @Override
    public void execute(DelegateExecution execution) {
        ReleaseContext ctx = contexts.of(execution);
        boolean afterPromotion = Boolean.TRUE.equals(execution.getVariable(ReleaseVariables.AFTER_PROMOTION));
        List<String> differences = check.differences(ctx, afterPromotion);
        if (!differences.isEmpty()) {
            ReleaseFact.RestorationMismatch mismatch = new ReleaseFact.RestorationMismatch(differences);
            String found = StoredText.clip(mismatch.detail());
            execution.setVariable(ReleaseVariables.RESTORATION_DIFFERENCES, found);
            history.record(ctx.release().id(), mismatch);
            throw new BpmnError(ReleaseVariables.RESTORATION_MISMATCH, "Restoration of release " + ctx.release().id()
                    + " is incomplete: " + String.join("; ", differences));
        }
        execution.removeVariable(ReleaseVariables.RESTORATION_DIFFERENCES);
        history.record(ctx.release().id(), new ReleaseFact.RestorationVerified(afterPromotion));
        ReleaseState finalState = ReleaseState.valueOf((String) execution.getVariable(ReleaseVariables.FINAL_STATE));
        states.enter(ctx.release().id(), finalState, null);
    }
}
