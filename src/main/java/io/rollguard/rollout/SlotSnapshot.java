package io.rollguard.rollout;

import java.time.Instant;

import io.rollguard.app.SlotName;

/** What a slot ran, and the canary weight, before a release touched anything. */
public record SlotSnapshot(String releaseId, SlotName slot, String flows, String flowsHash, int canaryWeight,
        Instant takenAt) {
}
