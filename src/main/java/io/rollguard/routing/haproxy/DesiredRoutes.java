package io.rollguard.routing.haproxy;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** What Rollguard last told an external router per app, kept in the shared database. */
@Repository
class DesiredRoutes {

    private final JdbcTemplate jdbc;

    DesiredRoutes(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Committed on its own before HAProxy is told, so the reconciler never reads an older weight
     * than the one HAProxy already has (the caller's job transaction may commit much later).
     */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    void saveWeight(String appKey, int percent) {
        Timestamp now = Timestamp.from(Instant.now());
        if (jdbc.update("update rg_router_desired set canary_weight = ?, updated_at = ? where app_key = ?", percent,
                now, appKey) == 0) {
            jdbc.update("insert into rg_router_desired (app_key, canary_weight, updated_at) values (?, ?, ?)", appKey,
                    percent, now);
        }
    }

    Optional<Integer> weight(String appKey) {
        return jdbc.queryForList("select canary_weight from rg_router_desired where app_key = ?", Integer.class, appKey)
                .stream().findFirst();
    }

    Map<String, Integer> weights() {
        return jdbc.query("select app_key, canary_weight from rg_router_desired",
                (rs, n) -> Map.entry(rs.getString(1), rs.getInt(2))).stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
