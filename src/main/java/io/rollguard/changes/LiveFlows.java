package io.rollguard.changes;

import java.time.Instant;

import org.springframework.stereotype.Component;

import io.rollguard.app.App;
import io.rollguard.app.SlotName;
import io.rollguard.platform.SlotEnvironment;
import io.rollguard.platform.TargetPlatform;

/**
 * The live side of a comparison, read from the app's stable slot through the target adapter (never
 * from what Rollguard believes it deployed).
 */
@Component
class LiveFlows {

    /**
     * {@code source} stable (read now), snapshot (the stable slot as recorded before the release
     * touched anything) or unavailable (the slot did not answer: compared with nothing, every node
     * counts as added, so the classes can only come out stricter); {@code note} says which for people.
     */
    record Live(String source, String flowsJson, String hash, Instant takenAt, String note,
            SlotEnvironment environment) {
        Live {
            environment = environment == null ? SlotEnvironment.EMPTY : environment.withoutSecretValues();
        }
    }

    private final TargetPlatform platform;

    LiveFlows(TargetPlatform platform) {
        this.platform = platform;
    }

    Live stable(App app) {
        try {
            TargetPlatform.SlotContent content = platform.read(app, SlotName.STABLE);
            return new Live("stable", content.flowsJson(), content.hash(), Instant.now(),
                    "compared with what the stable slot runs now", content.environment());
        } catch (RuntimeException e) {
            // whatever the reason (down, wrong token, garbage), the release is compared with nothing: stricter, never laxer
            return new Live("unavailable", null, null, Instant.now(), "the stable slot could not be read ("
                    + e.getMessage() + "): compared with nothing live, so every node counts as added", null);
        }
    }
}
