package io.rollguard.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What Rollguard reads from and does in an app's PostgreSQL schema besides running Liquibase:
 * fingerprints and data snapshots. Liquibase's bookkeeping tables and Rollguard's
 * own snapshot tables are never part of a fingerprint.
 */
final class PostgresCatalog {

    static final String SNAPSHOT_PREFIX = "rollguard_snap_";
    private static final Set<String> ENGINE_TABLES = Set.of("databasechangelog", "databasechangeloglock");

    private PostgresCatalog() {
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    static String currentSchema(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select current_schema()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The app's own tables in a schema, in name order. */
    static List<String> appTables(Connection c, String schema) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select table_name from information_schema.tables "
                + "where table_schema = ? and table_type = 'BASE TABLE' order by table_name")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String t = rs.getString(1);
                    if (!ENGINE_TABLES.contains(t) && !t.startsWith(SNAPSHOT_PREFIX)) {
                        tables.add(t);
                    }
                }
            }
        }
        return tables;
    }

    static List<String> columns(Connection c, String schema, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select column_name from information_schema.columns "
                + "where table_schema = ? and table_name = ? order by column_name")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
        }
        return columns;
    }

    static List<String> primaryKey(Connection c, String schema, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                select kcu.column_name from information_schema.table_constraints tc
                join information_schema.key_column_usage kcu
                  on kcu.constraint_name = tc.constraint_name and kcu.table_schema = tc.table_schema
                 and kcu.table_name = tc.table_name
                where tc.table_schema = ? and tc.table_name = ? and tc.constraint_type = 'PRIMARY KEY'
                order by kcu.ordinal_position""")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
        }
        return columns;
    }

    static Fingerprint fingerprint(Connection c, String schema) throws SQLException {
        Map<String, Set<String>> structure = new TreeMap<>();
        Map<String, Fingerprint.TableData> data = new HashMap<>();
        List<String> tables = appTables(c, schema);
        for (String t : tables) {
            structure.put(t, new TreeSet<>());
        }
        try (PreparedStatement ps = c.prepareStatement("""
                select table_name, column_name, data_type, character_maximum_length, numeric_precision, numeric_scale,
                       is_nullable, column_default
                from information_schema.columns where table_schema = ?""")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Set<String> items = structure.get(rs.getString("table_name"));
                    if (items == null) {
                        continue;
                    }
                    StringBuilder type = new StringBuilder(rs.getString("data_type"));
                    if (rs.getObject("character_maximum_length") != null) {
                        type.append('(').append(rs.getInt("character_maximum_length")).append(')');
                    } else if (rs.getObject("numeric_scale") != null && rs.getObject("numeric_precision") != null
                            && "numeric".equals(rs.getString("data_type"))) {
                        type.append('(').append(rs.getInt("numeric_precision")).append(',').append(rs.getInt("numeric_scale")).append(')');
                    }
                    String def = rs.getString("column_default");
                    items.add("column " + rs.getString("column_name") + " " + type
                            + ("NO".equals(rs.getString("is_nullable")) ? " not null" : "")
                            + (def == null ? "" : " default " + def));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "select tablename, indexname, indexdef from pg_indexes where schemaname = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Set<String> items = structure.get(rs.getString("tablename"));
                    if (items != null) {
                        // the definition names the schema; leave it out so the text is about the index only
                        items.add("index " + rs.getString("indexname") + " "
                                + rs.getString("indexdef").replace(" " + quoteIfNeeded(schema) + ".", " "));
                    }
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("""
                select rel.relname as table_name, con.conname, pg_get_constraintdef(con.oid) as def
                from pg_constraint con join pg_class rel on rel.oid = con.conrelid
                join pg_namespace ns on ns.oid = rel.relnamespace where ns.nspname = ?""")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Set<String> items = structure.get(rs.getString("table_name"));
                    if (items != null) {
                        items.add("constraint " + rs.getString("conname") + " " + rs.getString("def"));
                    }
                }
            }
        }
        for (String t : tables) {
            data.put(t, tableData(c, schema, t));
        }
        return Fingerprint.of(structure, data);
    }

    private static String quoteIfNeeded(String schema) {
        return schema.matches("[a-z_][a-z0-9_]*") ? schema : quote(schema);
    }

    /** Row count and an order-independent md5 over all rows, columns in name order. */
    static Fingerprint.TableData tableData(Connection c, String schema, String table) throws SQLException {
        List<String> columns = columns(c, schema, table);
        String row = columns.isEmpty() ? "''" : "row(" + String.join(", ", columns.stream().map(PostgresCatalog::quote).toList()) + ")::text";
        String sql = "select count(*), md5(coalesce(string_agg(h, '' order by h), '')) from (select md5(" + row
                + ") as h from " + quote(schema) + "." + quote(table) + ") x";
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return new Fingerprint.TableData(rs.getLong(1), rs.getString(2));
        }
    }

    static boolean tableExists(Connection c, String schema, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select 1 from information_schema.tables where table_schema = ? and table_name = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    static boolean columnExists(Connection c, String schema, String table, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select 1 from information_schema.columns "
                + "where table_schema = ? and table_name = ? and column_name = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            ps.setString(3, column);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
