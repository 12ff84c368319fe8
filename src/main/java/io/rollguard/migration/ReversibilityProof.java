package io.rollguard.migration;

import java.util.List;

/** The outcome of a dry run on a scratch copy: what differed after the rollback, and how long each phase took. */
public record ReversibilityProof(List<String> differences, List<String> steps, long millis) {

    public boolean passed() {
        return differences.isEmpty();
    }

    /**
     * Verdict, time and report in at most 4000 characters: what the release's history and a
     * process variable (the approval form reads it) can hold.
     */
    public String summary() {
        String s = (passed() ? "PASSED in " : "FAILED in ") + millis + " ms\n" + report();
        return s.length() <= 4000 ? s : s.substring(0, 3997) + "...";
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
