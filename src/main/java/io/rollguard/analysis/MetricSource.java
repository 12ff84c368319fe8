package io.rollguard.analysis;

import java.time.Instant;

import io.rollguard.app.App;
import io.rollguard.app.SlotName;

/** Measurements of one metric for one slot over a window. */
public interface MetricSource {

    /** The source name used in descriptors ({@code source: builtin}). */
    String name();

    Measurement measure(App app, SlotName slot, String query, Instant from, Instant to);

    /** A value computed from {@code samples} requests; value is NaN when there were none. */
    record Measurement(String query, long samples, double value) {
    }
}
