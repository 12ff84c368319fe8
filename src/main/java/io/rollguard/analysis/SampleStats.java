package io.rollguard.analysis;

import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;

/** Summary of one slot's samples for the evidence; every figure is null when there were no samples. */
record SampleStats(int n, Double mean, Double median, Double p95, Double min, Double max, Double stdDev) {

    static SampleStats of(double[] values) {
        if (values.length == 0) {
            return new SampleStats(0, null, null, null, null, null, null);
        }
        DescriptiveStatistics s = new DescriptiveStatistics(values);
        return new SampleStats(values.length, s.getMean(), s.getPercentile(50), s.getPercentile(95), s.getMin(),
                s.getMax(), values.length > 1 ? s.getStandardDeviation() : 0.0);
    }
}
