package io.rollguard.routing.builtin;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.modulith.NamedInterface;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.rollguard.app.SlotName;

/**
 * Every request the router forwards becomes a sample (slot, status, latency). Samples are
 * buffered briefly and written in batches, so analysis on any node reads the same data. The
 * built-in metric source ({@code analysis.builtin}) flushes it before it reads: the one type of
 * the built-in router other modules see.
 */
@Component
@NamedInterface("samples")
public class SampleRecorder {

    /** {@code cohort} is {@code exposed}/{@code unexposed} while a flag-only release judges the app's flags, else null. */
    record Sample(String appKey, SlotName slot, Instant at, int status, double latencyMs, String cohort) {
    }

    private final JdbcTemplate jdbc;
    private final Duration retention;
    private final ConcurrentLinkedQueue<Sample> buffer = new ConcurrentLinkedQueue<>();

    SampleRecorder(JdbcTemplate jdbc, @Value("${rollguard.router.sample-retention:PT6H}") Duration retention) {
        this.jdbc = jdbc;
        this.retention = retention;
    }

    void record(String appKey, SlotName slot, Instant at, int status, double latencyMs, String cohort) {
        buffer.add(new Sample(appKey, slot, at, status, latencyMs, cohort));
    }

    /** Writes what is buffered; analysis calls it first so it judges everything seen so far. */
    @Scheduled(fixedDelay = 250)
    public synchronized void flush() {
        List<Object[]> rows = new ArrayList<>();
        Sample s;
        while ((s = buffer.poll()) != null) {
            rows.add(new Object[] {s.appKey(), s.slot().id(), Timestamp.from(s.at()), s.status(), s.latencyMs(),
                    s.cohort()});
        }
        if (!rows.isEmpty()) {
            jdbc.batchUpdate("insert into rg_router_sample (app_key, slot, at, status, latency_ms, cohort) values (?, ?, ?, ?, ?, ?)",
                    rows);
        }
    }

    @Scheduled(fixedDelay = 60_000)
    void forgetOldSamples() {
        jdbc.update("delete from rg_router_sample where at < ?", Timestamp.from(Instant.now().minus(retention)));
    }
}
