package io.rollguard.migration;

import java.util.List;

/**
 * What reading a changelog (without a database) tells: which changesets cannot be undone, which
 * changes are high risk (those that destroy data, and renames, drops of objects and SQL that
 * cannot be parsed), and one line per change for the approver.
 */
public record ChangelogAnalysis(List<String> changeSetIds, List<String> irreversible, List<DestructiveChange> destructive,
        List<String> changes) {

    /** Whether some change destroys data that is copied aside before it runs. */
    public boolean isDestructive() {
        return destructive.stream().anyMatch(DestructiveChange::losesData);
    }

    /** Whether approvers must treat the change as high risk. */
    public boolean isHighRisk() {
        return !destructive.isEmpty();
    }
}
