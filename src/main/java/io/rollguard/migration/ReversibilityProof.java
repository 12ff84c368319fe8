package io.rollguard.migration;

import java.util.List;

import io.rollguard.release.StoredText;

/** The outcome of a dry run on a scratch copy: what differed after the rollback, and how long each phase took. */
public record ReversibilityProof(List<String> differences, List<String> steps, long millis) {

    public boolean passed() {
        return differences.isEmpty();
    }

    /** Verdict, time and report, as the release's history and the approval form (a process variable) hold it. */
    public String summary() {
        return StoredText.clip((passed() ? "PASSED in " : "FAILED in ") + millis + " ms\n" + report());
    }

    public String report() {
        StringBuilder sb = new StringBuilder();
        steps.forEach(s -> sb.append(s).append('\n'));
        if (passed()) {
            sb.append("schema and data after the rollback equal the copy before it");
        } else {
            sb.append("after the rollback the copy differs from before: ").append(String.join("; ", differences));
        }
        return sb.toString();
    }
}
