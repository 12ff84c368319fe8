package io.rollguard.rollout;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import io.rollguard.release.ReleaseContexts;

/** Puts back what the canary slot ran before the release (compensation, failed preflight, abort). */
@Component
class RestoreCanarySlotDelegate implements JavaDelegate {

    private final ReleaseContexts contexts;
    private final RolloutService rollout;

    RestoreCanarySlotDelegate(ReleaseContexts contexts, RolloutService rollout) {
        this.contexts = contexts;
        this.rollout = rollout;
    }

    @Override
    public void execute(DelegateExecution execution) {
        rollout.restoreCanary(contexts.of(execution));
    }
}
