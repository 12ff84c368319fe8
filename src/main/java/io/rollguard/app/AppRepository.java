package io.rollguard.app;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

@Repository
public class AppRepository {

    private final JdbcTemplate jdbc;

    AppRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<App> find(String key) {
        List<App> apps = jdbc.query("select * from rg_app where app_key = ?", AppRepository::map, key);
        return apps.stream().findFirst();
    }

    public Optional<App> findByRoute(String route) {
        return jdbc.query("select * from rg_app where route = ?", AppRepository::map, route).stream().findFirst();
    }

    public List<App> findAll() {
        return jdbc.query("select * from rg_app order by app_key", AppRepository::map);
    }

    /** Inserts or replaces the registration; the current version is kept unless given. */
    void save(App app) {
        Timestamp now = Timestamp.from(Instant.now());
        int updated = jdbc.update("""
                update rg_app set owners = ?, stable_admin_url = ?, stable_traffic_url = ?,
                  canary_admin_url = ?, canary_traffic_url = ?, admin_token = ?, route = ?,
                  current_version = coalesce(?, current_version), updated_at = ?,
                  router = ?, router_runtime_api = ?, router_backend = ?, metric_source = ?, prometheus_url = ?,
                  tenant_header = ?
                where app_key = ?""",
                String.join(",", app.owners()), app.stable().adminUrl(), app.stable().trafficUrl(),
                app.canary().adminUrl(), app.canary().trafficUrl(), app.adminToken(), app.route(),
                app.currentVersion(), now, app.dataPlane().router(), app.dataPlane().runtimeApi(),
                app.dataPlane().backend(), app.dataPlane().metrics(), app.dataPlane().prometheusUrl(),
                app.dataPlane().tenantHeader(), app.key());
        if (updated == 0) {
            jdbc.update("""
                    insert into rg_app (app_key, owners, stable_admin_url, stable_traffic_url, canary_admin_url,
                      canary_traffic_url, admin_token, route, current_version, updated_at,
                      router, router_runtime_api, router_backend, metric_source, prometheus_url, tenant_header)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    app.key(), String.join(",", app.owners()), app.stable().adminUrl(), app.stable().trafficUrl(),
                    app.canary().adminUrl(), app.canary().trafficUrl(), app.adminToken(), app.route(),
                    app.currentVersion(), now, app.dataPlane().router(), app.dataPlane().runtimeApi(),
                    app.dataPlane().backend(), app.dataPlane().metrics(), app.dataPlane().prometheusUrl(),
                    app.dataPlane().tenantHeader());
        }
    }

    public void updateCurrentVersion(String key, String version) {
        jdbc.update("update rg_app set current_version = ?, updated_at = ? where app_key = ?",
                version, Timestamp.from(Instant.now()), key);
    }

    private static App map(ResultSet rs, int row) throws SQLException {
        return new App(
                rs.getString("app_key"),
                Arrays.stream(rs.getString("owners").split(",")).map(String::trim).filter(s -> !s.isEmpty())
                        .collect(Collectors.toCollection(LinkedHashSet::new)),
                new App.Slot(rs.getString("stable_admin_url"), rs.getString("stable_traffic_url")),
                new App.Slot(rs.getString("canary_admin_url"), rs.getString("canary_traffic_url")),
                rs.getString("admin_token"),
                rs.getString("route"),
                rs.getString("current_version"),
                new App.DataPlane(rs.getString("router"), rs.getString("router_runtime_api"),
                        rs.getString("router_backend"), rs.getString("metric_source"), rs.getString("prometheus_url"),
                        rs.getString("tenant_header")));
    }
}
