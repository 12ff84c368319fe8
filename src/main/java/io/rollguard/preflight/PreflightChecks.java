package io.rollguard.preflight;

import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Service;

import io.rollguard.app.SlotName;
import io.rollguard.flags.FlagChanges;
import io.rollguard.flags.FlagStoreException;
import io.rollguard.integration.IntegrationSettings;
import io.rollguard.migration.MigrationException;
import io.rollguard.migration.MigrationService;
import io.rollguard.migration.ReversibilityProof;
import io.rollguard.platform.SlotEnvironment;
import io.rollguard.platform.TargetPlatform;
import io.rollguard.platform.TargetPlatformException;
import io.rollguard.release.ReleaseContext;
import io.rollguard.release.StoredText;
import io.rollguard.release.descriptor.ReleaseDescriptor;
import io.rollguard.release.history.ReleaseFact;
import io.rollguard.release.history.ReleaseHistory;
import io.rollguard.rollout.RolloutService;

/**
 * The preflight's checks. Each returns a {@link Check}: its name and what is wrong, nothing when
 * it passed. Every check, passed or failed, adds a line to the report kept with the release
 * ({@link #report}); a failed one then ends the preflight (the delegates throw
 * {@code PreflightCheckFailed}, and the preflight process restores the canary slot).
 */
@Service
class PreflightChecks {

    private final RolloutService rollout;
    private final TargetPlatform target;
    private final ReleaseHistory history;
    private final PreflightProperties properties;
    private final MigrationService migrations;
    private final CanaryJourneys journeys;
    private final IntegrationSettings integrations;
    private final FlagChanges flags;

    PreflightChecks(RolloutService rollout, TargetPlatform target, ReleaseHistory history,
            PreflightProperties properties, MigrationService migrations, CanaryJourneys journeys,
            IntegrationSettings integrations, FlagChanges flags) {
        this.flags = flags;
        this.journeys = journeys;
        this.integrations = integrations;
        this.rollout = rollout;
        this.target = target;
        this.history = history;
        this.properties = properties;
        this.migrations = migrations;
    }

    record Check(String name, List<String> problems) {
        boolean passed() {
            return problems.isEmpty();
        }

        ReleaseFact.PreflightChecked fact() {
            return new ReleaseFact.PreflightChecked(name, problems);
        }

        String failure() {
            return name + ": " + String.join("; ", problems);
        }
    }

    /** The dry run's result, with what the schema approver reads beside it. */
    record Reversibility(MigrationService.ChangelogForApproval forApproval, String report, Check check) {
    }

    Check descriptorMatchesApp(ReleaseContext ctx) {
        ReleaseDescriptor d = ctx.descriptor();
        List<String> problems = new ArrayList<>();
        String live = ctx.app().currentVersion();
        if (live != null && !live.equals(ctx.release().previousVersion())) {
            problems.add("the live version changed to " + live + " since this release was requested");
        }
        // the flags are set by the rollout's flag steps: their store must answer now, not halfway through
        for (ReleaseDescriptor.Flag flag : d.flags()) {
            try {
                flags.current(ctx.app(), flag.key());
            } catch (FlagStoreException e) {
                problems.add("flag " + flag.key() + ": the app's flag store cannot be read: " + e.getMessage());
                break;
            }
        }
        return new Check("descriptor matches app", problems);
    }

    /**
     * Apply, roll back, compare, apply again, on a scratch copy of the app's schema; never the live
     * one. Null for a release without a migration.
     */
    Reversibility migrationReversible(ReleaseContext ctx) {
        if (!migrations.hasMigration(ctx.release().id())) {
            return null;
        }
        // the approver reads what she approves: the changelog itself and the parsed list of its changes
        MigrationService.ChangelogForApproval forApproval = migrations.forApproval(ctx.release().id());
        List<String> problems = new ArrayList<>();
        String name = "migration reversible on a scratch copy";
        String report;
        try {
            ReversibilityProof proof = migrations.prove(ctx);
            problems.addAll(proof.differences());
            name += " (" + String.join("; ", proof.steps()) + ")";
            report = proof.summary();
        } catch (MigrationException e) {
            problems.add(e.getMessage());
            report = StoredText.clip("FAILED: " + e.getMessage());
        }
        return new Reversibility(forApproval, report, new Check(name, problems));
    }

    Check slotsRecorded(ReleaseContext ctx) {
        List<String> problems = new ArrayList<>();
        try {
            rollout.recordStateBefore(ctx);
        } catch (TargetPlatformException | IllegalStateException e) {
            problems.add(e.getMessage());
        }
        return new Check("both slots reachable and recorded", problems);
    }

    /**
     * The probe of each integration the release changes, sent with the settings read back from the
     * canary slot (what its flows really see), so a wrong base URL, API version or key fails here,
     * before the first user request. Empty when the release changes no integration.
     */
    List<Check> integrationProbes(ReleaseContext ctx) {
        List<String> changed = ctx.descriptor().changedIntegrations();
        if (changed.isEmpty()) {
            return List.of();
        }
        SlotEnvironment canary;
        try {
            canary = integrations.withSecretValues(ctx.app().key(),
                    target.read(ctx.app(), SlotName.CANARY).environment());
        } catch (TargetPlatformException | IllegalStateException e) {
            return List.of(new Check("integration settings read back from the canary slot", List.of(e.getMessage())));
        }
        return integrations.probe(ctx.app().key(), canary, changed).stream()
                .map(o -> new Check("integration " + o.integration() + " probe " + o.request(), o.problems()))
                .toList();
    }

    /**
     * What the deployed canary answers, before any user traffic: the smoke request, then, once it
     * passed, each of the descriptor's journeys; the list ends at the first failed check.
     */
    List<Check> canaryAnswers(ReleaseContext ctx) {
        List<Check> checks = new ArrayList<>();
        Check smoke = smokeTest(ctx);
        checks.add(smoke);
        if (smoke.passed()) {
            checks.addAll(journeys.run(ctx.app(), ctx.descriptor().journeys()));
        }
        return checks;
    }

    /**
     * The descriptor's journeys once more, after the last step's analysis and before promotion:
     * what passed before any traffic must still pass with the canary under load. Each check is
     * named as such, so the report tells the two runs apart.
     */
    List<Check> journeysBeforePromotion(ReleaseContext ctx) {
        return journeys.run(ctx.app(), ctx.descriptor().journeys()).stream()
                .map(check -> new Check("before promotion: " + check.name(), check.problems()))
                .toList();
    }

    /** The descriptor's smoke request against the canary slot, repeated until it answers as expected or time is up. */
    Check smokeTest(ReleaseContext ctx) {
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
        return new Check("smoke request GET " + smoke.path() + " -> " + smoke.expectStatus(), problems);
    }

    /**
     * The check as the report, the history and the BPMN error may show it: a journey or smoke
     * request quotes what the canary answered, and the canary's flows hold the app's secrets, so
     * every secret value is blanked out of it first.
     */
    Check shown(ReleaseContext ctx, Check check) {
        if (check.passed()) {
            return check;
        }
        return new Check(integrations.redacted(ctx.app().key(), check.name()),
                check.problems().stream().map(p -> integrations.redacted(ctx.app().key(), p)).toList());
    }

    /** Writes the check into the release's history; returns the report with its line added. */
    String report(ReleaseContext ctx, String report, Check check) {
        ReleaseFact.PreflightChecked checked = check.fact();
        String line = checked.detail();
        history.record(ctx.release().id(), checked);
        return report == null ? line : report + "\n" + line;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
