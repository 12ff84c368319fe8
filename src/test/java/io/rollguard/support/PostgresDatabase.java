package io.rollguard.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A fresh database per test class on the real PostgreSQL server that the test command starts
 * (127.0.0.1:5432). The platform's databases belong to role {@code rollguard}, an app's database
 * to the app's role {@code expenses_app}, and the migration dry run works as {@code rollguard_dryrun}
 * (the roles {@code ./rollguard test} creates; README, "Database roles"). A missing server fails
 * the test with a clear message.
 */
public final class PostgresDatabase {

    public static final String HOST = System.getenv().getOrDefault("ROLLGUARD_TEST_PG_HOST", "127.0.0.1:5432");
    public static final String USER = System.getenv().getOrDefault("ROLLGUARD_TEST_PG_USER", "rollguard");
    public static final String PASSWORD = System.getenv().getOrDefault("ROLLGUARD_TEST_PG_PASSWORD", "rollguard");
    public static final String APP_USER = System.getenv().getOrDefault("ROLLGUARD_TEST_PG_APP_USER", "expenses_app");
    public static final String APP_PASSWORD = System.getenv().getOrDefault("ROLLGUARD_TEST_PG_APP_PASSWORD", "expenses_app");
    public static final String DRY_RUN_USER = System.getenv().getOrDefault("ROLLGUARD_TEST_PG_DRY_RUN_USER", "rollguard_dryrun");
    public static final String DRY_RUN_PASSWORD = System.getenv().getOrDefault("ROLLGUARD_TEST_PG_DRY_RUN_PASSWORD",
            "rollguard_dryrun");
    public static final String DRY_RUN_URL = "jdbc:postgresql://" + HOST + "/postgres";
    /** Two checkouts testing on one server at once keep apart by a prefix of their database names. */
    static final String PREFIX = System.getenv().getOrDefault("ROLLGUARD_TEST_PG_PREFIX", "");
    /** The dry run's throwaway databases of this checkout (the product adds {@code <epoch>_<hex>}). */
    public static final String DRY_RUN_PREFIX = PREFIX + "rg_dryrun_";

    private PostgresDatabase() {
    }

    /** Points a Spring test context at a fresh database of this name, and its migration dry run at the dry-run role. */
    public static void register(DynamicPropertyRegistry registry, String name) {
        registry.add("spring.datasource.url", () -> fresh(name));
        registry.add("spring.datasource.username", () -> USER);
        registry.add("spring.datasource.password", () -> PASSWORD);
        dryRunProperties().forEach((key, value) -> registry.add(key, () -> value));
    }

    /** The migration dry run's server and role, as Spring properties (also for the packaged jar's command line). */
    public static Map<String, String> dryRunProperties() {
        return Map.of("rollguard.migration.dry-run.url", DRY_RUN_URL,
                "rollguard.migration.dry-run.username", DRY_RUN_USER,
                "rollguard.migration.dry-run.password", DRY_RUN_PASSWORD,
                "rollguard.migration.dry-run.database-prefix", DRY_RUN_PREFIX);
    }

    /** Drops and recreates a platform database (owned by the platform's role); returns its JDBC URL. */
    public static String fresh(String requested) {
        return fresh(requested, USER, PASSWORD);
    }

    /** Drops and recreates an app's database, owned by the app's role and not by the platform's; returns its JDBC URL. */
    public static String freshAppDatabase(String requested) {
        return fresh(requested, APP_USER, APP_PASSWORD);
    }

    private static String fresh(String requested, String owner, String password) {
        String name = PREFIX + requested;
        if (!name.matches("[a-z_]+")) {
            throw new IllegalArgumentException(name);
        }
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + HOST + "/postgres", owner, password);
                Statement s = c.createStatement()) {
            try {
                s.execute("drop database if exists " + name + " with (force)");
            } catch (SQLException e) {
                if (!"42501".equals(e.getSQLState()) || owner.equals(USER)) {
                    throw e;
                }
                // left by a checkout from before app databases had a role of their own: the platform's role made it
                try (Connection p = DriverManager.getConnection("jdbc:postgresql://" + HOST + "/postgres", USER, PASSWORD);
                        Statement d = p.createStatement()) {
                    d.execute("drop database if exists " + name + " with (force)");
                }
            }
            s.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL is needed on " + HOST + " with a role " + owner
                    + " that may create databases; ./rollguard test sets that up (" + e.getMessage() + ")", e);
        }
        return "jdbc:postgresql://" + HOST + "/" + name;
    }
}
