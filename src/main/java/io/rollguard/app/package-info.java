/**
 * The app registry: the low-code apps Rollguard releases, who owns them, where their stable and
 * canary slots run (with their Admin API tokens, sealed at rest), which router and metric source
 * their releases use, and the app's own database that data-model changes are applied to. The
 * admin API to register them lives here too.
 */
@org.springframework.modulith.ApplicationModule(displayName = "App registry")
package io.rollguard.app;
