package io.rollguard.migration;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import liquibase.exception.ChangeLogParseException;
import liquibase.exception.PreconditionErrorException;
import liquibase.exception.PreconditionFailedException;
import liquibase.exception.RollbackImpossibleException;
import liquibase.exception.ValidationFailedException;

/**
 * What a requester may read about a failure of their migration: the changeset and a text of ours
 * chosen by SQLSTATE. Never PostgreSQL's own message: its DETAIL names row values ("Key (id)=(42)
 * already exists"), its primary message does too for data errors ({@code invalid input syntax for
 * type integer: "..."}) and for anything dynamic SQL or {@code current_setting(value)} touches,
 * and PL/pgSQL's {@code raise} lets a changelog write any message, field and SQLSTATE it likes.
 * A connection failure names the host, port and user. The full text goes to the log, for operators.
 *
 * <p>A SQLSTATE we have no text for is shown by its class only, so {@code raise ... using errcode}
 * cannot carry five characters of data per run back to the requester.
 */
final class DryRunErrors {

    private static final Logger log = LoggerFactory.getLogger(DryRunErrors.class);
    private static final Pattern FAILED_CHANGESET = Pattern.compile("Migration failed for change ?set ([^\\r\\n]{1,300}?):\\s*\\R");

    private static final Map<String, String> CODES = Map.ofEntries(
            Map.entry("08001", "the database server cannot be reached"),
            Map.entry("08004", "the database server refused the connection"),
            Map.entry("08006", "the connection to the database server was lost"),
            Map.entry("0A000", "a feature PostgreSQL does not support"),
            Map.entry("22001", "a value is too long for its column"),
            Map.entry("22003", "a number is out of range for its type"),
            Map.entry("22007", "a date or time value has an invalid format"),
            Map.entry("22008", "a date or time value is out of range"),
            Map.entry("22012", "division by zero"),
            Map.entry("22P02", "a value does not convert to the column's type"),
            Map.entry("23502", "a not-null constraint is violated"),
            Map.entry("23503", "a foreign key constraint is violated"),
            Map.entry("23505", "a unique constraint is violated"),
            Map.entry("23514", "a check constraint is violated"),
            Map.entry("23P01", "an exclusion constraint is violated"),
            Map.entry("25006", "a write in a read-only transaction"),
            Map.entry("25P03", "a transaction stayed idle longer than the idle-in-transaction limit"),
            Map.entry("28000", "the database refused the role"),
            Map.entry("28P01", "the database refused the credentials"),
            Map.entry("2BP01", "other objects still depend on an object it drops"),
            Map.entry("3D000", "a database it names does not exist"),
            Map.entry("3F000", "a schema it names does not exist"),
            Map.entry("40001", "a serialization failure"),
            Map.entry("40P01", "a deadlock"),
            Map.entry("42501", "permission denied"),
            Map.entry("42601", "a syntax error"),
            Map.entry("42701", "a column it adds exists already"),
            Map.entry("42703", "a column it names does not exist"),
            Map.entry("42704", "an object it names does not exist"),
            Map.entry("42710", "an object it creates exists already"),
            Map.entry("42804", "a value has the wrong type for its column"),
            Map.entry("42830", "a foreign key has no matching unique key"),
            Map.entry("42883", "a function or operator it calls does not exist"),
            Map.entry("42P01", "a table or view it names does not exist"),
            Map.entry("42P06", "a schema it creates exists already"),
            Map.entry("42P07", "a table or index it creates exists already"),
            Map.entry("42P16", "an invalid table definition"),
            Map.entry("53100", "the database server's disk is full"),
            Map.entry("53400", "a resource limit of the dry run (temp_file_limit, connections) was reached"),
            Map.entry("54000", "a PostgreSQL limit was exceeded"),
            Map.entry("55P03", "a lock was not granted within the dry run's lock timeout"),
            Map.entry("57014", "a statement ran longer than the dry run's statement timeout and was cancelled"),
            Map.entry("57P01", "the session was ended by the server"),
            Map.entry("58P01", "a file it names does not exist on the server"),
            Map.entry("P0001", "the changelog's own SQL raised an error"));

    private static final Map<String, String> CLASSES = Map.ofEntries(
            Map.entry("08", "a connection error"),
            Map.entry("0A", "a feature PostgreSQL does not support"),
            Map.entry("22", "a data error"),
            Map.entry("23", "an integrity constraint is violated"),
            Map.entry("25", "an invalid transaction state"),
            Map.entry("28", "the database refused the login"),
            Map.entry("2B", "other objects still depend on an object it drops"),
            Map.entry("3D", "a database it names does not exist"),
            Map.entry("3F", "a schema it names does not exist"),
            Map.entry("40", "a transaction was rolled back by the server"),
            Map.entry("42", "a syntax error or an access rule violation"),
            Map.entry("53", "the server ran out of a resource"),
            Map.entry("54", "a PostgreSQL limit was exceeded"),
            Map.entry("55", "an object is not in the state the statement needs"),
            Map.entry("57", "the server intervened"),
            Map.entry("58", "a system error on the server"),
            Map.entry("P0", "the changelog's own SQL raised an error"),
            Map.entry("XX", "an internal error of the server"));

    private DryRunErrors() {
    }

    /**
     * A text safe to show to the requester for any failure of a dry run or a migration step; the
     * original goes to the log.
     */
    static String describe(Throwable e) {
        if (log.isDebugEnabled()) {
            log.debug("migration failure, with its stack trace", e);
        } else {
            log.info("migration failure, in full for operators (never shown to requesters): {}", chain(e));
        }
        StringBuilder text = new StringBuilder();
        String changeSet = failedChangeSet(e);
        if (changeSet != null) {
            text.append("changeset ").append(changeSet).append(": ");
        }
        SQLException sql = find(e, SQLException.class);
        if (sql != null) {
            return text.append(sqlState(sql.getSQLState())).toString();
        }
        if (find(e, PreconditionFailedException.class) != null || find(e, PreconditionErrorException.class) != null) {
            // a precondition's message may quote what its SQL read
            return text.append("a precondition failed").toString();
        }
        for (Class<? extends Throwable> type : List.of(RollbackImpossibleException.class,
                ValidationFailedException.class, ChangeLogParseException.class)) {
            // Liquibase's texts about the changelog itself, written before any SQL ran
            Throwable about = find(e, type);
            if (about != null && about.getMessage() != null) {
                String m = about.getMessage();
                return text.append(m.length() > 600 ? m.substring(0, 600) + "..." : m).toString();
            }
        }
        return text.append("Liquibase reported ").append(rootType(e))
                .append(" (the full text is in Rollguard's log)").toString();
    }

    static String sqlState(String state) {
        if (state == null || state.length() != 5) {
            return "a database error";
        }
        String known = CODES.get(state);
        if (known != null) {
            return known + " (SQLSTATE " + state + ")";
        }
        String cls = CLASSES.get(state.substring(0, 2));
        return cls == null ? "a database error" : cls + " (SQLSTATE class " + state.substring(0, 2) + ")";
    }

    private static String failedChangeSet(Throwable e) {
        for (Throwable t : causes(e)) {
            if (t instanceof liquibase.exception.MigrationFailedException && t.getMessage() != null) {
                Matcher m = FAILED_CHANGESET.matcher(t.getMessage());
                if (m.find()) {
                    return m.group(1);
                }
            }
        }
        return null;
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        return causes(e).stream().filter(type::isInstance).map(type::cast).findFirst().orElse(null);
    }

    private static String chain(Throwable e) {
        return causes(e).stream().map(Throwable::toString).collect(Collectors.joining(" <- "));
    }

    private static String rootType(Throwable e) {
        return root(e).getClass().getSimpleName();
    }

    /** The failure and its causes, outermost first. */
    static List<Throwable> causes(Throwable e) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    /** The innermost cause, where the message says what really went wrong. */
    static Throwable root(Throwable e) {
        List<Throwable> chain = causes(e);
        return chain.get(chain.size() - 1);
    }
}
