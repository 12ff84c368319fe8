package io.rollguard.migration;

import java.util.regex.Pattern;

/**
 * A Liquibase changelog as uploaded with a release. Its file name is part of every changeset's
 * identity in the app's DATABASECHANGELOG, so it is kept exactly as uploaded.
 */
public record Changelog(String fileName, String content) {

    private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,120}\\.(yaml|yml|xml|sql)$");

    /** Why a file name cannot be a changelog, or null when it can. */
    public static String nameProblem(String fileName) {
        return NAME.matcher(fileName).matches() ? null
                : "must be a plain file name ending in .yaml, .yml, .xml or .sql (Liquibase's formats)";
    }
}
