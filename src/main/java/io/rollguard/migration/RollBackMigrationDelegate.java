package io.rollguard.migration;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import io.rollguard.release.ReleaseContexts;

/** Rolls the app database back to the release's tag and restores the data copied aside. */
@Component
class RollBackMigrationDelegate implements JavaDelegate {

    private final ReleaseContexts contexts;
    private final MigrationService migrations;

    RollBackMigrationDelegate(ReleaseContexts contexts, MigrationService migrations) {
        this.contexts = contexts;
        this.migrations = migrations;
    }

    @Override
    public void execute(DelegateExecution execution) {
        migrations.rollBack(contexts.of(execution));
    }
}
