package io.rollguard.routing.builtin;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Canary weights per app. The database is the truth (so a restarted or second node routes the
 * same way); the router reads a copy refreshed every second so requests never wait on SQL.
 */
@Component
class RouteTable {

    private final JdbcTemplate jdbc;
    private final Map<String, Integer> weights = new ConcurrentHashMap<>();

    RouteTable(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    int weight(String appKey) {
        return weights.getOrDefault(appKey, 0);
    }

    void setWeight(String appKey, int percent) {
        Timestamp now = Timestamp.from(Instant.now());
        if (jdbc.update("update rg_route set canary_weight = ?, updated_at = ? where app_key = ?", percent, now,
                appKey) == 0) {
            jdbc.update("insert into rg_route (app_key, canary_weight, updated_at) values (?, ?, ?)", appKey, percent,
                    now);
        }
        weights.put(appKey, percent);
    }

    int storedWeight(String appKey) {
        List<Integer> found = jdbc.queryForList("select canary_weight from rg_route where app_key = ?", Integer.class,
                appKey);
        return found.isEmpty() ? 0 : found.get(0);
    }

    @Scheduled(fixedDelay = 1000)
    void refresh() {
        jdbc.query("select app_key, canary_weight from rg_route",
                rs -> {
                    weights.put(rs.getString(1), rs.getInt(2));
                });
    }
}
