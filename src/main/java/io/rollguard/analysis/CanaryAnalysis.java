package io.rollguard.analysis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.stereotype.Service;

import io.rollguard.app.App;
import io.rollguard.app.SlotName;
import io.rollguard.release.descriptor.ReleaseDescriptor;

/**
 * Judges a canary against the stable baseline over one window. Thin data never passes: a
 * metric with fewer canary samples than {@code minSamples}, or a source that cannot answer,
 * makes the run inconclusive so a person decides.
 */
@Service
public class CanaryAnalysis {

    private final Map<String, MetricSource> sources;

    CanaryAnalysis(List<MetricSource> sources) {
        this.sources = sources.stream().collect(Collectors.toMap(MetricSource::name, Function.identity()));
    }

    public AnalysisRun analyze(App app, ReleaseDescriptor descriptor, int step, int weight, Instant from, Instant to) {
        List<AnalysisRun.MetricResult> results = new ArrayList<>();
        for (ReleaseDescriptor.Metric metric : descriptor.analysis().metrics()) {
            results.add(judge(app, metric, descriptor.analysis().minSamples(), from, to));
        }
        Verdict verdict = results.stream().anyMatch(r -> r.verdict() == Verdict.FAILED) ? Verdict.FAILED
                : results.stream().anyMatch(r -> r.verdict() == Verdict.INCONCLUSIVE) ? Verdict.INCONCLUSIVE
                : Verdict.PASSED;
        String reason = results.stream().filter(r -> r.verdict() == verdict)
                .map(r -> r.name() + ": " + r.reason()).collect(Collectors.joining("; "));
        return new AnalysisRun(step, weight, from, to, verdict, reason, results);
    }

    private AnalysisRun.MetricResult judge(App app, ReleaseDescriptor.Metric metric, int minSamples, Instant from,
            Instant to) {
        MetricSource source = sources.get(metric.source());
        if (source == null) {
            return result(metric, null, null, Verdict.INCONCLUSIVE, "no metric source named " + metric.source());
        }
        MetricSource.Measurement canary;
        MetricSource.Measurement baseline;
        try {
            canary = source.measure(app, SlotName.CANARY, metric.query(), from, to);
            baseline = source.measure(app, SlotName.STABLE, metric.query(), from, to);
        } catch (RuntimeException e) {
            return result(metric, null, null, Verdict.INCONCLUSIVE, "source failed: " + e.getMessage());
        }
        if (canary.samples() < minSamples) {
            return result(metric, canary, baseline, Verdict.INCONCLUSIVE,
                    "only " + canary.samples() + " canary samples, " + minSamples + " needed");
        }
        if (Double.isNaN(canary.value())) {
            return result(metric, canary, baseline, Verdict.INCONCLUSIVE, "canary value is not a number");
        }
        ReleaseDescriptor.FailIf failIf = metric.failIf();
        if (failIf.above() != null && canary.value() > failIf.above()) {
            return result(metric, canary, baseline, Verdict.FAILED,
                    "canary " + fmt(canary.value()) + " is above the limit " + fmt(failIf.above()));
        }
        if (failIf.aboveBaselineBy() != null) {
            if (baseline.samples() < minSamples || Double.isNaN(baseline.value())) {
                return result(metric, canary, baseline, Verdict.INCONCLUSIVE,
                        "only " + baseline.samples() + " baseline samples, " + minSamples + " needed");
            }
            if (canary.value() - baseline.value() > failIf.aboveBaselineBy()) {
                return result(metric, canary, baseline, Verdict.FAILED, "canary " + fmt(canary.value())
                        + " exceeds baseline " + fmt(baseline.value()) + " by more than " + fmt(failIf.aboveBaselineBy()));
            }
        }
        return result(metric, canary, baseline, Verdict.PASSED, "canary " + fmt(canary.value())
                + (baseline.samples() > 0 ? " vs baseline " + fmt(baseline.value()) : "") + " within limits");
    }

    private static AnalysisRun.MetricResult result(ReleaseDescriptor.Metric metric, MetricSource.Measurement canary,
            MetricSource.Measurement baseline, Verdict verdict, String reason) {
        return new AnalysisRun.MetricResult(metric.name(), metric.source(), metric.query(),
                canary == null ? 0 : canary.samples(), canary == null ? Double.NaN : canary.value(),
                baseline == null ? 0 : baseline.samples(), baseline == null ? Double.NaN : baseline.value(),
                verdict, reason);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
