package io.rollguard.release;

import java.util.List;
import java.util.Set;

import io.rollguard.app.App;
import io.rollguard.refusal.Refusal.Violation;
import io.rollguard.release.descriptor.ChangeClass;

/**
 * What the release feature needs to know about what a release's flows change. The changes feature
 * diffs flows against the stable slot and answers; it depends on release, so release names the
 * questions here and never imports it (as with {@link SchemaChanges}).
 */
public interface FlowChanges {

    /** What is refused about the flows themselves (DDL in a node), each naming the node; violations name {@code /artifact/file}. */
    List<Violation> refusals(String flowsJson);

    /** The release's flows compared with what the app's stable slot runs now. */
    Comparison compare(App app, Release release);

    /**
     * What the admins' node policy decided about the nodes the release adds or changes: the classes
     * it found evidence for (never {@code ORDINARY}), one line per piece of evidence ("integration:
     * adds http request to api.rates.example (node 'Get rates' on 'Expenses'): the policy's reason"),
     * one line per high-risk node ("high-risk: changes func of function (...): the policy's reason"),
     * a summary of the diff for approvers (counts per tab, endpoints, hosts), and one line per
     * integration setting the release changes ("rates.baseUrl (RATES_BASE_URL): old -> new"; a
     * secret by reference and version only), and one line per flag the release sets (its state
     * before and at each step).
     */
    record Comparison(Set<ChangeClass> classes, List<String> evidence, List<String> highRisk, String summary,
            List<String> integrationChanges, List<String> flagChanges) {
        public Comparison {
            classes = Set.copyOf(classes);
            evidence = List.copyOf(evidence);
            highRisk = List.copyOf(highRisk);
            integrationChanges = List.copyOf(integrationChanges);
            flagChanges = List.copyOf(flagChanges);
        }

        /** A comparison of a release that sets no flag. */
        public Comparison(Set<ChangeClass> classes, List<String> evidence, List<String> highRisk, String summary,
                List<String> integrationChanges) {
            this(classes, evidence, highRisk, summary, integrationChanges, List.of());
        }

        /** A comparison of a release that changes no integration setting. */
        public Comparison(Set<ChangeClass> classes, List<String> evidence, List<String> highRisk, String summary) {
            this(classes, evidence, highRisk, summary, List.of());
        }
    }
}
