package io.rollguard.migration;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import io.rollguard.release.ReleaseContexts;

/** Tags the app database and applies the release's changelog (nothing for a release without one). */
@Component
class ApplyMigrationDelegate implements JavaDelegate {

    private final ReleaseContexts contexts;
    private final MigrationService migrations;

    ApplyMigrationDelegate(ReleaseContexts contexts, MigrationService migrations) {
        this.contexts = contexts;
        this.migrations = migrations;
    }

    @Override
    public void execute(DelegateExecution execution) {
        migrations.apply(contexts.of(execution));
    }
}
