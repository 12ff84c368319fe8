package io.rollguard.migration;

import java.time.Duration;

/** The real Liquibase engine for tests outside this package (the class itself stays package-private). */
public final class Engines {

    private Engines() {
    }

    public static MigrationEngine liquibase() {
        return new LiquibaseMigrationEngine(Duration.ofMinutes(1));
    }
}
