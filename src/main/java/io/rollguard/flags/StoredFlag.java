package io.rollguard.flags;

import java.util.Optional;

/** A flag as a store holds it (what a read-back returns). */
public record StoredFlag(FlagDefinition definition, FlagState state) {

    /**
     * How a flag reads in the flag history, the changes page and the restoration report: absent,
     * off, or on for whom, with its new and default variants.
     */
    public static String describe(Optional<StoredFlag> flag) {
        if (flag.isEmpty()) {
            return "absent";
        }
        FlagState s = flag.get().state();
        String variants = " (new variant " + flag.get().definition().newVariant() + ", default "
                + flag.get().definition().defaultVariant() + ")";
        if (!s.enabled()) {
            return "off" + variants;
        }
        return "on for " + (s.tenants().isEmpty() ? "" : "tenants " + String.join(", ", s.tenants()) + " and ")
                + s.percentage() + " %" + variants;
    }
}
