package io.rollguard.analysis;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.rollguard.app.SlotName;

/**
 * Canary vs baseline over the window of one analysis run, in buckets, for the portal's chart.
 * Today the only stored evidence is the built-in router's per-request samples (kept for
 * rollguard.router.sample-retention); {@link #series} is the one place to change when runs keep
 * their own evidence.
 */
@Component
public class AnalysisSeries {

    /** Parallel arrays, one element per bucket: start time (epoch seconds), error rate in %, mean latency in ms. */
    public record Series(int bucketSeconds, List<Long> t, List<Double> canaryErrorPercent,
            List<Double> baselineErrorPercent, List<Double> canaryLatencyMs, List<Double> baselineLatencyMs,
            long canarySamples, long baselineSamples) {
    }

    private final JdbcTemplate jdbc;

    AnalysisSeries(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Series series(String appKey, Instant from, Instant to) {
        long seconds = Math.max(1, to.getEpochSecond() - from.getEpochSecond());
        int bucket = (int) Math.max(1, seconds / 60);
        TreeMap<Long, double[]> buckets = new TreeMap<>();
        long[] samples = new long[2];
        jdbc.query("select slot, at, status, latency_ms from rg_router_sample where app_key = ? and at >= ? and at < ?",
                rs -> {
                    int slot = SlotName.CANARY.id().equals(rs.getString("slot")) ? 0 : 1;
                    long t = rs.getTimestamp("at").toInstant().getEpochSecond();
                    long start = t - Math.floorMod(t - from.getEpochSecond(), bucket);
                    // per slot: requests, errors, latency sum
                    double[] b = buckets.computeIfAbsent(start, k -> new double[6]);
                    b[slot * 3] += 1;
                    b[slot * 3 + 1] += rs.getInt("status") >= 500 ? 1 : 0;
                    b[slot * 3 + 2] += rs.getDouble("latency_ms");
                    samples[slot]++;
                }, appKey, Timestamp.from(from), Timestamp.from(to));
        List<Long> t = new ArrayList<>();
        List<Double> ce = new ArrayList<>();
        List<Double> be = new ArrayList<>();
        List<Double> cl = new ArrayList<>();
        List<Double> bl = new ArrayList<>();
        buckets.forEach((start, b) -> {
            t.add(start);
            ce.add(b[0] == 0 ? null : 100 * b[1] / b[0]);
            cl.add(b[0] == 0 ? null : b[2] / b[0]);
            be.add(b[3] == 0 ? null : 100 * b[4] / b[3]);
            bl.add(b[3] == 0 ? null : b[5] / b[3]);
        });
        return new Series(bucket, t, ce, be, cl, bl, samples[0], samples[1]);
    }
}
