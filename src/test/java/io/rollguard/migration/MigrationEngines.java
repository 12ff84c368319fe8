package io.rollguard.migration;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import io.rollguard.app.AppDatabase;
import io.rollguard.support.NodeRedSlots;
import io.rollguard.support.PostgresDatabase;

/**
 * The Liquibase engine as the product builds it, for tests outside a Spring context (the
 * security tests live in another package): its dry run on the tests' PostgreSQL as the dry-run role.
 */
public final class MigrationEngines {

    private MigrationEngines() {
    }

    public static MigrationEngine liquibase() {
        return liquibase(Duration.ofSeconds(30), Duration.ofMinutes(5));
    }

    /** With the dry run's statement and total time limits given. */
    public static MigrationEngine liquibase(Duration statementTimeout, Duration totalTimeout) {
        return new LiquibaseMigrationEngine(Duration.ofMinutes(1), dryRuns(statementTimeout, totalTimeout));
    }

    /** With the dry run pointed at the server and role given (to see what a misconfiguration tells the requester). */
    public static MigrationEngine withDryRunServer(String url, String username, String password) {
        return new LiquibaseMigrationEngine(Duration.ofMinutes(1), new DryRunDatabases(url, username, password,
                PostgresDatabase.DRY_RUN_PREFIX, Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofMinutes(1),
                Duration.ofMinutes(5)));
    }

    /** What SQL run straight in a throwaway dry-run database, as the dry-run role, has to work with. */
    public interface DryRunSession {
        void run(java.sql.Connection asDryRunRole) throws Exception;
    }

    /**
     * A session in a throwaway dry-run database as the dry-run role, past the changelog's screen:
     * the isolation is the second line of defence and must hold on its own.
     */
    public static void inDryRunDatabase(DryRunSession session) throws Exception {
        DryRunDatabases dryRuns = dryRuns(Duration.ofSeconds(30), Duration.ofMinutes(5));
        try (DryRunDatabases.Run run = dryRuns.create(); java.sql.Connection c = run.connect()) {
            session.run(c);
        } finally {
            dryRuns.destroy();
        }
    }

    /** Statements run one after the other in an app's database, as the role it is registered with. */
    public static void sql(AppDatabase db, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    /** The sample app's schema as its 1.0.0 ships it: {@code public} emptied, then its baseline changelog applied. */
    public static void baseline(MigrationEngine engine, AppDatabase db) throws Exception {
        sql(db, "drop schema public cascade", "create schema public");
        engine.apply(db, new Changelog("baseline.yaml", Files.readString(
                NodeRedSlots.PROJECT.resolve("examples/expenses/database/baseline.yaml"))), "rollguard-baseline");
    }

    static DryRunDatabases dryRuns(Duration statementTimeout, Duration totalTimeout) {
        return new DryRunDatabases(PostgresDatabase.DRY_RUN_URL, PostgresDatabase.DRY_RUN_USER,
                PostgresDatabase.DRY_RUN_PASSWORD, PostgresDatabase.DRY_RUN_PREFIX, statementTimeout, Duration.ofSeconds(10),
                Duration.ofMinutes(1), totalTimeout);
    }
}
