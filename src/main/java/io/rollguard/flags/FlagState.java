package io.rollguard.flags;

import java.util.List;

/**
 * How far a flag's new variant is exposed. Off serves everyone the default variant (reason
 * DISABLED). On, a request whose tenant is in {@code tenants} gets the new variant (TARGETING_MATCH);
 * every other request gets it when the sticky hash of flag key and targeting key falls below
 * {@code percentage} (SPLIT; 100 with no tenants is STATIC, everyone).
 */
public record FlagState(boolean enabled, int percentage, List<String> tenants) {

    public static final FlagState OFF = new FlagState(false, 0, List.of());

    public FlagState {
        if (percentage < 0 || percentage > 100) {
            throw new IllegalArgumentException("percentage must be 0..100, was " + percentage);
        }
        tenants = tenants == null ? List.of() : List.copyOf(tenants);
    }

    /** The same state, switched off: what the kill switch leaves behind. */
    public FlagState off() {
        return new FlagState(false, percentage, tenants);
    }
}
