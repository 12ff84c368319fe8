package io.rollguard.app;

import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.rollguard.secrets.SecretCipher;

/**
 * At start, seals every secret of the app registry that is still plaintext (rows from before
 * encryption at rest) or sealed with a previous key (after a key rotation). Each row is replaced
 * only if it still holds the value read, so two nodes starting at once never seal a value twice.
 * Until this has run, the repositories read a plaintext value as it is.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class SecretsAtRest implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(SecretsAtRest.class);

    private record Column(String table, String key, String column, String place) {
    }

    private static final List<Column> COLUMNS = List.of(
            new Column("rg_app", "app_key", "admin_token", AppRepository.STABLE_TOKEN),
            new Column("rg_app", "app_key", "canary_admin_token", AppRepository.CANARY_TOKEN),
            new Column("rg_app_database", "app_key", "password", AppDatabases.PASSWORD));

    private final JdbcTemplate jdbc;
    private final SecretCipher secrets;

    SecretsAtRest(JdbcTemplate jdbc, SecretCipher secrets) {
        this.jdbc = jdbc;
        this.secrets = secrets;
    }

    @Override
    public void run(ApplicationArguments args) {
        int sealed = sealAll();
        if (sealed > 0) {
            log.info("Sealed {} stored secrets with the current key (rollguard.secrets.key)", sealed);
        }
    }

    /** Seals what needs it; returns how many values were sealed. */
    public int sealAll() {
        int sealed = 0;
        for (Column c : COLUMNS) {
            // table and column names are constants of this class, never input
            List<Map<String, Object>> rows = jdbc.queryForList(
                    "select " + c.key() + " as k, " + c.column() + " as v from " + c.table());
            for (Map<String, Object> row : rows) {
                String key = (String) row.get("k");
                String stored = (String) row.get("v");
                if (secrets.needsSealing(stored)) {
                    String where = AppRepository.place(c.place(), key);
                    String plain = secrets.open(stored, where);
                    sealed += jdbc.update("update " + c.table() + " set " + c.column() + " = ? where " + c.key()
                            + " = ? and " + c.column() + " = ?", secrets.seal(plain, where), key, stored);
                }
            }
        }
        return sealed;
    }
}
