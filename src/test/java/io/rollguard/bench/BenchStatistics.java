package io.rollguard.bench;

import java.util.Arrays;

/** Statistics the benchmark harnesses share. */
final class BenchStatistics {

    private BenchStatistics() {
    }

    /**
     * The median of {@code a[i] / b[i]} over runs measured back to back: a pair shares the
     * machine's load of its moment, so the ratio stays meaningful when the machine is noisy.
     */
    static double medianRatio(long[] a, long[] b) {
        double[] ratios = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            ratios[i] = (double) a[i] / b[i];
        }
        Arrays.sort(ratios);
        return ratios[ratios.length / 2];
    }
}
