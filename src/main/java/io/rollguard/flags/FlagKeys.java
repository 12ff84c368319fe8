package io.rollguard.flags;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The keys apps evaluate their flags with (OFREP's X-API-Key): a key names its app, so an app
 * evaluates its own flags only. Only a key's SHA-256 is stored; the key itself is shown once,
 * when it is issued. Lookups come from memory (every evaluation needs one), reloaded after this
 * node's changes and every second, so a revoked key stops working on every node within a second.
 */
@Component
public class FlagKeys {

    /** Shorter keys are refused: an app's key is a credential, not a name. */
    public static final int MIN_LENGTH = 32;

    private final JdbcTemplate jdbc;
    private final SecureRandom random = new SecureRandom();
    private volatile Map<String, String> appByHash = Map.of();

    FlagKeys(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public record Issued(String id, String key, Instant createdAt) {
        /** Whatever logs it never logs the key. */
        @Override
        public String toString() {
            return "Issued[" + id + ", key hidden]";
        }
    }

    public record KeyView(String id, Instant createdAt, String createdBy) {
    }

    /** A new random key for the app; the answer is the only place it ever appears. */
    public Issued issue(String appKey, String who) {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String key = "rgf_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        return new Issued(store(appKey, key, who), key, Instant.now());
    }

    /** Registers a key given from outside (the sample app's dev default); an existing one is left as it is. */
    public void ensure(String appKey, String key, String who) {
        if (key == null || key.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("a flag evaluation key needs at least " + MIN_LENGTH + " characters");
        }
        if (jdbc.queryForObject("select count(*) from rg_flag_key where key_hash = ?", Integer.class, hash(key)) == 0) {
            store(appKey, key, who);
        }
    }

    public List<KeyView> list(String appKey) {
        return jdbc.query("select id, created_at, created_by from rg_flag_key where app_key = ? order by created_at",
                (rs, n) -> new KeyView(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getString(3)), appKey);
    }

    public boolean revoke(String appKey, String id) {
        boolean gone = jdbc.update("delete from rg_flag_key where app_key = ? and id = ?", appKey, id) == 1;
        AfterCommit.run(this::reload);
        return gone;
    }

    /** The app a key belongs to; empty for an unknown key. */
    public Optional<String> appOf(String key) {
        return key == null || key.isEmpty() || key.length() > 200 ? Optional.empty()
                : Optional.ofNullable(appByHash.get(hash(key)));
    }

    @Scheduled(fixedDelay = 1000)
    void reload() {
        Map<String, String> now = new HashMap<>();
        jdbc.query("select key_hash, app_key from rg_flag_key", rs -> {
            now.put(rs.getString(1), rs.getString(2));
        });
        appByHash = Map.copyOf(now);
    }

    private String store(String appKey, String key, String who) {
        String id = UUID.randomUUID().toString();
        jdbc.update("insert into rg_flag_key (id, app_key, key_hash, created_at, created_by) values (?, ?, ?, ?, ?)", id,
                appKey, hash(key), Timestamp.from(Instant.now()), who);
        AfterCommit.run(this::reload);
        return id;
    }


    static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
