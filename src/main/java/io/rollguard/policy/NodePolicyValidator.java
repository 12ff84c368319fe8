package io.rollguard.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.camunda.bpm.dmn.engine.DmnDecision;
import org.camunda.bpm.dmn.engine.DmnEngine;
import org.camunda.bpm.dmn.engine.DmnEngineException;
import org.camunda.bpm.engine.variable.Variables;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * What a node policy may be: the decision table {@link NodePolicy} evaluates and nothing more.
 * <ul>
 * <li>one decision {@code nodePolicy}, a decision table with nothing beside it, no DTD;</li>
 * <li>its inputs exactly {@code nodeType} (string) and the booleans {@code talksToNetwork},
 * {@code usesChildProcess}, {@code usesProcess}, {@code usesRequire}, {@code readsDatabaseClient},
 * {@code readsAdminToken}; its outputs exactly {@code outcome} and {@code reason} (strings); hit
 * policy UNIQUE, FIRST, ANY, RULE ORDER or COLLECT without aggregation;</li>
 * <li>rules of FEEL literals only: for the node type one or more string literals, {@code not(...)}
 * of them, {@code -} or empty; for the booleans {@code true}, {@code false}, {@code not(...)} of
 * those, {@code -} or empty; the outcome one of {@code "refuse"}, {@code "high-risk"},
 * {@code "integration"}, {@code "schema"}; the reason a plain string literal. No JUEL, no scripts,
 * no Camunda extension attributes beyond history time to live and version tag;</li>
 * <li>and, evaluated, never weaker than the design: an {@code exec} node is refused, code that
 * uses {@code child_process} is refused or high risk, a node that talks to the network is refused
 * or needs integration approvers.</li>
 * </ul>
 */
public final class NodePolicyValidator {

    public static final String DECISION_ID = "nodePolicy";
    static final String NODE_TYPE = "nodeType";
    static final String TALKS_TO_NETWORK = "talksToNetwork";
    static final String USES_CHILD_PROCESS = "usesChildProcess";
    static final String USES_PROCESS = "usesProcess";
    static final String USES_REQUIRE = "usesRequire";
    static final String READS_DATABASE_CLIENT = "readsDatabaseClient";
    static final String READS_ADMIN_TOKEN = "readsAdminToken";
    static final List<String> BOOLEAN_INPUTS = List.of(TALKS_TO_NETWORK, USES_CHILD_PROCESS, USES_PROCESS,
            USES_REQUIRE, READS_DATABASE_CLIENT, READS_ADMIN_TOKEN);
    static final Set<String> OUTCOMES = Set.of("refuse", "high-risk", "integration", "schema");
    static final int MAX_RULES = 200;
    static final int MAX_REASON = 300;

    private static final Set<String> DESCRIPTIVE = PolicyDmn.DESCRIPTIVE;
    private static final String STRING = "\"[^\"\\\\]{1,200}\"";
    private static final Pattern TYPE_ENTRY = Pattern.compile(
            "\\s*(-|" + STRING + "(\\s*,\\s*" + STRING + ")*|not\\(\\s*" + STRING + "(\\s*,\\s*" + STRING + ")*\\s*\\))?\\s*");
    private static final Pattern BOOLEAN_ENTRY = Pattern.compile("\\s*(-|true|false|not\\(\\s*(true|false)\\s*\\))?\\s*");
    private static final Pattern STRING_LITERAL = Pattern.compile("\\s*\"([^\"\\\\]*)\"\\s*");

    private final DmnEngine dmn;

    public NodePolicyValidator(DmnEngine dmn) {
        this.dmn = dmn;
    }

    /** Every reason this file is not a node policy; empty when it is one. */
    public List<String> problems(byte[] file) {
        List<String> problems = new ArrayList<>();
        Element table = PolicyDmn.decisionTable(file, DECISION_ID, "outcomes", problems);
        if (table == null) {
            return problems;
        }
        checkTable(table, problems);
        if (problems.isEmpty()) {
            checkOutcomes(file, problems);
        }
        return problems;
    }

    private static void checkTable(Element table, List<String> problems) {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        List<Element> rules = new ArrayList<>();
        for (Element child : PolicyDmn.children(table)) {
            switch (child.getLocalName()) {
                case "input" -> inputs.add(checkInput(child, problems));
                case "output" -> outputs.add(checkOutput(child, problems));
                case "rule" -> rules.add(child);
                case "description", "documentation", "extensionElements" -> { }
                default -> problems.add("decision table: <" + child.getLocalName() + "> is not allowed");
            }
        }
        List<String> expected = new ArrayList<>(List.of(NODE_TYPE));
        expected.addAll(BOOLEAN_INPUTS);
        if (inputs.size() != expected.size() || !Set.copyOf(inputs).equals(Set.copyOf(expected))) {
            problems.add("the inputs must be exactly " + expected + ", each once: the facts Rollguard provides per node");
            return;
        }
        if (outputs.size() != 2 || !Set.copyOf(outputs).equals(Set.of("outcome", "reason"))) {
            problems.add("the outputs must be exactly 'outcome' and 'reason'");
            return;
        }
        if (rules.size() > MAX_RULES) {
            problems.add("more than " + MAX_RULES + " rules");
        }
        for (Element rule : rules) {
            checkRule(rule, inputs, outputs, problems);
        }
    }

    private static String checkInput(Element input, List<String> problems) {
        PolicyDmn.InputExpression expression = PolicyDmn.inputExpression(input, problems);
        String text = expression.text();
        String type = expression.type();
        if (NODE_TYPE.equals(text) && !"string".equals(type)) {
            problems.add("input " + NODE_TYPE + " must be of type string");
        } else if (BOOLEAN_INPUTS.contains(text) && !"boolean".equals(type)) {
            problems.add("input " + text + " must be of type boolean");
        } else if (!NODE_TYPE.equals(text) && !BOOLEAN_INPUTS.contains(text)) {
            problems.add("input expression '" + text + "' is not one of the node's facts");
        }
        return text;
    }

    private static String checkOutput(Element output, List<String> problems) {
        String name = output.getAttribute("name");
        if (!Set.of("outcome", "reason").contains(name) || !"string".equals(output.getAttribute("typeRef"))) {
            problems.add("output '" + name + "' must be 'outcome' or 'reason', of type string");
        }
        for (Element child : PolicyDmn.children(output)) {
            if (!DESCRIPTIVE.contains(child.getLocalName())) {
                problems.add("output: <" + child.getLocalName() + "> is not allowed");
            }
        }
        return name;
    }

    private static void checkRule(Element rule, List<String> inputs, List<String> outputs, List<String> problems) {
        String id = rule.getAttribute("id");
        List<String> inputEntries = new ArrayList<>();
        List<String> outputEntries = new ArrayList<>();
        for (Element child : PolicyDmn.children(rule)) {
            switch (child.getLocalName()) {
                case "inputEntry" -> inputEntries.add(PolicyDmn.text(child));
                case "outputEntry" -> outputEntries.add(PolicyDmn.text(child));
                case "description", "documentation", "extensionElements" -> { }
                default -> problems.add("rule " + id + ": <" + child.getLocalName() + "> is not allowed");
            }
        }
        if (inputEntries.size() != inputs.size() || outputEntries.size() != outputs.size()) {
            problems.add("rule " + id + " must have " + inputs.size() + " input entries and 2 output entries");
            return;
        }
        for (int i = 0; i < inputs.size(); i++) {
            String text = inputEntries.get(i);
            boolean isType = NODE_TYPE.equals(inputs.get(i));
            if (!(isType ? TYPE_ENTRY : BOOLEAN_ENTRY).matcher(text).matches()) {
                problems.add("rule " + id + ": input entry '" + text + "' for " + inputs.get(i) + " is not "
                        + (isType ? "string literals, not(...) of them" : "true, false, not(...)") + ", - or empty");
            }
        }
        for (int i = 0; i < outputs.size(); i++) {
            String text = outputEntries.get(i);
            Matcher literal = STRING_LITERAL.matcher(text);
            if ("outcome".equals(outputs.get(i))) {
                if (!literal.matches() || !OUTCOMES.contains(literal.group(1))) {
                    problems.add("rule " + id + ": outcome '" + text + "' is not one of "
                            + OUTCOMES.stream().sorted().map(o -> "\"" + o + "\"").toList());
                }
            } else if (!literal.matches() || literal.group(1).length() > MAX_REASON) {
                problems.add("rule " + id + ": reason '" + text + "' is not a string literal of at most "
                        + MAX_REASON + " characters");
            }
        }
    }

    /** Evaluates the policy for the nodes the design has an answer for and checks it gives at least that. */
    private void checkOutcomes(byte[] file, List<String> problems) {
        DmnDecision decision = PolicyDmn.decision(dmn, DECISION_ID, file, problems);
        if (decision == null) {
            return;
        }
        check(decision, "an exec node", "exec", Map.of(), Set.of("refuse"), "must be refused", problems);
        check(decision, "a function using child_process", "function", Map.of(USES_CHILD_PROCESS, true),
                Set.of("refuse", "high-risk"), "must be refused or high risk", problems);
        check(decision, "a node that talks to the network", "http request", Map.of(TALKS_TO_NETWORK, true),
                Set.of("refuse", "integration"), "must be refused or need integration approvers", problems);
    }

    private void check(DmnDecision decision, String what, String type, Map<String, Boolean> facts,
            Set<String> anyOf, String must, List<String> problems) {
        Map<String, Object> variables = new HashMap<>();
        variables.put(NODE_TYPE, type);
        BOOLEAN_INPUTS.forEach(input -> variables.put(input, facts.getOrDefault(input, false)));
        try {
            List<Object> outcomes = dmn.evaluateDecision(decision, Variables.fromMap(variables))
                    .collectEntries("outcome");
            if (outcomes.stream().noneMatch(anyOf::contains)) {
                problems.add(what + " " + must + "; this policy gives " + outcomes);
            }
        } catch (DmnEngineException e) {
            problems.add("for " + what + " the policy cannot be evaluated: " + e.getMessage());
        }
    }
}
