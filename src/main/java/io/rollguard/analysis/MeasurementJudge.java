package io.rollguard.analysis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.apache.commons.math3.stat.inference.MannWhitneyUTest;

import io.rollguard.analysis.AnalysisRun.Check;
import io.rollguard.analysis.AnalysisRun.Measurement;
import io.rollguard.analysis.AnalysisRun.Outcome;
import io.rollguard.release.descriptor.ReleaseDescriptor;

/** Judges one measurement of one metric: canary samples against the thresholds and the baseline samples. */
final class MeasurementJudge {

    private MeasurementJudge() {
    }

    static Measurement judge(ReleaseDescriptor.Metric metric, Instant from, Instant to, MetricSource.Samples canary,
            MetricSource.Samples baseline) {
        SampleStats c = SampleStats.of(canary.values());
        SampleStats b = SampleStats.of(baseline.values());
        int min = metric.minSamples();
        boolean needsBaseline = metric.mannWhitney() != null
                || (metric.failIf() != null && metric.failIf().aboveBaselineBy() != null);
        if (c.n() == 0 && b.n() == 0) {
            return new Measurement(from, to, Outcome.IDLE,
                    "no request reached either slot (the app was idle or its router was down): not judged",
                    canary.query(), baseline.query(), c, b, List.of());
        }
        if (c.n() < min) {
            return new Measurement(from, to, Outcome.INCONCLUSIVE,
                    "only " + c.n() + " canary samples, " + min + " needed", canary.query(), baseline.query(), c, b,
                    List.of());
        }
        if (needsBaseline && b.n() < min) {
            return new Measurement(from, to, Outcome.INCONCLUSIVE,
                    "only " + b.n() + " baseline samples, " + min + " needed", canary.query(), baseline.query(), c, b,
                    List.of());
        }
        List<Check> checks = new ArrayList<>();
        ReleaseDescriptor.FailIf failIf = metric.failIf();
        if (failIf != null && failIf.above() != null) {
            if (Double.isNaN(canary.value())) {
                return error(from, to, "canary value is not a number", canary, baseline, c, b);
            }
            boolean failed = canary.value() > failIf.above();
            checks.add(new Check("above", canary.value(), failIf.above(), null, null, null, failed,
                    "canary " + fmt(canary.value()) + (failed ? " is above" : " is within") + " the limit "
                            + fmt(failIf.above())));
        }
        if (failIf != null && failIf.aboveBaselineBy() != null) {
            if (Double.isNaN(canary.value()) || Double.isNaN(baseline.value())) {
                return error(from, to, "canary or baseline value is not a number", canary, baseline, c, b);
            }
            double diff = canary.value() - baseline.value();
            boolean failed = diff > failIf.aboveBaselineBy();
            checks.add(new Check("aboveBaselineBy", diff, failIf.aboveBaselineBy(), null, null, null, failed,
                    "canary " + fmt(canary.value()) + " vs baseline " + fmt(baseline.value())
                            + (failed ? " exceeds the margin " : " is within the margin ") + fmt(failIf.aboveBaselineBy())));
        }
        if (metric.mannWhitney() != null) {
            checks.add(mannWhitney(metric.mannWhitney(), canary.values(), baseline.values(), c, b));
        }
        List<Check> failedChecks = checks.stream().filter(Check::failed).toList();
        String reason = (failedChecks.isEmpty() ? checks : failedChecks).stream().map(Check::detail)
                .collect(Collectors.joining("; "));
        if (canary.note() != null) {
            reason += " (canary: " + canary.note() + ")";
        }
        if (baseline.note() != null) {
            reason += " (baseline: " + baseline.note() + ")";
        }
        return new Measurement(from, to, failedChecks.isEmpty() ? Outcome.PASSED : Outcome.FAILED, reason,
                canary.query(), baseline.query(), c, b, checks);
    }

    /**
     * Significance alone would fail a canary for a harmless difference once samples are many, so
     * a significant rise fails only when the canary mean exceeds the baseline mean by more than
     * the tolerance.
     */
    static Check mannWhitney(ReleaseDescriptor.MannWhitney spec, double[] canary, double[] baseline, SampleStats c,
            SampleStats b) {
        MannWhitneyUTest test = new MannWhitneyUTest();
        double u = test.mannWhitneyU(canary, baseline);
        double p = test.mannWhitneyUTest(canary, baseline);
        double alpha = 1 - spec.confidence();
        double diff = c.mean() - b.mean();
        boolean significant = p < alpha;
        boolean failed = significant && diff > spec.tolerance();
        String stats = "Mann-Whitney U=" + fmt(u) + ", p=" + fmt(p) + " at " + fmt(spec.confidence() * 100)
                + " % confidence";
        String detail;
        if (failed) {
            detail = "canary mean " + fmt(c.mean()) + " is significantly above baseline mean " + fmt(b.mean())
                    + " by " + fmt(diff) + ", more than the tolerance " + fmt(spec.tolerance()) + " (" + stats + ")";
        } else if (significant && diff > 0) {
            detail = "canary mean " + fmt(c.mean()) + " is significantly above baseline mean " + fmt(b.mean())
                    + " but by " + fmt(diff) + ", within the tolerance " + fmt(spec.tolerance()) + " (" + stats + ")";
        } else if (significant) {
            detail = "canary mean " + fmt(c.mean()) + " is not above baseline mean " + fmt(b.mean()) + " (" + stats + ")";
        } else {
            detail = "no significant difference between canary mean " + fmt(c.mean()) + " and baseline mean "
                    + fmt(b.mean()) + " (" + stats + ")";
        }
        return new Check("mannWhitney", diff, spec.tolerance(), u, p, spec.confidence(), failed, detail);
    }

    static Measurement error(Instant from, Instant to, String reason, MetricSource.Samples canary,
            MetricSource.Samples baseline, SampleStats c, SampleStats b) {
        return new Measurement(from, to, Outcome.ERROR, reason, canary == null ? null : canary.query(),
                baseline == null ? null : baseline.query(), c, b, List.of());
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
