package io.rollguard.support;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.DirectoryResourceAccessor;

/**
 * The sample app's own database for a test: a fresh PostgreSQL database holding the expenses
 * baseline (examples/expenses/database/baseline.yaml), and what a test reads back from it. It
 * belongs to the app's role, as the slots and the migrations reach it, never to the platform's.
 */
public final class ExpensesDatabase {

    private final String name;
    private final String jdbcUrl;

    private ExpensesDatabase(String name, String jdbcUrl) {
        this.name = name;
        this.jdbcUrl = jdbcUrl;
    }

    public static ExpensesDatabase create(String name) {
        ExpensesDatabase db = new ExpensesDatabase(PostgresDatabase.PREFIX + name, PostgresDatabase.freshAppDatabase(name));
        db.reset();
        return db;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** How the Node-RED slots reach it (node-postgres connection string). */
    public String nodeUrl() {
        return "postgres://" + PostgresDatabase.APP_USER + ":" + PostgresDatabase.APP_PASSWORD + "@" + PostgresDatabase.HOST + "/" + name;
    }

    public Map<String, String> slotEnvironment() {
        return Map.of("APP_DATABASE_URL", nodeUrl());
    }

    /** Back to the baseline: an empty schema, then the baseline changelog (three expenses). */
    public void reset() {
        try (Connection c = connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("drop schema public cascade");
                s.execute("create schema public");
            }
            Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
            Path dir = NodeRedSlots.PROJECT.resolve("examples/expenses/database");
            new Liquibase("baseline.yaml", new DirectoryResourceAccessor(dir), database).update("");
        } catch (Exception e) {
            throw new IllegalStateException("cannot reset the expenses database " + name + ": " + e.getMessage(), e);
        }
    }

    /** Every row of a table by its id, as an md5 of all its columns in name order (independent of the product's code). */
    public Map<Long, String> rowChecksums(String table) {
        Map<Long, String> rows = new LinkedHashMap<>();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            StringBuilder columns = new StringBuilder();
            try (ResultSet rs = s.executeQuery("select column_name from information_schema.columns where table_schema = "
                    + "'public' and table_name = '" + table + "' order by column_name")) {
                while (rs.next()) {
                    columns.append(columns.isEmpty() ? "" : ", ").append('"').append(rs.getString(1)).append('"');
                }
            }
            try (ResultSet rs = s.executeQuery("select id, md5(row(" + columns + ")::text) from " + table + " order by id")) {
                while (rs.next()) {
                    rows.put(rs.getLong(1), rs.getString(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    /** The columns of the public schema's tables with type, nullability and default, one line each. */
    public String schema() {
        StringBuilder sb = new StringBuilder();
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("""
                        select table_name, column_name, data_type, is_nullable, column_default
                        from information_schema.columns where table_schema = 'public'
                          and table_name not like 'databasechangelog%' and table_name not like 'rollguard_%'
                        order by table_name, column_name""")) {
            while (rs.next()) {
                sb.append(rs.getString(1)).append('.').append(rs.getString(2)).append(' ').append(rs.getString(3))
                        .append(' ').append(rs.getString(4)).append(' ').append(rs.getString(5)).append('\n');
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return sb.toString();
    }

    public java.util.List<String> tables() {
        java.util.List<String> tables = new java.util.ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "select table_name from information_schema.tables where table_schema = 'public' order by 1")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return tables;
    }

    public void execute(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, PostgresDatabase.APP_USER, PostgresDatabase.APP_PASSWORD);
    }
}
