package io.rollguard.rollout;

import java.util.Date;

import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import io.rollguard.release.ReleaseContext;
import io.rollguard.release.ReleaseContexts;
import io.rollguard.release.ReleaseVariables;

/**
 * Sets the release's flags to the step's state. The step's analysis window starts when its
 * exposure is in place, so a release with flags restarts the window here (and a flag-only release,
 * whose steps shift no traffic, starts it here).
 */
@Component
class SetFlagsDelegate implements JavaDelegate {

    private final ReleaseContexts contexts;
    private final ReleaseFlags flags;

    SetFlagsDelegate(ReleaseContexts contexts, ReleaseFlags flags) {
        this.contexts = contexts;
        this.flags = flags;
    }

    @Override
    public void execute(DelegateExecution execution) {
        ReleaseContext ctx = contexts.of(execution);
        int step = ((Number) execution.getVariable(ReleaseVariables.STEP_INDEX)).intValue();
        // a flag-only step shifted no traffic: the window is the flags' own
        execution.setVariable(ReleaseVariables.STEP_PAUSE, ctx.descriptor().stepDuration(step).toString());
        if (!flags.hasFlags(ctx)) {
            return;
        }
        try {
            flags.applyStep(ctx, step);
        } catch (ReleaseFlags.StepRefused e) {
            throw new BpmnError(ReleaseVariables.FLAG_STEP_FAILED, e.getMessage());
        }
        execution.setVariable(ReleaseVariables.STEP_STARTED_AT, new Date());
    }
}
