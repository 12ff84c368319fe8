package io.rollguard.routing.haproxy;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

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

    /** Committed on its own before HAProxy's map is changed, like {@link #saveWeight}. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    void savePinned(String appKey, Set<String> tenants) {
        jdbc.update("delete from rg_router_tenant where app_key = ?", appKey);
        jdbc.batchUpdate("insert into rg_router_tenant (app_key, tenant, slot) values (?, ?, 'canary')",
                tenants.stream().map(t -> new Object[] {appKey, t}).toList());
    }

    Set<String> pinned(String appKey) {
        return new TreeSet<>(jdbc.queryForList(
                "select tenant from rg_router_tenant where app_key = ? and slot = 'canary'", String.class, appKey));
    }

    Optional<Integer> weight(String appKey) {
        return jdbc.queryForList("select canary_weight from rg_router_desired where app_key = ?", Integer.class, appKey)
                .stream().findFirst();
    }

}
