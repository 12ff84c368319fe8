package io.rollguard.routing;

/** One kind of router ({@code builtin}, {@code haproxy}); the app's registration picks it. */
public interface RouterAdapter extends TrafficRouter {

    /** The name used in the app registration's {@code dataPlane.router}. */
    String type();
}
