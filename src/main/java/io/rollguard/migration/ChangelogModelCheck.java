package io.rollguard.migration;

import liquibase.change.Change;
import liquibase.change.ChangeFactory;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.precondition.core.PreconditionContainer;

/**
 * The second look, on what Liquibase parsed: whatever the spelling in the text, the model must
 * hold allowed change types only (in changes and rollbacks), no preconditions, nothing that runs
 * again or elsewhere, and every changeset from the uploaded file itself.
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
        // the name alone is not enough: an extension could register its own class under an allowed name
        if (!ChangelogPolicy.CHANGE_TYPES.contains(type) || !change.getClass().getName().startsWith("liquibase.change.core.")) {
            throw ChangelogScreen.refused(changelog, where + ": " + part + ChangelogPolicy.whyChangeTypeRefused(type));
        }
    }

    private static boolean hasPreconditions(PreconditionContainer container) {
        return container != null && !container.getNestedPreconditions().isEmpty();
    }

    private static MigrationEngine.InvalidChangelogException refused(Changelog changelog, String where, String part) {
        return ChangelogScreen.refused(changelog, where + ": " + part + " is not allowed: "
                + ChangelogPolicy.REFUSED_CHANGESET_PARTS.get(part));
    }
}
