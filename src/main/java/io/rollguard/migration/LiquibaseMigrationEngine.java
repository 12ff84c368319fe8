package io.rollguard.migration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import io.rollguard.app.AppDatabase;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.change.Change;
import liquibase.change.core.RawSQLChange;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.command.CommandScope;
import liquibase.command.core.RollbackCommandStep;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DatabaseChangelogCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.LiquibaseException;
import liquibase.parser.ChangeLogParser;
import liquibase.parser.ChangeLogParserFactory;
import liquibase.resource.DirectoryResourceAccessor;
import liquibase.resource.ResourceAccessor;
import liquibase.util.grammar.TokenMgrError;

/**
 * {@link MigrationEngine} on Liquibase, for apps on PostgreSQL. Liquibase's DATABASECHANGELOG is
 * the record of what is applied, so a retried apply or rollback does only what is left to do.
 */
@Component
class LiquibaseMigrationEngine implements MigrationEngine {

    private static final Logger log = LoggerFactory.getLogger(LiquibaseMigrationEngine.class);
    private static final String PREFLIGHT_TAG = "rollguard-preflight";

    private final Duration staleLockAfter;
    private final DryRunDatabases dryRuns;

    LiquibaseMigrationEngine(@Value("${rollguard.migration.stale-lock-after:PT1M}") Duration staleLockAfter,
            DryRunDatabases dryRuns) {
        this.staleLockAfter = staleLockAfter;
        this.dryRuns = dryRuns;
    }

    @Override
    public ChangelogAnalysis analyze(Changelog changelog) {
        return withChangelogDir(changelog, dir -> {
            DatabaseChangeLog parsed = parse(changelog, dir);
            // reversibility of the built-in change types does not depend on a live connection
            Database offline = new liquibase.database.core.PostgresDatabase();
            List<String> ids = new ArrayList<>();
            List<String> irreversible = new ArrayList<>();
            List<DestructiveChange> destructive = new ArrayList<>();
            List<String> changes = new ArrayList<>();
            for (ChangeSet cs : parsed.getChangeSets()) {
                ids.add(cs.getId());
                boolean explicitRollback = !cs.getRollback().getChanges().isEmpty();
                boolean automaticRollback = !cs.getChanges().isEmpty()
                        && cs.getChanges().stream().allMatch(c -> c.supportsRollback(offline));
                if (!explicitRollback && !automaticRollback) {
                    irreversible.add(cs.getId());
                }
                for (Change change : cs.getChanges()) {
                    List<DestructiveChange> risks = ChangeRisks.of(cs.getId(), change);
                    destructive.addAll(risks);
                    changes.add(describe(cs, change, risks));
                }
            }
            return new ChangelogAnalysis(ids, irreversible, destructive, changes);
        });
    }

    /** One line of the approver's list: which changeset, which change, on what, and how risky. */
    private static String describe(ChangeSet cs, Change change, List<DestructiveChange> risks) {
        String what;
        if (change instanceof RawSQLChange sql) {
            String text = sql.getSql() == null ? "" : sql.getSql().strip().replaceAll("\\s+", " ");
            what = "sql: " + (text.length() > 160 ? text.substring(0, 160) + "..." : text);
        } else {
            String message;
            try {
                message = change.getConfirmationMessage();
            } catch (RuntimeException e) {
                message = null;
            }
            what = ChangelogModelCheck.typeOf(change) + (message == null ? "" : ": " + message);
        }
        StringBuilder line = new StringBuilder(ChangelogModelCheck.name(cs)).append(": ").append(what);
        String prefix = "changeset " + cs.getId() + " ";
        for (DestructiveChange risk : risks) {
            String d = risk.describe();
            line.append(" -- HIGH RISK, ").append(d.startsWith(prefix) ? d.substring(prefix.length()) : d)
                    .append(risk.losesData() ? "; copied aside before it runs, restored by a rollback"
                            : "; nothing can be copied aside");
        }
        return line.toString();
    }

    private static List<DestructiveChange> destructiveIn(DatabaseChangeLog parsed) {
        List<DestructiveChange> found = new ArrayList<>();
        for (ChangeSet cs : parsed.getChangeSets()) {
            cs.getChanges().forEach(change -> found.addAll(ChangeRisks.of(cs.getId(), change)));
        }
        return found;
    }

    @Override
    public Fingerprint fingerprint(AppDatabase db) {
        return inAppDatabase(db, e -> "Cannot read the database of " + db.appKey() + ": " + DryRunErrors.describe(e),
                PostgresCatalog::fingerprint);
    }

    @Override
    public List<Snapshot> takeSnapshots(AppDatabase db, String releaseId, List<DestructiveChange> changes) {
        return inAppDatabase(db, e -> "Copying the data of destructive changes aside failed: " + e.getMessage(),
                (c, schema) -> DataSnapshots.take(c, schema, releaseId, changes));
    }

    @Override
    public void restoreSnapshots(AppDatabase db, List<Snapshot> snapshots) {
        inAppDatabase(db, e -> "Restoring the copied data failed: " + e.getMessage(), (c, schema) -> {
            c.setAutoCommit(false);
            DataSnapshots.restore(c, schema, snapshots);
            c.commit();
            return null;
        });
    }

    @Override
    public List<String> unrestoredSnapshots(AppDatabase db, List<Snapshot> snapshots) {
        if (snapshots.isEmpty()) {
            return new ArrayList<>();
        }
        return inAppDatabase(db, e -> "Comparing the restored data with its copies failed: " + e.getMessage(),
                (c, schema) -> DataSnapshots.unrestored(c, schema, snapshots));
    }

    @Override
    public void dropSnapshots(AppDatabase db, List<Snapshot> snapshots) {
        inAppDatabase(db, e -> "Dropping the data snapshots failed: " + e.getMessage(), (c, schema) -> {
            DataSnapshots.drop(c, snapshots);
            return null;
        });
    }

    private interface AppDatabaseWork<T> {
        T run(Connection c, String schema) throws SQLException;
    }

    /** One session in the app's database as its own role, in its current schema; a JDBC failure becomes the text given. */
    private static <T> T inAppDatabase(AppDatabase db, Function<SQLException, String> failure, AppDatabaseWork<T> work) {
        try (Connection c = AppConnections.open(db)) {
            return work.run(c, PostgresCatalog.currentSchema(c));
        } catch (SQLException e) {
            throw new MigrationException(failure.apply(e), e);
        }
    }

    /**
     * The dry run, in a throwaway database of its own (see {@link DryRunDatabases}): the live schema
     * is read once, read-only, as the app's role and copied there; the changelog then runs as the
     * dry-run role, which holds no privilege on any live database, under the statement and total
     * time limits. What the requester reads of a failure is {@link DryRunErrors}' text, never
     * PostgreSQL's. {@code scratchSchema} only names the run in the log.
     */
    @Override
    public ReversibilityProof prove(AppDatabase db, Changelog changelog, String scratchSchema, int sampleRows) {
        long started = System.nanoTime();
        List<String> steps = new ArrayList<>();
        List<String> differences = new ArrayList<>();
        if (dryRuns.isRole(db.username())) {
            throw new MigrationException("The dry run of " + db.appKey() + " must not run as the app's own database role; "
                    + "configure a role of its own in rollguard.migration.dry-run (README, \"Database roles\")");
        }
        withChangelogDir(changelog, dir -> {
            try (DryRunDatabases.Run run = dryRuns.create()) {
                log.info("dry run {} of {} in database {}", scratchSchema, db.appKey(), run.name());
                try {
                    proveIn(run, db, changelog, dir, sampleRows, steps, differences);
                } catch (SQLException | LiquibaseException | IOException | RuntimeException e) {
                    if (run.timedOut()) {
                        differences.add("the dry run took longer than its total limit of " + dryRuns.totalTimeout()
                                + " and was stopped; its database was dropped");
                    } else if (e instanceof MigrationException m) {
                        // the live database or the dry-run server cannot be reached: retried, then an incident
                        throw m;
                    } else {
                        differences.add("the dry run failed: " + safe(e));
                    }
                }
            }
            return null;
        });
        return new ReversibilityProof(differences, steps, (System.nanoTime() - started) / 1_000_000);
    }

    private void proveIn(DryRunDatabases.Run run, AppDatabase db, Changelog changelog, Path dir, int sampleRows,
            List<String> steps, List<String> differences) throws SQLException, LiquibaseException, IOException {
        try (Connection c = run.connect()) {
            long t = System.nanoTime();
            String schema;
            LiveSchemaCopy.Copied copied;
            // the live connection is closed before a single statement of the changelog runs
            try (Connection live = AppConnections.open(db)) {
                schema = PostgresCatalog.currentSchema(live);
                try {
                    copied = LiveSchemaCopy.copy(live, schema, c, sampleRows, dryRuns.statementTimeout());
                } catch (SQLException e) {
                    differences.add("copying the live structure into the dry run's database failed: " + safe(e));
                    return;
                }
            }
            Fingerprint before = PostgresCatalog.fingerprint(c, schema);
            steps.add("copied " + before.data().size() + " tables with " + before.totalRows() + " rows (at most " + sampleRows
                    + " per table; " + copied.sequences() + " sequences, " + copied.constraints() + " keys and checks, "
                    + copied.indexes() + " indexes, " + copied.foreignKeys() + " foreign keys, " + copied.views()
                    + " views) into a throwaway database in " + ms(t) + " ms");
            steps.addAll(copied.notes());
            ChangelogRun liquibase = new ChangelogRun(c, dir, changelog, schema);
            liquibase.tag(PREFLIGHT_TAG);
            // destructive changes are proven the way the rollout undoes them: copied aside, put back
            List<DestructiveChange> destructive = destructiveIn(liquibase.changelog);
            List<Snapshot> snapshots = DataSnapshots.take(c, schema, "preflight", destructive);
            if (!snapshots.isEmpty()) {
                steps.add("copied aside what destructive changes remove: " + snapshots.stream()
                        .map(sn -> sn.column() == null ? sn.table() : sn.table() + "." + sn.column()).toList());
            }
            t = System.nanoTime();
            try {
                liquibase.update();
            } catch (LiquibaseException e) {
                failed(run, differences, "applying the changelog to the copy failed: ", e);
                return;
            }
            Fingerprint applied = PostgresCatalog.fingerprint(c, schema);
            List<String> changes = before.differencesTo(applied);
            steps.add("applied in " + ms(t) + " ms; it changes: " + (changes.isEmpty() ? "nothing visible"
                    : String.join("; ", changes)));
            t = System.nanoTime();
            try {
                liquibase.rollback(PREFLIGHT_TAG);
            } catch (LiquibaseException e) {
                failed(run, differences, "rolling the changelog back on the copy failed: ", e);
                return;
            }
            DataSnapshots.restore(c, schema, snapshots);
            differences.addAll(before.differencesTo(PostgresCatalog.fingerprint(c, schema)));
            steps.add("rolled back in " + ms(t) + " ms");
            t = System.nanoTime();
            try {
                liquibase.update();
                steps.add("applied again in " + ms(t) + " ms");
            } catch (LiquibaseException e) {
                failed(run, differences, "applying the changelog again after its rollback failed: ", e);
            }
        }
    }

    private void failed(DryRunDatabases.Run run, List<String> differences, String what, LiquibaseException e) {
        if (run.timedOut()) {
            differences.add(what + "the dry run took longer than its total limit of " + dryRuns.totalTimeout()
                    + " and was stopped; its database was dropped");
        } else {
            differences.add(what + safe(e));
        }
    }

    /** The requester's text for a failure, with the limit that a time-out hit. */
    private String safe(Throwable e) {
        String text = DryRunErrors.describe(e);
        return text.contains("SQLSTATE 57014") ? text + " (limit " + dryRuns.statementTimeout() + ")" : text;
    }

    @Override
    public MigrationRun apply(AppDatabase db, Changelog changelog, String tag) {
        return migrate(db, changelog, "Applying " + changelog.fileName() + " to the database of " + db.appKey(),
                (c, liquibase, notes) -> {
                    if (!liquibase.tagExists(tag)) {
                        liquibase.tag(tag);
                    }
                    List<String> pending = liquibase.unrun();
                    liquibase.update();
                    return new MigrationRun(pending, notes);
                });
    }

    @Override
    public MigrationRun rollBackTo(AppDatabase db, Changelog changelog, String tag) {
        return migrate(db, changelog, "Rolling back the database of " + db.appKey() + " to " + tag, (c, liquibase, notes) -> {
            if (!liquibase.tagExists(tag)) {
                // the apply step never got as far as tagging: nothing of this changelog ran
                return new MigrationRun(List.of(), notes);
            }
            List<String> after = appliedAfterTag(c, PostgresCatalog.currentSchema(c), tag);
            if (!after.isEmpty()) {
                liquibase.rollback(tag);
            }
            return new MigrationRun(after, notes);
        });
    }

    private interface LiveMigration {
        MigrationRun run(Connection c, ChangelogRun liquibase, List<String> notes) throws SQLException, LiquibaseException;
    }

    /** A run against the live database: its migration lock held, the changelog parsed once; a failure says {@code what} failed. */
    private MigrationRun migrate(AppDatabase db, Changelog changelog, String what, LiveMigration work) {
        return withChangelogDir(changelog, dir -> {
            try (Connection c = AppConnections.open(db)) {
                List<String> notes = lockForMigration(c, db);
                return work.run(c, new ChangelogRun(c, dir, changelog, null), notes);
            } catch (SQLException | LiquibaseException e) {
                throw new MigrationException(what + " failed: " + DryRunErrors.describe(e), e);
            }
        });
    }

    private static List<String> appliedAfterTag(Connection c, String schema, String tag) throws SQLException {
        return PostgresCatalog.column(c, "select id from " + PostgresCatalog.quote(schema)
                + ".databasechangelog where orderexecuted > (select max(orderexecuted) from "
                + PostgresCatalog.quote(schema) + ".databasechangelog where tag = ?) order by orderexecuted desc", tag);
    }

    /**
     * Two Rollguard nodes (or a retried job and a stuck one) never migrate one database at once: a
     * session advisory lock, released when the connection closes. Holding it, a Liquibase lock that
     * is older than the stale limit can only be left over from a crash, and is released.
     */
    private List<String> lockForMigration(Connection c, AppDatabase db) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select pg_try_advisory_lock(hashtext('rollguard-migration'))")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                throw new MigrationException("Another migration of " + db.appKey()
                        + "'s database is running right now; this one waits for it (retried)");
            }
        }
        List<String> notes = new ArrayList<>();
        String schema = PostgresCatalog.currentSchema(c);
        if (!PostgresCatalog.tableExists(c, schema, "databasechangeloglock")) {
            return notes;
        }
        String lockTable = PostgresCatalog.quote(schema) + ".databasechangeloglock";
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select locked, lockgranted, lockedby from " + lockTable + " where id = 1")) {
            if (rs.next() && rs.getBoolean("locked")) {
                Timestamp granted = rs.getTimestamp("lockgranted");
                String by = rs.getString("lockedby");
                Instant since = granted == null ? Instant.EPOCH : granted.toInstant();
                if (since.plus(staleLockAfter).isAfter(Instant.now())) {
                    throw new MigrationException("Liquibase's lock on " + db.appKey() + "'s database is held by " + by
                            + " since " + since + "; waiting until it is released or older than " + staleLockAfter);
                }
                try (Statement u = c.createStatement()) {
                    u.executeUpdate("update " + lockTable + " set locked = false, lockgranted = null, lockedby = null where id = 1");
                }
                String note = "released a stale Liquibase lock held by " + by + " since " + since;
                log.warn("{}: {}", db.appKey(), note);
                notes.add(note);
            }
        }
        return notes;
    }

    /**
     * The one way a requester's changelog is read, for analysis and for every run: screened as
     * text, parsed with parameters that are the changelog's own, checked again on the model.
     */
    private static DatabaseChangeLog parse(Changelog changelog, Path dir) {
        ChangelogScreen.screen(changelog);
        try {
            ResourceAccessor accessor = new DirectoryResourceAccessor(dir);
            ChangeLogParser parser = ChangeLogParserFactory.getInstance().getParser(changelog.fileName(), accessor);
            DatabaseChangeLog parsed = parser.parse(changelog.fileName(), new ChangelogOwnParameters(), accessor);
            ChangelogModelCheck.check(changelog, parsed);
            return parsed;
        } catch (InvalidChangelogException e) {
            throw e;
        } catch (LiquibaseException | IOException | RuntimeException | TokenMgrError | StackOverflowError e) {
            // the staging directory is the server's business, not the requester's
            throw new InvalidChangelogException(changelog.fileName() + " is not a valid Liquibase changelog: "
                    + rootMessage(e).replace(dir.toString() + "/", "").replace(dir.toString(), ""), e);
        }
    }

    /**
     * Liquibase's {@code Liquibase} facade parses the changelog file again for update and
     * rollback, with parameters holding the server's environment; the commands here are given
     * the changelog parsed by {@link #parse} instead, so the model that was checked is the model that runs.
     */
    private static final class ChangelogRun {
        private final Database database;
        private final DatabaseChangeLog changelog;
        private final ResourceAccessor accessor;
        private final Liquibase facade;

        ChangelogRun(Connection c, Path dir, Changelog uploaded, String schema) throws LiquibaseException, IOException {
            this.database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
            if (schema != null) {
                database.setDefaultSchemaName(schema);
                database.setLiquibaseSchemaName(schema);
            }
            this.changelog = parse(uploaded, dir);
            this.accessor = new DirectoryResourceAccessor(dir);
            // built on the parsed changelog: tag, tagExists and listUnrunChangeSets use it and never parse
            this.facade = new Liquibase(changelog, accessor, database);
        }

        void tag(String tag) throws LiquibaseException {
            facade.tag(tag);
        }

        boolean tagExists(String tag) throws LiquibaseException {
            return facade.tagExists(tag);
        }

        List<String> unrun() throws LiquibaseException {
            return facade.listUnrunChangeSets(new Contexts(), new LabelExpression()).stream().map(ChangeSet::getId).toList();
        }

        void update() throws LiquibaseException {
            execute(new CommandScope(UpdateCommandStep.COMMAND_NAME));
        }

        void rollback(String tag) throws LiquibaseException {
            execute(new CommandScope(RollbackCommandStep.COMMAND_NAME).addArgumentValue(RollbackCommandStep.TAG_ARG, tag));
        }

        private void execute(CommandScope command) throws LiquibaseException {
            command.addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                    .addArgumentValue(DatabaseChangelogCommandStep.CHANGELOG_FILE_ARG, changelog.getPhysicalFilePath())
                    .addArgumentValue(DatabaseChangelogCommandStep.CHANGELOG_ARG, changelog)
                    .addArgumentValue(DatabaseChangelogCommandStep.CHANGELOG_PARAMETERS, changelog.getChangeLogParameters());
            try {
                Scope.child(Map.of(Scope.Attr.resourceAccessor.name(), accessor, Scope.Attr.database.name(), database),
                        command::execute);
            } catch (LiquibaseException e) {
                throw e;
            } catch (Exception e) {
                throw new LiquibaseException(e);
            }
        }
    }

    interface ChangelogWork<T> {
        T run(Path dir) throws SQLException, LiquibaseException, IOException;
    }

    /** Liquibase reads changelogs through a resource accessor: give it the upload as a file in a private directory. */
    private static <T> T withChangelogDir(Changelog changelog, ChangelogWork<T> work) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("rollguard-changelog");
            Files.writeString(dir.resolve(changelog.fileName()), changelog.content(), StandardCharsets.UTF_8);
            return work.run(dir);
        } catch (IOException e) {
            throw new MigrationException("Cannot stage changelog " + changelog.fileName() + ": " + e.getMessage(), e);
        } catch (SQLException | LiquibaseException e) {
            throw new MigrationException(rootMessage(e), e);
        } finally {
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException e) {
                    log.debug("could not remove {}", dir, e);
                }
            }
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = DryRunErrors.root(e);
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return message.length() > 600 ? message.substring(0, 600) + "..." : message;
    }

    private static long ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
