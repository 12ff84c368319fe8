/**
 * Preflight, before a release takes any user traffic: the descriptor against the app's current
 * state, the migration dry run that proves reversibility, the new version deployed into the canary
 * slot and its synthetic user journeys. A failed check ends the release with its report.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Preflight")
package io.rollguard.preflight;
