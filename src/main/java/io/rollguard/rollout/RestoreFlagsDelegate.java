package io.rollguard.rollout;

import java.util.List;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import io.rollguard.release.ReleaseContexts;

/**
 * The compensation of the flag steps: every flag the release touched back to its state before.
 * A store that cannot be reached fails the job (an incident, retried); what still differs after a
 * read-back is left to the restoration check, which hands it to a release manager.
 */
@Component
class RestoreFlagsDelegate implements JavaDelegate {

    private final ReleaseContexts contexts;
    private final ReleaseFlags flags;

    RestoreFlagsDelegate(ReleaseContexts contexts, ReleaseFlags flags) {
        this.contexts = contexts;
        this.flags = flags;
    }

    @Override
    public void execute(DelegateExecution execution) {
        List<String> left = flags.restore(contexts.of(execution), "the release is being undone");
        if (!left.isEmpty()) {
            // the restoration check reads the store again and reports these to a release manager
            execution.setVariable("flagRestorationLeft", String.join("; ", left));
        }
    }
}
