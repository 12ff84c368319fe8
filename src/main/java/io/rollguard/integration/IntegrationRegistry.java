package io.rollguard.integration;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.rollguard.secrets.SecretCipher;

/**
 * The app's registered integrations and its secrets. A secret is never overwritten: each value is
 * a new version, sealed with {@link SecretCipher} for its own row ({@code app/name@version}), so a
 * slot that runs {@code rates-api-key@2} resolves that value for as long as it runs it.
 */
@Repository
class IntegrationRegistry {

    record StoredIntegration(String name, IntegrationDefinition definition, Instant updatedAt, String updatedBy) {
    }

    record SecretVersion(String name, int version, Instant createdAt, String createdBy) {

        /** How a slot and a report name this value: {@code rates-api-key@3}. */
        String reference() {
            return name + "@" + version;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JdbcTemplate jdbc;
    private final SecretCipher cipher;

    IntegrationRegistry(JdbcTemplate jdbc, SecretCipher cipher) {
        this.jdbc = jdbc;
        this.cipher = cipher;
    }

    List<StoredIntegration> list(String appKey) {
        return jdbc.query("select name, definition, updated_at, updated_by from rg_integration where app_key = ? order by name",
                (rs, n) -> new StoredIntegration(rs.getString("name"), parse(rs.getString("definition")),
                        rs.getTimestamp("updated_at").toInstant(), rs.getString("updated_by")),
                appKey);
    }

    Optional<StoredIntegration> find(String appKey, String name) {
        return list(appKey).stream().filter(i -> i.name().equals(name)).findFirst();
    }

    /** The app's integrations by name, in name order. */
    Map<String, IntegrationDefinition> definitions(String appKey) {
        Map<String, IntegrationDefinition> definitions = new LinkedHashMap<>();
        list(appKey).forEach(i -> definitions.put(i.name(), i.definition()));
        return definitions;
    }

    /** Inserts or replaces; true when it was new. */
    @Transactional
    boolean save(String appKey, String name, IntegrationDefinition definition, String user) {
        Timestamp now = Timestamp.from(Instant.now());
        String text = write(definition);
        int updated = jdbc.update("update rg_integration set kind = ?, definition = ?, updated_at = ?, updated_by = ? "
                + "where app_key = ? and name = ?", definition.kind(), text, now, user, appKey, name);
        if (updated > 0) {
            return false;
        }
        jdbc.update("insert into rg_integration (app_key, name, kind, definition, updated_at, updated_by) "
                + "values (?, ?, ?, ?, ?, ?)", appKey, name, definition.kind(), text, now, user);
        return true;
    }

    boolean delete(String appKey, String name) {
        return jdbc.update("delete from rg_integration where app_key = ? and name = ?", appKey, name) > 0;
    }

    /** Adds the next version of a secret; two admins at once each get their own version. */
    SecretVersion addSecretVersion(String appKey, String name, String value, String user) {
        for (int attempt = 0;; attempt++) {
            Integer latest = jdbc.queryForObject("select max(version) from rg_app_secret where app_key = ? and name = ?",
                    Integer.class, appKey, name);
            int version = latest == null ? 1 : latest + 1;
            Instant now = Instant.now();
            try {
                jdbc.update("insert into rg_app_secret (app_key, name, version, sealed_value, created_at, created_by) "
                        + "values (?, ?, ?, ?, ?, ?)", appKey, name, version,
                        cipher.seal(value, place(appKey, name, version)), Timestamp.from(now), user);
                return new SecretVersion(name, version, now, user);
            } catch (DuplicateKeyException e) {
                if (attempt >= 3) {
                    throw e;
                }
            }
        }
    }

    /** The latest version of each of the app's secrets, without values. */
    List<SecretVersion> latestSecrets(String appKey) {
        return jdbc.query("""
                select s.name, s.version, s.created_at, s.created_by from rg_app_secret s
                where s.app_key = ? and s.version = (select max(v.version) from rg_app_secret v
                  where v.app_key = s.app_key and v.name = s.name)
                order by s.name""",
                (rs, n) -> new SecretVersion(rs.getString("name"), rs.getInt("version"),
                        rs.getTimestamp("created_at").toInstant(), rs.getString("created_by")),
                appKey);
    }

    Optional<SecretVersion> latestSecret(String appKey, String name) {
        return latestSecrets(appKey).stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** Exactly this version's value, never another one's. */
    Optional<String> secretValue(String appKey, String name, int version) {
        List<String> sealed = jdbc.queryForList("select sealed_value from rg_app_secret where app_key = ? and name = ? "
                + "and version = ?", String.class, appKey, name, version);
        return sealed.stream().findFirst().map(s -> cipher.open(s, place(appKey, name, version)));
    }

    /** The values of every version of every one of the app's secrets: what a report must never show. */
    List<String> allSecretValues(String appKey) {
        return jdbc.query("select name, version, sealed_value from rg_app_secret where app_key = ?",
                (rs, n) -> cipher.open(rs.getString("sealed_value"),
                        place(appKey, rs.getString("name"), rs.getInt("version"))), appKey);
    }

    /** Where a value is sealed for: copied into another app's, name's or version's row, it does not open. */
    private static String place(String appKey, String name, int version) {
        return "rg_app_secret.sealed_value:" + appKey + "/" + name + "@" + version;
    }

    private static IntegrationDefinition parse(String text) {
        try {
            return JSON.readValue(text, IntegrationDefinition.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored integration definition does not parse: " + e.getOriginalMessage(), e);
        }
    }

    private static String write(IntegrationDefinition definition) {
        try {
            return JSON.writeValueAsString(definition);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
