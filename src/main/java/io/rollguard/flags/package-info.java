/**
 * Feature flags per app: the {@link io.rollguard.flags.FlagStore} port (built-in store served over
 * the OpenFeature Remote Evaluation Protocol, or Unleash), the one evaluation function that apps,
 * OFREP and the built-in router's cohort attribution share, the flag changes a release makes and
 * their restoration, the kill switch and the flag history auditors read.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Feature flags")
package io.rollguard.flags;
