package io.rollguard.rollout;

import java.util.Date;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import io.rollguard.release.ReleaseContext;
import io.rollguard.release.ReleaseContexts;
import io.rollguard.release.ReleaseVariables;

/** Shifts traffic to the step's weight (or tenant wave) and says how long the step's window lasts. */
@Component
class ShiftTrafficDelegate implements JavaDelegate {

    private final ReleaseContexts contexts;
    private final RolloutService rollout;

    ShiftTrafficDelegate(ReleaseContexts contexts, RolloutService rollout) {
        this.contexts = contexts;
        this.rollout = rollout;
    }

    @Override
    public void execute(DelegateExecution execution) {
        ReleaseContext ctx = contexts.of(execution);
        int step = ((Number) execution.getVariable(ReleaseVariables.STEP_INDEX)).intValue();
        rollout.shiftTraffic(ctx, step);
        execution.setVariable(ReleaseVariables.STEP_PAUSE, ctx.descriptor().stepDuration(step).toString());
        execution.setVariable(ReleaseVariables.STEP_STARTED_AT, new Date());
    }
}
