package io.rollguard.migration;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

@Repository
class ReleaseMigrations {

    private final JdbcTemplate jdbc;

    ReleaseMigrations(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void insert(String releaseId, Changelog changelog, String destructiveChanges) {
        jdbc.update("insert into rg_release_migration (release_id, file_name, content, destructive_changes) values (?, ?, ?, ?)",
                releaseId, changelog.fileName(), changelog.content(), destructiveChanges);
    }

    Optional<ReleaseMigration> find(String releaseId) {
        return jdbc.query("select * from rg_release_migration where release_id = ?", ReleaseMigrations::map, releaseId)
                .stream().findFirst();
    }

    void setPreflightReport(String releaseId, String report) {
        jdbc.update("update rg_release_migration set preflight_report = ? where release_id = ?", report, releaseId);
    }

    /** The first record of the state before the migration wins: a retried apply must not overwrite it. */
    void setFingerprintBeforeIfAbsent(String releaseId, String fingerprint) {
        jdbc.update("update rg_release_migration set fingerprint_before = ? where release_id = ? and fingerprint_before is null",
                fingerprint, releaseId);
    }

    void setSnapshotsIfAbsent(String releaseId, String snapshots) {
        jdbc.update("update rg_release_migration set snapshots = ? where release_id = ? and snapshots is null",
                snapshots, releaseId);
    }

    void markApplied(String releaseId) {
        jdbc.update("update rg_release_migration set applied_at = coalesce(applied_at, ?), rolled_back_at = null where release_id = ?",
                Timestamp.from(Instant.now()), releaseId);
    }

    void markRolledBack(String releaseId) {
        jdbc.update("update rg_release_migration set rolled_back_at = coalesce(rolled_back_at, ?) where release_id = ?",
                Timestamp.from(Instant.now()), releaseId);
    }

    void markSnapshotsDropped(String releaseId) {
        jdbc.update("update rg_release_migration set snapshots_dropped_at = ? where release_id = ?",
                Timestamp.from(Instant.now()), releaseId);
    }

    /**
     * Releases whose snapshots are still kept although the release ended (promoted, or undone and
     * verified) before {@code endedBefore}.
     */
    List<String> snapshotsDueForRemoval(Instant endedBefore) {
        return jdbc.queryForList("""
                select m.release_id from rg_release_migration m join rg_release r on r.id = m.release_id
                where m.snapshots is not null and m.snapshots_dropped_at is null
                  and r.state in ('PROMOTED', 'ROLLED_BACK', 'ABORTED') and r.updated_at < ?""", String.class,
                Timestamp.from(endedBefore));
    }

    private static ReleaseMigration map(ResultSet rs, int n) throws SQLException {
        return new ReleaseMigration(rs.getString("release_id"),
                new Changelog(rs.getString("file_name"), rs.getString("content")),
                rs.getString("destructive_changes"), rs.getString("preflight_report"), rs.getString("fingerprint_before"),
                rs.getString("snapshots"), instant(rs.getTimestamp("applied_at")), instant(rs.getTimestamp("rolled_back_at")),
                instant(rs.getTimestamp("snapshots_dropped_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
