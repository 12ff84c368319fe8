package io.rollguard.routing.builtin;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Canary weights and tenants pinned to canary per app. The database is the truth (so a restarted or second node routes the
 * same way); the router reads a copy refreshed every second so requests never wait on SQL.
 *
 * <p>A change made inside a transaction (a rollout step, a promotion, a rollback) reaches the copy when it commits, not
 * before: a step that rolls back never routed, and the periodic refresh, which may have read the database just before the
 * commit, is dropped rather than allowed to put the old weight back for a second (which after a rollback would send users
 * to the bad canary again).
 */
@Component
class RouteTable {

    private final JdbcTemplate jdbc;
    private final Map<String, Integer> weights = new ConcurrentHashMap<>();
    private volatile Map<String, Set<String>> pinned = Map.of();
    /** Counts changes applied to the copy; a refresh that saw another count when it began is stale. */
    private long changes;

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
        afterCommit(() -> weights.put(appKey, percent));
    }

    int storedWeight(String appKey) {
        List<Integer> found = jdbc.queryForList("select canary_weight from rg_route where app_key = ?", Integer.class,
                appKey);
        return found.isEmpty() ? 0 : found.get(0);
    }

    boolean pinnedToCanary(String appKey, String tenant) {
        return tenant != null && pinned.getOrDefault(appKey, Set.of()).contains(tenant);
    }

    /** Replaces the app's pinned tenants in one transaction; the router's copy follows when it commits. */
    @Transactional
    void setPinned(String appKey, Set<String> tenants) {
        jdbc.update("delete from rg_router_tenant where app_key = ?", appKey);
        jdbc.batchUpdate("insert into rg_router_tenant (app_key, tenant, slot) values (?, ?, 'canary')",
                tenants.stream().map(t -> new Object[] {appKey, t}).toList());
        Set<String> copy = Set.copyOf(tenants);
        afterCommit(() -> {
            Map<String, Set<String>> next = new HashMap<>(pinned);
            next.put(appKey, copy);
            pinned = next;
        });
    }

    Set<String> storedPinned(String appKey) {
        return new TreeSet<>(jdbc.queryForList(
                "select tenant from rg_router_tenant where app_key = ? and slot = 'canary'", String.class, appKey));
    }

    @Scheduled(fixedDelay = 1000)
    void refresh() {
        long seen;
        synchronized (this) {
            seen = changes;
        }
        Map<String, Integer> storedWeights = new HashMap<>();
        jdbc.query("select app_key, canary_weight from rg_route",
                rs -> {
                    storedWeights.put(rs.getString(1), rs.getInt(2));
                });
        Map<String, Set<String>> storedPinned = new HashMap<>();
        jdbc.query("select app_key, tenant from rg_router_tenant where slot = 'canary'",
                rs -> {
                    storedPinned.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getString(2));
                });
        synchronized (this) {
            if (changes == seen) {
                weights.putAll(storedWeights);
                pinned = storedPinned;
            }
        }
    }

    /** Applies a change to the copy once the surrounding transaction commits, or at once outside one. */
    private void afterCommit(Runnable change) {
        Runnable apply = () -> {
            synchronized (this) {
                change.run();
                changes++;
            }
        };
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    apply.run();
                }
            });
        } else {
            apply.run();
        }
    }
}
