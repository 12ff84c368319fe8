package io.rollguard.migration;

import static io.rollguard.migration.PostgresCatalog.quote;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.rollguard.migration.MigrationEngine.Snapshot;

/**
 * Copies of data a destructive change would take with it, kept as tables in the app's own
 * database ({@code rollguard_snap_*}, never part of a fingerprint) until the release is promoted
 * and its retention has passed.
 */
final class DataSnapshots {

    private DataSnapshots() {
    }

    /** Copies what each destructive change would destroy; a table or column that is not there has nothing to keep. */
    static List<Snapshot> take(Connection c, String schema, String releaseId, List<DestructiveChange> changes)
            throws SQLException {
        List<Snapshot> taken = new ArrayList<>();
        String prefix = PostgresCatalog.SNAPSHOT_PREFIX + releaseId.replaceAll("[^a-z0-9]", "").substring(0, 8) + "_";
        try (Statement s = c.createStatement()) {
            int n = 0;
            for (DestructiveChange change : changes) {
                String table = change.table();
                // a rename or unreadable SQL is high risk but has nothing to copy
                if (!change.losesData() || !PostgresCatalog.tableExists(c, schema, table)) {
                    continue;
                }
                String copy = prefix + (n++);
                String from = quote(schema) + "." + quote(table);
                String to = quote(schema) + "." + quote(copy);
                if (change.kind().copy() == DestructiveChange.Copy.TABLE) {
                    s.execute("drop table if exists " + to);
                    s.execute("create table " + to + " as select * from " + from);
                    taken.add(new Snapshot(change.kind(), table, null, List.of(), copy));
                    continue;
                }
                if (!PostgresCatalog.columnExists(c, schema, table, change.column())) {
                    continue;
                }
                List<String> key = PostgresCatalog.primaryKey(c, schema, table);
                if (key.isEmpty()) {
                    throw new MigrationException("Table " + table + " has no primary key, so the values of " + table + "."
                            + change.column() + " cannot be matched to their rows again; refusing to apply "
                            + change.describe());
                }
                List<String> columns = new ArrayList<>(key.stream().map(PostgresCatalog::quote).toList());
                columns.add(quote(change.column()));
                s.execute("drop table if exists " + to);
                s.execute("create table " + to + " as select " + String.join(", ", columns) + " from " + from);
                taken.add(new Snapshot(change.kind(), table, change.column(), key, copy));
            }
        }
        return taken;
    }

    /** Puts the copied values back after the rollback recreated their table or column; running it twice changes nothing more. */
    static void restore(Connection c, String schema, List<Snapshot> snapshots) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (Snapshot snap : snapshots) {
                if (!PostgresCatalog.tableExists(c, schema, snap.table())) {
                    throw new MigrationException("After the rollback table " + snap.table()
                            + " does not exist; its data is kept in " + snap.copy());
                }
                String table = quote(schema) + "." + quote(snap.table());
                String copy = quote(schema) + "." + quote(snap.copy());
                if (snap.kind().copy() == DestructiveChange.Copy.TABLE) {
                    List<String> columns = PostgresCatalog.columns(c, schema, snap.copy()).stream()
                            .filter(PostgresCatalog.columns(c, schema, snap.table())::contains)
                            .map(PostgresCatalog::quote).toList();
                    s.execute("delete from " + table);
                    s.execute("insert into " + table + " (" + String.join(", ", columns)
                            + ") overriding system value select " + String.join(", ", columns) + " from " + copy);
                } else {
                    if (!PostgresCatalog.columnExists(c, schema, snap.table(), snap.column())) {
                        throw new MigrationException("After the rollback column " + snap.table() + "." + snap.column()
                                + " does not exist; its values are kept in " + snap.copy());
                    }
                    String match = keyMatch(snap);
                    s.execute("update " + table + " t set " + quote(snap.column()) + " = s."
                            + quote(snap.column()) + " from " + copy + " s where " + match);
                }
            }
        }
    }

    /**
     * After a restore, every copied value that is not back in its row, named per table or column;
     * rows written since the copy was taken are no one's business here.
     */
    static List<String> unrestored(Connection c, String schema, List<Snapshot> snapshots) throws SQLException {
        List<String> differences = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            for (Snapshot snap : snapshots) {
                if (!PostgresCatalog.tableExists(c, schema, snap.table())) {
                    differences.add("table " + snap.table() + " is missing; its data is kept in " + snap.copy());
                    continue;
                }
                String table = quote(schema) + "." + quote(snap.table());
                String copy = quote(schema) + "." + quote(snap.copy());
                String sql;
                if (snap.kind().copy() == DestructiveChange.Copy.TABLE) {
                    List<String> columns = PostgresCatalog.columns(c, schema, snap.copy()).stream()
                            .map(PostgresCatalog::quote).toList();
                    String list = String.join(", ", columns);
                    sql = "select count(*) from (select " + list + " from " + copy + " except all select " + list
                            + " from " + table + ") missing";
                } else if (!PostgresCatalog.columnExists(c, schema, snap.table(), snap.column())) {
                    differences.add("column " + snap.table() + "." + snap.column() + " is missing; its values are kept in "
                            + snap.copy());
                    continue;
                } else {
                    String match = keyMatch(snap);
                    sql = "select count(*) from " + copy + " s join " + table + " t on " + match + " where t."
                            + quote(snap.column()) + " is distinct from s." + quote(snap.column());
                }
                try (var rs = s.executeQuery(sql)) {
                    rs.next();
                    long n = rs.getLong(1);
                    if (n > 0) {
                        differences.add((snap.column() == null ? "table " + snap.table() + ": " + n + " copied rows are"
                                : "column " + snap.table() + "." + snap.column() + ": " + n + " copied values are")
                                + " not back (the copy is kept in " + snap.copy() + ")");
                    }
                }
            }
        }
        return differences;
    }

    static void drop(Connection c, List<Snapshot> snapshots) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (Snapshot snap : snapshots) {
                s.execute("drop table if exists " + quote(snap.copy()));
            }
        }
    }

    /** Joins a column's copy ({@code s}) to its rows ({@code t}) by the primary key it was taken with. */
    private static String keyMatch(Snapshot snap) {
        return String.join(" and ", snap.key().stream().map(k -> "t." + quote(k) + " = s." + quote(k)).toList());
    }
}
