package io.rollguard.rollback;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.springframework.stereotype.Service;

import io.rollguard.app.SlotName;
import io.rollguard.flags.FlagChanges;
import io.rollguard.flags.StoredFlag;
import io.rollguard.migration.MigrationService;
import io.rollguard.release.ReleaseContext;
import io.rollguard.release.StoredText;
import io.rollguard.release.history.ReleaseFact;
import io.rollguard.release.history.ReleaseHistory;
import io.rollguard.routing.TrafficRouter;
import io.rollguard.rollout.SlotSnapshot;
import io.rollguard.rollout.SlotSnapshots;
import io.rollguard.platform.SlotEnvironment;
import io.rollguard.platform.TargetPlatform;

/** Reads back what slots, router and the app's database really are now and compares it with the state before the release. */
@Service
class RestorationCheck {

    private final TargetPlatform target;
    private final TrafficRouter router;
    private final SlotSnapshots snapshots;
    private final MigrationService migrations;
    private final ReleaseHistory history;
    private final FlagChanges flags;

    RestorationCheck(TargetPlatform target, TrafficRouter router, SlotSnapshots snapshots, MigrationService migrations,
            ReleaseHistory history, FlagChanges flags) {
        this.flags = flags;
        this.migrations = migrations;
        this.history = history;
        this.target = target;
        this.router = router;
        this.snapshots = snapshots;
    }

    /** What a verification found: every difference, and the text kept of them (for the history and the repair task). */
    record Verification(List<String> differences, String found) {
        boolean restored() {
            return differences.isEmpty();
        }
    }

    /** Compares, and writes into the release's history whether the world is as before. */
    Verification verify(ReleaseContext ctx, boolean afterPromotion) {
        List<String> differences = differences(ctx, afterPromotion);
        if (!differences.isEmpty()) {
            ReleaseFact.RestorationMismatch mismatch = new ReleaseFact.RestorationMismatch(differences);
            String found = StoredText.clip(mismatch.detail());
            history.record(ctx.release().id(), mismatch);
            return new Verification(differences, found);
        }
        history.record(ctx.release().id(), new ReleaseFact.RestorationVerified(afterPromotion));
        return new Verification(differences, null);
    }

    /**
     * Every difference found; empty when the world is as it was. After a promotion the app's data
     * lived on, so only its structure and the restored copies are compared (see MigrationService).
     */
    public List<String> differences(ReleaseContext ctx, boolean afterPromotion) {
        List<String> differences = new ArrayList<>();
        int weight = router.canaryWeight(ctx.app());
        Set<String> pinned = router.pinnedToCanary(ctx.app());
        if (!pinned.isEmpty()) {
            differences.add("tenants still pinned to canary: " + String.join(", ", pinned));
        }
        for (SlotName slot : SlotName.values()) {
            SlotSnapshot before = snapshots.find(ctx.release().id(), slot).orElse(null);
            if (before == null) {
                continue; // the release never got as far as recording (and changing) this slot
            }
            if (slot == SlotName.CANARY && weight != before.canaryWeight()) {
                differences.add("canary weight is " + weight + " %, was " + before.canaryWeight() + " %");
            }
            TargetPlatform.SlotContent content = target.read(ctx.app(), slot);
            String now = content.hash();
            if (!now.equals(before.flowsHash())) {
                differences.add(slot.id() + " slot runs flows " + now.substring(0, 12) + ", was "
                        + before.flowsHash().substring(0, 12));
            }
            // integration settings revert with the app: plain values and secret references (never values) as recorded
            if (before.environment() != null && !content.environment().sameAs(before.environment())) {
                differences.add(slot.id() + " slot environment is " + describe(content.environment()) + ", was "
                        + describe(before.environment()));
            }
        }
        // every flag the release touched, read back from the app's flag store itself
        for (FlagChanges.Before touched : flags.touchedBy(ctx.release().id())) {
            Optional<StoredFlag> now = flags.current(ctx.app(), touched.key());
            if (!now.equals(touched.before())) {
                differences.add("flag " + touched.key() + " is " + StoredFlag.describe(now) + ", was "
                        + StoredFlag.describe(touched.before()));
            }
        }
        // the app's schema and every table's rows, against the record taken before the migration
        differences.addAll(migrations.differencesAfterRollback(ctx, afterPromotion));
        return differences;
    }

    /** An environment as a restoration report may show it: plain values, and secrets by reference only. */
    private static String describe(SlotEnvironment environment) {
        List<String> entries = new ArrayList<>();
        environment.values().forEach((name, value) -> entries.add(name + "=" + value));
        environment.secrets().forEach((name, secret) -> entries.add(name + "=secret " + secret.reference()));
        return entries.isEmpty() ? "empty" : "{" + String.join(", ", entries) + "}";
    }
}
