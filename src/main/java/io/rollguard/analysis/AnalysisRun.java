package io.rollguard.analysis;

import java.time.Instant;
import java.util.List;

/** One analysis of one rollout step: the evidence per metric and the overall verdict with its reason. */
public record AnalysisRun(int step, int weight, Instant from, Instant to, Verdict verdict, String reason,
        List<MetricResult> metrics) {

    public record MetricResult(String name, String source, String query, long canarySamples, double canary,
            long baselineSamples, double baseline, Verdict verdict, String reason) {
    }
}
