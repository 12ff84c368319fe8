/**
 * Canary analysis: judges the canary slot against the stable baseline over each rollout step with
 * the metrics of the descriptor (passed, failed or inconclusive, thin data never passes), keeps every
 * run's evidence and chart series in the shared database, and runs the release manager's decision
 * on a held analysis. Metric sources are adapters: {@code builtin} (the built-in router's own
 * measurements) and {@code prometheus} (PromQL).
 */
@org.springframework.modulith.ApplicationModule(displayName = "Canary analysis")
package io.rollguard.analysis;
