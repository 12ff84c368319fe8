package io.rollguard.routing;

import io.rollguard.app.App;

/** Splits an app's user traffic between its stable and canary slots. Idempotent. */
public interface TrafficRouter {

    /** Percentage of requests (0–100) that go to the canary slot. */
    void setCanaryWeight(App app, int percent);

    /** The weight the router really applies now, read back from the router itself. */
    int canaryWeight(App app);
}
