package io.rollguard.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * Test and benchmark fixture: boolean flags written straight into the built-in store's tables of a
 * Rollguard database, as its adapter writes them (the rows and one revision bump in one
 * transaction), so every node's revision poll picks them up. The product itself changes flags only
 * through releases and the kill switch.
 */
public final class FlagRows {

    private FlagRows() {
    }

    /** Flags {@code flag-<from>} .. {@code flag-<from + count - 1>}, each on for {@code percentage} % and the tenant globex. */
    public static void insert(String jdbcUrl, String app, int from, int count, int percentage) {
        try (Connection c = DriverManager.getConnection(jdbcUrl, PostgresDatabase.USER, PostgresDatabase.PASSWORD)) {
            c.setAutoCommit(false);
            long revision;
            try (var s = c.createStatement(); var rs = s.executeQuery(
                    "update rg_flag_revision set revision = revision + 1 where id = 1 returning revision")) {
                rs.next();
                revision = rs.getLong(1);
            }
            try (PreparedStatement insert = c.prepareStatement("insert into rg_flag (app_key, flag_key, definition, state, "
                    + "revision, updated_at) values (?, ?, ?, ?, ?, ?)")) {
                for (int i = from; i < from + count; i++) {
                    insert.setString(1, app);
                    insert.setString(2, "flag-" + i);
                    insert.setString(3, "{\"key\":\"flag-" + i + "\",\"variants\":{\"off\":false,\"on\":true},"
                            + "\"defaultVariant\":\"off\",\"newVariant\":\"on\"}");
                    insert.setString(4, "{\"enabled\":true,\"percentage\":" + percentage + ",\"tenants\":[\"globex\"]}");
                    insert.setLong(5, revision);
                    insert.setTimestamp(6, Timestamp.from(Instant.now()));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write flag rows into " + jdbcUrl, e);
        }
    }
}
