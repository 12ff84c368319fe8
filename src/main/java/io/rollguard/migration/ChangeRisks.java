package io.rollguard.migration;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import liquibase.change.Change;
import liquibase.change.ColumnConfig;
import liquibase.change.core.DeleteDataChange;
import liquibase.change.core.DropColumnChange;
import liquibase.change.core.DropSequenceChange;
import liquibase.change.core.DropTableChange;
import liquibase.change.core.DropViewChange;
import liquibase.change.core.ModifyDataTypeChange;
import liquibase.change.core.RawSQLChange;
import liquibase.change.core.RenameColumnChange;
import liquibase.change.core.RenameTableChange;
import liquibase.change.core.RenameViewChange;
import liquibase.change.core.UpdateDataChange;
import liquibase.util.StringUtil;
import liquibase.util.grammar.TokenMgrError;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.Parenthesis;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.UnsupportedStatement;
import net.sf.jsqlparser.statement.comment.Comment;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.schema.CreateSchema;
import net.sf.jsqlparser.statement.create.sequence.CreateSequence;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.view.CreateView;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.alter.sequence.AlterSequence;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.alter.AlterExpression;
import net.sf.jsqlparser.statement.alter.RenameTableStatement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;

/**
 * High-risk changes found by reading what a change really does: Liquibase's parsed change model
 * for structured changes, JSqlParser's syntax tree for raw SQL (so comments, quoting, case,
 * {@code IF EXISTS}, {@code ONLY} and several statements in one change do not hide a DROP). SQL the
 * parser cannot read is recorded as such, never as harmless. Dropping an index is not counted:
 * it holds no data and its rollback recreates it.
 */
final class ChangeRisks {

    /** A statement the parser needs longer for is unreadable (and high risk), not a stuck submission. */
    static final long PARSE_TIMEOUT_MS = 2_000;
    // JSqlParser runs each parse on an executor to enforce its time-out; one shared pool instead of a thread per parse
    private static final ExecutorService PARSER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "rollguard-sql-parser");
        t.setDaemon(true);
        return t;
    });

    private ChangeRisks() {
    }

    private static Statements parseStatements(String sql) throws JSQLParserException {
        return CCJSqlParserUtil.parseStatements(sql, PARSER, parser -> parser.withTimeOut(PARSE_TIMEOUT_MS));
    }

    static List<DestructiveChange> of(String id, Change change) {
        List<DestructiveChange> found = new ArrayList<>();
        if (change instanceof DropTableChange drop) {
            found.add(new DestructiveChange(id, DestructiveChange.Kind.DROP_TABLE, drop.getTableName(), null));
        } else if (change instanceof DropColumnChange drop) {
            if (drop.getColumnName() != null) {
                found.add(new DestructiveChange(id, DestructiveChange.Kind.DROP_COLUMN, drop.getTableName(), drop.getColumnName()));
            }
            if (drop.getColumns() != null) {
                for (ColumnConfig column : drop.getColumns()) {
                    found.add(new DestructiveChange(id, DestructiveChange.Kind.DROP_COLUMN, drop.getTableName(), column.getName()));
                }
            }
        } else if (change instanceof ModifyDataTypeChange modify) {
            found.add(new DestructiveChange(id, DestructiveChange.Kind.MODIFY_DATA_TYPE, modify.getTableName(),
                    modify.getColumnName()));
        } else if (change instanceof RenameTableChange rename) {
            found.add(new DestructiveChange(id, DestructiveChange.Kind.RENAME_TABLE, rename.getOldTableName(),
                    rename.getNewTableName()));
        } else if (change instanceof RenameColumnChange rename) {
            found.add(new DestructiveChange(id, DestructiveChange.Kind.RENAME_COLUMN, rename.getTableName(),
                    rename.getOldColumnName() + " to " + rename.getNewColumnName()));
        } else if (change instanceof RenameViewChange rename) {
            found.add(new DestructiveChange(id, DestructiveChange.Kind.DROP_OBJECT, "view " + rename.getOldViewName()
                    + " (renamed to " + rename.getNewViewName() + ")", null));
        } else if (change instanceof DropViewChange drop) {
            found.add(new DestructiveChange(id, DestructiveChange.Kind.DROP_OBJECT, "view " + drop.getViewName(), null));
        } else if (change instanceof DropSequenceChange drop) {
            found.add(new DestructiveChange(id, DestructiveChange.Kind.DROP_OBJECT, "sequence " + drop.getSequenceName(), null));
        } else if (change instanceof DeleteDataChange delete) {
            if (!narrow(delete.getWhere())) {
                found.add(new DestructiveChange(id, DestructiveChange.Kind.DELETE_ALL_ROWS, delete.getTableName(), null));
            }
        } else if (change instanceof UpdateDataChange update) {
            if (!narrow(update.getWhere())) {
                found.add(new DestructiveChange(id, DestructiveChange.Kind.UPDATE_ALL_ROWS, update.getTableName(), null));
            }
        } else if (change instanceof RawSQLChange sql && sql.getSql() != null) {
            found.addAll(ofSql(id, sql.getSql(), sql.getEndDelimiter()));
        }
        return found;
    }

    /** Every high-risk statement in a piece of raw SQL; what cannot be parsed is high risk by itself. */
    static List<DestructiveChange> ofSql(String id, String sql, String endDelimiter) {
        List<DestructiveChange> found = new ArrayList<>();
        try {
            for (Statement statement : parseStatements(sql)) {
                found.addAll(ofStatement(id, statement));
            }
            return found;
        } catch (JSQLParserException | RuntimeException | StackOverflowError e) {
            // one unreadable statement must not hide a readable DROP beside it: read them one by one
            found.clear();
        }
        String[] statements;
        try {
            statements = StringUtil.processMultiLineSQL(sql, false, true, endDelimiter);
        } catch (RuntimeException | TokenMgrError | StackOverflowError e) {
            // not even Liquibase's splitter reads it: unknown, so high risk as a whole
            return List.of(new DestructiveChange(id, DestructiveChange.Kind.UNREADABLE_SQL, excerpt(sql), null));
        }
        for (String single : statements) {
            if (single.isBlank()) {
                continue;
            }
            List<DestructiveChange> read = parsed(id, single);
            if (read == null) {
                read = parsed(id, postgresSpellings(single));
            }
            found.addAll(read == null
                    ? List.of(new DestructiveChange(id, DestructiveChange.Kind.UNREADABLE_SQL, excerpt(single), null)) : read);
        }
        if (statements.length == 0) {
            found.add(new DestructiveChange(id, DestructiveChange.Kind.UNREADABLE_SQL, excerpt(sql), null));
        }
        return found;
    }

    private static List<DestructiveChange> parsed(String id, String sql) {
        try {
            List<DestructiveChange> found = new ArrayList<>();
            for (Statement statement : parseStatements(sql)) {
                found.addAll(ofStatement(id, statement));
            }
            return found;
        } catch (JSQLParserException | RuntimeException | StackOverflowError e) {
            return null;
        }
    }

    /**
     * PostgreSQL spellings JSqlParser 5.3 does not read, rewritten to equivalent ones it does, so
     * that they are still judged by the parser (what the rewrite cannot make readable stays unreadable).
     */
    static String postgresSpellings(String sql) {
        return sql
                // TRUNCATE ... RESTART IDENTITY / CONTINUE IDENTITY: the same rows are gone either way
                .replaceAll("(?i)\\s+(restart|continue)\\s+identity\\b", "")
                // ALTER [COLUMN] c [SET DATA] TYPE t
                .replaceAll("(?i)\\balter\\s+(?!column\\b|table\\b)(\"[^\"]+\"|\\w+)\\s+(set\\s+data\\s+)?type\\b",
                        "ALTER COLUMN $1 TYPE")
                .replaceAll("(?i)\\balter\\s+column\\s+(\"[^\"]+\"|\\w+)\\s+set\\s+data\\s+type\\b", "ALTER COLUMN $1 TYPE")
                // ALTER TABLE [IF EXISTS] [ONLY] t RENAME TO u
                .replaceAll("(?is)^\\s*alter\\s+table\\s+(?:if\\s+exists\\s+)?(?:only\\s+)?([\\w.\"]+)\\s+rename\\s+to\\s+([\\w\"]+)\\s*;?\\s*$",
                        "RENAME TABLE $1 TO $2");
    }

    private static List<DestructiveChange> ofStatement(String id, Statement statement) {
        List<DestructiveChange> found = new ArrayList<>();
        if (statement == null) {
            return found;
        }
        if (statement instanceof UnsupportedStatement unsupported) {
            found.add(new DestructiveChange(id, DestructiveChange.Kind.UNREADABLE_SQL, excerpt(unsupported.toString()), null));
        } else if (statement instanceof Drop drop) {
            String type = drop.getType() == null ? "" : drop.getType().toUpperCase(Locale.ROOT);
            if (type.equals("TABLE")) {
                found.add(new DestructiveChange(id, DestructiveChange.Kind.DROP_TABLE, table(drop.getName()), null));
            } else if (!type.equals("INDEX")) {
                found.add(new DestructiveChange(id, DestructiveChange.Kind.DROP_OBJECT,
                        type.toLowerCase(Locale.ROOT) + " " + drop.getName(), null));
            }
        } else if (statement instanceof Truncate truncate) {
            List<Table> tables = truncate.getTables() == null || truncate.getTables().isEmpty()
                    ? List.of(truncate.getTable()) : truncate.getTables();
            for (Table t : tables) {
                found.add(new DestructiveChange(id, DestructiveChange.Kind.DELETE_ALL_ROWS, table(t), null));
            }
        } else if (statement instanceof Delete delete) {
            if (!narrow(delete.getWhere())) {
                found.add(new DestructiveChange(id, DestructiveChange.Kind.DELETE_ALL_ROWS, table(delete.getTable()), null));
            }
        } else if (statement instanceof Update update) {
            if (!narrow(update.getWhere())) {
                found.add(new DestructiveChange(id, DestructiveChange.Kind.UPDATE_ALL_ROWS, table(update.getTable()), null));
            }
        } else if (statement instanceof Alter alter) {
            String table = table(alter.getTable());
            for (AlterExpression e : alter.getAlterExpressions() == null ? List.<AlterExpression>of() : alter.getAlterExpressions()) {
                found.addAll(ofAlter(id, table, e));
            }
        } else if (statement instanceof RenameTableStatement rename) {
            rename.getTableNames().forEach(pair -> found.add(new DestructiveChange(id, DestructiveChange.Kind.RENAME_TABLE,
                    table(pair.getKey()), table(pair.getValue()))));
        } else if (!(statement instanceof CreateTable || statement instanceof CreateIndex || statement instanceof CreateView
                || statement instanceof Insert || statement instanceof Select || statement instanceof Comment
                || statement instanceof CreateSequence || statement instanceof AlterSequence || statement instanceof CreateSchema)) {
            // parsed, but of a kind not judged here (MERGE, blocks, ...): what it does to data is not known
            found.add(new DestructiveChange(id, DestructiveChange.Kind.UNREADABLE_SQL, excerpt(statement.toString()), null));
        }
        return found;
    }

    private static List<DestructiveChange> ofAlter(String id, String table, AlterExpression e) {
        List<DestructiveChange> found = new ArrayList<>();
        switch (e.getOperation()) {
            case DROP -> {
                if (e.getColumnName() != null) {
                    found.add(new DestructiveChange(id, DestructiveChange.Kind.DROP_COLUMN, table, ident(e.getColumnName())));
                }
            }
            case ALTER, MODIFY, CHANGE -> {
                if (e.getColDataTypeList() != null) {
                    for (AlterExpression.ColumnDataType c : e.getColDataTypeList()) {
                        if (c.getColDataType() != null) {
                            found.add(new DestructiveChange(id, DestructiveChange.Kind.MODIFY_DATA_TYPE, table,
                                    ident(c.getColumnName())));
                        }
                    }
                }
            }
            case RENAME -> found.add(new DestructiveChange(id, DestructiveChange.Kind.RENAME_COLUMN, table,
                    ident(e.getColumnOldName()) + " to " + ident(e.getColumnName())));
            case RENAME_TABLE -> found.add(new DestructiveChange(id, DestructiveChange.Kind.RENAME_TABLE, table,
                    ident(e.getNewTableName())));
            case ADD, DROP_PRIMARY_KEY, DROP_UNIQUE, DROP_FOREIGN_KEY, RENAME_INDEX, RENAME_KEY, RENAME_CONSTRAINT, COMMENT,
                    COMMENT_WITH_EQUAL_SIGN -> {
                // columns added, constraints, indexes, comments: no data is lost and the rollback puts them back
            }
            default -> found.add(new DestructiveChange(id, DestructiveChange.Kind.UNREADABLE_SQL,
                    "ALTER TABLE " + table + " " + e, null));
        }
        return found;
    }

    /**
     * Whether a WHERE clause limits a DELETE or UPDATE to some rows. No clause, a clause that
     * names no column ({@code 1=1}, {@code true}, {@code 'a'='a'}), compares a column with itself
     * or ORs with such a part takes every row. A clause that cannot be parsed is not narrow.
     */
    static boolean narrow(String where) {
        if (where == null || where.isBlank()) {
            return false;
        }
        try {
            return narrow(CCJSqlParserUtil.parseCondExpression(where));
        } catch (JSQLParserException | RuntimeException | StackOverflowError e) {
            return false;
        }
    }

    private static boolean narrow(Expression where) {
        return where != null && !alwaysTrue(where);
    }

    private static boolean alwaysTrue(Expression e) {
        if (e instanceof Parenthesis p) {
            return alwaysTrue(p.getExpression());
        }
        if (e instanceof ParenthesedExpressionList<?> list && list.size() == 1) {
            Expression inner = list.get(0);
            return alwaysTrue(inner);
        }
        if (e instanceof OrExpression or) {
            return alwaysTrue(or.getLeftExpression()) || alwaysTrue(or.getRightExpression());
        }
        if (e instanceof AndExpression and) {
            return alwaysTrue(and.getLeftExpression()) && alwaysTrue(and.getRightExpression());
        }
        if (e instanceof NotExpression) {
            return !namesColumn(e);
        }
        if (e instanceof BinaryExpression b && b.getLeftExpression() != null && b.getRightExpression() != null
                && b.getLeftExpression().toString().equalsIgnoreCase(b.getRightExpression().toString())) {
            return true;
        }
        return !namesColumn(e);
    }

    private static boolean namesColumn(Expression e) {
        boolean[] found = {false};
        e.accept(new ExpressionVisitorAdapter<Void>() {
            @Override
            public <S> Void visit(Column column, S context) {
                String name = column.getColumnName().toLowerCase(Locale.ROOT);
                if (!name.equals("true") && !name.equals("false")) {
                    found[0] = true;
                }
                return null;
            }
        }, null);
        return found[0];
    }

    private static String table(Table t) {
        return t == null ? null : ident(t.getName());
    }

    /** PostgreSQL folds unquoted names to lower case and keeps quoted ones as written. */
    static String ident(String name) {
        if (name == null) {
            return null;
        }
        String n = name.trim();
        if (n.length() > 1 && n.startsWith("\"") && n.endsWith("\"")) {
            return n.substring(1, n.length() - 1).replace("\"\"", "\"");
        }
        return n.toLowerCase(Locale.ROOT);
    }

    private static String excerpt(String sql) {
        String s = sql.strip().replaceAll("\\s+", " ");
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
