package io.rollguard.policy;

/** What the node policy decided about one node; a node may get several (one per matching rule). */
public record NodeDecision(String nodeId, String type, String name, String tab, Outcome outcome, String reason) {

    /** The outputs a node policy may give; a node that matches no rule is ordinary and gets none. */
    public enum Outcome {
        /** The submission is refused. */
        REFUSE("refuse"),
        /** Shown to the approvers as high risk. */
        HIGH_RISK("high-risk"),
        /** Needs the approval of an approver class: integration approvers. */
        INTEGRATION("integration"),
        /** Needs the approval of an approver class: schema approvers. */
        SCHEMA("schema");

        private final String id;

        Outcome(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        static Outcome of(String id) {
            for (Outcome outcome : values()) {
                if (outcome.id.equals(id)) {
                    return outcome;
                }
            }
            throw new IllegalArgumentException("not a node policy outcome: " + id);
        }
    }

    /** One line for a person: the node as they find it in the editor, the outcome, the reason. */
    public String describe() {
        return new NodeFacts(nodeId, type, name, tab, null).describe() + ": " + outcome.id() + ", " + reason;
    }
}
