package io.rollguard.approval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.camunda.bpm.dmn.engine.DmnDecision;
import org.camunda.bpm.dmn.engine.DmnEngine;
import org.camunda.bpm.dmn.engine.DmnEngineException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import io.rollguard.policy.PolicyDmn;
import io.rollguard.release.ReleaseVariables;

/**
 * What an approval policy may be: the decision table the lifecycle evaluates and nothing more.
 * <ul>
 * <li>one decision {@code approvalPolicy}, a decision table with no other decisions, inputs,
 * knowledge models or requirements beside it, and no DTD;</li>
 * <li>its inputs exactly the lifecycle's {@code schemaChange} and {@code integrationChange}
 * (booleans) and {@code risk} (a string, {@code "high"} or {@code "normal"}), each once; or only the
 * two booleans, as policies written before {@code risk} was an input are, so those an admin
 * deployed keep working; optionally also {@code flagChange} (a boolean: the release sets feature flags). Its one output {@code group} (a string), hit policy UNIQUE, FIRST, ANY,
 * RULE ORDER or COLLECT without aggregation;</li>
 * <li>rules of FEEL literals only: input entries {@code true}, {@code false}, {@code not(...)} of
 * those for the booleans, {@code "high"}, {@code "normal"}, {@code not(...)} of those for the risk,
 * {@code -} or empty; output entries one of the approver groups as a string literal. No
 * expression language other than FEEL, so no JUEL {@code ${...}} reaching Spring beans, no
 * scripts, no Camunda extension attributes other than history time to live and version tag;</li>
 * <li>and, evaluated for every case the lifecycle can ask (two booleans and the risk), at least one group,
 * schema approvers for a data model change and integration approvers for an integration change:
 * an admin may ask for more approvals, never for fewer than the design's roles require.</li>
 * </ul>
 */
final class ApprovalPolicyValidator {

    static final String DECISION_ID = "approvalPolicy";
    static final Set<String> APPROVER_GROUPS = Set.of("approver", "schema-approver", "integration-approver");
    static final int MAX_BYTES = PolicyDmn.MAX_BYTES;
    static final int MAX_RULES = 200;

    private static final Set<String> BOOLEAN_INPUTS = Set.of(ReleaseVariables.SCHEMA_CHANGE,
            ReleaseVariables.INTEGRATION_CHANGE);
    /** The input sets a policy may have: with the release's risk, or without it (written before it was an input). */
    private static final Set<Set<String>> INPUT_SETS = Set.of(BOOLEAN_INPUTS,
            Set.of(ReleaseVariables.SCHEMA_CHANGE, ReleaseVariables.INTEGRATION_CHANGE, ReleaseVariables.RISK),
            Set.of(ReleaseVariables.SCHEMA_CHANGE, ReleaseVariables.INTEGRATION_CHANGE, ReleaseVariables.FLAG_CHANGE),
            Set.of(ReleaseVariables.SCHEMA_CHANGE, ReleaseVariables.INTEGRATION_CHANGE, ReleaseVariables.RISK,
                    ReleaseVariables.FLAG_CHANGE));
    /** The values the lifecycle gives {@code risk}. */
    static final List<String> RISKS = List.of("normal", "high");
    private static final Pattern INPUT_ENTRY = Pattern.compile("\\s*(-|true|false|not\\(\\s*(true|false)\\s*\\))?\\s*");
    private static final String RISK_LITERAL = "\"(high|normal)\"";
    private static final Pattern RISK_ENTRY = Pattern.compile("\\s*(-|" + RISK_LITERAL + "(\\s*,\\s*" + RISK_LITERAL
            + ")*|not\\(\\s*" + RISK_LITERAL + "(\\s*,\\s*" + RISK_LITERAL + ")*\\s*\\))?\\s*");
    private static final Pattern OUTPUT_ENTRY = Pattern.compile("\\s*\"([a-z-]+)\"\\s*");
    private static final Set<String> DESCRIPTIVE = PolicyDmn.DESCRIPTIVE;

    private final DmnEngine dmn;

    ApprovalPolicyValidator(DmnEngine dmn) {
        this.dmn = dmn;
    }

    /** Every reason this file is not an approval policy; empty when it is one. */
    List<String> problems(byte[] file) {
        List<String> problems = new ArrayList<>();
        Element table = PolicyDmn.decisionTable(file, DECISION_ID, "groups", problems);
        if (table == null) {
            return problems;
        }
        List<String> inputs = checkTable(table, problems);
        if (problems.isEmpty()) {
            checkOutcomes(file, inputs.contains(ReleaseVariables.RISK), inputs.contains(ReleaseVariables.FLAG_CHANGE),
                    problems);
        }
        return problems;
    }

    /** The table's inputs, outputs and rules, after what every policy shares (PolicyDmn). */
    private List<String> checkTable(Element table, List<String> problems) {
        List<String> inputs = new ArrayList<>();
        int outputs = 0;
        List<Element> rules = new ArrayList<>();
        for (Element child : PolicyDmn.children(table)) {
            switch (child.getLocalName()) {
                case "input" -> inputs.add(checkInput(child, problems));
                case "output" -> {
                    outputs++;
                    checkOutput(child, problems);
                }
                case "rule" -> rules.add(child);
                case "description", "documentation", "extensionElements" -> { }
                default -> problems.add("decision table: <" + child.getLocalName() + "> is not allowed");
            }
        }
        if (!INPUT_SETS.contains(new HashSet<>(inputs)) || new HashSet<>(inputs).size() != inputs.size()) {
            problems.add("the inputs must be exactly " + sorted(BOOLEAN_INPUTS) + " and optionally "
                    + ReleaseVariables.RISK + " and " + ReleaseVariables.FLAG_CHANGE
                    + ", each once: the facts the lifecycle provides");
        } else {
            rules.forEach(rule -> checkRule(rule, inputs, problems));
        }
        if (outputs != 1) {
            problems.add("the decision table must have exactly one output, 'group'");
        }
        if (rules.size() > MAX_RULES) {
            problems.add("more than " + MAX_RULES + " rules");
        }
        return inputs;
    }

    private static String checkInput(Element input, List<String> problems) {
        PolicyDmn.InputExpression expression = PolicyDmn.inputExpression(input, problems);
        String text = expression.text();
        String type = expression.type();
        if (ReleaseVariables.RISK.equals(text)) {
            if (!"string".equals(type)) {
                problems.add("input " + ReleaseVariables.RISK + " must be of type string");
            }
        } else if (text == null || !(BOOLEAN_INPUTS.contains(text) || ReleaseVariables.FLAG_CHANGE.equals(text))) {
            problems.add("input expression '" + text + "' is not one of " + sorted(BOOLEAN_INPUTS) + ", "
                    + ReleaseVariables.FLAG_CHANGE + " or " + ReleaseVariables.RISK);
        } else if (!"boolean".equals(type)) {
            problems.add("input " + text + " must be of type boolean");
        }
        return text;
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }

    private static void checkOutput(Element output, List<String> problems) {
        if (!"group".equals(output.getAttribute("name")) || !"string".equals(output.getAttribute("typeRef"))) {
            problems.add("the output must be named 'group' and be of type string");
        }
        for (Element child : PolicyDmn.children(output)) {
            if (!DESCRIPTIVE.contains(child.getLocalName())) {
                problems.add("output: <" + child.getLocalName() + "> is not allowed");
            }
        }
    }

    private static void checkRule(Element rule, List<String> inputNames, List<String> problems) {
        String id = rule.getAttribute("id");
        int inputs = 0;
        int outputs = 0;
        for (Element child : PolicyDmn.children(rule)) {
            String text = PolicyDmn.text(child);
            switch (child.getLocalName()) {
                case "inputEntry" -> {
                    boolean risk = inputs < inputNames.size() && ReleaseVariables.RISK.equals(inputNames.get(inputs));
                    inputs++;
                    if (risk && !RISK_ENTRY.matcher(text).matches()) {
                        problems.add("rule " + id + ": input entry '" + text + "' for " + ReleaseVariables.RISK
                                + " is not \"high\", \"normal\", not(...), - or empty");
                    } else if (!risk && !INPUT_ENTRY.matcher(text).matches()) {
                        problems.add("rule " + id + ": input entry '" + text + "' is not true, false, not(...), - or empty");
                    }
                }
                case "outputEntry" -> {
                    outputs++;
                    var group = OUTPUT_ENTRY.matcher(text);
                    if (!group.matches() || !APPROVER_GROUPS.contains(group.group(1))) {
                        problems.add("rule " + id + ": output entry '" + text + "' is not one of the approver groups "
                                + APPROVER_GROUPS.stream().sorted().map(g -> "\"" + g + "\"").toList());
                    }
                }
                case "description", "documentation", "extensionElements" -> { }
                default -> problems.add("rule " + id + ": <" + child.getLocalName() + "> is not allowed");
            }
        }
        if (inputs != inputNames.size() || outputs != 1) {
            problems.add("rule " + id + " must have " + inputNames.size() + " input entries and one output entry");
        }
    }

    /** Evaluates the policy for every case the lifecycle can ask and checks the groups it requires. */
    private void checkOutcomes(byte[] file, boolean withRisk, boolean withFlags, List<String> problems) {
        DmnDecision decision = PolicyDmn.decision(dmn, DECISION_ID, file, problems);
        if (decision == null) {
            return;
        }
        List<Boolean> flagCases = withFlags ? List.of(false, true) : java.util.Collections.singletonList(null);
        List<String> riskCases = withRisk ? RISKS : java.util.Collections.singletonList(null);
        for (boolean schema : List.of(false, true)) {
            for (boolean integration : List.of(false, true)) {
                for (String risk : riskCases) {
                    for (Boolean flag : flagCases) {
                        checkCase(decision, schema, integration, risk, flag, problems);
                    }
                }
            }
        }
    }

    /** One case the lifecycle can ask; {@code risk} null for a policy without that input. */
    private void checkCase(DmnDecision decision, boolean schema, boolean integration, String risk, Boolean flag,
            List<String> problems) {
        String inCase = "for " + ReleaseVariables.SCHEMA_CHANGE + "=" + schema + ", "
                + ReleaseVariables.INTEGRATION_CHANGE + "=" + integration
                + (risk == null ? "" : ", " + ReleaseVariables.RISK + "=" + risk)
                + (flag == null ? "" : ", " + ReleaseVariables.FLAG_CHANGE + "=" + flag);
        Map<String, Object> variables = new HashMap<>();
        variables.put(ReleaseVariables.SCHEMA_CHANGE, schema);
        variables.put(ReleaseVariables.INTEGRATION_CHANGE, integration);
        if (risk != null) {
            variables.put(ReleaseVariables.RISK, risk);
        }
        if (flag != null) {
            variables.put(ReleaseVariables.FLAG_CHANGE, flag);
        }
        List<Object> groups;
        try {
            groups = dmn.evaluateDecision(decision, variables).collectEntries("group");
        } catch (DmnEngineException e) {
            problems.add(inCase + " the policy cannot be evaluated: " + e.getMessage());
            return;
        }
        if (groups.isEmpty()) {
            problems.add(inCase + " no group would approve: every release needs an approver");
        }
        if (schema && !groups.contains("schema-approver")) {
            problems.add(inCase + " schema approvers must approve: only they approve data model changes");
        }
        if (integration && !groups.contains("integration-approver")) {
            problems.add(inCase + " integration approvers must approve: only they approve integration changes");
        }
    }
}
