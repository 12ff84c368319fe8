/**
 * The rollout steps that change the world, each idempotent and each with its undo: snapshot of the
 * slots before, deploy into the canary slot, traffic weights or tenant waves, and promotion (the
 * new version becomes stable, the previous one the rollback target).
 */
@org.springframework.modulith.ApplicationModule(displayName = "Rollout")
package io.rollguard.rollout;
