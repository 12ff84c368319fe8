package io.rollguard.rollout;

import java.time.Duration;
import java.util.Date;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.rollguard.release.ReleaseContext;
import io.rollguard.release.ReleaseContexts;
import io.rollguard.release.ReleaseVariables;

/**
 * The rollout's delegates: each reads its variables, calls {@link RolloutService}, writes results.
 * Declared together because each is one line of glue.
 */
@Configuration
class RolloutDelegates {

    private final ReleaseContexts contexts;
    private final RolloutService rollout;

    RolloutDelegates(ReleaseContexts contexts, RolloutService rollout) {
        this.contexts = contexts;
        this.rollout = rollout;
    }

    @Bean
    JavaDelegate deployCanaryDelegate() {
        return execution -> rollout.deployCanary(contexts.of(execution));
    }

    @Bean
    JavaDelegate restoreCanarySlotDelegate() {
        return execution -> rollout.restoreCanary(contexts.of(execution));
    }

    @Bean
    JavaDelegate shiftTrafficDelegate() {
        return execution -> {
            ReleaseContext ctx = contexts.of(execution);
            int step = ((Number) execution.getVariable(ReleaseVariables.STEP_INDEX)).intValue();
            rollout.shiftTraffic(ctx, step);
            Duration window = ctx.descriptor().stepDuration(step);
            execution.setVariable(ReleaseVariables.STEP_PAUSE, window.toString());
            execution.setVariable(ReleaseVariables.STEP_STARTED_AT, new Date());
        };
    }

    @Bean
    JavaDelegate restoreStableTrafficDelegate() {
        return execution -> rollout.restoreStableTraffic(contexts.of(execution));
    }

    @Bean
    JavaDelegate promoteReleaseDelegate() {
        return execution -> rollout.promote(contexts.of(execution));
    }

    @Bean
    JavaDelegate restorePreviousVersionDelegate() {
        return (DelegateExecution execution) -> rollout.restorePreviousVersion(contexts.of(execution));
    }
}
