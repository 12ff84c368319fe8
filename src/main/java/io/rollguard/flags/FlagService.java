package io.rollguard.flags;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.rollguard.app.App;
import io.rollguard.release.history.ReleaseEventRecorded;
import io.rollguard.release.history.ReleaseFact;
import io.rollguard.release.history.ReleaseHistory;

/**
 * Every flag change goes through here, whichever store the app has: a release's steps and their
 * restoration, and the kill switch. Each change is read back from the store and kept in the flag
 * history ({@code rg_flag_change}) and the audit trail, with who, why and the state before and after.
 */
@Service
public class FlagService implements FlagChanges {

    static final String PLATFORM = "rollguard";

    private final JdbcTemplate jdbc;
    private final FlagStores stores;
    private final ReleaseHistory history;
    private final ApplicationEventPublisher events;
    private final ObjectMapper json = new ObjectMapper();

    FlagService(JdbcTemplate jdbc, FlagStores stores, ReleaseHistory history, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.stores = stores;
        this.history = history;
        this.events = events;
    }

    /** One entry of an app's flag history, newest first. */
    public record Change(String id, String flag, Instant at, String actor, String releaseId, String reason,
            String before, String after, String readBack) {
    }

    @Override
    public Optional<StoredFlag> current(App app, String key) {
        return stores.of(app).read(app, key);
    }

    /**
     * A store that refuses (Unleash's Admin API) leaves what it already changed changed: the history
     * and the states before of the flags written so far must commit with it, so the caller can
     * restore them and the audit says so. Rolling back here would also mark the caller's transaction
     * (the process's job) rollback-only and lose the step's refusal with it.
     */
    @Override
    @Transactional(noRollbackFor = FlagStoreException.class)
    public void applyStep(App app, String releaseId, List<ReleaseFlag> flags, int stepIndex) {
        FlagStore store = stores.of(app);
        for (ReleaseFlag flag : flags) {
            String key = flag.definition().key();
            Optional<StoredFlag> before = store.read(app, key);
            rememberBefore(app, releaseId, key, before);
            FlagState state = flag.steps().get(stepIndex);
            if (before.isPresent() && before.get().equals(new StoredFlag(flag.definition(), state))) {
                continue; // a retried step: already so, nothing to record twice
            }
            store.write(app, flag.definition(), state);
            recorded(app, key, releaseId, PLATFORM, "release step " + (stepIndex + 1), before,
                    Optional.of(new StoredFlag(flag.definition(), state)), store.read(app, key));
        }
    }

    @Override
    @Transactional(noRollbackFor = FlagStoreException.class)
    public List<String> restore(App app, String releaseId, String why) {
        FlagStore store = stores.of(app);
        List<String> left = new ArrayList<>();
        for (Before touched : touchedBy(releaseId)) {
            Optional<StoredFlag> now = store.read(app, touched.key());
            if (now.equals(touched.before())) {
                continue;
            }
            if (touched.before().isEmpty()) {
                store.remove(app, touched.key());
            } else {
                store.write(app, touched.before().get().definition(), touched.before().get().state());
            }
            Optional<StoredFlag> readBack = store.read(app, touched.key());
            recorded(app, touched.key(), releaseId, PLATFORM, "restored: " + why, now, touched.before(), readBack);
            if (!readBack.equals(touched.before())) {
                left.add("flag " + touched.key() + " reads back as " + StoredFlag.describe(readBack) + ", not "
                        + StoredFlag.describe(touched.before()));
            }
        }
        return left;
    }

    @Override
    public List<Before> touchedBy(String releaseId) {
        return jdbc.query("select flag_key, before_flag from rg_release_flag where release_id = ? order by touched_at, flag_key",
                (rs, n) -> new Before(rs.getString(1), Optional.ofNullable(rs.getString(2)).map(this::parse)), releaseId);
    }

    /**
     * The kill switch: the flag off for everyone at once (its definition kept, so a later release
     * can turn it on again), outside any release; recorded with who and why. Already off: said so,
     * nothing written.
     */
    @Transactional(noRollbackFor = FlagStoreException.class)
    public boolean kill(App app, String key, String who, String why) {
        FlagStore store = stores.of(app);
        StoredFlag flag = store.read(app, key).orElseThrow(() -> new UnknownFlag(app.key(), key));
        if (!flag.state().enabled()) {
            return false;
        }
        StoredFlag off = new StoredFlag(flag.definition(), flag.state().off());
        store.write(app, off.definition(), off.state());
        recorded(app, key, null, who, "kill switch: " + why, Optional.of(flag), Optional.of(off), store.read(app, key));
        return true;
    }

    /** No such flag for the app. */
    public static final class UnknownFlag extends RuntimeException {
        UnknownFlag(String app, String key) {
            super("App '" + app + "' has no flag '" + key + "'");
        }
    }

    public List<StoredFlag> flags(App app) {
        return stores.of(app).list(app);
    }

    /** The app's flag history, newest first, at most {@code limit} entries. */
    public List<Change> history(String appKey, int limit) {
        return jdbc.query("select id, flag_key, at, actor, release_id, reason, before_state, after_state, read_back "
                + "from rg_flag_change where app_key = ? order by at desc, id limit ?", (rs, n) -> new Change(
                        rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9)),
                appKey, limit);
    }

    private void rememberBefore(App app, String releaseId, String key, Optional<StoredFlag> before) {
        Integer known = jdbc.queryForObject("select count(*) from rg_release_flag where release_id = ? and flag_key = ?",
                Integer.class, releaseId, key);
        if (known == 0) {
            jdbc.update("insert into rg_release_flag (release_id, app_key, flag_key, before_flag, touched_at) "
                    + "values (?, ?, ?, ?, ?)", releaseId, app.key(), key, before.map(this::write).orElse(null),
                    Timestamp.from(Instant.now()));
        }
    }

    private void recorded(App app, String key, String releaseId, String actor, String reason,
            Optional<StoredFlag> before, Optional<StoredFlag> after, Optional<StoredFlag> readBack) {
        jdbc.update("insert into rg_flag_change (id, app_key, flag_key, at, actor, release_id, reason, before_state, "
                + "after_state, read_back) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", UUID.randomUUID().toString(),
                app.key(), key, Timestamp.from(Instant.now()), actor, releaseId, clip(reason, 1000),
                StoredFlag.describe(before), StoredFlag.describe(after), StoredFlag.describe(readBack));
        ReleaseFact.FlagChanged fact = new ReleaseFact.FlagChanged(key, StoredFlag.describe(before),
                StoredFlag.describe(after), StoredFlag.describe(readBack), PLATFORM.equals(actor) ? null : actor, reason);
        if (releaseId != null) {
            history.record(releaseId, fact);
        } else {
            // a change outside any release (the kill switch) still goes into the hash-chained audit trail
            events.publishEvent(new ReleaseEventRecorded(null, Instant.now(), fact.type(), fact.actor(), fact.detail(),
                    fact));
        }
    }

    private static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }

    private StoredFlag parse(String text) {
        try {
            return json.readValue(text, StoredFlag.class);
        } catch (JsonProcessingException e) {
            throw new FlagStoreException("a recorded flag state cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    private String write(StoredFlag flag) {
        try {
            return json.writeValueAsString(flag);
        } catch (JsonProcessingException e) {
            throw new FlagStoreException("a flag state cannot be recorded: " + e.getOriginalMessage(), e);
        }
    }
}
