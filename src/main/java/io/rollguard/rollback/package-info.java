/**
 * Restoration after a failed, aborted or rolled-back release: reads back what slots, router and the
 * app's database really are and compares them with the state before the release; a mismatch waits
 * for a release manager's repair, so a release is only called rolled back when the world is as before.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Rollback and restoration")
package io.rollguard.rollback;
