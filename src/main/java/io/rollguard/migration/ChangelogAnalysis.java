package io.rollguard.migration;

import java.util.List;

/** What reading a changelog (without a database) tells: which changesets cannot be undone, which destroy data. */
public record ChangelogAnalysis(List<String> changeSetIds, List<String> irreversible, List<DestructiveChange> destructive) {

    public boolean isDestructive() {
        return !destructive.isEmpty();
    }
}
