package io.rollguard.rollout;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import io.rollguard.release.ReleaseContexts;

/** Rollback of a promoted release: both slots back to what they ran before it. */
@Component
class RestorePreviousVersionDelegate implements JavaDelegate {

    private final ReleaseContexts contexts;
    private final RolloutService rollout;

    RestorePreviousVersionDelegate(ReleaseContexts contexts, RolloutService rollout) {
        this.contexts = contexts;
        this.rollout = rollout;
    }

    @Override
    public void execute(DelegateExecution execution) {
        rollout.restorePreviousVersion(contexts.of(execution));
    }
}
