package io.rollguard.rollout;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import io.rollguard.release.ReleaseContexts;

/** Deploys the release's flows into the canary slot (preflight and rollout). */
@Component
class DeployCanaryDelegate implements JavaDelegate {

    private final ReleaseContexts contexts;
    private final RolloutService rollout;

    DeployCanaryDelegate(ReleaseContexts contexts, RolloutService rollout) {
        this.contexts = contexts;
        this.rollout = rollout;
    }

    @Override
    public void execute(DelegateExecution execution) {
        rollout.deployCanary(contexts.of(execution));
    }
}
