package io.rollguard.migration;

import static io.rollguard.migration.PostgresCatalog.quote;
import static io.rollguard.migration.PostgresCatalog.rows;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Reproduces an app's live schema in a dry run's throwaway database, under the same schema name
 * so that SQL naming {@code public.expense} meets the copy: enum types, sequences (with their
 * current values), tables with their columns, types, defaults, identity and generated columns and
 * not-null, at most {@code sampleRows} rows per table, then primary keys, unique, check and
 * exclusion constraints, indexes, foreign keys and views; and Liquibase's DATABASECHANGELOG in
 * full, so that Liquibase knows what is applied.
 *
 * <p>The structure is read from PostgreSQL's catalog and written back with PostgreSQL's own
 * deparsers ({@code format_type}, {@code pg_get_expr}, {@code pg_get_constraintdef},
 * {@code pg_get_indexdef}, {@code pg_get_viewdef}) rather than Liquibase's snapshot and diff:
 * those give back exactly what is live (partial and expression indexes, identity columns,
 * exclusion constraints, defaults as written) instead of a translation through Liquibase's type
 * model, and need no second pass over the schema. Rows travel as COPY text, which PostgreSQL
 * reads back exactly for every type.
 *
 * <p>The live side is read in one read-only, repeatable-read transaction as the app's role and
 * is closed before the requester's changelog runs. Not reproduced: functions, triggers, domains,
 * grants, partitioned tables and objects in other schemas; a changelog that needs them fails the
 * dry run, it never reaches live for them.
 */
final class LiveSchemaCopy {

    /** What was copied, for the dry run's report (counts only: names and values stay out of it). */
    record Copied(int tables, int sequences, int indexes, int constraints, int foreignKeys, int views,
            List<String> notes) {
    }

    private LiveSchemaCopy() {
    }

    static Copied copy(Connection live, String schema, Connection scratch, int sampleRows, Duration statementTimeout)
            throws SQLException, IOException {
        boolean autoCommit = live.getAutoCommit();
        live.setAutoCommit(false);
        try (Statement s = live.createStatement()) {
            s.execute("set transaction isolation level repeatable read, read only");
            s.execute("set local statement_timeout = " + statementTimeout.toMillis());
            return copyInTransaction(live, schema, scratch, sampleRows);
        } finally {
            live.rollback();
            live.setAutoCommit(autoCommit);
        }
    }

    private static Copied copyInTransaction(Connection live, String schema, Connection scratch, int sampleRows)
            throws SQLException, IOException {
        List<String> notes = new ArrayList<>();
        try (Statement w = scratch.createStatement()) {
            w.execute("create schema if not exists " + quote(schema));
            w.execute("set search_path to " + quote(schema));
        }
        try (Statement r = live.createStatement()) {
            r.execute("set local search_path to " + quote(schema));
        }
        for (String[] e : rows(live, """
                select t.typname, string_agg(quote_literal(e.enumlabel), ', ' order by e.enumsortorder)
                from pg_type t join pg_enum e on e.enumtypid = t.oid join pg_namespace n on n.oid = t.typnamespace
                where n.nspname = ? group by t.typname order by t.typname""", schema)) {
            execute(scratch, "create type " + quote(schema) + "." + quote(e[0]) + " as enum (" + e[1] + ")");
        }
        // sequences of their own or behind a serial column; identity columns bring their own
        List<String[]> sequences = rows(live, """
                select c.relname, format_type(s.seqtypid, null), s.seqincrement, s.seqmin, s.seqmax, s.seqstart,
                       s.seqcache, s.seqcycle, ps.last_value
                from pg_sequence s join pg_class c on c.oid = s.seqrelid join pg_namespace n on n.oid = c.relnamespace
                left join pg_sequences ps on ps.schemaname = n.nspname and ps.sequencename = c.relname
                where n.nspname = ? and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass
                    and d.objid = c.oid and d.deptype = 'i')
                order by c.relname""", schema);
        for (String[] q : sequences) {
            execute(scratch, "create sequence " + quote(schema) + "." + quote(q[0]) + " as " + q[1] + " increment by " + q[2]
                    + " minvalue " + q[3] + " maxvalue " + q[4] + " start with " + q[5] + " cache " + q[6]
                    + ("t".equals(q[7]) ? " cycle" : " no cycle"));
            if (q[8] != null) {
                execute(scratch, "select setval('" + (quote(schema) + "." + quote(q[0])).replace("'", "''") + "', " + q[8]
                        + ", true)");
            }
        }
        List<String> tables = new ArrayList<>();
        for (String[] t : rows(live, """
                select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = ? and c.relkind = 'r' and not c.relispartition order by c.relname""", schema)) {
            if (!t[0].equals("databasechangeloglock") && !t[0].startsWith(PostgresCatalog.SNAPSHOT_PREFIX)) {
                tables.add(t[0]);
            }
        }
        for (String table : tables) {
            copyTable(live, schema, scratch, table, table.equals("databasechangelog") ? Long.MAX_VALUE : sampleRows);
        }
        int constraints = 0;
        int foreignKeys = 0;
        for (String[] k : rows(live, """
                select rel.relname, con.conname, pg_get_constraintdef(con.oid), con.contype
                from pg_constraint con join pg_class rel on rel.oid = con.conrelid
                join pg_namespace n on n.oid = rel.relnamespace
                where n.nspname = ? and rel.relkind = 'r' and con.contype in ('p', 'u', 'x', 'c', 'f')
                order by case con.contype when 'f' then 1 else 0 end, rel.relname, con.conname""", schema)) {
            if (!tables.contains(k[0])) {
                continue;
            }
            String add = "alter table " + quote(schema) + "." + quote(k[0]) + " add constraint " + quote(k[1]) + " " + k[2];
            if (!"f".equals(k[3])) {
                execute(scratch, add);
                constraints++;
                continue;
            }
            try {
                execute(scratch, add);
            } catch (SQLException e) {
                if (!"23503".equals(e.getSQLState())) {
                    throw e;
                }
                // a sample of each table need not hold every row a sampled row refers to: the key
                // still holds for every row the changelog writes
                execute(scratch, add + " not valid");
                notes.add("foreign key " + k[1] + " of " + k[0] + " is NOT VALID on the copy: its sample rows refer "
                        + "to rows outside the sample");
            }
            foreignKeys++;
        }
        int indexes = 0;
        for (String[] i : rows(live, """
                select pg_get_indexdef(i.indexrelid) from pg_index i
                join pg_class t on t.oid = i.indrelid join pg_namespace n on n.oid = t.relnamespace
                where n.nspname = ? and t.relkind = 'r' and t.relname <> 'databasechangeloglock'
                  and t.relname not like 'rollguard\\_snap\\_%'
                  and not exists (select 1 from pg_constraint con where con.conindid = i.indexrelid
                                  and con.conrelid = i.indrelid and con.contype in ('p', 'u', 'x'))
                order by 1""", schema)) {
            execute(scratch, i[0]);
            indexes++;
        }
        for (String[] o : rows(live, """
                select seq.relname, tbl.relname, a.attname
                from pg_depend d join pg_class seq on seq.oid = d.objid and seq.relkind = 'S'
                join pg_namespace n on n.oid = seq.relnamespace
                join pg_class tbl on tbl.oid = d.refobjid
                join pg_attribute a on a.attrelid = tbl.oid and a.attnum = d.refobjsubid
                where d.classid = 'pg_class'::regclass and d.deptype = 'a' and n.nspname = ?""", schema)) {
            if (tables.contains(o[1])) {
                execute(scratch, "alter sequence " + quote(schema) + "." + quote(o[0]) + " owned by " + quote(schema) + "."
                        + quote(o[1]) + "." + quote(o[2]));
            }
        }
        int views = 0;
        for (String[] v : rows(live, """
                select c.relname, pg_get_viewdef(c.oid, true) from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = ? and c.relkind = 'v' order by c.oid""", schema)) {
            execute(scratch, "create view " + quote(schema) + "." + quote(v[0]) + " as " + v[1]);
            views++;
        }
        return new Copied(tables.size(), sequences.size(), indexes, constraints, foreignKeys, views, notes);
    }

    /** Columns and not-null first, rows next, keys and indexes after the rows (faster than maintaining them per row). */
    private static void copyTable(Connection live, String schema, Connection scratch, String table, long limit)
            throws SQLException, IOException {
        List<String> definitions = new ArrayList<>();
        List<String> copied = new ArrayList<>();
        List<String> identities = new ArrayList<>();
        for (String[] a : rows(live, """
                select a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                       pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
                       case when a.attcollation <> 0 and a.attcollation <> t.typcollation then co.collname end
                from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
                join pg_type t on t.oid = a.atttypid
                left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
                left join pg_collation co on co.oid = a.attcollation
                where n.nspname = ? and c.relname = ? and a.attnum > 0 and not a.attisdropped
                order by a.attnum""", schema, table)) {
            String name = a[0];
            StringBuilder column = new StringBuilder(quote(name)).append(' ').append(a[1]);
            if (a[6] != null) {
                column.append(" collate ").append(quote(a[6]));
            }
            String identity = a[4];
            String generated = a[5];
            if ("s".equals(generated)) {
                column.append(" generated always as (").append(a[3]).append(") stored");
            } else if ("a".equals(identity) || "d".equals(identity)) {
                column.append(" generated ").append("a".equals(identity) ? "always" : "by default").append(" as identity");
                identities.add(name);
            } else if (a[3] != null) {
                column.append(" default ").append(a[3]);
            }
            if ("t".equals(a[2])) {
                column.append(" not null");
            }
            definitions.add(column.toString());
            if (!"s".equals(generated)) {
                copied.add(quote(name));
            }
        }
        String qualified = quote(schema) + "." + quote(table);
        execute(scratch, "create table " + qualified + " (" + String.join(", ", definitions) + ")");
        if (!copied.isEmpty()) {
            String columns = String.join(", ", copied);
            // COPY takes identity values as given, like OVERRIDING SYSTEM VALUE
            try (PGCopyOutputStream into = new PGCopyOutputStream(scratch.unwrap(PGConnection.class),
                    "copy " + qualified + " (" + columns + ") from stdin")) {
                live.unwrap(PGConnection.class).getCopyAPI().copyOut("copy (select " + columns + " from " + qualified
                        + (limit == Long.MAX_VALUE ? "" : " limit " + limit) + ") to stdout", into);
            }
        }
        for (String column : identities) {
            // the next value the copy hands out is the one live would: rows the changelog inserts keep their keys apart
            List<String[]> current = rows(live, "select pg_get_serial_sequence(?, ?)", qualified, column);
            String sequence = current.isEmpty() ? null : current.get(0)[0];
            if (sequence == null) {
                continue;
            }
            List<String[]> value = rows(live, "select last_value, is_called from " + sequence);
            execute(scratch, "select setval(pg_get_serial_sequence('" + qualified.replace("'", "''") + "', '"
                    + column.replace("'", "''") + "'), " + value.get(0)[0] + ", " + "t".equals(value.get(0)[1]) + ")");
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
