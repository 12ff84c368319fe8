package io.rollguard.app;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * The least analysis a release of an app must run, set by admins in the registry: metrics that
 * must be measured (by query, optionally from a given source) with limits at least this strict,
 * the smallest {@code minSamples} of any metric, the largest weight of the first rollout step and
 * the fewest steps. A release descriptor may only tighten it. Null fields set no floor.
 */
public record AnalysisFloor(List<RequiredMetric> metrics, Integer minSamples, Integer maxFirstStepWeight,
        Integer minSteps) {

    public static final AnalysisFloor NONE = new AnalysisFloor(List.of(), null, null, null);

    public AnalysisFloor {
        metrics = metrics == null ? List.of() : List.copyOf(metrics);
    }

    /**
     * A metric the descriptor must measure: its {@code query} (and {@code source}, when given) and,
     * when given, a {@code failIf.above} or {@code failIf.aboveBaselineBy} no higher than these.
     */
    public record RequiredMetric(String query, String source, Double above, Double aboveBaselineBy) {
    }

    @JsonIgnore
    public boolean isNone() {
        return metrics.isEmpty() && minSamples == null && maxFirstStepWeight == null && minSteps == null;
    }
}
