package io.rollguard.migration;

import java.util.List;

import io.rollguard.release.StoredText;
import io.rollguard.release.history.ReleaseFact;

/** The outcome of a dry run on a scratch copy: what differed after the rollback, and how long each phase took. */
public record ReversibilityProof(List<String> differences, List<String> steps, long millis) {

    public boolean passed() {
        return differences.isEmpty();
    }

    /** Verdict, time and report, as the release's history and the approval form (a process variable) hold it. */
    public String summary() {
        return StoredText.clip(fact().detail());
    }

    public String report() {
        return fact().report();
    }

    /** The dry run as the release's history records it. */
    public ReleaseFact.MigrationDryRun fact() {
        return new ReleaseFact.MigrationDryRun(millis, steps, differences);
    }
}
