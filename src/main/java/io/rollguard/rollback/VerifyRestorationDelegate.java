package io.rollguard.rollback;

import java.util.List;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import io.rollguard.release.ReleaseContext;
import io.rollguard.release.ReleaseContexts;
import io.rollguard.release.ReleaseRepository;
import io.rollguard.release.ReleaseState;
import io.rollguard.release.ReleaseStates;
import io.rollguard.release.ReleaseVariables;

/**
 * A release is only called rolled back (or aborted) when the world really is as before. A
 * difference fails the job: after its retries it becomes a Camunda incident that names what did
 * not match, and the release stays ROLLING_BACK.
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
        List<String> differences = check.differences(ctx);
        if (!differences.isEmpty()) {
            throw new RestorationMismatchException("Restoration of release " + ctx.release().id()
                    + " is incomplete: " + String.join("; ", differences));
        }
        releases.addEvent(ctx.release().id(), "RESTORATION_VERIFIED", null,
                "slots run what they ran before the release; all traffic on stable");
        ReleaseState finalState = ReleaseState.valueOf((String) execution.getVariable(ReleaseVariables.FINAL_STATE));
        states.enter(ctx.release().id(), finalState, null);
    }

    static class RestorationMismatchException extends RuntimeException {
        RestorationMismatchException(String message) {
            super(message);
        }
    }
}
