package io.rollguard.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.rollguard.app.App;
import io.rollguard.app.SlotName;
import io.rollguard.release.descriptor.ReleaseDescriptor;

class CanaryAnalysisTest {

    static final App APP = new App("expenses", Set.of("alice"), new App.Slot("http://s/admin", "http://s/app"),
            new App.Slot("http://c/admin", "http://c/app"), "t", "expenses", "1.0.0");
    static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant TO = FROM.plusSeconds(8);

    /** A metric source that answers from a table: per slot, (samples, value); null means it fails. */
    record TableSource(Map<SlotName, MetricSource.Measurement> answers) implements MetricSource {
        @Override
        public String name() {
            return "builtin";
        }

        @Override
        public Measurement measure(App app, SlotName slot, String query, Instant from, Instant to) {
            Measurement m = answers.get(slot);
            if (m == null) {
                throw new IllegalStateException("connection refused");
            }
            return m;
        }
    }

    static ReleaseDescriptor descriptor(ReleaseDescriptor.FailIf failIf, int minSamples) {
        return new ReleaseDescriptor("expenses", "1.1.0", null, null, null, List.of(), List.of(),
                new ReleaseDescriptor.Rollout("canary", List.of(new ReleaseDescriptor.Step(20, Duration.ofSeconds(8))),
                        ReleaseDescriptor.OnFailure.ROLLBACK),
                new ReleaseDescriptor.Analysis(Duration.ofSeconds(8), minSamples,
                        List.of(new ReleaseDescriptor.Metric("error-rate", "builtin", "error-ratio", failIf))),
                new ReleaseDescriptor.Smoke("/health", 200));
    }

    static AnalysisRun analyze(MetricSource.Measurement canary, MetricSource.Measurement baseline,
            ReleaseDescriptor.FailIf failIf) {
        Map<SlotName, MetricSource.Measurement> answers = new java.util.EnumMap<>(SlotName.class);
        if (canary != null) {
            answers.put(SlotName.CANARY, canary);
        }
        if (baseline != null) {
            answers.put(SlotName.STABLE, baseline);
        }
        return new CanaryAnalysis(List.of(new TableSource(answers)))
                .analyze(APP, descriptor(failIf, 20), 1, 20, FROM, TO);
    }

    static MetricSource.Measurement m(long samples, double value) {
        return new MetricSource.Measurement("error-ratio", samples, value);
    }

    @Test
    void thinDataIsInconclusiveNeverPassed() {
        AnalysisRun run = analyze(m(19, 0.0), m(500, 0.0), new ReleaseDescriptor.FailIf(0.05, null));
        assertThat(run.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(run.reason()).contains("only 19 canary samples, 20 needed");
    }

    @Test
    void noDataAtAllIsInconclusive() {
        AnalysisRun run = analyze(m(0, Double.NaN), m(0, Double.NaN), new ReleaseDescriptor.FailIf(0.05, null));
        assertThat(run.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    }

    @Test
    void aSourceThatFailsIsInconclusiveAndSaysWhy() {
        AnalysisRun run = analyze(null, null, new ReleaseDescriptor.FailIf(0.05, null));
        assertThat(run.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(run.reason()).contains("connection refused");
    }

    @Test
    void canaryAboveTheAbsoluteLimitFails() {
        AnalysisRun run = analyze(m(40, 0.33), m(160, 0.0), new ReleaseDescriptor.FailIf(0.05, null));
        assertThat(run.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(run.reason()).contains("0.3300 is above the limit 0.05000");
        assertThat(run.metrics().get(0).canarySamples()).isEqualTo(40);
        assertThat(run.metrics().get(0).baselineSamples()).isEqualTo(160);
    }

    @Test
    void canaryWorseThanBaselineByMoreThanTheMarginFails() {
        AnalysisRun run = analyze(m(40, 0.10), m(160, 0.02), new ReleaseDescriptor.FailIf(null, 0.05));
        assertThat(run.verdict()).isEqualTo(Verdict.FAILED);
    }

    @Test
    void canaryWithinTheMarginOfBaselinePasses() {
        AnalysisRun run = analyze(m(40, 0.03), m(160, 0.02), new ReleaseDescriptor.FailIf(null, 0.05));
        assertThat(run.verdict()).isEqualTo(Verdict.PASSED);
    }

    @Test
    void relativeComparisonNeedsEnoughBaselineSamplesToo() {
        AnalysisRun run = analyze(m(40, 0.03), m(3, 0.02), new ReleaseDescriptor.FailIf(null, 0.05));
        assertThat(run.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(run.reason()).contains("baseline samples");
    }

    @Test
    void healthyCanaryPasses() {
        AnalysisRun run = analyze(m(40, 0.0), m(160, 0.0), new ReleaseDescriptor.FailIf(0.05, null));
        assertThat(run.verdict()).isEqualTo(Verdict.PASSED);
    }
}
