package io.rollguard.rollout;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import io.rollguard.release.ReleaseContexts;

/** The new version becomes stable; the state PROMOTED is set by the model's end event. */
@Component
class PromoteReleaseDelegate implements JavaDelegate {

    private final ReleaseContexts contexts;
    private final RolloutService rollout;

    PromoteReleaseDelegate(ReleaseContexts contexts, RolloutService rollout) {
        this.contexts = contexts;
        this.rollout = rollout;
    }

    @Override
    public void execute(DelegateExecution execution) {
        rollout.promote(contexts.of(execution));
    }
}
