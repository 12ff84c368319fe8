package io.rollguard.policy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.camunda.bpm.dmn.engine.DmnDecision;
import org.camunda.bpm.dmn.engine.DmnEngine;
import org.camunda.bpm.dmn.engine.DmnEngineException;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * What every DMN file a person may deploy is checked with, whichever policy it is: parsed without
 * a DTD, FEEL as the only expression language, no Camunda extension attribute beyond history time
 * to live and version tag. Shared by the approval policy's validator and the node policy's.
 */
public final class PolicyDmn {

    public static final int MAX_BYTES = 256 * 1024;

    private static final String CAMUNDA_NS = "http://camunda.org/schema/1.0/dmn";
    private static final Set<String> FEEL = Set.of("feel", "https://www.omg.org/spec/DMN/20191111/FEEL/",
            "http://www.omg.org/spec/FEEL/20140401", "https://www.omg.org/spec/DMN/20180521/FEEL/");
    private static final Set<String> CAMUNDA_ATTRIBUTES = Set.of("historyTimeToLive", "versionTag");

    private PolicyDmn() {
    }

    /** Parses with DTDs refused, so no entity reaches a file or the network. */
    public static Document parse(byte[] file) throws SAXException, IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            return factory.newDocumentBuilder().parse(new ByteArrayInputStream(file));
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser lacks a secure setting", e);
        }
    }

    /** Adds a problem for every expression or type language other than FEEL and every Camunda attribute beyond the two. */
    public static void checkAttributes(Element element, List<String> problems) {
        NamedNodeMap attributes = element.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            Attr attribute = (Attr) attributes.item(i);
            String name = attribute.getLocalName() == null ? attribute.getName() : attribute.getLocalName();
            if (("expressionLanguage".equals(name) || "typeLanguage".equals(name))
                    && !FEEL.contains(attribute.getValue().trim().toLowerCase())
                    && !FEEL.contains(attribute.getValue().trim())) {
                problems.add("<" + element.getLocalName() + "> uses expression language '" + attribute.getValue()
                        + "': a policy is FEEL only");
            }
            if (CAMUNDA_NS.equals(attribute.getNamespaceURI()) && !CAMUNDA_ATTRIBUTES.contains(name)) {
                problems.add("<" + element.getLocalName() + "> has camunda:" + name + ", which a policy may not set");
            }
        }
        for (Element child : children(element)) {
            checkAttributes(child, problems);
        }
    }

    public static List<Element> children(Element parent) {
        List<Element> elements = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                elements.add(e);
            }
        }
        return elements;
    }

    /** The text of an entry or expression: its {@code <text>} child, or its own text. */
    public static String text(Element element) {
        for (Element child : children(element)) {
            if ("text".equals(child.getLocalName())) {
                return child.getTextContent();
            }
        }
        return element.getTextContent().isBlank() ? "" : element.getTextContent();
    }

    /** The ids of the decisions of a DMN file, or an empty list when it is not a DMN file that parses. */
    public static List<String> decisionIds(byte[] file) {
        try {
            Element definitions = parse(file).getDocumentElement();
            return children(definitions).stream().filter(e -> "decision".equals(e.getLocalName()))
                    .map(e -> e.getAttribute("id")).toList();
        } catch (SAXException | IOException e) {
            return List.of();
        }
    }

    /** Elements that only describe (allowed wherever a policy may hold them). */
    public static final Set<String> DESCRIPTIVE = Set.of("description", "documentation", "extensionElements");

    private static final Set<String> HIT_POLICIES = Set.of("UNIQUE", "FIRST", "ANY", "RULE ORDER", "COLLECT");

    /**
     * The one decision table of a policy file, after the checks every policy shares: size, XML
     * without a DTD, FEEL only, one decision with {@code decisionId} holding one table, a hit
     * policy that returns rows (no aggregation, which would turn the {@code outputs} into a
     * number). Null when there is no table to check further; the reasons are in {@code problems}.
     */
    public static Element decisionTable(byte[] file, String decisionId, String outputs, List<String> problems) {
        if (file.length > MAX_BYTES) {
            problems.add("the policy is larger than " + MAX_BYTES + " bytes");
            return null;
        }
        Document document;
        try {
            document = parse(file);
        } catch (SAXException | IOException e) {
            problems.add("not well-formed XML without a DTD: " + e.getMessage());
            return null;
        }
        Element definitions = document.getDocumentElement();
        if (!"definitions".equals(definitions.getLocalName())) {
            problems.add("the root element must be DMN definitions");
            return null;
        }
        checkAttributes(definitions, problems);
        List<Element> decisions = new ArrayList<>();
        for (Element child : children(definitions)) {
            switch (child.getLocalName()) {
                case "decision" -> decisions.add(child);
                case "DMNDI", "description", "documentation", "extensionElements" -> { }
                default -> problems.add("<" + child.getLocalName() + "> is not allowed: a policy is one decision table");
            }
        }
        if (decisions.size() != 1 || !decisionId.equals(decisions.get(0).getAttribute("id"))) {
            problems.add("the policy must be exactly one decision with id '" + decisionId + "'");
            return null;
        }
        List<Element> tables = new ArrayList<>();
        for (Element child : children(decisions.get(0))) {
            if ("decisionTable".equals(child.getLocalName())) {
                tables.add(child);
            } else if (!DESCRIPTIVE.contains(child.getLocalName()) && !"question".equals(child.getLocalName())
                    && !"allowedAnswers".equals(child.getLocalName())) {
                problems.add("decision " + decisionId + ": <" + child.getLocalName() + "> is not allowed");
            }
        }
        if (tables.size() != 1) {
            problems.add("decision " + decisionId + " must be one decision table");
            return null;
        }
        Element table = tables.get(0);
        String hitPolicy = table.hasAttribute("hitPolicy") ? table.getAttribute("hitPolicy") : "UNIQUE";
        if (!HIT_POLICIES.contains(hitPolicy)) {
            problems.add("hit policy " + hitPolicy + " is not one of " + HIT_POLICIES);
        }
        if (table.hasAttribute("aggregation")) {
            problems.add("an aggregation would turn the " + outputs + " into a number");
        }
        return table;
    }

    /** An input's expression text and type ({@code null} when it has none); anything else in the input is refused. */
    public record InputExpression(String text, String type) {
    }

    public static InputExpression inputExpression(Element input, List<String> problems) {
        String text = null;
        String type = null;
        for (Element child : children(input)) {
            if ("inputExpression".equals(child.getLocalName())) {
                type = child.getAttribute("typeRef");
                text = text(child).trim();
            } else if (!DESCRIPTIVE.contains(child.getLocalName())) {
                problems.add("input: <" + child.getLocalName() + "> is not allowed");
            }
        }
        return new InputExpression(text, type);
    }

    /** The policy as the DMN engine reads it, to evaluate it; null (with the reason) when the engine cannot. */
    public static DmnDecision decision(DmnEngine dmn, String decisionId, byte[] file, List<String> problems) {
        try {
            return dmn.parseDecision(decisionId, new ByteArrayInputStream(file));
        } catch (DmnEngineException e) {
            problems.add("the DMN engine cannot read the policy: " + e.getMessage());
            return null;
        }
    }
}
