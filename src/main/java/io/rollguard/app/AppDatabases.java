package io.rollguard.app;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import io.rollguard.secrets.SecretCipher;

/**
 * Where each app's own database is; kept beside the app registration, one row per app. The
 * password is stored sealed ({@link SecretCipher}).
 */
@Repository
public class AppDatabases {

    static final String PASSWORD = "rg_app_database.password";

    private final JdbcTemplate jdbc;
    private final SecretCipher secrets;

    AppDatabases(JdbcTemplate jdbc, SecretCipher secrets) {
        this.jdbc = jdbc;
        this.secrets = secrets;
    }

    public Optional<AppDatabase> find(String appKey) {
        return jdbc.query("select * from rg_app_database where app_key = ?",
                (rs, n) -> new AppDatabase(rs.getString("app_key"), rs.getString("jdbc_url"), rs.getString("username"),
                        secrets.open(rs.getString("password"), AppRepository.place(PASSWORD, rs.getString("app_key")))),
                appKey).stream().findFirst();
    }

    void save(AppDatabase db) {
        Timestamp now = Timestamp.from(Instant.now());
        String password = secrets.seal(db.password(), AppRepository.place(PASSWORD, db.appKey()));
        if (jdbc.update("update rg_app_database set jdbc_url = ?, username = ?, password = ?, updated_at = ? where app_key = ?",
                db.jdbcUrl(), db.username(), password, now, db.appKey()) == 0) {
            jdbc.update("insert into rg_app_database (app_key, jdbc_url, username, password, updated_at) values (?, ?, ?, ?, ?)",
                    db.appKey(), db.jdbcUrl(), db.username(), password, now);
        }
    }
}
