package io.rollguard.rollout;

import java.time.Instant;

import io.rollguard.app.SlotName;
import io.rollguard.platform.SlotEnvironment;

/**
 * What a slot ran, and the canary weight, before a release touched anything. {@code environment}
 * is the managed environment the slot had (plain values and secret references, never a secret's
 * value); it is null for a snapshot taken before Rollguard recorded slot environments, which says
 * nothing about the environment (not that it was empty).
 */
public record SlotSnapshot(String releaseId, SlotName slot, String flows, String flowsHash, int canaryWeight,
        Instant takenAt, SlotEnvironment environment) {

    public SlotSnapshot {
        environment = environment == null ? null : environment.withoutSecretValues();
    }
}
