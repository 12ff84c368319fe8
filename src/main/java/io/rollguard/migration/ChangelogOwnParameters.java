package io.rollguard.migration;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import liquibase.ContextExpression;
import liquibase.Labels;
import liquibase.changelog.ChangeLogParameters;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.database.DatabaseList;

/**
 * Changelog parameters that are only what the changelog itself defines ({@code property} with a
 * name and a value). Liquibase's own parameters start with every environment variable and Java
 * system property of the Rollguard process, and with values about the execution (such as the
 * changelog's path on the server); a requester's {@code ${...}} must expand none of them.
 * Liquibase expands {@code ${...}} through {@link #getValue}, which is answered here alone.
 */
final class ChangelogOwnParameters extends ChangeLogParameters {

    private record Defined(String key, Object value, List<String> databases) {
    }

    private final List<Defined> defined = new ArrayList<>();

    ChangelogOwnParameters() {
        super(null);
    }

    @Override
    public void set(String key, Object value, ContextExpression contexts, Labels labels, String... databases) {
        define(key, value, databases);
    }

    @Override
    public void setLocal(String key, Object value, DatabaseChangeLog changeLog, ContextExpression contexts, Labels labels,
            String... databases) {
        define(key, value, databases);
    }

    private void define(String key, Object value, String... databases) {
        if (key != null) {
            defined.add(new Defined(key, value, databases == null ? null : Arrays.asList(databases)));
        }
    }

    /** As in Liquibase, the first definition wins; one limited to other databases than PostgreSQL does not count. */
    @Override
    public Object getValue(String key, DatabaseChangeLog changeLog) {
        for (Defined d : defined) {
            if (d.key().equalsIgnoreCase(key) && DatabaseList.definitionMatches(d.databases(), "postgresql", true)) {
                return d.value();
            }
        }
        return null;
    }

    @Override
    public boolean hasValue(String key, DatabaseChangeLog changeLog) {
        return getValue(key, changeLog) != null;
    }
}
