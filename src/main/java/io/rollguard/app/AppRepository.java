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

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.stereotype.Repository;

import io.rollguard.secrets.SecretCipher;

/** The app registry. The slots' Admin API tokens are stored sealed ({@link SecretCipher}), never in plaintext. */
@Repository
public class AppRepository {

    static final String STABLE_TOKEN = "rg_app.admin_token";
    static final String CANARY_TOKEN = "rg_app.canary_admin_token";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JdbcTemplate jdbc;
    private final SecretCipher secrets;

    AppRepository(JdbcTemplate jdbc, SecretCipher secrets) {
        this.jdbc = jdbc;
        this.secrets = secrets;
    }

    /** Where a token is stored: the sealed value opens only there. */
    static String place(String column, String appKey) {
        return column + ":" + appKey;
    }

    public Optional<App> find(String key) {
        List<App> apps = jdbc.query("select * from rg_app where app_key = ?", this::map, key);
        return apps.stream().findFirst();
    }

    public Optional<App> findByRoute(String route) {
        return jdbc.query("select * from rg_app where route = ?", this::map, route).stream().findFirst();
    }

    public List<App> findAll() {
        return jdbc.query("select * from rg_app order by app_key", this::map);
    }

    /** Inserts or replaces the registration; the current version is kept unless given. */
    void save(App app) {
        Timestamp now = Timestamp.from(Instant.now());
        String stableToken = secrets.seal(app.adminTokens().stable(), place(STABLE_TOKEN, app.key()));
        String canaryToken = secrets.seal(app.adminTokens().canary(), place(CANARY_TOKEN, app.key()));
        int updated = jdbc.update("""
                update rg_app set owners = ?, stable_admin_url = ?, stable_traffic_url = ?,
                  canary_admin_url = ?, canary_traffic_url = ?, admin_token = ?, canary_admin_token = ?, route = ?,
                  current_version = coalesce(?, current_version), updated_at = ?,
                  router = ?, router_runtime_api = ?, router_backend = ?, metric_source = ?, prometheus_url = ?,
                  tenant_header = ?, flag_store = ?, unleash_url = ?, unleash_project = ?, unleash_environment = ?
                where app_key = ?""",
                String.join(",", app.owners()), app.stable().adminUrl(), app.stable().trafficUrl(),
                app.canary().adminUrl(), app.canary().trafficUrl(), stableToken, canaryToken, app.route(),
                app.currentVersion(), now, app.dataPlane().router(), app.dataPlane().runtimeApi(),
                app.dataPlane().backend(), app.dataPlane().metrics(), app.dataPlane().prometheusUrl(),
                app.dataPlane().tenantHeader(), app.dataPlane().flagStore(), app.dataPlane().unleashUrl(),
                app.dataPlane().unleashProject(), app.dataPlane().unleashEnvironment(), app.key());
        if (updated == 0) {
            jdbc.update("""
                    insert into rg_app (app_key, owners, stable_admin_url, stable_traffic_url, canary_admin_url,
                      canary_traffic_url, admin_token, canary_admin_token, route, current_version, updated_at,
                      router, router_runtime_api, router_backend, metric_source, prometheus_url, tenant_header,
                      flag_store, unleash_url, unleash_project, unleash_environment)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    app.key(), String.join(",", app.owners()), app.stable().adminUrl(), app.stable().trafficUrl(),
                    app.canary().adminUrl(), app.canary().trafficUrl(), stableToken, canaryToken, app.route(),
                    app.currentVersion(), now, app.dataPlane().router(), app.dataPlane().runtimeApi(),
                    app.dataPlane().backend(), app.dataPlane().metrics(), app.dataPlane().prometheusUrl(),
                    app.dataPlane().tenantHeader(), app.dataPlane().flagStore(), app.dataPlane().unleashUrl(),
                    app.dataPlane().unleashProject(), app.dataPlane().unleashEnvironment());
        }
    }

    /** The app's analysis floor; {@link AnalysisFloor#NONE} when the admins set none. */
    public AnalysisFloor analysisFloor(String key) {
        List<String> floors = jdbc.queryForList("select analysis_floor from rg_app where app_key = ?", String.class, key);
        if (floors.isEmpty() || floors.get(0) == null) {
            return AnalysisFloor.NONE;
        }
        try {
            return JSON.readValue(floors.get(0), AnalysisFloor.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The analysis floor of app " + key + " is not readable", e);
        }
    }

    /** Kept apart from {@link #save}: a new registration of the app keeps the floor the admins set. */
    void saveAnalysisFloor(String key, AnalysisFloor floor) {
        try {
            jdbc.update("update rg_app set analysis_floor = ?, updated_at = ? where app_key = ?",
                    floor.isNone() ? null : JSON.writeValueAsString(floor), Timestamp.from(Instant.now()), key);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public void updateCurrentVersion(String key, String version) {
        jdbc.update("update rg_app set current_version = ?, updated_at = ? where app_key = ?",
                version, Timestamp.from(Instant.now()), key);
    }

    private App map(ResultSet rs, int row) throws SQLException {
        String key = rs.getString("app_key");
        return new App(
                key,
                Arrays.stream(rs.getString("owners").split(",")).map(String::trim).filter(s -> !s.isEmpty())
                        .collect(Collectors.toCollection(LinkedHashSet::new)),
                new App.Slot(rs.getString("stable_admin_url"), rs.getString("stable_traffic_url")),
                new App.Slot(rs.getString("canary_admin_url"), rs.getString("canary_traffic_url")),
                new App.AdminTokens(secrets.open(rs.getString("admin_token"), place(STABLE_TOKEN, key)),
                        secrets.open(rs.getString("canary_admin_token"), place(CANARY_TOKEN, key))),
                rs.getString("route"),
                rs.getString("current_version"),
                new App.DataPlane(rs.getString("router"), rs.getString("router_runtime_api"),
                        rs.getString("router_backend"), rs.getString("metric_source"), rs.getString("prometheus_url"),
                        rs.getString("tenant_header"), rs.getString("flag_store"), rs.getString("unleash_url"),
                        rs.getString("unleash_project"), rs.getString("unleash_environment")));
    }
}
