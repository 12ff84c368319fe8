package io.rollguard.migration;

import java.time.Duration;

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

    static DryRunDatabases dryRuns(Duration statementTimeout, Duration totalTimeout) {
        return new DryRunDatabases(PostgresDatabase.DRY_RUN_URL, PostgresDatabase.DRY_RUN_USER,
                PostgresDatabase.DRY_RUN_PASSWORD, PostgresDatabase.DRY_RUN_PREFIX, statementTimeout, Duration.ofSeconds(10),
                Duration.ofMinutes(1), totalTimeout);
    }
}
