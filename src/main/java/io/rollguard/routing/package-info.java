/**
 * Traffic between an app's stable and canary slots: the {@link io.rollguard.routing.TrafficRouter}
 * port, chosen per app, with the built-in router ({@code builtin}: its own port, tenant pinning,
 * per-slot samples that the built-in metric source reads) and HAProxy's runtime API ({@code haproxy}).
 */
@org.springframework.modulith.ApplicationModule(displayName = "Traffic routing")
package io.rollguard.routing;
