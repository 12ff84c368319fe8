package io.rollguard.migration;

import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.rollguard.release.ReleaseContexts;

/** The rollout's migration step and its compensation handler: one line of glue each. */
@Configuration
class MigrationDelegates {

    private final ReleaseContexts contexts;
    private final MigrationService migrations;

    MigrationDelegates(ReleaseContexts contexts, MigrationService migrations) {
        this.contexts = contexts;
        this.migrations = migrations;
    }

    @Bean
    JavaDelegate applyMigrationDelegate() {
        return execution -> migrations.apply(contexts.of(execution));
    }

    @Bean
    JavaDelegate rollBackMigrationDelegate() {
        return execution -> migrations.rollBack(contexts.of(execution));
    }
}
