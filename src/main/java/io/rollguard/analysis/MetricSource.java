package io.rollguard.analysis;

import java.time.Instant;

import io.rollguard.app.App;
import io.rollguard.app.SlotName;

/** Samples of one metric for one slot over a window. */
public interface MetricSource {

    /** The source name used in descriptors ({@code source: builtin}). */
    String name();

    /**
     * Samples of {@code query} for {@code slot} in {@code [from, to)}. No data at all is an empty
     * sample set; a source that cannot answer (unreachable, bad query, no series, NaN) throws
     * {@link MetricQueryException} naming the query as sent and why.
     */
    Samples measure(App app, SlotName slot, String query, Instant from, Instant to);

    /**
     * Samples of {@code query} for an audience: a slot, as {@link #measure(App, SlotName, String, Instant, Instant)},
     * or a flag cohort, which a source answers only if it can tell the cohorts apart; one that cannot
     * throws {@link MetricQueryException} saying so (the measurement is an error, never a guess).
     */
    default Samples measure(App app, Audience audience, String query, Instant from, Instant to) {
        if (!audience.isCohort()) {
            return measure(app, audience.slot(), query, from, to);
        }
        throw new MetricQueryException(query + " " + audience.describe(),
                "the " + name() + " metric source cannot tell flag cohorts apart");
    }

    /**
     * What a source answered: the query exactly as sent, the individual samples (one per request
     * or one per evaluation step) and the source's own aggregate of them (a ratio, a percentile,
     * a mean) used for threshold comparisons; the aggregate is NaN when there are no samples.
     * {@code times} holds when each sample was taken (epoch millis, parallel to {@code values}) so
     * the run's chart is drawn from these very samples; null when the source cannot say.
     * {@code note} says what the source left out and why (NaN points), or is null.
     */
    record Samples(String query, double[] values, long[] times, double value, String note) {

        public Samples {
            if (times != null && times.length != values.length) {
                throw new IllegalArgumentException(
                        "times (" + times.length + ") must be parallel to values (" + values.length + ")");
            }
        }

        public Samples(String query, double[] values, long[] times, double value) {
            this(query, values, times, value, null);
        }

        public Samples(String query, double[] values, double value) {
            this(query, values, null, value, null);
        }

        public int count() {
            return values.length;
        }
    }
}
