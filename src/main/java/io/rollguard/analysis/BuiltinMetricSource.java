package io.rollguard.analysis;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.rollguard.app.App;
import io.rollguard.app.SlotName;
import io.rollguard.routing.builtin.SampleRecorder;

/** The built-in router's own per-request samples: error ratio (5xx and unreachable) and latency percentiles. */
@Component
class BuiltinMetricSource implements MetricSource {

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
    public Measurement measure(App app, SlotName slot, String query, Instant from, Instant to) {
        recorder.flush();
        List<double[]> rows = jdbc.query(
                "select status, latency_ms from rg_router_sample where app_key = ? and slot = ? and at >= ? and at < ?",
                (rs, n) -> new double[] {rs.getInt(1), rs.getDouble(2)},
                app.key(), slot.id(), Timestamp.from(from), Timestamp.from(to));
        long n = rows.size();
        if (n == 0) {
            return new Measurement(query, 0, Double.NaN);
        }
        double value = switch (query) {
            case "error-ratio" -> rows.stream().filter(r -> r[0] >= 500).count() / (double) n;
            case "latency-p50" -> percentile(rows, 0.50);
            case "latency-p95" -> percentile(rows, 0.95);
            case "latency-p99" -> percentile(rows, 0.99);
            default -> throw new IllegalArgumentException("builtin metric source has no query '" + query + "'");
        };
        return new Measurement(query, n, value);
    }

    /** Nearest-rank percentile of the latencies. */
    static double percentile(List<double[]> rows, double p) {
        double[] latencies = rows.stream().mapToDouble(r -> r[1]).toArray();
        Arrays.sort(latencies);
        int rank = (int) Math.ceil(p * latencies.length);
        return latencies[Math.max(0, Math.min(latencies.length - 1, rank - 1))];
    }
}
