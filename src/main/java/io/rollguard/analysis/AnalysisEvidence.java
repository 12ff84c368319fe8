package io.rollguard.analysis;

import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.rollguard.release.StoredText;

/** Every analysis run with its per-metric evidence, in the shared database so any node and any auditor sees it. */
@Repository
class AnalysisEvidence {

    /** A stored run as the API returns it. */
    record StoredRun(long id, Instant recordedAt, int step, int weight, Instant from, Instant to, Verdict verdict,
            String reason, List<AnalysisRun.MetricResult> metrics) {
    }

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    AnalysisEvidence(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @Transactional
    long save(String releaseId, AnalysisRun run) {
        GeneratedKeyHolder key = new GeneratedKeyHolder();
        jdbc.update(con -> {
            PreparedStatement ps = con.prepareStatement("insert into rg_analysis_run (release_id, step, weight, "
                    + "window_from, window_to, verdict, reason, recorded_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
                    new String[] {"id"});
            ps.setString(1, releaseId);
            ps.setInt(2, run.step());
            ps.setInt(3, run.weight());
            ps.setTimestamp(4, Timestamp.from(run.from()));
            ps.setTimestamp(5, Timestamp.from(run.to()));
            ps.setString(6, run.verdict().name());
            ps.setString(7, StoredText.clip(run.reason()));
            ps.setTimestamp(8, Timestamp.from(Instant.now()));
            return ps;
        }, key);
        long runId = key.getKey().longValue();
        for (int i = 0; i < run.metrics().size(); i++) {
            AnalysisRun.MetricResult metric = run.metrics().get(i);
            MetricSeries series = i < run.series().size() ? run.series().get(i) : null;
            jdbc.update("insert into rg_analysis_metric (run_id, metric_name, source, verdict, reason, evidence, series) "
                    + "values (?, ?, ?, ?, ?, ?, ?)", runId, metric.name(), metric.source(), metric.verdict().name(),
                    StoredText.clip(metric.reason()), write(metric.name(), metric), series == null ? null : write(metric.name(), series));
        }
        return runId;
    }

    /** A run's window and the chart series it keeps (empty for runs analysed before runs kept them). */
    record StoredChart(Instant from, Instant to, List<MetricSeries> series) {
    }

    /** The chart kept with run {@code runId} of {@code releaseId}; empty when there is no such run. */
    Optional<StoredChart> chart(String releaseId, long runId) {
        List<StoredChart> runs = jdbc.query(
                "select window_from, window_to from rg_analysis_run where id = ? and release_id = ?",
                (rs, n) -> new StoredChart(rs.getTimestamp(1).toInstant(), rs.getTimestamp(2).toInstant(), List.of()),
                runId, releaseId);
        if (runs.isEmpty()) {
            return Optional.empty();
        }
        List<MetricSeries> series = jdbc.query(
                "select series from rg_analysis_metric where run_id = ? and series is not null order by id",
                (rs, n) -> readSeries(rs.getString(1)), runId);
        return Optional.of(new StoredChart(runs.get(0).from(), runs.get(0).to(), series));
    }

    List<StoredRun> runs(String releaseId) {
        Map<Long, List<AnalysisRun.MetricResult>> metrics = jdbc.query(
                "select m.run_id, m.evidence from rg_analysis_metric m join rg_analysis_run r on r.id = m.run_id "
                        + "where r.release_id = ? order by m.id",
                (rs, n) -> Map.entry(rs.getLong(1), read(rs.getString(2))), releaseId).stream()
                .collect(Collectors.groupingBy(Map.Entry::getKey,
                        Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
        return jdbc.query("select id, recorded_at, step, weight, window_from, window_to, verdict, reason "
                + "from rg_analysis_run where release_id = ? order by id",
                (rs, n) -> new StoredRun(rs.getLong("id"), rs.getTimestamp("recorded_at").toInstant(), rs.getInt("step"),
                        rs.getInt("weight"), rs.getTimestamp("window_from").toInstant(),
                        rs.getTimestamp("window_to").toInstant(), Verdict.valueOf(rs.getString("verdict")),
                        rs.getString("reason"), metrics.getOrDefault(rs.getLong("id"), List.of())),
                releaseId);
    }

    private String write(String metric, Object evidence) {
        try {
            return json.writeValueAsString(evidence);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Analysis evidence of " + metric + " cannot be written", e);
        }
    }

    private MetricSeries readSeries(String text) {
        try {
            return json.readValue(text, MetricSeries.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored chart series cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    private AnalysisRun.MetricResult read(String text) {
        try {
            return json.readValue(text, AnalysisRun.MetricResult.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored analysis evidence cannot be read: " + e.getOriginalMessage(), e);
        }
    }
}
