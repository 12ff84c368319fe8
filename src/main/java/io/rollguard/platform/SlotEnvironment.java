package io.rollguard.platform;

import java.util.Map;
import java.util.TreeMap;

/**
 * The environment entries Rollguard manages in a slot, beside the app's flows: the settings of the
 * app's registered integrations (for Node-RED, entries of its global-config node that flows read
 * with {@code env.get} or {@code ${NAME}}). Plain {@code values} are read back as they are; a
 * secret is stored by the platform where reading the flows never shows it, so what a slot reads
 * back of a secret is its {@link Secret#reference()} only ({@code value} null).
 */
public record SlotEnvironment(Map<String, String> values, Map<String, Secret> secrets) {

    public static final SlotEnvironment EMPTY = new SlotEnvironment(Map.of(), Map.of());

    public SlotEnvironment {
        values = java.util.Collections.unmodifiableMap(new TreeMap<>(values));
        secrets = java.util.Collections.unmodifiableMap(new TreeMap<>(secrets));
    }

    /**
     * A secret entry: {@code reference} names the app secret and its version ({@code rates-api-key@2}),
     * which is all anyone but the slot sees; {@code value} is set only on the way into a slot.
     */
    public record Secret(String reference, String value) {

        @Override
        public String toString() {
            return "Secret[" + reference + "]";
        }
    }

    /** The same entries without secret values: what a read-back, a snapshot or a report may hold. */
    public SlotEnvironment withoutSecretValues() {
        Map<String, Secret> refs = new TreeMap<>();
        secrets.forEach((name, s) -> refs.put(name, new Secret(s.reference(), null)));
        return new SlotEnvironment(values, refs);
    }

    /** Equal as read back: same plain values, same secret references (values are never read back). */
    public boolean sameAs(SlotEnvironment other) {
        return withoutSecretValues().equals(other.withoutSecretValues());
    }

    public boolean isEmpty() {
        return values.isEmpty() && secrets.isEmpty();
    }
}
