package io.rollguard.approval;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
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
import org.xml.sax.SAXException;

import io.rollguard.policy.PolicyDmn;
import io.rollguard.release.ReleaseVariables;

/**
 * What an approval policy may be: the decision table the lifecycle evaluates and nothing more.
 * <ul>
 * <li>one decision {@code approvalPolicy}, a decision table with no other decisions, inputs,
 * knowledge models or requirements beside it, and no DTD;</li>
 * <li>its inputs exactly the lifecycle's {@code schemaChange} and {@code integrationChange}
 * (booleans), its one output {@code group} (a string), hit policy UNIQUE, FIRST, ANY, RULE ORDER
 * or COLLECT without aggregation;</li>
 * <li>rules of FEEL literals only: input entries {@code true}, {@code false}, {@code not(...)} of
 * those, {@code -} or empty; output entries one of the approver groups as a string literal. No
 * expression language other than FEEL, so no JUEL {@code ${...}} reaching Spring beans, no
 * scripts, no Camunda extension attributes other than history time to live and version tag;</li>
 * <li>and, evaluated for every case the lifecycle can ask (two booleans), at least one group,
 * schema approvers for a data model change and integration approvers for an integration change:
 * an admin may ask for more approvals, never for fewer than the design's roles require.</li>
 * </ul>
 */
final class ApprovalPolicyValidator {

    static final String DECISION_ID = "approvalPolicy";
    static final Set<String> APPROVER_GROUPS = Set.of("approver", "schema-approver", "integration-approver");
    static final int MAX_BYTES = PolicyDmn.MAX_BYTES;
    static final int MAX_RULES = 200;

    private static final Set<String> HIT_POLICIES = Set.of("UNIQUE", "FIRST", "ANY", "RULE ORDER", "COLLECT");
    private static final Set<String> INPUTS = Set.of(ReleaseVariables.SCHEMA_CHANGE, ReleaseVariables.INTEGRATION_CHANGE);
    private static final Pattern INPUT_ENTRY = Pattern.compile("\\s*(-|true|false|not\\(\\s*(true|false)\\s*\\))?\\s*");
    private static final Pattern OUTPUT_ENTRY = Pattern.compile("\\s*\"([a-z-]+)\"\\s*");
    private static final Set<String> DESCRIPTIVE = Set.of("description", "documentation", "extensionElements");

    private final DmnEngine dmn;

    ApprovalPolicyValidator(DmnEngine dmn) {
        this.dmn = dmn;
    }

    /** Every reason this file is not an approval policy; empty when it is one. */
    List<String> problems(byte[] file) {
        List<String> problems = new ArrayList<>();
        if (file.length > MAX_BYTES) {
            return List.of("the policy is larger than " + MAX_BYTES + " bytes");
        }
        Document document;
        try {
            document = PolicyDmn.parse(file);
        } catch (SAXException | IOException e) {
            return List.of("not well-formed XML without a DTD: " + e.getMessage());
        }
        PolicyDmn.checkAttributes(document.getDocumentElement(), problems);
        Element definitions = document.getDocumentElement();
        if (!"definitions".equals(definitions.getLocalName())) {
            return List.of("the root element must be DMN definitions");
        }
        List<Element> decisions = new ArrayList<>();
        for (Element child : PolicyDmn.children(definitions)) {
            switch (child.getLocalName()) {
                case "decision" -> decisions.add(child);
                case "DMNDI", "description", "documentation", "extensionElements" -> { }
                default -> problems.add("<" + child.getLocalName() + "> is not allowed: a policy is one decision table");
            }
        }
        if (decisions.size() != 1 || !DECISION_ID.equals(decisions.get(0).getAttribute("id"))) {
            problems.add("the policy must be exactly one decision with id '" + DECISION_ID + "'");
            return problems;
        }
        checkDecision(decisions.get(0), problems);
        if (problems.isEmpty()) {
            checkOutcomes(file, problems);
        }
        return problems;
    }

    private void checkDecision(Element decision, List<String> problems) {
        List<Element> tables = new ArrayList<>();
        for (Element child : PolicyDmn.children(decision)) {
            if ("decisionTable".equals(child.getLocalName())) {
                tables.add(child);
            } else if (!DESCRIPTIVE.contains(child.getLocalName()) && !"question".equals(child.getLocalName())
                    && !"allowedAnswers".equals(child.getLocalName())) {
                problems.add("decision " + DECISION_ID + ": <" + child.getLocalName() + "> is not allowed");
            }
        }
        if (tables.size() != 1) {
            problems.add("decision " + DECISION_ID + " must be one decision table");
            return;
        }
        Element table = tables.get(0);
        String hitPolicy = table.hasAttribute("hitPolicy") ? table.getAttribute("hitPolicy") : "UNIQUE";
        if (!HIT_POLICIES.contains(hitPolicy)) {
            problems.add("hit policy " + hitPolicy + " is not one of " + HIT_POLICIES);
        }
        if (table.hasAttribute("aggregation")) {
            problems.add("an aggregation would turn the groups into a number");
        }
        Set<String> inputs = new HashSet<>();
        int outputs = 0;
        int rules = 0;
        for (Element child : PolicyDmn.children(table)) {
            switch (child.getLocalName()) {
                case "input" -> inputs.add(checkInput(child, problems));
                case "output" -> {
                    outputs++;
                    checkOutput(child, problems);
                }
                case "rule" -> {
                    rules++;
                    checkRule(child, problems);
                }
                case "description", "documentation", "extensionElements" -> { }
                default -> problems.add("decision table: <" + child.getLocalName() + "> is not allowed");
            }
        }
        if (!inputs.equals(INPUTS) || PolicyDmn.children(table).stream().filter(e -> "input".equals(e.getLocalName())).count() != 2) {
            problems.add("the inputs must be exactly " + INPUTS + ", the facts the lifecycle provides");
        }
        if (outputs != 1) {
            problems.add("the decision table must have exactly one output, 'group'");
        }
        if (rules > MAX_RULES) {
            problems.add("more than " + MAX_RULES + " rules");
        }
    }

    private static String checkInput(Element input, List<String> problems) {
        String text = null;
        for (Element child : PolicyDmn.children(input)) {
            if ("inputExpression".equals(child.getLocalName())) {
                if (!"boolean".equals(child.getAttribute("typeRef"))) {
                    problems.add("input expressions must be of type boolean");
                }
                text = PolicyDmn.text(child).trim();
            } else if (!DESCRIPTIVE.contains(child.getLocalName())) {
                problems.add("input: <" + child.getLocalName() + "> is not allowed");
            }
        }
        if (text == null || !INPUTS.contains(text)) {
            problems.add("input expression '" + text + "' is not one of " + INPUTS);
        }
        return text;
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

    private static void checkRule(Element rule, List<String> problems) {
        String id = rule.getAttribute("id");
        int inputs = 0;
        int outputs = 0;
        for (Element child : PolicyDmn.children(rule)) {
            String text = PolicyDmn.text(child);
            switch (child.getLocalName()) {
                case "inputEntry" -> {
                    inputs++;
                    if (!INPUT_ENTRY.matcher(text).matches()) {
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
        if (inputs != 2 || outputs != 1) {
            problems.add("rule " + id + " must have two input entries and one output entry");
        }
    }

    /** Evaluates the policy for every case the lifecycle can ask and checks the groups it requires. */
    private void checkOutcomes(byte[] file, List<String> problems) {
        DmnDecision decision;
        try {
            decision = dmn.parseDecision(DECISION_ID, new ByteArrayInputStream(file));
        } catch (DmnEngineException e) {
            problems.add("the DMN engine cannot read the policy: " + e.getMessage());
            return;
        }
        for (boolean schema : List.of(false, true)) {
            for (boolean integration : List.of(false, true)) {
                String inCase = "for " + ReleaseVariables.SCHEMA_CHANGE + "=" + schema + ", "
                        + ReleaseVariables.INTEGRATION_CHANGE + "=" + integration;
                List<Object> groups;
                try {
                    groups = dmn.evaluateDecision(decision, Map.of(ReleaseVariables.SCHEMA_CHANGE, schema,
                            ReleaseVariables.INTEGRATION_CHANGE, integration)).collectEntries("group");
                } catch (DmnEngineException e) {
                    problems.add(inCase + " the policy cannot be evaluated: " + e.getMessage());
                    continue;
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
    }
}
