package io.rollguard.app;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Where each app's own database is; kept beside the app registration, one row per app. */
@Repository
public class AppDatabases {

    private final JdbcTemplate jdbc;

    AppDatabases(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<AppDatabase> find(String appKey) {
        return jdbc.query("select * from rg_app_database where app_key = ?",
                (rs, n) -> new AppDatabase(rs.getString("app_key"), rs.getString("jdbc_url"), rs.getString("username"),
                        rs.getString("password")),
                appKey).stream().findFirst();
    }

    void save(AppDatabase db) {
        Timestamp now = Timestamp.from(Instant.now());
        if (jdbc.update("update rg_app_database set jdbc_url = ?, username = ?, password = ?, updated_at = ? where app_key = ?",
                db.jdbcUrl(), db.username(), db.password(), now, db.appKey()) == 0) {
            jdbc.update("insert into rg_app_database (app_key, jdbc_url, username, password, updated_at) values (?, ?, ?, ?, ?)",
                    db.appKey(), db.jdbcUrl(), db.username(), db.password(), now);
        }
    }
}
