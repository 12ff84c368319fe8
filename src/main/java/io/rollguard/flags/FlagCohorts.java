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

/**
 * Which flags of an app a flag-only release is judging, and which cohort a request belongs to
 * meanwhile: {@code exposed} when at least one of them serves the request a new variant,
 * {@code unexposed} when none does. The built-in router asks for every request, so the answer comes
 * from memory: the flags under judgement are kept in the shared database (any node's router
 * attributes the same way) and reloaded every 250 ms; each flag is evaluated by the store's
 * in-memory evaluation, the same function that answers the app's own OFREP requests, so router and
 * app agree on every request.
 */
@Component
public class FlagCohorts {

    /** The request header that carries the user, the targeting key before the tenant. */
    public static final String USER_HEADER = "X-User";
    public static final String EXPOSED = "exposed";
    public static final String UNEXPOSED = "unexposed";

    private final JdbcTemplate jdbc;
    private final Exposure exposure;
    private volatile Map<String, List<String>> judged = Map.of();

    FlagCohorts(JdbcTemplate jdbc, Exposure exposure) {
        this.jdbc = jdbc;
        this.exposure = exposure;
    }

    /** Whether the flag serves this request its new variant, by the evaluation apps get over OFREP. */
    interface Exposure {
        boolean exposed(String appKey, String flagKey, String targetingKey, String tenant);
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
        List<String> keys = judged.get(appKey);
        if (keys == null) {
            return null;
        }
        for (String key : keys) {
            if (exposure.exposed(appKey, key, targetingKey, tenant)) {
                return EXPOSED;
            }
        }
        return UNEXPOSED;
    }

    @Scheduled(fixedDelay = 250)
    void reload() {
        Map<String, List<String>> now = new ConcurrentHashMap<>();
        jdbc.query("select app_key, flag_keys from rg_flag_cohort",
                rs -> { now.put(rs.getString(1), Arrays.asList(rs.getString(2).split(","))); });
        judged = Map.copyOf(now);
    }

}
