package io.rollguard.migration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.rollguard.app.AppDatabase;
import io.rollguard.app.AppDatabases;
import io.rollguard.release.ReleaseContext;
import io.rollguard.release.ReleaseRepository;
import io.rollguard.release.SchemaChanges;
import io.rollguard.release.StoredText;
import io.rollguard.refusal.Refusal.Violation;
import io.rollguard.release.history.ReleaseFact;
import io.rollguard.release.history.ReleaseHistory;

/**
 * A release's data change through its life: checked at submission, proven reversible on a
 * scratch copy in preflight, applied after a tag in the rollout, rolled back by compensation and
 * verified against the state recorded before it. Answers the release feature's questions about a
 * data-model change ({@link SchemaChanges}) without release knowing this feature.
 */
@Service
public class MigrationService implements SchemaChanges {

    private static final Logger log = LoggerFactory.getLogger(MigrationService.class);

    private final MigrationEngine engine;
    private final ReleaseMigrations migrations;
    private final AppDatabases databases;
    private final ReleaseRepository releases;
    private final ObjectMapper json;
    private final int sampleRows;
    private final Duration snapshotRetention;
    private final ReleaseHistory history;

    MigrationService(MigrationEngine engine, ReleaseMigrations migrations, AppDatabases databases, ReleaseRepository releases,
            ObjectMapper json, @Value("${rollguard.migration.sample-rows:10000}") int sampleRows,
            @Value("${rollguard.migration.snapshot-retention:P7D}") Duration snapshotRetention, ReleaseHistory history) {
        this.history = history;
        this.engine = engine;
        this.migrations = migrations;
        this.databases = databases;
        this.releases = releases;
        this.json = json;
        this.sampleRows = sampleRows;
        this.snapshotRetention = snapshotRetention;
    }

    /** What a submission's changelog gets refused for, if anything, and what it would destroy. */
    record SubmissionCheck(List<Violation> violations, Changelog changelog, ChangelogAnalysis analysis) {
    }

    @Override
    public SchemaChanges.Checked check(String appKey, String fileName, byte[] content) {
        SubmissionCheck check = inspect(appKey, fileName, content);
        return new SchemaChanges.Checked() {
            @Override
            public List<Violation> violations() {
                return check.violations();
            }

            @Override
            public void keepFor(String releaseId) {
                store(releaseId, check);
            }
        };
    }

    private SubmissionCheck inspect(String appKey, String fileName, byte[] content) {
        List<Violation> violations = new ArrayList<>();
        String nameProblem = Changelog.nameProblem(fileName);
        if (nameProblem != null) {
            violations.add(new Violation("/schema/changelog", nameProblem));
            return new SubmissionCheck(violations, null, null);
        }
        if (content.length > ChangelogPolicy.MAX_BYTES) {
            violations.add(new Violation("/schema/changelog", fileName + " has " + content.length + " bytes; at most "
                    + ChangelogPolicy.MAX_BYTES + " are accepted"));
            return new SubmissionCheck(violations, null, null);
        }
        if (databases.find(appKey).isEmpty()) {
            violations.add(new Violation("/schema/changelog", "app '" + appKey
                    + "' has no database registered (PUT /api/apps/" + appKey + "/database), so it cannot be migrated"));
        }
        Changelog changelog = new Changelog(fileName, new String(content, StandardCharsets.UTF_8));
        ChangelogAnalysis analysis;
        try {
            analysis = engine.analyze(changelog);
        } catch (MigrationEngine.InvalidChangelogException e) {
            violations.add(new Violation("/schema/changelog", e.getMessage()));
            return new SubmissionCheck(violations, changelog, null);
        }
        if (analysis.changeSetIds().isEmpty()) {
            violations.add(new Violation("/schema/changelog", fileName + " has no changesets"));
        }
        if (!analysis.irreversible().isEmpty()) {
            violations.add(new Violation("/schema/changelog", "changesets without a rollback that Liquibase can "
                    + "perform (add an explicit rollback): " + String.join(", ", analysis.irreversible())));
        }
        return new SubmissionCheck(violations, changelog, analysis);
    }

    /** Stored with the release in the submission's transaction. */
    private void store(String releaseId, SubmissionCheck check) {
        String destructive = check.analysis().destructive().stream().map(DestructiveChange::describe)
                .collect(Collectors.joining("; "));
        migrations.insert(releaseId, check.changelog(), destructive.isEmpty() ? null : destructive);
    }

    /** Destructive changes of a release, described for the approval form; empty when none (or no migration). */
    @Override
    public String destructiveChanges(String releaseId) {
        return migrations.find(releaseId).map(ReleaseMigration::destructiveChanges).orElse(null);
    }

    /** What the approval form shows of a release's changelog: its text and, one line per change, what it changes. */
    public record ChangelogForApproval(String text, String changes) {
    }

    /** Null when the release changes no data model; texts clipped to what a process variable holds. */
    public ChangelogForApproval forApproval(String releaseId) {
        SchemaChanges.ChangelogContent changelog = changelog(releaseId);
        if (changelog == null) {
            return null;
        }
        String text = changelog.fileName() + ":\n" + changelog.text();
        String cut = "\n... (cut here: the changelog has " + changelog.text().length() + " characters)";
        if (text.length() > StoredText.MAX) {
            text = text.substring(0, StoredText.MAX - cut.length()) + cut;
        }
        return new ChangelogForApproval(text, StoredText.clip(String.join("\n", changelog.changes())));
    }

    /** The whole changelog, for the changes page (not clipped: it is not a process variable). */
    @Override
    public SchemaChanges.ChangelogContent changelog(String releaseId) {
        return migrations.find(releaseId).map(ReleaseMigration::changelog)
                .map(c -> new SchemaChanges.ChangelogContent(c.fileName(), c.content(), engine.analyze(c).changes()))
                .orElse(null);
    }

    public boolean hasMigration(String releaseId) {
        return migrations.find(releaseId).isPresent();
    }

    /** The dry run of preflight; null when the release changes no data model. */
    public ReversibilityProof prove(ReleaseContext ctx) {
        String releaseId = ctx.release().id();
        ReleaseMigration migration = migrations.find(releaseId).orElse(null);
        if (migration == null) {
            return null;
        }
        AppDatabase db = database(ctx);
        String scratch = "rollguard_scratch_" + releaseId.replaceAll("[^a-z0-9]", "").substring(0, 12);
        ReversibilityProof proof = engine.prove(db, migration.changelog(), scratch, sampleRows);
        migrations.setPreflightReport(releaseId, proof.report());
        history.record(releaseId, proof.fact());
        return proof;
    }

    public static String tag(String releaseId) {
        return "rollguard-" + releaseId;
    }

    /**
     * Records the state before (once), copies data that destructive changes would lose (once),
     * then tags and applies. A retry after a crash finds all three done or half done and only
     * finishes what is left.
     */
    public void apply(ReleaseContext ctx) {
        String releaseId = ctx.release().id();
        ReleaseMigration migration = migrations.find(releaseId).orElse(null);
        if (migration == null) {
            return;
        }
        AppDatabase db = database(ctx);
        if (migration.fingerprintBefore() == null) {
            migrations.setFingerprintBeforeIfAbsent(releaseId, write(engine.fingerprint(db)));
        }
        if (migration.snapshots() == null) {
            List<DestructiveChange> destructive = engine.analyze(migration.changelog()).destructive();
            if (!destructive.isEmpty()) {
                List<MigrationEngine.Snapshot> taken = engine.takeSnapshots(db, releaseId, destructive);
                migrations.setSnapshotsIfAbsent(releaseId, write(taken));
                history.record(releaseId, new ReleaseFact.DataSnapshotTaken(taken.stream()
                        .map(s -> new ReleaseFact.DataCopy(s.table(), s.column(), s.copy())).toList()));
            }
        }
        MigrationEngine.MigrationRun run = engine.apply(db, migration.changelog(), tag(releaseId));
        run.notes().forEach(note -> history.record(releaseId, new ReleaseFact.MigrationLock(note)));
        migrations.markApplied(releaseId);
        history.record(releaseId, new ReleaseFact.MigrationApplied(tag(releaseId), run.changeSets()));
    }

    /** Compensation: back to the tag, then the copied data back into what the rollback recreated. */
    public void rollBack(ReleaseContext ctx) {
        String releaseId = ctx.release().id();
        ReleaseMigration migration = migrations.find(releaseId).orElse(null);
        if (migration == null) {
            return;
        }
        AppDatabase db = database(ctx);
        MigrationEngine.MigrationRun run = engine.rollBackTo(db, migration.changelog(), tag(releaseId));
        run.notes().forEach(note -> history.record(releaseId, new ReleaseFact.MigrationLock(note)));
        List<MigrationEngine.Snapshot> snapshots = snapshots(migration);
        if (!snapshots.isEmpty()) {
            engine.restoreSnapshots(db, snapshots);
        }
        migrations.markRolledBack(releaseId);
        history.record(releaseId, new ReleaseFact.MigrationRolledBack(tag(releaseId), run.changeSets(), snapshots.stream()
                .map(s -> new ReleaseFact.DataCopy(s.table(), s.column(), s.copy()).source()).toList()));
    }

    /**
     * After a rollback: how the app's database differs from the state recorded before the
     * migration. Nothing to compare when the release's migration was never applied or is live.
     * <p>
     * Before promotion only the canary met the new data model, and every row must be as it was.
     * After promotion users kept working for hours or days: their records stay, so only the
     * structure is compared with before, and the data copied aside must be back in its rows.
     */
    public List<String> differencesAfterRollback(ReleaseContext ctx, boolean afterPromotion) {
        ReleaseMigration migration = migrations.find(ctx.release().id()).orElse(null);
        if (migration == null || migration.fingerprintBefore() == null || migration.rolledBackAt() == null) {
            return List.of();
        }
        Fingerprint before = read(migration.fingerprintBefore(), new TypeReference<>() { });
        AppDatabase db = database(ctx);
        List<String> differences = new ArrayList<>(before.differencesTo(engine.fingerprint(db), !afterPromotion));
        if (afterPromotion) {
            differences.addAll(engine.unrestoredSnapshots(db, snapshots(migration)));
        }
        return differences.stream().map(d -> "database: " + d).toList();
    }

    /**
     * Why a promoted release's data change can no longer be undone, or null when it can: once the
     * copies of what it destroyed are dropped, a rollback would bring the columns back empty.
     */
    @Override
    public String whyNotUndoable(String releaseId) {
        ReleaseMigration migration = migrations.find(releaseId).orElse(null);
        if (migration == null || migration.snapshots() == null || migration.snapshotsDroppedAt() == null
                || snapshots(migration).isEmpty()) {
            return null;
        }
        return "the copies of the data its destructive changes removed (" + migration.destructiveChanges()
                + ") were dropped at " + migration.snapshotsDroppedAt() + " after the retention of " + snapshotRetention
                + "; rolling its data change back would bring them back empty. Release a new version that restores "
                + "what is needed instead";
    }

    /**
     * Snapshots are kept for the retention period after a release ended: after promotion they are
     * the only copy of what the destructive change removed; after a verified rollback, a spare one.
     */
    @Scheduled(fixedDelayString = "${rollguard.migration.snapshot-sweep:PT10M}",
            initialDelayString = "${rollguard.migration.snapshot-sweep-initial-delay:PT1M}")
    public void dropExpiredSnapshots() {
        for (String releaseId : migrations.snapshotsDueForRemoval(Instant.now().minus(snapshotRetention))) {
            try {
                ReleaseMigration migration = migrations.find(releaseId).orElseThrow();
                String appKey = releases.get(releaseId).appKey();
                AppDatabase db = databases.find(appKey).orElseThrow();
                engine.dropSnapshots(db, snapshots(migration));
                migrations.markSnapshotsDropped(releaseId);
                history.record(releaseId, new ReleaseFact.DataSnapshotDropped(snapshotRetention));
            } catch (RuntimeException e) {
                log.warn("Could not drop the data snapshots of release {}: {}", releaseId, e.getMessage());
            }
        }
    }

    private List<MigrationEngine.Snapshot> snapshots(ReleaseMigration migration) {
        return migration.snapshots() == null ? List.of() : read(migration.snapshots(), new TypeReference<>() { });
    }

    private AppDatabase database(ReleaseContext ctx) {
        return databases.find(ctx.app().key()).orElseThrow(() -> new MigrationException("App " + ctx.app().key()
                + " has no database registered; its release " + ctx.release().id() + " cannot be migrated"));
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T read(String text, TypeReference<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
