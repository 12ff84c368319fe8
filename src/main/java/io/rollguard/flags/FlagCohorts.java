package io.rollguard.flags;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.rollguard.app.App;
import io.rollguard.app.AppRepository;

/**
 * Which flags of an app a flag-only release is judging, and which cohort a request belongs to
 * meanwhile: {@code exposed} when at least one of them serves the request a new variant,
 * {@code unexposed} when none does. The built-in router asks for every request, so the answer comes
 * from memory: the flags under judgement are kept in the shared database (any node's router
 * attributes the same way) and reloaded every 250 ms; each flag is evaluated from the app's store's
 * memory by the rule the app's own client applies ({@link FlagEvaluator}, which also answers OFREP,
 * for the built-in store; Unleash's own flexibleRollout hash for Unleash), so router and app agree
 * on every request.
 */
@Component
public class FlagCohorts {

    /** The request header that carries the user, the targeting key before the tenant. */
    public static final String USER_HEADER = "X-User";
    public static final String EXPOSED = "exposed";
    public static final String UNEXPOSED = "unexposed";

    private final JdbcTemplate jdbc;
    private final AppRepository apps;
    private final FlagStores stores;
    private volatile Map<String, Judged> judged = Map.of();

    FlagCohorts(JdbcTemplate jdbc, AppRepository apps, FlagStores stores) {
        this.jdbc = jdbc;
        this.apps = apps;
        this.stores = stores;
    }

    /** An app whose flags are judged, with the store that evaluates them for the app itself. */
    private record Judged(App app, FlagStore store, List<String> keys) {
    }

    /** The release's flags are judged from now on: requests of the app are attributed to their cohort. */
    public void judge(String appKey, String releaseId, List<String> flagKeys) {
        String keys = String.join(",", flagKeys);
        if (jdbc.update("update rg_flag_cohort set release_id = ?, flag_keys = ?, started_at = ? where app_key = ?",
                releaseId, keys, Timestamp.from(Instant.now()), appKey) == 0) {
            jdbc.update("insert into rg_flag_cohort (app_key, release_id, flag_keys, started_at) values (?, ?, ?, ?)",
                    appKey, releaseId, keys, Timestamp.from(Instant.now()));
        }
        AfterCommit.run(this::reload);
    }

    /** The release's judgement is over (promoted or undone): no more attribution for the app. */
    public void stop(String appKey, String releaseId) {
        jdbc.update("delete from rg_flag_cohort where app_key = ? and release_id = ?", appKey, releaseId);
        AfterCommit.run(this::reload);
    }

    /** {@link #EXPOSED}, {@link #UNEXPOSED}, or null while no flag of the app is judged. */
    public String cohortOf(String appKey, String targetingKey, String tenant) {
        Judged j = judged.get(appKey);
        if (j == null) {
            return null;
        }
        for (String key : j.keys()) {
            if (j.store().exposed(j.app(), key, targetingKey, tenant)) {
                return EXPOSED;
            }
        }
        return UNEXPOSED;
    }

    @Scheduled(fixedDelay = 250)
    void reload() {
        Map<String, List<String>> rows = new ConcurrentHashMap<>();
        jdbc.query("select app_key, flag_keys from rg_flag_cohort",
                rs -> { rows.put(rs.getString(1), Arrays.asList(rs.getString(2).split(","))); });
        Map<String, Judged> now = new ConcurrentHashMap<>();
        rows.forEach((appKey, keys) -> apps.find(appKey)
                .ifPresent(app -> now.put(appKey, new Judged(app, stores.of(app), keys))));
        judged = Map.copyOf(now);
    }

}
