package io.rollguard.changes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;

import io.rollguard.app.App;
import io.rollguard.flags.FlagChanges;
import io.rollguard.flags.FlagStoreException;
import io.rollguard.flags.StoredFlag;
import io.rollguard.release.descriptor.ReleaseDescriptor;

/**
 * What a release does to each of its flags, for approvers and the changes page: the state before
 * (as recorded when the release first touched the flag, else as the app's store holds it now) and
 * the state at every rollout step.
 */
@Component
class FlagPlan {

    private final FlagChanges flags;

    FlagPlan(FlagChanges flags) {
        this.flags = flags;
    }

    /** One flag: its variants, its state before the release and at each step (1-based in the texts). */
    record FlagView(String key, String defaultVariant, String newVariant, Map<String, String> variants, String before,
            List<String> steps) {

        String line() {
            List<String> perStep = new ArrayList<>();
            for (int i = 0; i < steps.size(); i++) {
                perStep.add("step " + (i + 1) + " " + steps.get(i));
            }
            return key + " (new variant " + newVariant + ", default " + defaultVariant + "): " + before + " -> "
                    + String.join(", ", perStep);
        }
    }

    List<FlagView> of(App app, String releaseId, ReleaseDescriptor descriptor) {
        if (descriptor.flags().isEmpty()) {
            return List.of();
        }
        Map<String, Optional<StoredFlag>> recorded = releaseId == null ? Map.of()
                : flags.touchedBy(releaseId).stream()
                        .collect(Collectors.toMap(FlagChanges.Before::key, FlagChanges.Before::before));
        List<FlagView> views = new ArrayList<>();
        for (ReleaseDescriptor.Flag flag : descriptor.flags()) {
            String before;
            if (recorded.containsKey(flag.key())) {
                before = StoredFlag.describe(recorded.get(flag.key())) + " (before this release)";
            } else {
                before = now(app, flag.key());
            }
            Map<String, String> variants = new java.util.LinkedHashMap<>();
            if (flag.isBoolean()) {
                variants.put(ReleaseDescriptor.Flag.BOOLEAN_OFF, "false");
                variants.put(ReleaseDescriptor.Flag.BOOLEAN_ON, "true");
            } else {
                flag.variants().forEach((name, value) -> variants.put(name, value.toString()));
            }
            views.add(new FlagView(flag.key(), flag.defaultVariant(), flag.newVariant(), variants, before,
                    flag.steps().stream().map(ReleaseDescriptor.FlagStep::describe).toList()));
        }
        return views;
    }

    private String now(App app, String key) {
        try {
            return StoredFlag.describe(flags.current(app, key)) + " (now)";
        } catch (FlagStoreException e) {
            // approvers still see the plan; that the store did not answer is part of what they see
            return "unknown: the app's flag store did not answer (" + e.getMessage() + ")";
        }
    }
}
