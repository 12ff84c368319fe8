package io.rollguard.changes;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.changes.FlowDiff.NodeChange;
import io.rollguard.changes.FlowDiff.NodeRef;
import io.rollguard.policy.NodeDecision;
import io.rollguard.policy.NodeFacts;
import io.rollguard.release.descriptor.ChangeClass;

/**
 * What the admins' node policy decides about the nodes a release adds or changes, whatever the
 * descriptor declares: its {@code integration} and {@code schema} outcomes are evidence for that
 * class, its {@code high-risk} outcomes make the release high risk. Which node talks to the outside
 * is the policy's to say (its {@code talksToNetwork} input and its rules), not a second list here.
 * <p>
 * Decided are the added nodes and the changed ones unless only their name or documentation
 * ({@code info}) changed: renaming an HTTP request is no new integration, and code already live is
 * not new risk. Removed nodes get no decision (nothing new is reached). A {@code refuse} outcome
 * never gets here: the submission refuses it on every node of the flows, changed or not.
 */
final class DerivedClasses {

    private static final Set<String> DOCUMENTATION = Set.of("name", "info");

    /** Why one class applies: the node, what the diff shows of it and the node policy's reason. */
    record Evidence(ChangeClass changeClass, NodeRef node, String reason, String policyReason) {
        /** {@code integration: adds http request to api.rates.example (node 'Get rates' on 'Expenses'): <policy's reason>}. */
        String describe() {
            return changeClass.id() + ": " + reason + " (" + node.describe() + "): " + policyReason;
        }
    }

    /** Why the release is high risk: the node, what the diff shows of it and the node policy's reason with the code's lines. */
    record HighRisk(NodeRef node, String reason, String policyReason) {
        String describe() {
            return NodeDecision.Outcome.HIGH_RISK.id() + ": " + reason + " (" + node.describe() + "): " + policyReason;
        }
    }

    record Derived(List<Evidence> evidence, List<HighRisk> highRisk) {

        static final Derived NONE = new Derived(List.of(), List.of());

        Set<ChangeClass> classes() {
            Set<ChangeClass> classes = EnumSet.noneOf(ChangeClass.class);
            evidence.forEach(e -> classes.add(e.changeClass()));
            return classes;
        }

        /** The approver's one list: the classes' evidence, then the high-risk reasons. */
        List<String> findings() {
            List<String> lines = new ArrayList<>();
            evidence.forEach(e -> lines.add(e.describe()));
            highRisk.forEach(h -> lines.add(h.describe()));
            return lines;
        }
    }

    private DerivedClasses() {
    }

    /**
     * The policy's decisions on the nodes {@code diff} adds or changes, {@code newFlows} being the
     * release's flows the diff was made from (the policy reads each node's JSON).
     */
    static Derived of(FlowDiff.Result diff, JsonNode newFlows, Function<List<NodeFacts>, List<NodeDecision>> policy) {
        Map<String, String> decided = new LinkedHashMap<>();
        Map<String, NodeRef> refs = new LinkedHashMap<>();
        for (NodeChange added : diff.addedNodes()) {
            decided.putIfAbsent(added.node().id(), "adds " + what(added.node()));
            refs.putIfAbsent(added.node().id(), added.node());
        }
        for (NodeChange changed : diff.changedNodes()) {
            Set<String> names = changed.propertyNames();
            if (!DOCUMENTATION.containsAll(names)) {
                decided.putIfAbsent(changed.node().id(),
                        "changes " + String.join(", ", names) + " of " + what(changed.node()));
                refs.putIfAbsent(changed.node().id(), changed.node());
            }
        }
        if (decided.isEmpty() || newFlows == null) {
            return Derived.NONE;
        }
        Set<String> seen = new LinkedHashSet<>();
        List<NodeFacts> nodes = NodeFacts.allOf(newFlows).stream()
                .filter(n -> decided.containsKey(n.id()) && seen.add(n.id())).toList();
        List<Evidence> evidence = new ArrayList<>();
        List<HighRisk> highRisk = new ArrayList<>();
        Set<String> once = new LinkedHashSet<>();
        for (NodeDecision d : policy.apply(nodes)) {
            NodeRef node = refs.get(d.nodeId());
            String reason = decided.get(d.nodeId());
            switch (d.outcome()) {
                case INTEGRATION -> {
                    if (once.add("integration " + d.nodeId())) {
                        evidence.add(new Evidence(ChangeClass.INTEGRATION, node, reason, d.reason()));
                    }
                }
                case SCHEMA -> {
                    if (once.add("schema " + d.nodeId())) {
                        evidence.add(new Evidence(ChangeClass.SCHEMA, node, reason, d.reason()));
                    }
                }
                case HIGH_RISK -> highRisk.add(new HighRisk(node, reason, d.reason()));
                case REFUSE -> { } // refused at submission on every node of the flows
            }
        }
        return new Derived(evidence, highRisk);
    }

    private static String what(NodeRef node) {
        return node.type() + (node.hosts().isEmpty() ? "" : " to " + String.join(", ", node.hosts()));
    }
}
