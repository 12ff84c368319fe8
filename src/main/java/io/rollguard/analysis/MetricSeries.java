package io.rollguard.analysis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Canary vs baseline of one metric over a run's window {@code [from, to)}, for the run's chart:
 * equal buckets from {@code from} (bucket starts in {@code t}, epoch millis), per bucket the mean
 * of the samples taken in it and how many there were; an empty bucket has a null mean. Built when
 * the run is analysed from the samples the verdict was based on, and kept with its evidence, so
 * the chart survives the router's sample retention and exists for every data plane.
 * {@code unit} is {@code ratio} (error ratio, 0..1), {@code ms} or null when the query's unit is
 * unknown (a descriptor's own PromQL).
 */
record MetricSeries(String metric, String source, String query, String unit, Instant from, Instant to,
        long bucketMillis, List<Long> t, List<Double> canary, List<Double> baseline, List<Integer> canarySamples,
        List<Integer> baselineSamples, long canaryTotal, long baselineTotal, String note) {

    /** Enough points for a curve, few enough to read; a long window gets wider buckets, not more of them. */
    static final int MAX_BUCKETS = 30;
    /** Prometheus answers one point per second: narrower buckets would alternate between one point and none. */
    static final long MIN_BUCKET_MILLIS = 1000;

    /**
     * Buckets every sample with a time inside {@code [from, to)}; samples outside the window (a
     * range query's point at its end) are left out, and samples without a time are counted in the note.
     */
    static MetricSeries of(String metric, String source, String query, Instant from, Instant to,
            List<MetricSource.Samples> canary, List<MetricSource.Samples> baseline, String note) {
        long start = from.toEpochMilli();
        long width = bucketMillis(from, to);
        int n = (int) Math.max(1, ceilDiv(Math.max(0, to.toEpochMilli() - start), width));
        Slot c = new Slot(n);
        Slot b = new Slot(n);
        c.add(canary, start, to.toEpochMilli(), width);
        b.add(baseline, start, to.toEpochMilli(), width);
        List<Long> t = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            t.add(start + i * width);
        }
        String untimed = c.untimed + b.untimed == 0 ? null
                : (c.untimed + b.untimed) + " samples without a time are not charted";
        String fullNote = note == null ? untimed : untimed == null ? note : note + "; " + untimed;
        return new MetricSeries(metric, source, query, unit(query), from, to, width, t, c.means(), b.means(),
                c.counts(), b.counts(), c.total, b.total, fullNote);
    }

    /** At most {@link #MAX_BUCKETS} buckets of whole seconds, at least one second each. */
    static long bucketMillis(Instant from, Instant to) {
        long span = Math.max(1, Duration.between(from, to).toMillis());
        long width = Math.max(MIN_BUCKET_MILLIS, ceilDiv(span, MAX_BUCKETS));
        return ceilDiv(width, 1000) * 1000;
    }

    /** The unit of the portable queries every source answers; other queries are in their own unit. */
    static String unit(String query) {
        if (query == null) {
            return null;
        }
        if (query.equals("error-ratio")) {
            return "ratio";
        }
        return query.startsWith("latency-") ? "ms" : null;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** One slot's sums and counts per bucket. */
    private static final class Slot {
        final double[] sums;
        final int[] counts;
        long total;
        long untimed;

        Slot(int n) {
            sums = new double[n];
            counts = new int[n];
        }

        void add(List<MetricSource.Samples> all, long start, long end, long width) {
            for (MetricSource.Samples samples : all) {
                if (samples.times() == null) {
                    untimed += samples.count();
                    continue;
                }
                for (int i = 0; i < samples.count(); i++) {
                    long at = samples.times()[i];
                    if (at < start || at >= end) {
                        continue;
                    }
                    int bucket = (int) ((at - start) / width);
                    sums[bucket] += samples.values()[i];
                    counts[bucket]++;
                    total++;
                }
            }
        }

        List<Double> means() {
            List<Double> means = new ArrayList<>(sums.length);
            for (int i = 0; i < sums.length; i++) {
                means.add(counts[i] == 0 ? null : sums[i] / counts[i]);
            }
            return Collections.unmodifiableList(means);
        }

        List<Integer> counts() {
            List<Integer> list = new ArrayList<>(counts.length);
            for (int count : counts) {
                list.add(count);
            }
            return list;
        }
    }
}
