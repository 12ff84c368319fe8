package io.rollguard.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
        return column(c, "select current_schema()").get(0);
    }

    /** The app's own tables in a schema, in name order. */
    static List<String> appTables(Connection c, String schema) throws SQLException {
        return column(c, "select table_name from information_schema.tables "
                + "where table_schema = ? and table_type = 'BASE TABLE' order by table_name", schema).stream()
                .filter(t -> !ENGINE_TABLES.contains(t) && !t.startsWith(SNAPSHOT_PREFIX)).toList();
    }

    static List<String> columns(Connection c, String schema, String table) throws SQLException {
        return column(c, "select column_name from information_schema.columns "
                + "where table_schema = ? and table_name = ? order by column_name", schema, table);
    }

    static List<String> primaryKey(Connection c, String schema, String table) throws SQLException {
        return column(c, """
                select kcu.column_name from information_schema.table_constraints tc
                join information_schema.key_column_usage kcu
                  on kcu.constraint_name = tc.constraint_name and kcu.table_schema = tc.table_schema
                 and kcu.table_name = tc.table_name
                where tc.table_schema = ? and tc.table_name = ? and tc.constraint_type = 'PRIMARY KEY'
                order by kcu.ordinal_position""", schema, table);
    }

    static Fingerprint fingerprint(Connection c, String schema) throws SQLException {
        Map<String, Set<String>> structure = new TreeMap<>();
        Map<String, Fingerprint.TableData> data = new HashMap<>();
        List<String> tables = appTables(c, schema);
        for (String t : tables) {
            structure.put(t, new TreeSet<>());
        }
        for (String[] col : rows(c, """
                select table_name, column_name, data_type, character_maximum_length, numeric_precision, numeric_scale,
                       is_nullable, column_default
                from information_schema.columns where table_schema = ?""", schema)) {
            Set<String> items = structure.get(col[0]);
            if (items == null) {
                continue;
            }
            StringBuilder type = new StringBuilder(col[2]);
            if (col[3] != null) {
                type.append('(').append(col[3]).append(')');
            } else if (col[5] != null && col[4] != null && "numeric".equals(col[2])) {
                type.append('(').append(col[4]).append(',').append(col[5]).append(')');
            }
            items.add("column " + col[1] + " " + type + ("NO".equals(col[6]) ? " not null" : "")
                    + (col[7] == null ? "" : " default " + col[7]));
        }
        for (String[] index : rows(c, "select tablename, indexname, indexdef from pg_indexes where schemaname = ?", schema)) {
            Set<String> items = structure.get(index[0]);
            if (items != null) {
                // the definition names the schema; leave it out so the text is about the index only
                items.add("index " + index[1] + " " + index[2].replace(" " + quoteIfNeeded(schema) + ".", " "));
            }
        }
        for (String[] constraint : rows(c, """
                select rel.relname as table_name, con.conname, pg_get_constraintdef(con.oid) as def
                from pg_constraint con join pg_class rel on rel.oid = con.conrelid
                join pg_namespace ns on ns.oid = rel.relnamespace where ns.nspname = ?""", schema)) {
            Set<String> items = structure.get(constraint[0]);
            if (items != null) {
                items.add("constraint " + constraint[1] + " " + constraint[2]);
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
        String[] counted = rows(c, sql).get(0);
        return new Fingerprint.TableData(Long.parseLong(counted[0]), counted[1]);
    }

    static boolean tableExists(Connection c, String schema, String table) throws SQLException {
        return !rows(c, "select 1 from information_schema.tables where table_schema = ? and table_name = ?", schema, table)
                .isEmpty();
    }

    static boolean columnExists(Connection c, String schema, String table, String column) throws SQLException {
        return !rows(c, "select 1 from information_schema.columns "
                + "where table_schema = ? and table_name = ? and column_name = ?", schema, table, column).isEmpty();
    }

    /**
     * Every row of a query, each column as text (SQL null as null); the parameters fill its
     * {@code ?} in order. The one JDBC loop of the migration code: the catalog is read as text anyway.
     */
    static List<String[]> rows(Connection c, String sql, String... parameters) throws SQLException {
        List<String[]> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    String[] row = new String[n];
                    for (int i = 0; i < n; i++) {
                        row[i] = rs.getString(i + 1);
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    /** The first column of every row of a query. */
    static List<String> column(Connection c, String sql, String... parameters) throws SQLException {
        return rows(c, sql, parameters).stream().map(row -> row[0]).toList();
    }
}
