package io.rollguard.migration;

/** A migration step could not be done; the message says what and where, never a password. */
public class MigrationException extends RuntimeException {

    public MigrationException(String message) {
        super(message);
    }

    public MigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
