package io.rollguard.analysis.builtin;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.rollguard.analysis.Audience;
import io.rollguard.analysis.MetricQueryException;
import io.rollguard.analysis.MetricSource;
import io.rollguard.app.App;
import io.rollguard.app.SlotName;
import io.rollguard.flags.FlagCohorts;
import io.rollguard.routing.builtin.SampleRecorder;

/** The built-in router's own per-request samples: error ratio (5xx and unreachable), latency mean and percentiles. */
@Component
public class BuiltinMetricSource implements MetricSource {

    private final JdbcTemplate jdbc;
    private final SampleRecorder recorder;

    BuiltinMetricSource(JdbcTemplate jdbc, SampleRecorder recorder) {
        this.jdbc = jdbc;
        this.recorder = recorder;
    }

    @Override
    public String name() {
        return "builtin";
    }

    @Override
    public Samples measure(App app, SlotName slot, String query, Instant from, Instant to) {
        return measure(app, Audience.of(slot), query, from, to);
    }

    /** A slot's requests, or one flag cohort's (the router attributes each request while a flag-only release runs). */
    @Override
    public Samples measure(App app, Audience audience, String query, Instant from, Instant to) {
        String sent = query + " app=" + app.key() + " " + audience.describe() + " [" + from + ", " + to + ")";
        recorder.flush();
        String cohort = audience.isCohort() ? " and cohort = ?" : "";
        Object[] args = audience.isCohort()
                ? new Object[] {app.key(), audience.slot().id(), Timestamp.from(from), Timestamp.from(to),
                        audience.exposed() ? FlagCohorts.EXPOSED : FlagCohorts.UNEXPOSED}
                : new Object[] {app.key(), audience.slot().id(), Timestamp.from(from), Timestamp.from(to)};
        List<Request> rows = jdbc.query(
                "select at, status, latency_ms from rg_router_sample where app_key = ? and slot = ? and at >= ? and at < ?"
                        + cohort,
                (rs, n) -> new Request(rs.getTimestamp(1).toInstant().toEpochMilli(), rs.getInt(2), rs.getDouble(3)),
                args);
        long[] times = rows.stream().mapToLong(Request::at).toArray();
        return switch (query) {
            // one sample per request, 1 for an error: their mean is the error ratio
            case "error-ratio" -> samples(sent, rows.stream().mapToDouble(r -> r.status() >= 500 ? 1 : 0).toArray(),
                    times, -1);
            case "latency-mean" -> samples(sent, latencies(rows), times, -1);
            case "latency-p50" -> samples(sent, latencies(rows), times, 0.50);
            case "latency-p95" -> samples(sent, latencies(rows), times, 0.95);
            case "latency-p99" -> samples(sent, latencies(rows), times, 0.99);
            default -> throw new MetricQueryException(sent, "the builtin metric source has no query '" + query + "'");
        };
    }

    private record Request(long at, int status, double latencyMs) {
    }

    /** The aggregate is the mean when {@code percentile} is negative, else that percentile. */
    private static Samples samples(String sent, double[] values, long[] times, double percentile) {
        if (values.length == 0) {
            return new Samples(sent, values, times, Double.NaN);
        }
        return new Samples(sent, values, times, percentile < 0 ? Arrays.stream(values).average().orElseThrow()
                : percentile(values, percentile));
    }

    private static double[] latencies(List<Request> rows) {
        return rows.stream().mapToDouble(Request::latencyMs).toArray();
    }

    /** Nearest-rank percentile of the latencies. */
    static double percentile(double[] values, double p) {
        double[] latencies = values.clone();
        Arrays.sort(latencies);
        int rank = (int) Math.ceil(p * latencies.length);
        return latencies[Math.max(0, Math.min(latencies.length - 1, rank - 1))];
    }
}
