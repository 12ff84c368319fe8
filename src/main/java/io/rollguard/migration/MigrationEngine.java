package io.rollguard.migration;

import java.util.List;

import io.rollguard.app.AppDatabase;

/**
 * The port through which the release lifecycle changes an app's data model. Every operation that
 * writes is idempotent: what the database already records as done is not done again.
 */
public interface MigrationEngine {

    /** Reads a changelog without touching a database; a changelog that cannot be read is an {@link InvalidChangelogException}. */
    ChangelogAnalysis analyze(Changelog changelog);

    /** Structure and per-table content checksums of the app's schema (the engine's own tables left out). */
    Fingerprint fingerprint(AppDatabase db);

    /**
     * On a scratch copy of the app's schema with at most {@code sampleRows} rows per table, never the
     * live one: apply, roll back, compare with the copy before, apply again. The copy is dropped afterwards.
     */
    ReversibilityProof prove(AppDatabase db, Changelog changelog, String scratchSchema, int sampleRows);

    /** Tags the database (once) and applies what of the changelog is not applied yet. */
    MigrationRun apply(AppDatabase db, Changelog changelog, String tag);

    /** Rolls back every changeset applied after the tag (none when that is already done or the tag was never taken). */
    MigrationRun rollBackTo(AppDatabase db, Changelog changelog, String tag);

    /**
     * Copies, in the app's own database, what the destructive changes would take with them (a
     * table or column that is not there has nothing to keep); the copies are named after the release.
     */
    List<Snapshot> takeSnapshots(AppDatabase db, String releaseId, List<DestructiveChange> changes);

    /** Puts the copied values back after a rollback recreated their tables and columns, in one transaction; twice changes nothing more. */
    void restoreSnapshots(AppDatabase db, List<Snapshot> snapshots);

    /** After a restore, every copied value that is not back in its row, named per table or column. */
    List<String> unrestoredSnapshots(AppDatabase db, List<Snapshot> snapshots);

    /** Drops the copies (once a release's retention has passed); a copy already gone is no error. */
    void dropSnapshots(AppDatabase db, List<Snapshot> snapshots);

    /**
     * One copied table or column: where it came from, which key finds its rows again, where the
     * copy is. Stored with the release as JSON, so its components are its stored form.
     */
    record Snapshot(DestructiveChange.Kind kind, String table, String column, List<String> key, String copy) {
    }

    /** The changesets one call ran or rolled back, and anything worth telling about how (a stale lock released). */
    record MigrationRun(List<String> changeSets, List<String> notes) {
    }

    class InvalidChangelogException extends MigrationException {
        public InvalidChangelogException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
