package io.rollguard.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A fresh database per test class on the real PostgreSQL server that the test command starts
 * (127.0.0.1:5432, role {@code rollguard}). A missing server fails the test with a clear message.
 */
public final class PostgresDatabase {

    public static final String HOST = System.getenv().getOrDefault("ROLLGUARD_TEST_PG_HOST", "127.0.0.1:5432");
    public static final String USER = System.getenv().getOrDefault("ROLLGUARD_TEST_PG_USER", "rollguard");
    public static final String PASSWORD = System.getenv().getOrDefault("ROLLGUARD_TEST_PG_PASSWORD", "rollguard");
    /** Two checkouts testing on one server at once keep apart by a prefix of their database names. */
    static final String PREFIX = System.getenv().getOrDefault("ROLLGUARD_TEST_PG_PREFIX", "");

    private PostgresDatabase() {
    }

    /** Points a Spring test context at a fresh database of this name. */
    public static void register(DynamicPropertyRegistry registry, String name) {
        registry.add("spring.datasource.url", () -> fresh(name));
        registry.add("spring.datasource.username", () -> USER);
        registry.add("spring.datasource.password", () -> PASSWORD);
    }

    /** Drops and recreates the database; returns its JDBC URL. */
    public static String fresh(String requested) {
        String name = PREFIX + requested;
        if (!name.matches("[a-z_]+")) {
            throw new IllegalArgumentException(name);
        }
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + HOST + "/postgres", USER, PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("drop database if exists " + name + " with (force)");
            s.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL is needed on " + HOST + " with a role " + USER
                    + " that may create databases; ./rollguard test sets that up (" + e.getMessage() + ")", e);
        }
        return "jdbc:postgresql://" + HOST + "/" + name;
    }
}
