package io.rollguard.migration;

/**
 * A change whose data a Liquibase rollback cannot bring back: the rollback recreates the table or
 * column, empty. Such data is copied aside before the change and copied back by compensation.
 */
public record DestructiveChange(String changeSetId, Kind kind, String table, String column) {

    public enum Kind { DROP_TABLE, DROP_COLUMN, MODIFY_DATA_TYPE }

    public String describe() {
        return switch (kind) {
            case DROP_TABLE -> "changeset " + changeSetId + " drops table " + table;
            case DROP_COLUMN -> "changeset " + changeSetId + " drops column " + table + "." + column;
            case MODIFY_DATA_TYPE -> "changeset " + changeSetId + " changes the type of " + table + "." + column;
        };
    }
}
