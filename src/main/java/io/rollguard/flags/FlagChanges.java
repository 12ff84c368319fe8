package io.rollguard.flags;

import java.util.List;
import java.util.Optional;

import io.rollguard.app.App;

/**
 * The flag changes a release makes, through the app's store, each one audited with its evidence
 * (who, which release, the state before and after, the store's read-back).
 */
public interface FlagChanges {

    /** One flag a release sets: what it is and its state at each rollout step. */
    record ReleaseFlag(FlagDefinition definition, List<FlagState> steps) {
    }

    /** The flag's state now in the app's store (empty when absent): the "before" approvers see. */
    Optional<StoredFlag> current(App app, String key);

    /**
     * Sets each flag to its state at {@code stepIndex}. The first time a release touches a flag its
     * state before the release is remembered (in the database, so any node can restore it);
     * repeating a step writes the same state again. Throws {@link FlagStoreException}.
     */
    void applyStep(App app, String releaseId, List<ReleaseFlag> flags, int stepIndex);

    /**
     * Puts every flag the release touched back to its state before the release (absent: removed),
     * reads each back from the store and returns what still differs, one readable line per flag
     * (empty: all restored). Idempotent; a release that touched no flag returns empty.
     */
    List<String> restore(App app, String releaseId, String why);

    /** Flags the release touched, with the state each had before it (empty optional: absent). */
    List<Before> touchedBy(String releaseId);

    record Before(String key, Optional<StoredFlag> before) {
    }
}
