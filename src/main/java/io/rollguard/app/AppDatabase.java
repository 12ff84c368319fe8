package io.rollguard.app;

/**
 * The database an app keeps its records in, as the platform reaches it to migrate, snapshot and
 * verify it. The password is write-only through the API, like the Admin API token.
 */
public record AppDatabase(String appKey, String jdbcUrl, String username, String password) {

    @Override
    public String toString() {
        // never let the password reach a log line or an exception message
        return "AppDatabase[" + appKey + ", " + jdbcUrl + ", " + username + "]";
    }
}
