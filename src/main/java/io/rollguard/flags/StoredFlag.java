package io.rollguard.flags;

/** A flag as a store holds it (what a read-back returns). */
public record StoredFlag(FlagDefinition definition, FlagState state) {
}
