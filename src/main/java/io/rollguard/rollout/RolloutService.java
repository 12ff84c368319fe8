package io.rollguard.rollout;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.springframework.stereotype.Service;

import io.rollguard.app.App;
import io.rollguard.app.AppRepository;
import io.rollguard.app.SlotName;
import io.rollguard.integration.IntegrationSettings;
import io.rollguard.platform.SlotEnvironment;
import io.rollguard.release.ReleaseContext;
import io.rollguard.release.ReleaseRepository;
import io.rollguard.release.history.ReleaseFact;
import io.rollguard.release.history.ReleaseHistory;
import io.rollguard.routing.TrafficRouter;
import io.rollguard.platform.TargetPlatform;

/**
 * The steps that change the world, each idempotent so a retried job never applies twice:
 * deploying what a slot already runs and setting the weight it already has change nothing.
 */
@Service
public class RolloutService {

    private final TargetPlatform target;
    private final TrafficRouter router;
    private final SlotSnapshots snapshots;
    private final ReleaseRepository releases;
    private final AppRepository apps;
    private final ReleaseHistory history;
    private final IntegrationSettings integrations;

    RolloutService(TargetPlatform target, TrafficRouter router, SlotSnapshots snapshots, ReleaseRepository releases,
            AppRepository apps, ReleaseHistory history, IntegrationSettings integrations) {
        this.integrations = integrations;
        this.target = target;
        this.router = router;
        this.snapshots = snapshots;
        this.releases = releases;
        this.apps = apps;
        this.history = history;
    }

    /** Reads both slots and the weight; fails if the canary already takes traffic from someone else. */
    public void recordStateBefore(ReleaseContext ctx) {
        App app = ctx.app();
        String releaseId = ctx.release().id();
        if (snapshots.find(releaseId, SlotName.CANARY).isPresent()) {
            return;
        }
        int weight = router.canaryWeight(app);
        if (weight != 0) {
            throw new IllegalStateException("the canary slot of " + app.key() + " already takes " + weight
                    + " % of traffic; another rollout is not finished");
        }
        Set<String> pinned = router.pinnedToCanary(app);
        if (!pinned.isEmpty()) {
            throw new IllegalStateException("tenants " + pinned + " of " + app.key()
                    + " are still pinned to the canary slot; another rollout is not finished");
        }
        Instant now = Instant.now();
        for (SlotName slot : SlotName.values()) {
            TargetPlatform.SlotContent content = target.read(app, slot);
            snapshots.saveIfAbsent(new SlotSnapshot(releaseId, slot, content.flowsJson(), content.hash(), weight, now,
                    content.environment()));
        }
        history.record(releaseId, new ReleaseFact.SlotsRecorded(hashOf(releaseId, SlotName.STABLE),
                hashOf(releaseId, SlotName.CANARY), weight));
    }

    /**
     * The new version into the canary slot, with the environment it runs with: what the stable slot
     * ran before the release (its integration settings) with the release's integration changes on
     * top. The platform reads both back and fails when the slot does not run exactly that.
     */
    public void deployCanary(ReleaseContext ctx) {
        App app = ctx.app();
        SlotEnvironment environment = integrations.effective(app.key(), stableEnvironmentBefore(ctx),
                ctx.descriptor().settingsChanges());
        if (target.deploy(app, SlotName.CANARY, ctx.release().artifact(), environment)) {
            history.record(ctx.release().id(), new ReleaseFact.CanaryDeployed(ctx.release().version()));
        }
    }

    /** The canary slot's flows and environment as recorded before the release (the compensation of the deployment). */
    public void restoreCanary(ReleaseContext ctx) {
        snapshots.find(ctx.release().id(), SlotName.CANARY).ifPresent(before -> {
            if (restore(ctx.app(), before)) {
                history.record(ctx.release().id(), new ReleaseFact.CanaryRestored(abbreviate(before.flowsHash())));
            }
        });
    }

    /**
     * A slot back to a snapshot: its flows, and its environment with the secrets resolved to the very
     * versions it held (a reference names one version). A snapshot from before Rollguard recorded
     * environments says nothing about it, so the slot keeps the one it has.
     */
    private boolean restore(App app, SlotSnapshot before) {
        if (before.environment() == null) {
            return target.deploy(app, before.slot(), before.flows());
        }
        return target.deploy(app, before.slot(), before.flows(),
                integrations.withSecretValues(app.key(), before.environment()));
    }

    /** What the stable slot's environment was before the release; read now for a snapshot without one. */
    private SlotEnvironment stableEnvironmentBefore(ReleaseContext ctx) {
        return snapshots.find(ctx.release().id(), SlotName.STABLE).map(SlotSnapshot::environment)
                .orElseGet(() -> target.read(ctx.app(), SlotName.STABLE).environment());
    }

    public void shiftTraffic(ReleaseContext ctx, int stepIndex) {
        if (ctx.descriptor().rollout().byTenants()) {
            Set<String> tenants = ctx.descriptor().rollout().tenantsPinnedAt(stepIndex);
            router.pinToCanary(ctx.app(), tenants);
            releases.updateStep(ctx.release().id(), stepIndex + 1, 0);
            history.record(ctx.release().id(), ReleaseFact.TrafficShifted.toTenants(stepIndex + 1, List.copyOf(tenants)));
            return;
        }
        int weight = ctx.descriptor().rollout().steps().get(stepIndex).weight();
        router.setCanaryWeight(ctx.app(), weight);
        releases.updateStep(ctx.release().id(), stepIndex + 1, weight);
        history.record(ctx.release().id(), ReleaseFact.TrafficShifted.toWeight(stepIndex + 1, weight));
    }

    public void restoreStableTraffic(ReleaseContext ctx) {
        router.setCanaryWeight(ctx.app(), 0);
        router.pinToCanary(ctx.app(), Set.of());
        releases.updateStep(ctx.release().id(), ctx.release().currentStep(), 0);
        history.record(ctx.release().id(), new ReleaseFact.TrafficRestored());
    }

    /**
     * The new version becomes stable; the snapshot of the old stable stays as the rollback target.
     * The state PROMOTED is entered by the lifecycle's end event, in the same transaction.
     */
    public void promote(ReleaseContext ctx) {
        App app = ctx.app();
        if (!ctx.release().flagOnly()) {
            // stable gets the environment the canary was judged with, as the canary reads it back
            SlotEnvironment judged = integrations.withSecretValues(app.key(),
                    target.read(app, SlotName.CANARY).environment());
            target.deploy(app, SlotName.STABLE, ctx.release().artifact(), judged);
        }
        // a flag-only release leaves the slots as they are: its flags stay at their last step's state
        router.setCanaryWeight(app, 0);
        router.pinToCanary(app, Set.of());
        apps.updateCurrentVersion(app.key(), ctx.release().version());
        releases.updatePreviousVersion(ctx.release().id(), ctx.release().previousVersion());
        releases.updateStep(ctx.release().id(), ctx.release().currentStep(), 0);
    }

    /** After promotion: both slots back to what they ran before the release, all traffic to stable. */
    public void restorePreviousVersion(ReleaseContext ctx) {
        App app = ctx.app();
        String releaseId = ctx.release().id();
        router.setCanaryWeight(app, 0);
        router.pinToCanary(app, Set.of());
        for (SlotName slot : SlotName.values()) {
            SlotSnapshot before = snapshots.find(releaseId, slot)
                    .orElseThrow(() -> new IllegalStateException("no record of the " + slot.id() + " slot before release "
                            + releaseId + "; cannot restore it"));
            restore(app, before);
        }
        apps.updateCurrentVersion(app.key(), ctx.release().previousVersion());
        history.record(releaseId, new ReleaseFact.PreviousVersionRestored(ctx.release().previousVersion()));
    }

    private String hashOf(String releaseId, SlotName slot) {
        return snapshots.find(releaseId, slot).map(s -> abbreviate(s.flowsHash())).orElse("?");
    }

    private static String abbreviate(String hash) {
        return hash.length() > 12 ? hash.substring(0, 12) : hash;
    }
}
