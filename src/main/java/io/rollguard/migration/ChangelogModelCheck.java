package io.rollguard.migration;

import java.util.ArrayList;
import java.util.List;

import liquibase.change.Change;
import liquibase.change.ChangeFactory;
import liquibase.change.ChangeWithColumns;
import liquibase.change.ColumnConfig;
import liquibase.change.core.AddDefaultValueChange;
import liquibase.change.core.CreateViewChange;
import liquibase.change.core.DeleteDataChange;
import liquibase.change.core.RawSQLChange;
import liquibase.change.core.UpdateDataChange;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.precondition.core.PreconditionContainer;

/**
 * The second look, on what Liquibase parsed: whatever the spelling in the text, the model must
 * hold allowed change types only (in changes and rollbacks), SQL that stays inside the data model
 * ({@link SqlPolicy}), no preconditions, nothing that runs again or elsewhere, and every changeset
 * from the uploaded file itself.
 */
final class ChangelogModelCheck {

    private ChangelogModelCheck() {
    }

    static void check(Changelog changelog, DatabaseChangeLog parsed) {
        if (hasPreconditions(parsed.getPreconditions())) {
            throw ChangelogScreen.refused(changelog, "changelog preconditions are not allowed: "
                    + ChangelogPolicy.REFUSED_CHANGESET_PARTS.get("preConditions"));
        }
        for (ChangeSet cs : parsed.getChangeSets()) {
            String where = name(cs);
            if (hasPreconditions(cs.getPreconditions())) {
                throw refused(changelog, where, "preConditions");
            }
            if (cs.isAlwaysRun()) {
                throw refused(changelog, where, "runAlways");
            }
            if (cs.isRunOnChange()) {
                throw refused(changelog, where, "runOnChange");
            }
            if (!cs.getValidCheckSums().isEmpty()) {
                throw refused(changelog, where, "validCheckSum");
            }
            if (cs.getRunWith() != null && !cs.getRunWith().isBlank()) {
                throw refused(changelog, where, "runWith");
            }
            if (cs.getRunWithSpoolFile() != null) {
                throw refused(changelog, where, "runWithSpoolFile");
            }
            if (!cs.getSqlVisitors().isEmpty()) {
                throw refused(changelog, where, "modifySql");
            }
            if (Boolean.FALSE.equals(cs.getFailOnError())) {
                throw ChangelogScreen.refused(changelog, where + ": failOnError: false is not allowed");
            }
            if (!changelog.fileName().equals(cs.getFilePath())) {
                throw refused(changelog, where, "logicalFilePath");
            }
            for (Change change : cs.getChanges()) {
                allowed(changelog, where, "", change);
            }
            for (Change change : cs.getRollback().getChanges()) {
                allowed(changelog, where, "its rollback: ", change);
            }
        }
    }

    static String name(ChangeSet cs) {
        return "changeset " + cs.getId() + (cs.getAuthor() == null ? "" : " (" + cs.getAuthor() + ")");
    }

    static String typeOf(Change change) {
        return ChangeFactory.getInstance().getChangeMetaData(change).getName();
    }

    private static void allowed(Changelog changelog, String where, String part, Change change) {
        String type = typeOf(change);
        for (String sql : sqlIn(change)) {
            String problem = SqlPolicy.problem(sql);
            if (problem != null) {
                throw ChangelogScreen.refused(changelog, where + ": " + part + type + ": " + problem);
            }
        }
        // the name alone is not enough: an extension could register its own class under an allowed name
        if (!ChangelogPolicy.CHANGE_TYPES.contains(type) || !change.getClass().getName().startsWith("liquibase.change.core.")) {
            throw ChangelogScreen.refused(changelog, where + ": " + part + ChangelogPolicy.whyChangeTypeRefused(type));
        }
    }

    /** Every piece of SQL a change carries: raw SQL, a view's query, WHERE clauses, computed values and index expressions. */
    private static List<String> sqlIn(Change change) {
        List<String> sql = new ArrayList<>();
        if (change instanceof RawSQLChange raw) {
            sql.add(raw.getSql());
        } else if (change instanceof CreateViewChange view) {
            sql.add(view.getSelectQuery());
        } else if (change instanceof DeleteDataChange delete) {
            sql.add(delete.getWhere());
        } else if (change instanceof UpdateDataChange update) {
            sql.add(update.getWhere());
        } else if (change instanceof AddDefaultValueChange add && add.getDefaultValueComputed() != null) {
            sql.add(add.getDefaultValueComputed().getValue());
        }
        if (change instanceof ChangeWithColumns<?> withColumns && withColumns.getColumns() != null) {
            for (ColumnConfig column : withColumns.getColumns()) {
                if (column.getValueComputed() != null) {
                    sql.add(column.getValueComputed().getValue());
                }
                if (column.getDefaultValueComputed() != null) {
                    sql.add(column.getDefaultValueComputed().getValue());
                }
                if (Boolean.TRUE.equals(column.getComputed())) {
                    sql.add(column.getName());
                }
            }
        }
        return sql;
    }

    private static boolean hasPreconditions(PreconditionContainer container) {
        return container != null && !container.getNestedPreconditions().isEmpty();
    }

    private static MigrationEngine.InvalidChangelogException refused(Changelog changelog, String where, String part) {
        return ChangelogScreen.refused(changelog, where + ": " + part + " is not allowed: "
                + ChangelogPolicy.REFUSED_CHANGESET_PARTS.get(part));
    }
}
