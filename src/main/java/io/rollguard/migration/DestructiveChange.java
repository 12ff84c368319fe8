package io.rollguard.migration;

/**
 * A high-risk change, found by reading the parsed changelog (Liquibase's change model, and a SQL
 * parser for raw SQL). Most of them destroy data that a Liquibase rollback cannot bring back: the
 * rollback recreates the table or column empty, or cannot know the rows before an unbounded
 * DELETE/UPDATE. Such data is copied aside before the change and copied back by compensation.
 * Renames, drops of objects without data and SQL nobody could read lose nothing we can copy, but
 * are high risk all the same: approvers are told, and nothing is copied.
 */
public record DestructiveChange(String changeSetId, Kind kind, String table, String column) {

    /** What is copied aside before the change runs. */
    public enum Copy { TABLE, COLUMN, NOTHING }

    public enum Kind {
        DROP_TABLE(Copy.TABLE),
        DROP_COLUMN(Copy.COLUMN),
        MODIFY_DATA_TYPE(Copy.COLUMN),
        /** TRUNCATE, or DELETE without a WHERE that narrows it. */
        DELETE_ALL_ROWS(Copy.TABLE),
        /** UPDATE without a WHERE that narrows it. */
        UPDATE_ALL_ROWS(Copy.TABLE),
        RENAME_TABLE(Copy.NOTHING),
        RENAME_COLUMN(Copy.NOTHING),
        /** A view, index, sequence or schema: {@link #table} names its type and name. */
        DROP_OBJECT(Copy.NOTHING),
        /** Raw SQL the parser cannot read: what it does is unknown, so it is never "normal". */
        UNREADABLE_SQL(Copy.NOTHING);

        private final Copy copy;

        Kind(Copy copy) {
            this.copy = copy;
        }

        public Copy copy() {
            return copy;
        }
    }

    /** Whether data is copied aside for this change (a rename or an unreadable statement has nothing we could copy). */
    public boolean losesData() {
        return kind.copy() != Copy.NOTHING;
    }

    public String describe() {
        String cs = "changeset " + changeSetId;
        return switch (kind) {
            case DROP_TABLE -> cs + " drops table " + table;
            case DROP_COLUMN -> cs + " drops column " + table + "." + column;
            case MODIFY_DATA_TYPE -> cs + " changes the type of " + table + "." + column;
            case DELETE_ALL_ROWS -> cs + " deletes every row of " + table;
            case UPDATE_ALL_ROWS -> cs + " updates every row of " + table;
            case RENAME_TABLE -> cs + " renames table " + table + " to " + column;
            case RENAME_COLUMN -> cs + " renames column " + table + "." + column;
            case DROP_OBJECT -> cs + " drops " + table;
            case UNREADABLE_SQL -> cs + " has SQL that cannot be parsed or judged (" + table + "), so what it changes is unknown";
        };
    }
}
