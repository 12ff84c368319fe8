package io.rollguard.rollback;

import java.util.List;

import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import io.rollguard.release.ReleaseContext;
import io.rollguard.release.ReleaseContexts;
import io.rollguard.release.ReleaseRepository;
import io.rollguard.release.ReleaseState;
import io.rollguard.release.ReleaseStates;
import io.rollguard.release.ReleaseVariables;
import io.rollguard.release.StoredText;

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
    private final ReleaseRepository releases;
    private final ReleaseStates states;

    VerifyRestorationDelegate(ReleaseContexts contexts, RestorationCheck check, ReleaseRepository releases,
            ReleaseStates states) {
        this.contexts = contexts;
        this.check = check;
        this.releases = releases;
        this.states = states;
    }

    @Override
    public void execute(DelegateExecution execution) {
        ReleaseContext ctx = contexts.of(execution);
        boolean afterPromotion = Boolean.TRUE.equals(execution.getVariable(ReleaseVariables.AFTER_PROMOTION));
        List<String> differences = check.differences(ctx, afterPromotion);
        if (!differences.isEmpty()) {
            String found = StoredText.clip(String.join("\n", differences));
            execution.setVariable(ReleaseVariables.RESTORATION_DIFFERENCES, found);
            releases.addEvent(ctx.release().id(), "RESTORATION_MISMATCH", null, found);
            throw new BpmnError(ReleaseVariables.RESTORATION_MISMATCH, "Restoration of release " + ctx.release().id()
                    + " is incomplete: " + String.join("; ", differences));
        }
        execution.removeVariable(ReleaseVariables.RESTORATION_DIFFERENCES);
        releases.addEvent(ctx.release().id(), "RESTORATION_VERIFIED", null, afterPromotion
                ? "slots run what they ran before the release; all traffic on stable; the app database has its "
                        + "structure from before, with the data copied aside back in place"
                : "slots run what they ran before the release; all traffic on stable");
        ReleaseState finalState = ReleaseState.valueOf((String) execution.getVariable(ReleaseVariables.FINAL_STATE));
        states.enter(ctx.release().id(), finalState, null);
    }
}
