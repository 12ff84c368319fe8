package io.rollguard.rollout;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import io.rollguard.release.ReleaseContexts;

/** The new version becomes stable (a flag-only release: its flags stay as its last step set them); the state PROMOTED is set by the model's end event. */
@Component
class PromoteReleaseDelegate implements JavaDelegate {

    private final ReleaseContexts contexts;
    private final RolloutService rollout;
    private final ReleaseFlags flags;

    PromoteReleaseDelegate(ReleaseContexts contexts, RolloutService rollout, ReleaseFlags flags) {
        this.contexts = contexts;
        this.rollout = rollout;
        this.flags = flags;
    }

    @Override
    public void execute(DelegateExecution execution) {
        var ctx = contexts.of(execution);
        rollout.promote(ctx);
        flags.judged(ctx);
    }
}
