package io.rollguard.policy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

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
}
