package io.rollguard.routing;

import java.util.Set;

import io.rollguard.app.App;

/** Splits an app's user traffic between its stable and canary slots. Idempotent. */
public interface TrafficRouter {

    /** Percentage of requests (0–100) that go to the canary slot. */
    void setCanaryWeight(App app, int percent);

    /** The weight the router really applies now, read back from the router itself. */
    int canaryWeight(App app);

    /**
     * Pins exactly these tenants (by the app's tenant header) to the canary slot; every other
     * request follows the weights. An empty set unpins everyone.
     */
    void pinToCanary(App app, Set<String> tenants);

    /** The tenants the router really pins to canary now, read back from the router itself. */
    Set<String> pinnedToCanary(App app);
}
