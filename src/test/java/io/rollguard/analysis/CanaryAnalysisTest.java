package io.rollguard.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.rollguard.analysis.AnalysisRun.Outcome;
import io.rollguard.app.App;
import io.rollguard.app.SlotName;
import io.rollguard.release.descriptor.ReleaseDescriptor;
import io.rollguard.release.descriptor.ReleaseDescriptor.FailIf;
import io.rollguard.release.descriptor.ReleaseDescriptor.MannWhitney;
import io.rollguard.release.descriptor.ReleaseDescriptor.Metric;

class CanaryAnalysisTest {

    static final App APP = new App("expenses", Set.of("alice"), new App.Slot("http://s/admin", "http://s/app"),
            new App.Slot("http://c/admin", "http://c/app"), new App.AdminTokens("s", "c"), "expenses", "1.0.0");
    static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");

    /** Answers per slot and per 2 s measurement window, in order; {@code null} means the source fails. */
    static final class ScriptedSource implements MetricSource {
        final List<double[]> canary = new ArrayList<>();
        final List<double[]> baseline = new ArrayList<>();

        ScriptedSource window(double[] canarySamples, double[] baselineSamples) {
            canary.add(canarySamples);
            baseline.add(baselineSamples);
            return this;
        }

        /** 40 canary and 160 baseline requests, none failed: a step that goes well. */
        ScriptedSource healthyWindow() {
            return window(outcomes(40, 0), outcomes(160, 0));
        }

        @Override
        public String name() {
            return "builtin";
        }

        final List<Audience> asked = new ArrayList<>();

        /** A cohort is answered like a slot: the exposed cohort from the canary script, the other from the baseline's. */
        @Override
        public Samples measure(App app, Audience audience, String query, Instant from, Instant to) {
            asked.add(audience);
            SlotName scripted = audience.isCohort() ? (audience.exposed() ? SlotName.CANARY : SlotName.STABLE)
                    : audience.slot();
            return measure(app, scripted, query, from, to);
        }

        @Override
        public Samples measure(App app, SlotName slot, String query, Instant from, Instant to) {
            int window = (int) (Duration.between(FROM, from).toMillis() / 2000);
            double[] values = slot == SlotName.CANARY ? canary.get(window) : baseline.get(window);
            String sent = query + "{slot=\"" + slot.id() + "\"}";
            if (values == null) {
                throw new MetricQueryException(sent, "connection refused");
            }
            double value = values.length == 0 ? Double.NaN : java.util.Arrays.stream(values).average().orElseThrow();
            // taken evenly over the measurement's window, like requests of steady traffic
            long[] times = new long[values.length];
            for (int i = 0; i < values.length; i++) {
                times[i] = from.toEpochMilli() + Duration.between(from, to).toMillis() * i / values.length;
            }
            return new Samples(sent, values, times, value);
        }
    }

    static ReleaseDescriptor descriptor(Duration interval, Metric metric) {
        return new ReleaseDescriptor("expenses", "1.1.0", null, null, null, List.of(), List.of(),
                new ReleaseDescriptor.Rollout("canary", List.of(new ReleaseDescriptor.Step(20, Duration.ofSeconds(8))),
                        ReleaseDescriptor.OnFailure.ROLLBACK),
                new ReleaseDescriptor.Analysis(interval, 20, List.of(metric)),
                new ReleaseDescriptor.Smoke("/health", 200));
    }

    @Test
    void flagOnlyReleaseComparesTheExposedUsersWithTheOthersOnTheStableSlot() {
        // given a flag-only release whose new variant fails a quarter of its requests
        ScriptedSource source = new ScriptedSource().window(outcomes(40, 10), outcomes(160, 0));
        ReleaseDescriptor flagOnly = new ReleaseDescriptor("expenses", "1.1.0", null, null, null, List.of(),
                List.of(new ReleaseDescriptor.Flag("expenses-list-style", null, "off", "on",
                        List.of(new ReleaseDescriptor.FlagStep(true, 20, List.of())))),
                new ReleaseDescriptor.Rollout("canary", List.of(new ReleaseDescriptor.Step(0, Duration.ofSeconds(8))),
                        ReleaseDescriptor.OnFailure.ROLLBACK),
                new ReleaseDescriptor.Analysis(Duration.ofSeconds(2), 20, List.of(thresholds(new FailIf(0.05, null)))),
                new ReleaseDescriptor.Smoke("/health", 200));

        // when its step is analysed
        AnalysisRun run = new CanaryAnalysis(List.of(source)).analyze(APP, flagOnly, 1, 0, FROM, FROM.plusSeconds(2));

        // then the cohorts were measured, never the canary slot, and the exposed users' errors fail it
        assertThat(source.asked).containsExactly(Audience.cohort(true, "on"), Audience.cohort(false, "off"));
        assertThat(run.verdict()).isEqualTo(Verdict.FAILED);
    }

    static AnalysisRun analyze(ScriptedSource source, Metric metric) {
        int windows = source.canary.size();
        return new CanaryAnalysis(List.of(source)).analyze(APP, descriptor(Duration.ofSeconds(2), metric), 1, 20,
                FROM, FROM.plusSeconds(2L * windows));
    }

    static Metric thresholds(FailIf failIf) {
        return new Metric("error-rate", "builtin", "error-ratio", failIf, 20);
    }

    /** With at most {@code consecutiveErrorLimit} measurements in a row that could not be taken. */
    static Metric thresholds(FailIf failIf, int consecutiveErrorLimit) {
        return new Metric("error-rate", "builtin", "error-ratio", failIf, null, 20, 0, consecutiveErrorLimit);
    }

    /** The error ratio judged twice: by an absolute limit of 5 % and by a rank test at 99 %. */
    static Metric errorsByLimitAndRankTest() {
        return new Metric("errors", "builtin", "error-ratio", new FailIf(0.05, null), new MannWhitney(0.99, 0.01), 20, 0, 4);
    }

    static Metric latencyTest(double confidence, double tolerance, int minSamples) {
        return new Metric("latency", "builtin", "latency", null, new MannWhitney(confidence, tolerance), minSamples, 0, 4);
    }

    /** n request outcomes of which {@code errors} failed (1) and the rest succeeded (0). */
    static double[] outcomes(int n, int errors) {
        double[] values = new double[n];
        for (int i = 0; i < errors; i++) {
            values[i * n / errors] = 1;
        }
        return values;
    }

    /** Latency-like samples: log-normal around {@code medianMs}, fixed seed so every run sees the same data. */
    static double[] latencies(long seed, int n, double medianMs, double spread) {
        Random random = new Random(seed);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = medianMs * Math.exp(spread * random.nextGaussian());
        }
        return values;
    }

    /** Column 0 (status, as 1 for a 5xx) or 1 (latency ms) of a recording in src/test/resources/analysis/. */
    static double[] recorded(String version, int column) {
        try (var in = CanaryAnalysisTest.class.getResourceAsStream("/analysis/recorded-" + version + ".csv")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.startsWith("#") && !l.isBlank()).map(l -> l.split(","))
                    .mapToDouble(f -> column == 0 ? (Integer.parseInt(f[0]) >= 500 ? 1 : 0) : Double.parseDouble(f[1]))
                    .toArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ recorded samples of the example versions

    @Test
    void recordedBadVersionFailsAgainstRecordedBaseline() {
        // given 400 recorded responses of 1.2.0 (a third are 500s) and of 1.0.0
        ScriptedSource source = new ScriptedSource().window(recorded("1.2.0", 0), recorded("1.0.0", 0));

        // when judged by threshold and by rank test
        AnalysisRun run = analyze(source, errorsByLimitAndRankTest());

        // then both comparisons fail it
        assertThat(run.verdict()).isEqualTo(Verdict.FAILED);
        AnalysisRun.Measurement m = run.metrics().get(0).measurements().get(0);
        assertThat(m.checks()).allMatch(AnalysisRun.Check::failed);
        assertThat(m.checks().get(1).pValue()).isLessThan(0.01);
        assertThat(m.canary().n()).isEqualTo(400);
    }

    @Test
    void recordedGoodVersionWithTheSameErrorDistributionPasses() {
        ScriptedSource source = new ScriptedSource().window(recorded("1.1.0", 0), recorded("1.0.0", 0));

        AnalysisRun run = analyze(source, errorsByLimitAndRankTest());

        assertThat(run.verdict()).isEqualTo(Verdict.PASSED);
    }

    @Test
    void recordedLatenciesOfTheGoodVersionPassWithinTheExamplesMargin() {
        ScriptedSource source = new ScriptedSource().window(recorded("1.1.0", 1), recorded("1.0.0", 1));

        AnalysisRun run = analyze(source, latencyTest(0.95, 500, 20));

        assertThat(run.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(run.metrics().get(0).measurements().get(0).canary().n()).isEqualTo(400);
    }

    @Test
    void aFewRecordedSamplesAreInconclusive() {
        double[] few = java.util.Arrays.copyOf(recorded("1.2.0", 0), 12);
        ScriptedSource source = new ScriptedSource().window(few, recorded("1.0.0", 0));

        AnalysisRun run = analyze(source, errorsByLimitAndRankTest());

        assertThat(run.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(run.reason()).contains("only 12 canary samples, 20 needed");
    }

    // ------------------------------------------------------------------ statistical comparison

    @Test
    void clearLatencyRegressionFailsWithStatisticAndPValueInTheEvidence() {
        // given canary latencies about 40 % above the baseline's
        ScriptedSource source = new ScriptedSource().window(latencies(1, 200, 14, 0.3), latencies(2, 400, 10, 0.3));

        // when judged at 95 % confidence with a 1 ms tolerance
        AnalysisRun run = analyze(source, latencyTest(0.95, 1, 20));

        // then it fails and the evidence carries U, p and both sample summaries
        assertThat(run.verdict()).isEqualTo(Verdict.FAILED);
        AnalysisRun.Measurement m = run.metrics().get(0).measurements().get(0);
        AnalysisRun.Check check = m.checks().get(0);
        assertThat(check.kind()).isEqualTo("mannWhitney");
        assertThat(check.pValue()).isLessThan(0.001);
        assertThat(check.statistic()).isPositive();
        assertThat(m.canary().n()).isEqualTo(200);
        assertThat(m.baseline().n()).isEqualTo(400);
        assertThat(m.canary().median()).isGreaterThan(m.baseline().median());
        assertThat(m.canaryQuery()).isEqualTo("latency{slot=\"canary\"}");
        assertThat(run.reason()).contains("significantly above baseline", "p=");
    }

    @Test
    void equalDistributionsPass() {
        // given canary and baseline drawn from the same distribution
        ScriptedSource source = new ScriptedSource().window(latencies(3, 200, 10, 0.3), latencies(4, 400, 10, 0.3));

        // when judged
        AnalysisRun run = analyze(source, latencyTest(0.95, 1, 20));

        // then no significant difference is found
        assertThat(run.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(run.metrics().get(0).measurements().get(0).checks().get(0).pValue()).isGreaterThanOrEqualTo(0.05);
        assertThat(run.reason()).contains("no significant difference");
    }

    @Test
    void tooFewSamplesAreInconclusiveEvenWhenTheyLookFine() {
        // given only 12 canary samples, identical to the baseline
        ScriptedSource source = new ScriptedSource().window(latencies(5, 12, 10, 0.3), latencies(6, 400, 10, 0.3));

        // when a metric needs 20
        AnalysisRun run = analyze(source, latencyTest(0.95, 1, 20));

        // then thin data never passes
        assertThat(run.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(run.reason()).contains("only 12 canary samples, 20 needed");
    }

    @Test
    void tooFewBaselineSamplesAreInconclusiveForAComparisonWithTheBaseline() {
        ScriptedSource source = new ScriptedSource().window(latencies(5, 200, 10, 0.3), latencies(6, 3, 10, 0.3));

        AnalysisRun run = analyze(source, latencyTest(0.95, 1, 20));

        assertThat(run.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(run.reason()).contains("only 3 baseline samples");
    }

    @Test
    void tinySignificantDifferenceInsideTheTolerancePasses() {
        // given many samples where the canary is 0.3 ms slower than a tight 10 ms baseline: significant, harmless
        ScriptedSource source = new ScriptedSource().window(latencies(7, 3000, 10.3, 0.05),
                latencies(8, 3000, 10.0, 0.05));

        // when the tolerance is 2 ms
        AnalysisRun run = analyze(source, latencyTest(0.95, 2, 20));

        // then the test is significant but the canary passes, and the reason says so
        AnalysisRun.Check check = run.metrics().get(0).measurements().get(0).checks().get(0);
        assertThat(check.pValue()).isLessThan(0.05);
        assertThat(check.failed()).isFalse();
        assertThat(run.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(run.reason()).contains("within the tolerance 2.000");
    }

    @Test
    void thirtyPercentErrorsFailTheRankTestOnRequestOutcomes() {
        // given one sample per request: 30 % of canary requests failed, none of the baseline's
        ScriptedSource source = new ScriptedSource().window(outcomes(60, 18), outcomes(240, 0));

        AnalysisRun run = analyze(source, new Metric("errors", "builtin", "error-ratio", null,
                new MannWhitney(0.99, 0.01), 20, 0, 4));

        assertThat(run.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(run.metrics().get(0).measurements().get(0).canary().mean()).isEqualTo(0.3);
    }

    @Test
    void canaryBetterThanBaselinePasses() {
        ScriptedSource source = new ScriptedSource().window(latencies(9, 200, 7, 0.3), latencies(10, 400, 10, 0.3));

        AnalysisRun run = analyze(source, latencyTest(0.95, 0, 20));

        assertThat(run.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(run.reason()).contains("is not above baseline");
    }

    // ------------------------------------------------------------------ thresholds

    @Test
    void canaryAboveTheAbsoluteLimitFails() {
        ScriptedSource source = new ScriptedSource().window(outcomes(40, 13), outcomes(160, 0));

        AnalysisRun run = analyze(source, thresholds(new FailIf(0.05, null)));

        assertThat(run.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(run.reason()).contains("0.3250 is above the limit 0.05000");
        AnalysisRun.Check check = run.metrics().get(0).measurements().get(0).checks().get(0);
        assertThat(check.observed()).isEqualTo(0.325);
        assertThat(check.limit()).isEqualTo(0.05);
    }

    @Test
    void canaryWorseThanBaselineByMoreThanTheMarginFails() {
        ScriptedSource source = new ScriptedSource().window(outcomes(40, 4), outcomes(160, 3));

        AnalysisRun run = analyze(source, thresholds(new FailIf(null, 0.05)));

        assertThat(run.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(run.reason()).contains("exceeds the margin");
    }

    @Test
    void canaryWithinTheMarginOfBaselinePasses() {
        ScriptedSource source = new ScriptedSource().window(outcomes(40, 1), outcomes(160, 3));

        AnalysisRun run = analyze(source, thresholds(new FailIf(null, 0.05)));

        assertThat(run.verdict()).isEqualTo(Verdict.PASSED);
    }

    @Test
    void healthyCanaryPassesTheAbsoluteLimit() {
        ScriptedSource source = new ScriptedSource().healthyWindow();

        AnalysisRun run = analyze(source, thresholds(new FailIf(0.05, null)));

        assertThat(run.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(run.metrics().get(0).measurements()).hasSize(1);
    }

    @Test
    void noDataAtAllIsInconclusive() {
        ScriptedSource source = new ScriptedSource().window(new double[0], new double[0]);

        AnalysisRun run = analyze(source, thresholds(new FailIf(0.05, null)));

        assertThat(run.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(run.reason()).contains("no request reached either slot during the step");
        assertThat(run.metrics().get(0).measurements().get(0).outcome()).isEqualTo(Outcome.IDLE);
    }

    @Test
    void aCanaryWithoutRequestsWhileStableServesIsThinDataNotIdle() {
        ScriptedSource source = new ScriptedSource().window(new double[0], outcomes(160, 0));

        AnalysisRun run = analyze(source, thresholds(new FailIf(0.05, null)));

        assertThat(run.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(run.reason()).contains("only 0 canary samples");
        assertThat(run.metrics().get(0).measurements().get(0).outcome()).isEqualTo(Outcome.INCONCLUSIVE);
    }

    @Test
    void anIdleMeasurementBetweenGoodOnesIsLeftOutAndTheReasonSaysSo() {
        // given Rollguard (and its built-in router) down for the middle of the step: nothing reached either slot
        ScriptedSource source = new ScriptedSource().healthyWindow()
                .window(new double[0], new double[0]).healthyWindow();

        AnalysisRun run = analyze(source, thresholds(new FailIf(0.05, null)));

        assertThat(run.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(run.reason()).contains("1 idle measurement(s) without a single request were not judged");
        assertThat(run.metrics().get(0).measurements()).extracting(AnalysisRun.Measurement::outcome)
                .containsExactly(Outcome.PASSED, Outcome.IDLE, Outcome.PASSED);
        assertThat(run.metrics().get(0).measurements().get(1).reason()).contains("not judged");
    }

    @Test
    void anIdleLatestMeasurementNeverPasses() {
        ScriptedSource source = new ScriptedSource().healthyWindow()
                .window(new double[0], new double[0]);

        AnalysisRun run = analyze(source, thresholds(new FailIf(0.05, null)));

        assertThat(run.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(run.reason()).contains("no request reached either slot in the latest measurement");
    }

    @Test
    void aFailedMeasurementIsNotHiddenByALaterIdleOne() {
        ScriptedSource source = new ScriptedSource().window(outcomes(40, 12), outcomes(160, 0))
                .window(new double[0], new double[0]);

        AnalysisRun run = analyze(source, thresholds(new FailIf(0.05, null)));

        assertThat(run.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(run.reason()).contains("1 of 1 measurements failed");
    }

    // ------------------------------------------------------------------ errors and limits (Argo Rollouts)

    @Test
    void aSourceThatFailsIsInconclusiveAndTheEvidenceNamesTheQuery() {
        ScriptedSource source = new ScriptedSource().window(null, outcomes(160, 0));

        AnalysisRun run = analyze(source, thresholds(new FailIf(0.05, null)));

        assertThat(run.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(run.reason()).contains("canary query failed: connection refused");
        AnalysisRun.Measurement m = run.metrics().get(0).measurements().get(0);
        assertThat(m.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(m.canaryQuery()).isEqualTo("error-ratio{slot=\"canary\"}");
    }

    @Test
    void moreConsecutiveErrorsThanTheLimitAreInconclusiveEvenIfLaterMeasurementsPass() {
        // given three measurements in a row that could not be taken, then a good one
        ScriptedSource source = new ScriptedSource().window(null, null).window(null, null).window(null, null)
                .healthyWindow();

        AnalysisRun run = analyze(source, thresholds(new FailIf(0.05, null), 2));

        assertThat(run.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(run.reason()).contains("3 consecutive measurements could not be taken (limit 2)");
        assertThat(run.metrics().get(0).maxConsecutiveErrors()).isEqualTo(3);
    }

    @Test
    void aTransientErrorWithinTheLimitFollowedByGoodMeasurementsPassesAndSaysSo() {
        ScriptedSource source = new ScriptedSource().healthyWindow().window(null, null)
                .healthyWindow();

        AnalysisRun run = analyze(source, thresholds(new FailIf(0.05, null), 2));

        assertThat(run.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(run.reason()).contains("1 measurement(s) could not be taken");
    }

    @Test
    void anErrorInTheLatestMeasurementNeverPasses() {
        ScriptedSource source = new ScriptedSource().healthyWindow().window(null, null);

        AnalysisRun run = analyze(source, thresholds(new FailIf(0.05, null)));

        assertThat(run.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(run.reason()).contains("latest measurement could not be taken");
    }

    @Test
    void failuresWithinTheFailureLimitPassAndMoreFail() {
        Metric tolerant = new Metric("error-rate", "builtin", "error-ratio", new FailIf(0.05, null), null, 20, 1, 4);
        ScriptedSource oneBad = new ScriptedSource().window(outcomes(40, 10), outcomes(160, 0))
                .healthyWindow().healthyWindow();
        ScriptedSource twoBad = new ScriptedSource().window(outcomes(40, 10), outcomes(160, 0))
                .healthyWindow().window(outcomes(40, 10), outcomes(160, 0));

        AnalysisRun passed = analyze(oneBad, tolerant);
        AnalysisRun failed = analyze(twoBad, tolerant);

        assertThat(passed.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(passed.reason()).contains("1 of 3 measurements failed, within the failure limit 1");
        assertThat(failed.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(failed.reason()).contains("2 of 3 measurements failed (failure limit 1)");
    }

    @Test
    void aMetricWithAnUnknownSourceIsInconclusive() {
        AnalysisRun run = new CanaryAnalysis(List.of()).analyze(APP,
                descriptor(null, thresholds(new FailIf(0.05, null))), 1, 20, FROM, FROM.plusSeconds(8));

        assertThat(run.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(run.reason()).contains("no metric source named builtin");
    }

    // ------------------------------------------------------------------ the run's chart

    @Test
    void eachMetricKeepsCanaryAndBaselineOverTheWindowFromTheSamplesItWasJudgedOn() {
        // given a good first measurement and a bad second one (10 of 40 canary requests failed)
        ScriptedSource source = new ScriptedSource().healthyWindow()
                .window(outcomes(40, 10), outcomes(160, 0));

        AnalysisRun run = analyze(source, thresholds(new FailIf(0.05, null)));

        // then the chart of the 4 s window has one bucket per second and shows when the canary went bad
        assertThat(run.series()).hasSize(1);
        MetricSeries chart = run.series().get(0);
        assertThat(chart.metric()).isEqualTo("error-rate");
        assertThat(chart.source()).isEqualTo("builtin");
        assertThat(chart.query()).isEqualTo("error-ratio");
        assertThat(chart.from()).isEqualTo(FROM);
        assertThat(chart.to()).isEqualTo(FROM.plusSeconds(4));
        assertThat(chart.canary()).containsExactly(0.0, 0.0, 0.25, 0.25);
        assertThat(chart.baseline()).containsExactly(0.0, 0.0, 0.0, 0.0);
        assertThat(chart.canaryTotal()).isEqualTo(80);
        assertThat(chart.baselineTotal()).isEqualTo(320);
    }

    @Test
    void aMeasurementThatCouldNotBeTakenLeavesAGapInTheChartAndTheNoteSaysSo() {
        // given a measurement whose baseline query failed between two good ones
        ScriptedSource source = new ScriptedSource().healthyWindow()
                .window(outcomes(40, 40), null).healthyWindow();

        AnalysisRun run = analyze(source, thresholds(new FailIf(0.05, null), 2));

        // then its canary samples were not judged, so they are not charted either
        MetricSeries chart = run.series().get(0);
        assertThat(chart.canary()).containsExactly(0.0, 0.0, null, null, 0.0, 0.0);
        assertThat(chart.note()).contains("1 of 3 measurements could not be taken");
    }

    @Test
    void aMetricWithAnUnknownSourceStillHasAnEmptyChartSayingWhy() {
        AnalysisRun run = new CanaryAnalysis(List.of()).analyze(APP,
                descriptor(null, thresholds(new FailIf(0.05, null))), 1, 20, FROM, FROM.plusSeconds(8));

        assertThat(run.series().get(0).canaryTotal()).isZero();
        assertThat(run.series().get(0).canary()).hasSize(8).containsOnlyNulls();
        assertThat(run.series().get(0).note()).contains("no metric source named builtin");
    }

    @Test
    void theStepIsCutIntoOneMeasurementPerWholeInterval() {
        assertThat(CanaryAnalysis.windows(FROM, FROM.plusMillis(8300), Duration.ofSeconds(8))).hasSize(2);
        assertThat(CanaryAnalysis.windows(FROM, FROM.plusMillis(7900), Duration.ofSeconds(8))).hasSize(2);
        assertThat(CanaryAnalysis.windows(FROM, FROM.plusSeconds(8), Duration.ofSeconds(2)))
                .containsExactly(FROM, FROM.plusSeconds(2), FROM.plusSeconds(4), FROM.plusSeconds(6), FROM.plusSeconds(8));
        assertThat(CanaryAnalysis.windows(FROM, FROM.plusSeconds(8), null)).hasSize(2);
    }
}
