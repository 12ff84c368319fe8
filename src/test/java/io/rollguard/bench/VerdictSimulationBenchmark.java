package io.rollguard.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.rollguard.analysis.SequentialErrorRate;

/**
 * Benchmark harness, not a test: run with {@code ./rollguard bench}. Simulated rollouts of error
 * rates, judged side by side by three rules, on a fixed seed:
 * <ul>
 * <li>{@code mSPRT}: the anytime-valid test ({@code SequentialErrorRate}, alpha 0.05, tau 0.05),
 * looking every second of every step;</li>
 * <li>{@code fixed window}: today's rule, at the end of each step over that step's requests, an error
 * rate above 0.05 with at least 20 samples (the sample descriptors' rule);</li>
 * <li>{@code interval x threshold}: Flagger's style, a check of the last 10 s every 10 s against
 * the same 0.05, failing at the second failed check.</li>
 * </ul>
 * Each rollout: 3 steps of 8 s (the examples' pauses), 50 req/s, 20 % to the canary, a baseline
 * error rate of 0.5 % (the sample app's healthy slots answer almost no 5xx; not yet a recorded
 * distribution). Prints the A/A false-rollback rate with its 95 % interval, and the median and p95
 * time to detect absolute error increases of 33, 10, 5 and 2 points (runs that never detect count
 * as slower than any that does). Latency is not simulated yet.
 */
class VerdictSimulationBenchmark {

    static final int RUNS = 10_000;
    static final int STEPS = 3;
    static final int STEP_SECONDS = 8;
    static final int RPS = 50;
    static final double WEIGHT = 0.2;
    static final double BASELINE = 0.005;
    static final double THRESHOLD = 0.05;

    enum Rule { MSPRT, FIXED_WINDOW, INTERVAL_THRESHOLD }

    @Test
    void simulate() {
        System.out.printf("BENCH verdict simulation: %d rollouts per row, %d steps x %d s, %d req/s, %.0f %% canary, "
                + "baseline %.1f %% errors%n", RUNS, STEPS, STEP_SECONDS, RPS, WEIGHT * 100, BASELINE * 100);
        for (Rule rule : Rule.values()) {
            int[] times = run(rule, BASELINE, 1L);
            long rollbacks = Arrays.stream(times).filter(t -> t > 0).count();
            double rate = rollbacks / (double) RUNS;
            double half = 1.96 * Math.sqrt(rate * (1 - rate) / RUNS);
            System.out.printf("BENCH %-20s A/A false-rollback rate %.4f (95 %% CI %.4f-%.4f)%n", rule, rate,
                    Math.max(0, rate - half), rate + half);
        }
        for (double increase : new double[] {0.33, 0.10, 0.05, 0.02}) {
            for (Rule rule : Rule.values()) {
                int[] times = run(rule, BASELINE + increase, 2L);
                // a rollout that never detects counts as slower than any that does
                int[] all = Arrays.stream(times).map(t -> t > 0 ? t : Integer.MAX_VALUE).sorted().toArray();
                long found = Arrays.stream(times).filter(t -> t > 0).count();
                String detection = "median %s, p95 %s (%.1f %% of rollouts detected)".formatted(seconds(all[RUNS / 2]),
                        seconds(all[(int) Math.ceil(RUNS * 0.95) - 1]), 100.0 * found / RUNS);
                System.out.printf("BENCH %-20s +%2.0f points: %s%n", rule, increase * 100, detection);
            }
        }
    }

    static String seconds(int t) {
        return t == Integer.MAX_VALUE ? "never" : t + " s";
    }

    // detection second of each rollout (0: never), canary at canaryRate, baseline at BASELINE
    static int[] run(Rule rule, double canaryRate, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        SequentialErrorRate msprt = new SequentialErrorRate(0.05, 0.05);
        int[] times = new int[RUNS];
        for (int i = 0; i < RUNS; i++) {
            times[i] = rollout(rule, msprt, random, canaryRate);
        }
        return times;
    }

    static int rollout(Rule rule, SequentialErrorRate msprt, SplittableRandom random, double canaryRate) {
        int seconds = STEPS * STEP_SECONDS;
        long[] canary = new long[seconds];
        long[] canaryErrors = new long[seconds];
        long nc = 0, ec = 0, nb = 0, eb = 0;
        int failedChecks = 0;
        for (int s = 0; s < seconds; s++) {
            for (int r = 0; r < RPS; r++) {
                if (random.nextDouble() < WEIGHT) {
                    canary[s]++;
                    canaryErrors[s] += random.nextDouble() < canaryRate ? 1 : 0;
                } else {
                    nb++;
                    eb += random.nextDouble() < BASELINE ? 1 : 0;
                }
            }
            nc += canary[s];
            ec += canaryErrors[s];
            int second = s + 1;
            switch (rule) {
                case MSPRT -> {
                    if (msprt.evidence(nc, ec, nb, eb).crossed()) {
                        return second;
                    }
                }
                case FIXED_WINDOW -> {
                    if (second % STEP_SECONDS == 0 && fails(canary, canaryErrors, second - STEP_SECONDS, second, 20)) {
                        return second;
                    }
                }
                case INTERVAL_THRESHOLD -> {
                    if (second % 10 == 0) {
                        failedChecks += fails(canary, canaryErrors, second - 10, second, 1) ? 1 : 0;
                        if (failedChecks >= 2) {
                            return second;
                        }
                    }
                }
            }
        }
        return 0;
    }

    // the canary's error rate over seconds [from, to) is above the threshold, with at least minSamples requests
    static boolean fails(long[] requests, long[] errors, int from, int to, int minSamples) {
        long n = 0, e = 0;
        for (int s = from; s < to; s++) {
            n += requests[s];
            e += errors[s];
        }
        return n >= minSamples && e / (double) n > THRESHOLD;
    }
}
