package io.rollguard.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The mSPRT on two error rates: its statistic against an independent computation, its false-rollback
 * rate under repeated looks on a fixed seed, and how fast it finds a bad canary.
 */
class SequentialErrorRateTest {

    /**
     * The mixture likelihood ratio by numerical integration over the alternatives (Simpson's rule
     * on +-12 tau), not by the closed form the class uses.
     */
    static double integrated(double d, double v, double tau) {
        int n = 20_000;
        double a = -12 * tau;
        double h = 24 * tau / n;
        double sum = 0;
        for (int i = 0; i <= n; i++) {
            double theta = a + i * h;
            double f = normal(d, theta, v) * normal(theta, 0, tau * tau);
            sum += f * (i == 0 || i == n ? 1 : i % 2 == 1 ? 4 : 2);
        }
        return sum * h / 3 / normal(d, 0, v);
    }

    static double normal(double x, double mean, double variance) {
        return Math.exp(-(x - mean) * (x - mean) / (2 * variance)) / Math.sqrt(2 * Math.PI * variance);
    }

    @Test
    void theClosedFormIsTheMixtureLikelihoodRatioComputedIndependently() {
        for (double[] c : new double[][] {{0.01, 1e-4, 0.02}, {0.05, 4e-4, 0.02}, {-0.02, 2e-4, 0.05}, {0.0, 1e-3, 0.01},
                {0.12, 9e-4, 0.1}}) {
            assertThat(SequentialErrorRate.likelihoodRatio(c[0], c[1], c[2] * c[2]))
                    .as("d %s, V %s, tau %s", c[0], c[1], c[2])
                    .isCloseTo(integrated(c[0], c[1], c[2]), org.assertj.core.data.Percentage.withPercentage(1e-6));
        }
    }

    @Test
    void aCanaryWithFarMoreErrorsCrossesAndItsEvidenceSaysWhy() {
        SequentialErrorRate test = new SequentialErrorRate(0.05, 0.05);

        SequentialErrorRate.Evidence e = test.evidence(200, 66, 800, 16);

        assertThat(e.crossed()).isTrue();
        assertThat(e.boundary()).isEqualTo(20.0);
        assertThat(e.statistic()).isGreaterThan(20.0);
        assertThat(e.difference()).isCloseTo(0.33 - 0.02, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aBetterCanaryThinDataAndNoDataNeverCross() {
        SequentialErrorRate test = new SequentialErrorRate(0.05, 0.05);

        assertThat(test.evidence(800, 0, 200, 66).crossed()).as("canary better").isFalse();
        assertThat(test.evidence(3, 1, 12, 0).crossed()).as("thin").isFalse();
        assertThat(test.evidence(0, 0, 100, 1).crossed()).as("no canary request").isFalse();
        assertThat(test.evidence(0, 0, 0, 0).statistic()).isEqualTo(1.0);
        assertThat(test.evidence(1000, 0, 4000, 0).crossed()).as("no errors anywhere").isFalse();
    }

    @Test
    void impossibleCountsAndSettingsAreRefused() {
        assertThatThrownBy(() -> new SequentialErrorRate(0, 0.05)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SequentialErrorRate(0.05, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        SequentialErrorRate test = new SequentialErrorRate(0.05, 0.05);
        assertThatThrownBy(() -> test.evidence(10, 11, 10, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> test.evidence(-1, 0, 10, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Seconds until the test fails the canary in one simulated rollout (or -1): {@code rps} requests
     * a second, {@code weight} of them to the canary, a look after every second.
     */
    static int detection(SequentialErrorRate test, SplittableRandom random, double canaryRate, double baselineRate,
            int rps, double weight, int seconds) {
        long nc = 0, ec = 0, nb = 0, eb = 0;
        for (int s = 1; s <= seconds; s++) {
            for (int r = 0; r < rps; r++) {
                if (random.nextDouble() < weight) {
                    nc++;
                    ec += random.nextDouble() < canaryRate ? 1 : 0;
                } else {
                    nb++;
                    eb += random.nextDouble() < baselineRate ? 1 : 0;
                }
            }
            if (test.evidence(nc, ec, nb, eb).crossed()) {
                return s;
            }
        }
        return -1;
    }

    @Test
    void lookingEverySecondKeepsTheFalseRollbackRateUnderAlpha() {
        // 10 000 A/A rollouts: 2 % errors on both slots, 50 req/s, 20 % canary, 3 steps of 8 s, a look every second
        SequentialErrorRate test = new SequentialErrorRate(0.05, 0.05);
        SplittableRandom random = new SplittableRandom(20261202L);
        int runs = 10_000;
        int falseRollbacks = 0;
        for (int i = 0; i < runs; i++) {
            if (detection(test, random, 0.02, 0.02, 50, 0.2, 24) > 0) {
                falseRollbacks++;
            }
        }
        double rate = falseRollbacks / (double) runs;
        double upper = rate + 1.96 * Math.sqrt(rate * (1 - rate) / runs) + 1.0 / runs;
        System.out.printf("MEASURE mSPRT A/A false-rollback rate over %d rollouts (24 looks each): %.4f, 95 %% upper %.4f%n",
                runs, rate, upper);
        assertThat(upper).isLessThanOrEqualTo(0.05);
    }

    @Test
    void aCanaryFailingEveryThirdRequestIsFoundWithinSeconds() {
        SequentialErrorRate test = new SequentialErrorRate(0.05, 0.05);
        SplittableRandom random = new SplittableRandom(7L);
        int[] times = new int[1000];
        for (int i = 0; i < times.length; i++) {
            times[i] = detection(test, random, 0.33, 0.0, 50, 0.2, 24);
        }
        Arrays.sort(times);
        assertThat(times[0]).as("every run finds it").isPositive();
        System.out.printf("MEASURE mSPRT time to detect a 33 %% error canary at 20 %% of 50 req/s: median %d s, p95 %d s%n",
                times[500], times[950]);
        assertThat(times[500]).isLessThanOrEqualTo(3);
    }
}
