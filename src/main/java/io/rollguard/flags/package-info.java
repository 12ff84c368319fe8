/**
 * Feature flags per app: the {@link io.rollguard.flags.FlagStore} port (built-in store served over
 * the OpenFeature Remote Evaluation Protocol, or Unleash 8 through its Admin API), the evaluation
 * the built-in router's cohort attribution shares with the app's own client ({@code FlagEvaluator},
 * which also answers OFREP; Unleash's rollout hash for apps on Unleash), the flag changes a release
 * makes and their restoration, the kill switch and the flag history auditors read.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Feature flags")
package io.rollguard.flags;
