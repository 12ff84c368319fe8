package io.rollguard.flags;

import java.util.List;
import java.util.Optional;

import io.rollguard.app.App;

/**
 * Where an app's flags live: the built-in store ({@code builtin}, served over OFREP) or Unleash
 * ({@code unleash}, through its Admin API). The app's registration picks one, as it picks the
 * router. Every operation is idempotent: a step retried after a crash writes the same state again.
 * Failures throw {@link FlagStoreException}.
 */
public interface FlagStore {

    /** The name an app registration uses ({@code builtin}, {@code unleash}). */
    String name();

    /** The flag as the store holds it now, read from the store itself; empty when it has no such flag. */
    Optional<StoredFlag> read(App app, String key);

    /** Every flag the store holds for the app, by key. */
    List<StoredFlag> list(App app);

    /** Creates or updates the flag to exactly this definition and state. */
    void write(App app, FlagDefinition definition, FlagState state);

    /**
     * Brings the flag back to "not there": afterwards every request is served the default variant,
     * exactly as for a flag the app never had. (Unleash keeps archived names reserved, so its
     * adapter may leave a disabled flag with no strategies behind; {@link #read} then reports it
     * as absent.)
     */
    void remove(App app, String key);

    /**
     * Whether the app's own evaluation serves this request the flag's new variant. The built-in
     * router asks for every request while a flag-only release is judged, so the answer comes from
     * memory (kept within about a second of the store), never from a call to the store.
     */
    boolean exposed(App app, String key, String targetingKey, String tenant);
}
