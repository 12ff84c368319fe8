/**
 * Preflight, before a release takes any user traffic: the migration dry run that proves
 * reversibility (run by migration), the descriptor against the app's current state, both slots
 * reachable and recorded, the new version deployed into the canary slot and a smoke request
 * against it. A failed check ends the release with its report.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Preflight")
package io.rollguard.preflight;
