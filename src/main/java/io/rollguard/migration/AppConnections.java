package io.rollguard.migration;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import io.rollguard.app.AppDatabase;

/** The one way the migration code opens an app's database. */
final class AppConnections {

    private AppConnections() {
    }

    /** As the app's own role; a failure names the app and the SQLSTATE, never the URL, host or user. */
    static Connection open(AppDatabase db) {
        try {
            return DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
        } catch (SQLException e) {
            throw new MigrationException("Cannot connect to the database of " + db.appKey() + ": "
                    + DryRunErrors.describe(e), e);
        }
    }
}
