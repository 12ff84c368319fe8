package io.rollguard.analysis;

/** How an analysis run ends (Argo Rollouts' vocabulary, with errors folded into inconclusive). */
enum Verdict {
    PASSED, FAILED, INCONCLUSIVE;

    public String id() {
        return name().toLowerCase();
    }
}
