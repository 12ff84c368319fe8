package io.rollguard.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.rollguard.analysis.MetricSource.Samples;

class MetricSeriesTest {

    static final Instant FROM = Instant.parse("2026-01-01T00:00:00.250Z");

    /** Samples at {@code FROM + offsets} (millis). */
    static Samples at(double[] values, long... offsets) {
        return new Samples("q", values, Arrays.stream(offsets).map(o -> FROM.toEpochMilli() + o).toArray(), Double.NaN);
    }

    @Test
    void anEightSecondStepWithOneMeasurementBecomesOneBucketPerSecond() {
        // given canary outcomes in the 1st and 3rd second and baseline outcomes in the 1st
        Samples canary = at(new double[] {1, 0, 1, 1}, 0, 999, 2000, 2500);
        Samples baseline = at(new double[] {0, 0}, 100, 200);

        // when bucketed over the step's 8 s
        MetricSeries s = MetricSeries.of("error-rate", "builtin", "error-ratio", FROM, FROM.plusSeconds(8),
                List.of(canary), List.of(baseline), null);

        // then each second has its mean and count, empty seconds are null, not zero
        assertThat(s.bucketMillis()).isEqualTo(1000);
        assertThat(s.t()).hasSize(8).startsWith(FROM.toEpochMilli(), FROM.toEpochMilli() + 1000);
        assertThat(s.canary()).containsExactly(0.5, null, 1.0, null, null, null, null, null);
        assertThat(s.canarySamples()).containsExactly(2, 0, 2, 0, 0, 0, 0, 0);
        assertThat(s.baseline()).containsExactly(0.0, null, null, null, null, null, null, null);
        assertThat(s.canaryTotal()).isEqualTo(4);
        assertThat(s.baselineTotal()).isEqualTo(2);
        assertThat(s.unit()).isEqualTo("ratio");
        assertThat(s.note()).isNull();
    }

    @Test
    void samplesFromSeveralMeasurementsLandInTheirOwnBuckets() {
        // given two 2 s measurements, each with its own samples
        Samples first = at(new double[] {10, 20}, 0, 1500);
        Samples second = at(new double[] {30}, 3100);

        MetricSeries s = MetricSeries.of("latency", "prometheus", "latency-mean", FROM, FROM.plusSeconds(4),
                List.of(first, second), List.of(), null);

        assertThat(s.canary()).containsExactly(10.0, 20.0, null, 30.0);
        assertThat(s.baseline()).containsOnlyNulls().hasSize(4);
        assertThat(s.unit()).isEqualTo("ms");
    }

    @Test
    void theWindowIsHalfOpenSamplesAtItsEndOrBeforeItsStartAreLeftOut() {
        // given samples just before the window, at its first instant, at its last millisecond and at its end
        Samples canary = at(new double[] {100, 1, 2, 100}, -1, 0, 3999, 4000);

        MetricSeries s = MetricSeries.of("m", "prometheus", "up", FROM, FROM.plusSeconds(4), List.of(canary),
                List.of(), null);

        assertThat(s.canary()).containsExactly(1.0, null, null, 2.0);
        assertThat(s.canaryTotal()).isEqualTo(2);
        assertThat(s.unit()).as("a descriptor's own PromQL has its own unit").isNull();
    }

    @Test
    void aLongWindowGetsWiderBucketsNotMoreOfThem() {
        Instant to = FROM.plus(Duration.ofHours(6));

        MetricSeries s = MetricSeries.of("m", "builtin", "latency-p95", FROM, to,
                List.of(at(new double[] {5, 7}, 0, Duration.ofHours(6).toMillis() - 1)), List.of(), null);

        assertThat(s.t()).hasSize(MetricSeries.MAX_BUCKETS);
        assertThat(s.bucketMillis()).isEqualTo(720_000);
        assertThat(s.canary().get(0)).isEqualTo(5.0);
        assertThat(s.canary().get(MetricSeries.MAX_BUCKETS - 1)).isEqualTo(7.0);
    }

    @Test
    void bucketsAreWholeSecondsAndAWindowThatIsNotAMultipleGetsAShortLastBucket() {
        assertThat(MetricSeries.bucketMillis(FROM, FROM.plusMillis(300))).isEqualTo(1000);
        assertThat(MetricSeries.bucketMillis(FROM, FROM.plusSeconds(31))).isEqualTo(2000);
        MetricSeries s = MetricSeries.of("m", "builtin", "error-ratio", FROM, FROM.plusMillis(8300),
                List.of(at(new double[] {1}, 8200)), List.of(), null);
        assertThat(s.t()).hasSize(9);
        assertThat(s.canary().get(8)).isEqualTo(1.0);
    }

    @Test
    void samplesWithoutTimesAreNotChartedAndTheNoteSaysSo() {
        Samples untimed = new Samples("q", new double[] {1, 1, 1}, 1.0);

        MetricSeries s = MetricSeries.of("m", "builtin", "error-ratio", FROM, FROM.plusSeconds(2), List.of(untimed),
                List.of(), "1 of 1 measurements could not be taken");

        assertThat(s.canary()).containsOnlyNulls();
        assertThat(s.note()).isEqualTo("1 of 1 measurements could not be taken; 3 samples without a time are not charted");
    }
}
