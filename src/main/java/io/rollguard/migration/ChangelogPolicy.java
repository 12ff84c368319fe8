package io.rollguard.migration;

import java.util.Map;
import java.util.Set;

/**
 * What a requester's changelog may contain: the one place the allow-list lives. A changelog is
 * data describing a data model change; anything that makes it a program (OS commands, Java
 * classes, files of the server, conditions evaluated against the database, re-runs) is refused.
 */
final class ChangelogPolicy {

    /** Larger changelogs are refused before any parser sees them (a 2 000-changeset changelog is about 0.5 MiB). */
    static final int MAX_BYTES = 1024 * 1024;
    /** YAML: anchors referenced more often than this are an alias bomb, not a changelog. */
    static final int MAX_YAML_ALIASES = 50;
    /** YAML and XML: deeper nesting than any real changelog needs. */
    static final int MAX_NESTING = 40;

    /**
     * Liquibase change types a low-code data model needs: structure, the data in it, raw SQL
     * (read by a SQL parser for risk) and tags. Everything else is refused, for instance
     * executeCommand (OS commands), customChange (Java classes), sqlFile/loadData/loadUpdateData
     * (server files), createProcedure/createFunction (code in the database), output/stop/empty.
     */
    static final Set<String> CHANGE_TYPES = Set.of(
            "createTable", "dropTable", "renameTable", "setTableRemarks",
            "addColumn", "dropColumn", "renameColumn", "modifyDataType", "setColumnRemarks",
            "addNotNullConstraint", "dropNotNullConstraint", "addDefaultValue", "dropDefaultValue", "addAutoIncrement",
            "createIndex", "dropIndex",
            "addPrimaryKey", "dropPrimaryKey", "addUniqueConstraint", "dropUniqueConstraint",
            "addForeignKeyConstraint", "dropForeignKeyConstraint", "addLookupTable",
            "createSequence", "dropSequence", "alterSequence", "renameSequence",
            "createView", "dropView", "renameView",
            "insert", "update", "delete",
            "sql", "tagDatabase");

    /**
     * Attributes that make Liquibase read a file (or, for {@code class}, load a class), wherever
     * they appear: a path in the upload could point anywhere on the server, and only the one
     * changelog file is uploaded.
     */
    static final Map<String, String> FORBIDDEN_ATTRIBUTES = Map.of(
            "file", "reads a file",
            "path", "reads a file",
            "relativeToChangelogFile", "reads a file",
            "valueBlobFile", "reads a file into a value",
            "valueClobFile", "reads a file into a value",
            "class", "loads a Java class",
            "resourceFilter", "lists server files",
            "executable", "runs an OS command",
            "changeSetPath", "reads another changelog file");

    /** Changeset attributes that are plain data; every other one is refused with its reason below. */
    static final Set<String> CHANGESET_ATTRIBUTES = Set.of(
            "id", "author", "comment", "changes", "rollback", "context", "contextFilter", "labels", "dbms",
            "runInTransaction", "created", "ignore", "failOnError", "objectQuotingStrategy", "runAlways", "runOnChange",
            // formatted SQL only
            "splitStatements", "endDelimiter", "stripComments", "rollbackSplitStatements", "rollbackEndDelimiter");

    /** Why a changeset attribute or element is refused. */
    static final Map<String, String> REFUSED_CHANGESET_PARTS = Map.of(
            "preConditions", "preconditions are evaluated against the database and can behave differently on the "
                    + "dry run's copy than on live (onFail: MARK_RAN skips a changeset on one and runs it on the other)",
            "runAlways", "a changeset that runs again on every update is not what the dry run proved",
            "runOnChange", "a changeset that runs again when it changes is not what the dry run proved",
            "validCheckSum", "it lets a changed changeset pass for one already applied",
            "runWith", "it runs the SQL through another executor (an external program)",
            "runWithSpoolFile", "it writes a file on the server",
            "logicalFilePath", "it changes the identity of changesets in the database's history",
            "modifySql", "it rewrites the SQL after it was checked");

    /** Why an entry at the top of a changelog is refused; {@code changeSet} and {@code property} (name and value) are allowed. */
    static final Map<String, String> REFUSED_CHANGELOG_ENTRIES = Map.of(
            "include", "only the one uploaded changelog file is read; includes would read other files",
            "includeAll", "only the one uploaded changelog file is read; includes would read other files",
            "preConditions", REFUSED_CHANGESET_PARTS.get("preConditions"),
            "logicalFilePath", REFUSED_CHANGESET_PARTS.get("logicalFilePath"));

    private ChangelogPolicy() {
    }

    static String whyChangeTypeRefused(String type) {
        String why = switch (type) {
            case "executeCommand" -> "it runs an operating-system command";
            case "customChange" -> "it loads a Java class";
            case "sqlFile", "loadData", "loadUpdateData" -> "it reads a file of the server";
            case "createProcedure", "createFunction", "createTrigger", "createPackage", "createPackageBody" ->
                    "it puts code into the database";
            default -> "it is not one of the allowed change types (" + String.join(", ",
                    CHANGE_TYPES.stream().sorted().toList()) + ")";
        };
        return type + " is not allowed: " + why;
    }
}
