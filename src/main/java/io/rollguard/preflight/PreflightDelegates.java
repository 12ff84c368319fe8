package io.rollguard.preflight;

import java.util.ArrayList;
import java.util.List;

import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.rollguard.app.SlotName;
import io.rollguard.migration.MigrationException;
import io.rollguard.migration.MigrationService;
import io.rollguard.migration.ReversibilityProof;
import io.rollguard.release.ReleaseContext;
import io.rollguard.release.ReleaseContexts;
import io.rollguard.release.ReleaseVariables;
import io.rollguard.release.StoredText;
import io.rollguard.release.descriptor.ReleaseDescriptor;
import io.rollguard.release.history.ReleaseFact;
import io.rollguard.release.history.ReleaseHistory;
import io.rollguard.rollout.RolloutService;
import io.rollguard.platform.TargetPlatform;
import io.rollguard.platform.TargetPlatformException;

/**
 * Preflight checks. A failed check throws the BPMN error {@code PreflightCheckFailed} with a
 * readable message; the preflight process then restores the canary slot and reports failure.
 * Every check, passed or failed, adds a line to the report kept with the release.
 */
@Configuration
class PreflightDelegates {

    private final ReleaseContexts contexts;
    private final RolloutService rollout;
    private final TargetPlatform target;
    private final ReleaseHistory history;
    private final PreflightProperties properties;
    private final MigrationService migrations;

    PreflightDelegates(ReleaseContexts contexts, RolloutService rollout, TargetPlatform target,
            ReleaseHistory history, PreflightProperties properties, MigrationService migrations) {
        this.migrations = migrations;
        this.contexts = contexts;
        this.rollout = rollout;
        this.target = target;
        this.history = history;
        this.properties = properties;
    }

    @Bean
    JavaDelegate checkDescriptorAgainstAppDelegate() {
        return execution -> {
            ReleaseContext ctx = contexts.of(execution);
            ReleaseDescriptor d = ctx.descriptor();
            List<String> problems = new ArrayList<>();
            String live = ctx.app().currentVersion();
            if (live != null && !live.equals(ctx.release().previousVersion())) {
                problems.add("the live version changed to " + live + " since this release was requested");
            }
            // honest limits of this version: these sections are accepted and classified for
            // approval, but their execution (integrations, flags) is not built yet
            if (d.integrations() != null && !d.integrations().isEmpty()) {
                problems.add("integration changes cannot be applied yet by this Rollguard version");
            }
            if (d.flags() != null && !d.flags().isEmpty()) {
                problems.add("feature flags cannot be set yet by this Rollguard version");
            }
            check(execution, ctx, "descriptor matches app", problems);
        };
    }

    /**
     * Apply, roll back, compare, apply again, on a scratch copy of the app's schema; never the live
     * one. Runs before the approvals (see the lifecycle), so the schema approver decides on the
     * report, which is kept in a variable of its own for the approval form.
     */
    @Bean
    JavaDelegate proveMigrationReversibleDelegate() {
        return execution -> {
            ReleaseContext ctx = contexts.of(execution);
            if (!migrations.hasMigration(ctx.release().id())) {
                return;
            }
            // the approver reads what she approves: the changelog itself and the parsed list of its changes
            MigrationService.ChangelogForApproval forApproval = migrations.forApproval(ctx.release().id());
            execution.setVariable(ReleaseVariables.CHANGELOG_TEXT, forApproval.text());
            execution.setVariable(ReleaseVariables.CHANGELOG_CHANGES, forApproval.changes());
            List<String> problems = new ArrayList<>();
            String name = "migration reversible on a scratch copy";
            try {
                ReversibilityProof proof = migrations.prove(ctx);
                problems.addAll(proof.differences());
                name += " (" + String.join("; ", proof.steps()) + ")";
                execution.setVariable(ReleaseVariables.REVERSIBILITY_REPORT, proof.summary());
            } catch (MigrationException e) {
                problems.add(e.getMessage());
                execution.setVariable(ReleaseVariables.REVERSIBILITY_REPORT, StoredText.clip("FAILED: " + e.getMessage()));
            }
            check(execution, ctx, name, problems);
        };
    }

    @Bean
    JavaDelegate recordSlotStateDelegate() {
        return execution -> {
            ReleaseContext ctx = contexts.of(execution);
            List<String> problems = new ArrayList<>();
            try {
                rollout.recordStateBefore(ctx);
            } catch (TargetPlatformException | IllegalStateException e) {
                problems.add(e.getMessage());
            }
            check(execution, ctx, "both slots reachable and recorded", problems);
        };
    }

    @Bean
    JavaDelegate smokeTestCanaryDelegate() {
        return execution -> {
            ReleaseContext ctx = contexts.of(execution);
            ReleaseDescriptor.Smoke smoke = ctx.descriptor().smoke();
            TargetPlatform.SmokeResult last = null;
            long deadline = System.currentTimeMillis() + properties.smokeTimeout().toMillis();
            // a freshly deployed Node-RED needs a moment before its HTTP routes answer
            do {
                last = target.smoke(ctx.app(), SlotName.CANARY, smoke.path());
                if (last.status() == smoke.expectStatus()) {
                    break;
                }
                sleep(200);
            } while (System.currentTimeMillis() < deadline);
            List<String> problems = new ArrayList<>();
            if (last.status() != smoke.expectStatus()) {
                problems.add("GET " + smoke.path() + " on the canary slot answered "
                        + (last.answered() ? "HTTP " + last.status() : last.error()) + ", expected " + smoke.expectStatus());
            }
            check(execution, ctx, "smoke request GET " + smoke.path() + " -> " + smoke.expectStatus(), problems);
        };
    }

    private void check(DelegateExecution execution, ReleaseContext ctx, String name, List<String> problems) {
        ReleaseFact.PreflightChecked checked = new ReleaseFact.PreflightChecked(name, problems);
        String line = checked.detail();
        String report = (String) execution.getVariable(ReleaseVariables.PREFLIGHT_REPORT);
        execution.setVariable(ReleaseVariables.PREFLIGHT_REPORT, report == null ? line : report + "\n" + line);
        history.record(ctx.release().id(), checked);
        if (!problems.isEmpty()) {
            throw new BpmnError(ReleaseVariables.PREFLIGHT_CHECK_FAILED, name + ": " + String.join("; ", problems));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
