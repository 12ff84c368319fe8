package io.rollguard.analysis;

import java.time.Instant;
import java.util.List;

/**
 * One analysis of one rollout step (an Argo "analysis run"): per metric, every measurement with
 * the queries as sent, sample summaries and each comparison, and the overall verdict with a
 * one-line reason. This is the evidence kept for release managers and auditors. {@code series}
 * holds, per metric and in the same order, canary vs baseline over the window for its chart.
 */
record AnalysisRun(int step, int weight, Instant from, Instant to, Verdict verdict, String reason,
        List<MetricResult> metrics, List<MetricSeries> series) {

    /** A metric over all measurements of the step, judged with its failure and consecutive-error limits. */
    public record MetricResult(String name, String source, Verdict verdict, String reason, int failureLimit,
            int consecutiveErrorLimit, int failed, int errors, int maxConsecutiveErrors,
            List<Measurement> measurements) {
    }

    /** One measurement: one window, both slots queried, every comparison of the metric applied. */
    public record Measurement(Instant from, Instant to, Outcome outcome, String reason, String canaryQuery,
            String baselineQuery, SampleStats canary, SampleStats baseline, List<Check> checks) {
    }

    /**
     * One comparison. {@code kind} is {@code above}, {@code aboveBaselineBy} or {@code mannWhitney};
     * {@code observed} is the canary value or the canary-minus-baseline difference compared with
     * {@code limit}; for Mann-Whitney also the U statistic and two-sided p-value.
     */
    public record Check(String kind, Double observed, Double limit, Double statistic, Double pValue,
            Double confidence, boolean failed, String detail) {
    }

    /**
     * How a measurement ended; an error is a measurement that could not be taken (Argo's "Error").
     * Idle: not a single request reached either slot (the app was unused, or its router was down,
     * e.g. while Rollguard restarted): it says nothing about the canary and is not judged.
     */
    public enum Outcome {
        PASSED, FAILED, INCONCLUSIVE, ERROR, IDLE
    }
}
