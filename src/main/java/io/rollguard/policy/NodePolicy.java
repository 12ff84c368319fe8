package io.rollguard.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.camunda.bpm.dmn.engine.DmnDecisionResult;
import org.camunda.bpm.dmn.engine.DmnDecisionResultEntries;
import org.camunda.bpm.engine.DecisionService;
import org.camunda.bpm.engine.variable.Variables;
import org.springframework.stereotype.Service;

/**
 * Decides what each node of a release's flows means for the release by the admins' node policy:
 * the latest deployed version of decision {@value NodePolicyValidator#DECISION_ID} (the one shipped
 * in {@code bpmn/node-policy.dmn}, or a newer one an admin deployed, which only deploys when it
 * validates). Nodes that match no rule are ordinary and get no decision.
 */
@Service
public class NodePolicy {

    private final DecisionService decisions;

    public NodePolicy(DecisionService decisions) {
        this.decisions = decisions;
    }

    /** The decisions in the order of the nodes, a node's own in the policy's rule order. */
    public List<NodeDecision> decide(List<NodeFacts> nodes) {
        // the policy is FEEL literals on these inputs only (NodePolicyValidator), so nodes with the same
        // inputs get the same rules: a flow of 2 000 nodes has a handful of distinct input sets, and each
        // evaluation looks the latest decision definition up again; asked once per set, within this call
        // only, so a policy deployed meanwhile applies from the next call on
        Map<Map<String, Object>, List<Rule>> decidedFor = new HashMap<>();
        List<NodeDecision> decided = new ArrayList<>();
        for (NodeFacts node : nodes) {
            FunctionCodeScan.Findings code = FunctionCodeScan.scan(node.node());
            List<Rule> rules = decidedFor.computeIfAbsent(new HashMap<>(inputs(node, code)), this::evaluate);
            for (Rule rule : rules) {
                decided.add(new NodeDecision(node.id(), node.type(), node.name(), node.tab(),
                        NodeDecision.Outcome.of(rule.outcome()), withEvidence(rule.reason(), code)));
            }
        }
        return decided;
    }

    /** One matched rule of the policy: its outcome and reason. */
    private record Rule(String outcome, String reason) {
    }

    private List<Rule> evaluate(Map<String, Object> inputs) {
        DmnDecisionResult result = decisions.evaluateDecisionByKey(NodePolicyValidator.DECISION_ID)
                .decisionDefinitionWithoutTenantId()
                .variables(inputs)
                .evaluate();
        List<Rule> rules = new ArrayList<>();
        for (DmnDecisionResultEntries entries : result) {
            rules.add(new Rule(entries.getEntry("outcome"), entries.getEntry("reason")));
        }
        return rules;
    }

    static Map<String, Object> inputs(NodeFacts node, FunctionCodeScan.Findings code) {
        return Variables.createVariables()
                .putValue(NodePolicyValidator.NODE_TYPE, node.type())
                .putValue(NodePolicyValidator.TALKS_TO_NETWORK, NetworkNodes.talksToNetwork(node.node()))
                .putValue(NodePolicyValidator.USES_CHILD_PROCESS, code.usesChildProcess())
                .putValue(NodePolicyValidator.USES_PROCESS, code.usesProcess())
                .putValue(NodePolicyValidator.USES_REQUIRE, code.usesRequire())
                .putValue(NodePolicyValidator.READS_DATABASE_CLIENT, code.readsDatabaseClient())
                .putValue(NodePolicyValidator.READS_ADMIN_TOKEN, code.readsAdminToken());
    }

    /** The policy's reason, and what the scan found, so the approver can find the line. */
    private static String withEvidence(String reason, FunctionCodeScan.Findings code) {
        String text = reason == null ? "" : reason;
        return code.evidence().isEmpty() ? text : text + " [" + String.join("; ", code.evidence()) + "]";
    }
}
