package io.rollguard.rollout;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import io.rollguard.release.ReleaseContexts;

/** All traffic back to stable: the compensation of every traffic shift. */
@Component
class RestoreStableTrafficDelegate implements JavaDelegate {

    private final ReleaseContexts contexts;
    private final RolloutService rollout;

    RestoreStableTrafficDelegate(ReleaseContexts contexts, RolloutService rollout) {
        this.contexts = contexts;
        this.rollout = rollout;
    }

    @Override
    public void execute(DelegateExecution execution) {
        rollout.restoreStableTraffic(contexts.of(execution));
    }
}
