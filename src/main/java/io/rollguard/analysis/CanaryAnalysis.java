package io.rollguard.analysis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.stereotype.Service;

import io.rollguard.analysis.AnalysisRun.Measurement;
import io.rollguard.analysis.AnalysisRun.MetricResult;
import io.rollguard.analysis.AnalysisRun.Outcome;
import io.rollguard.app.App;
import io.rollguard.app.SlotName;
import io.rollguard.release.descriptor.ReleaseDescriptor;

/**
 * Judges a canary against the stable baseline over one step. The step's window is cut into
 * measurements of {@code analysis.interval} each; every metric is measured in each of them and
 * judged with Argo Rollouts' limits. Thin data never passes: too few samples, a source that
 * cannot answer, no series or NaN make the metric inconclusive so a person decides.
 */
@Service
class CanaryAnalysis {

    /** More measurements per step than this would only slice the samples thinner. */
    static final int MAX_MEASUREMENTS = 60;

    private final Map<String, MetricSource> sources;

    CanaryAnalysis(List<MetricSource> sources) {
        this.sources = sources.stream().collect(Collectors.toMap(MetricSource::name, Function.identity()));
    }

    public AnalysisRun analyze(App app, ReleaseDescriptor descriptor, int step, int weight, Instant from, Instant to) {
        List<Instant> bounds = windows(from, to, descriptor.analysis().interval());
        List<MetricResult> results = new ArrayList<>();
        List<MetricSeries> series = new ArrayList<>();
        Audiences audiences = Audiences.of(descriptor);
        for (ReleaseDescriptor.Metric metric : descriptor.analysis().metrics()) {
            Judged judged = judge(app, metric, bounds, audiences);
            results.add(judged.result());
            series.add(judged.series());
        }
        Verdict verdict = results.stream().anyMatch(r -> r.verdict() == Verdict.FAILED) ? Verdict.FAILED
                : results.stream().anyMatch(r -> r.verdict() == Verdict.INCONCLUSIVE) ? Verdict.INCONCLUSIVE
                : Verdict.PASSED;
        String reason = results.stream().filter(r -> r.verdict() == verdict)
                .map(r -> r.name() + ": " + r.reason()).collect(Collectors.joining("; "));
        return new AnalysisRun(step, weight, from, to, verdict, reason, results, series);
    }

    /** Boundaries of equal measurement windows covering {@code [from, to)}: one per whole interval, at least one. */
    static List<Instant> windows(Instant from, Instant to, Duration interval) {
        long total = Math.max(1, Duration.between(from, to).toMillis());
        long n = interval == null || interval.isZero() ? 1 : Math.max(1, total / interval.toMillis());
        n = Math.min(n, MAX_MEASUREMENTS);
        List<Instant> bounds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            bounds.add(from.plusMillis(total * i / n));
        }
        bounds.add(to);
        return bounds;
    }

    /** A metric's judgement and its chart, drawn from the samples of the measurements that were judged. */
    private record Judged(MetricResult result, MetricSeries series) {
    }

    /**
     * What is compared: the canary slot with the stable one, or, for a flag-only release, the stable
     * slot's requests that got a new variant of the release's flags with those that got none.
     */
    record Audiences(Audience canary, Audience baseline) {

        static Audiences of(ReleaseDescriptor descriptor) {
            if (!descriptor.flagOnly() || descriptor.flags().isEmpty()) {
                return new Audiences(Audience.of(SlotName.CANARY), Audience.of(SlotName.STABLE));
            }
            ReleaseDescriptor.Flag first = descriptor.flags().get(0);
            return new Audiences(Audience.cohort(true, first.newVariant()), Audience.cohort(false, first.defaultVariant()));
        }
    }

    private Judged judge(App app, ReleaseDescriptor.Metric metric, List<Instant> bounds, Audiences audiences) {
        // a metric without a source of its own is measured where the app's registration says
        String sourceName = metric.source() != null ? metric.source() : app.dataPlane().metrics();
        MetricSource source = sources.get(sourceName);
        Instant from = bounds.get(0);
        Instant to = bounds.get(bounds.size() - 1);
        if (source == null) {
            return new Judged(new MetricResult(metric.name(), sourceName, Verdict.INCONCLUSIVE,
                    "no metric source named " + sourceName + " is configured", metric.failureLimit(),
                    metric.consecutiveErrorLimit(), 0, 0, 0, List.of()),
                    MetricSeries.of(metric.name(), sourceName, metric.query(), from, to, List.of(), List.of(),
                            "no metric source named " + sourceName + " is configured"));
        }
        List<Measurement> measurements = new ArrayList<>();
        List<MetricSource.Samples> canary = new ArrayList<>();
        List<MetricSource.Samples> baseline = new ArrayList<>();
        for (int i = 0; i + 1 < bounds.size(); i++) {
            measurements.add(measure(app, source, metric, bounds.get(i), bounds.get(i + 1), audiences, canary, baseline));
        }
        long errors = measurements.stream().filter(m -> m.outcome() == Outcome.ERROR).count();
        return new Judged(assess(metric, sourceName, measurements),
                MetricSeries.of(metric.name(), sourceName, metric.query(), from, to, canary, baseline,
                        errors == 0 ? null : errors + " of " + measurements.size()
                                + " measurements could not be taken and have no samples here"));
    }

    /** Measures both slots; when both answered, their samples also go to the chart ({@code canaryChart}, {@code baselineChart}). */
    private static Measurement measure(App app, MetricSource source, ReleaseDescriptor.Metric metric, Instant from,
            Instant to, Audiences audiences, List<MetricSource.Samples> canaryChart,
            List<MetricSource.Samples> baselineChart) {
        MetricSource.Samples canary;
        MetricSource.Samples baseline;
        try {
            canary = source.measure(app, audiences.canary(), metric.query(), from, to);
        } catch (RuntimeException e) {
            return failedQuery(from, to, "canary", e, null);
        }
        try {
            baseline = source.measure(app, audiences.baseline(), metric.query(), from, to);
        } catch (RuntimeException e) {
            return failedQuery(from, to, "baseline", e, canary);
        }
        canaryChart.add(canary);
        baselineChart.add(baseline);
        return MeasurementJudge.judge(metric, from, to, canary, baseline);
    }

    private static Measurement failedQuery(Instant from, Instant to, String slot, RuntimeException e,
            MetricSource.Samples canary) {
        String query = e instanceof MetricQueryException q ? q.query() : null;
        String reason = slot + " query failed: " + e.getMessage();
        return new Measurement(from, to, Outcome.ERROR, reason,
                slot.equals("canary") ? query : canary.query(), slot.equals("canary") ? null : query,
                canary == null ? SampleStats.of(new double[0]) : SampleStats.of(canary.values()),
                SampleStats.of(new double[0]), List.of());
    }

    /**
     * Argo Rollouts' semantics: more failed measurements than {@code failureLimit} fail the metric;
     * more consecutive errors than {@code consecutiveErrorLimit} make it err. Beyond Argo, an error
     * in the latest measurement or a thin-data measurement never lets the metric pass. An idle
     * measurement (no request in either slot) is left out, but never the latest one.
     */
    static MetricResult assess(ReleaseDescriptor.Metric metric, String sourceName, List<Measurement> all) {
        // a window in which nothing reached either slot (a quiet spell, Rollguard restarting with the
        // built-in router) has no evidence for or against the canary: the others are judged without it
        List<Measurement> measurements = all.stream().filter(m -> m.outcome() != Outcome.IDLE).toList();
        int idle = all.size() - measurements.size();
        int failed = 0;
        int errors = 0;
        int consecutive = 0;
        int maxConsecutive = 0;
        for (Measurement m : measurements) {
            failed += m.outcome() == Outcome.FAILED ? 1 : 0;
            if (m.outcome() == Outcome.ERROR) {
                errors++;
                consecutive++;
                maxConsecutive = Math.max(maxConsecutive, consecutive);
            } else {
                consecutive = 0;
            }
        }
        int n = measurements.size();
        Verdict verdict;
        String reason;
        if (all.isEmpty()) {
            verdict = Verdict.INCONCLUSIVE;
            reason = "no measurement was taken";
        } else if (n == 0) {
            verdict = Verdict.INCONCLUSIVE;
            reason = "no request reached either slot during the step: there is nothing to judge the canary on";
        } else if (failed > metric.failureLimit()) {
            verdict = Verdict.FAILED;
            reason = failed + " of " + n + " measurements failed (failure limit " + metric.failureLimit() + "): "
                    + first(measurements, Outcome.FAILED).reason();
        } else if (maxConsecutive > metric.consecutiveErrorLimit()) {
            verdict = Verdict.INCONCLUSIVE;
            reason = maxConsecutive + " consecutive measurements could not be taken (limit "
                    + metric.consecutiveErrorLimit() + "): " + first(measurements, Outcome.ERROR).reason();
        } else if (measurements.get(n - 1).outcome() == Outcome.ERROR) {
            verdict = Verdict.INCONCLUSIVE;
            reason = "the latest measurement could not be taken: " + measurements.get(n - 1).reason();
        } else if (all.get(all.size() - 1).outcome() == Outcome.IDLE) {
            // how the canary behaves now is unknown: thin data never passes
            verdict = Verdict.INCONCLUSIVE;
            reason = "no request reached either slot in the latest measurement: the canary's current behaviour "
                    + "is unknown";
        } else if (measurements.stream().anyMatch(m -> m.outcome() == Outcome.INCONCLUSIVE)) {
            verdict = Verdict.INCONCLUSIVE;
            reason = first(measurements, Outcome.INCONCLUSIVE).reason();
        } else {
            verdict = Verdict.PASSED;
            reason = measurements.get(n - 1).reason()
                    + (failed > 0 ? " (" + failed + " of " + n + " measurements failed, within the failure limit "
                            + metric.failureLimit() + ")" : "")
                    + (errors > 0 ? " (" + errors + " measurement(s) could not be taken, within the error limit "
                            + metric.consecutiveErrorLimit() + ")" : "")
                    + (idle > 0 ? " (" + idle + " idle measurement(s) without a single request were not judged)"
                            : "");
        }
        return new MetricResult(metric.name(), sourceName, verdict, reason, metric.failureLimit(),
                metric.consecutiveErrorLimit(), failed, errors, maxConsecutive, all);
    }

    private static Measurement first(List<Measurement> measurements, Outcome outcome) {
        return measurements.stream().filter(m -> m.outcome() == outcome).findFirst().orElseThrow();
    }
}
