package io.rollguard.release;

import java.util.List;

import io.rollguard.refusal.Refusal.Violation;

/**
 * What the release feature needs to know about a release's data-model change. The migration
 * feature owns changelogs and answers these questions; it depends on release, so release names
 * the questions here and never imports migration.
 */
public interface SchemaChanges {

    /** A submitted changelog, checked: what is refused about it, and how to keep it with its release. */
    interface Checked {

        List<Violation> violations();

        /** Called in the submission's transaction once the release is stored, only when nothing was refused. */
        void keepFor(String releaseId);
    }

    /** Checks a changelog uploaded with a submission; violations name {@code /schema/changelog}. */
    Checked check(String appKey, String fileName, byte[] content);

    /** Destructive changes of a release, described for the approvers; null when none (or no migration). */
    String destructiveChanges(String releaseId);

    /** Why a promoted release's data change can no longer be undone, or null when it can. */
    String whyNotUndoable(String releaseId);

    /** A release's changelog as uploaded, and what it changes (one entry per change); null when it has none. */
    ChangelogContent changelog(String releaseId);

    record ChangelogContent(String fileName, String text, List<String> changes) {
    }
}
