package io.rollguard.analysis;

import io.rollguard.app.SlotName;

/**
 * Whose requests a measurement is of: everything one slot served, or, for a flag-only release, one
 * cohort of the stable slot's requests: those the release's flags served a new variant
 * ({@code exposed}) or none ({@code !exposed}). {@code variant} names the cohort's variant for
 * sources that count per variant (Prometheus' {@code {{variant}}}).
 */
public record Audience(SlotName slot, Boolean exposed, String variant) {

    public static Audience of(SlotName slot) {
        return new Audience(slot, null, null);
    }

    public static Audience cohort(boolean exposed, String variant) {
        return new Audience(SlotName.STABLE, exposed, variant);
    }

    public boolean isCohort() {
        return exposed != null;
    }

    /** How a query names it: "slot=canary" or "cohort=exposed (variant on)". */
    public String describe() {
        return isCohort() ? "cohort=" + (exposed ? "exposed" : "unexposed") + (variant == null ? "" : " (variant " + variant + ")")
                : "slot=" + slot.id();
    }
}
