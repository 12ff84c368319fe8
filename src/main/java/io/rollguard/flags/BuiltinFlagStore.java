package io.rollguard.flags;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.rollguard.app.App;

/**
 * The embedded flag store: the database is the truth ({@code rg_flag}), evaluation is served from
 * an in-memory copy of every app's flags. Every write bumps one shared revision in the same
 * transaction; this node reloads right after its own commits, every node polls the revision every
 * 250 ms and reloads when it moved, so a change made on any node is evaluated everywhere within
 * about 250 ms (plus the reload). Reads for the process ({@link #read}) go to the database.
 */
@Component
class BuiltinFlagStore implements FlagStore {

    private final JdbcTemplate jdbc;
    private final ObjectMapper json = new ObjectMapper();
    private volatile Map<String, Map<String, StoredFlag>> memory = Map.of();
    private volatile long loadedRevision = -1;

    BuiltinFlagStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public String name() {
        return App.DataPlane.BUILTIN_FLAGS;
    }

    @Override
    public Optional<StoredFlag> read(App app, String key) {
        return jdbc.query("select definition, state from rg_flag where app_key = ? and flag_key = ?",
                (rs, n) -> parse(rs.getString(1), rs.getString(2)), app.key(), key).stream().findFirst();
    }

    @Override
    public List<StoredFlag> list(App app) {
        return jdbc.query("select definition, state from rg_flag where app_key = ? order by flag_key",
                (rs, n) -> parse(rs.getString(1), rs.getString(2)), app.key());
    }

    @Override
    public void write(App app, FlagDefinition definition, FlagState state) {
        long revision = bump();
        String d = write(definition);
        String s = write(state);
        Timestamp now = Timestamp.from(Instant.now());
        if (jdbc.update("update rg_flag set definition = ?, state = ?, revision = ?, updated_at = ? where app_key = ? "
                + "and flag_key = ?", d, s, revision, now, app.key(), definition.key()) == 0) {
            jdbc.update("insert into rg_flag (app_key, flag_key, definition, state, revision, updated_at) "
                    + "values (?, ?, ?, ?, ?, ?)", app.key(), definition.key(), d, s, revision, now);
        }
        AfterCommit.run(this::reload);
    }

    @Override
    public void remove(App app, String key) {
        bump();
        jdbc.update("delete from rg_flag where app_key = ? and flag_key = ?", app.key(), key);
        AfterCommit.run(this::reload);
    }

    @Override
    public boolean exposed(App app, String key, String targetingKey, String tenant) {
        return FlagEvaluator.exposed(inMemory(app.key(), key).orElse(null), targetingKey, tenant);
    }

    /** The flag as evaluation sees it: from memory, never a query per request. */
    Optional<StoredFlag> inMemory(String appKey, String key) {
        Map<String, StoredFlag> flags = memory.get(appKey);
        return Optional.ofNullable(flags == null ? null : flags.get(key));
    }

    Map<String, StoredFlag> inMemory(String appKey) {
        return memory.getOrDefault(appKey, Map.of());
    }

    /** The revision the in-memory copy was loaded at (part of OFREP's ETag). */
    long revision() {
        return loadedRevision;
    }

    @Scheduled(fixedDelay = 250)
    void pollRevision() {
        Long now = jdbc.queryForObject("select revision from rg_flag_revision where id = 1", Long.class);
        if (now != null && now != loadedRevision) {
            reload();
        }
    }

    synchronized void reload() {
        // read the revision first: a write committed in between is caught by the next poll
        long revision = jdbc.queryForObject("select revision from rg_flag_revision where id = 1", Long.class);
        Map<String, Map<String, StoredFlag>> all = new HashMap<>();
        jdbc.query("select app_key, definition, state from rg_flag", rs -> {
            StoredFlag flag = parse(rs.getString(2), rs.getString(3));
            all.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(flag.definition().key(), flag);
        });
        Map<String, Map<String, StoredFlag>> frozen = new HashMap<>();
        all.forEach((app, flags) -> frozen.put(app, Map.copyOf(flags)));
        memory = Map.copyOf(frozen);
        loadedRevision = revision;
    }

    /** The shared revision, bumped inside the writing transaction (its row lock also orders concurrent writers). */
    private long bump() {
        jdbc.update("update rg_flag_revision set revision = revision + 1 where id = 1");
        return jdbc.queryForObject("select revision from rg_flag_revision where id = 1", Long.class);
    }


    private StoredFlag parse(String definition, String state) {
        try {
            return new StoredFlag(json.readValue(definition, FlagDefinition.class), json.readValue(state, FlagState.class));
        } catch (JsonProcessingException e) {
            throw new FlagStoreException("a stored flag cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new FlagStoreException("a flag cannot be stored: " + e.getOriginalMessage(), e);
        }
    }
}
