package io.rollguard.migration;

import java.time.Instant;

/** The changelog a release brings and what has been done with it so far. */
record ReleaseMigration(String releaseId, Changelog changelog, String destructiveChanges, String preflightReport,
        String fingerprintBefore, String snapshots, Instant appliedAt, Instant rolledBackAt, Instant snapshotsDroppedAt) {
}
