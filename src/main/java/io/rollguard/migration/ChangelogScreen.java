package io.rollguard.migration;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;

import io.rollguard.migration.MigrationEngine.InvalidChangelogException;

/**
 * Reads the uploaded text of a changelog, before Liquibase does, with parsers that have limits:
 * Liquibase reads {@code property: file:}, includes, DTDs and YAML aliases while it parses, so
 * what would make it touch the server or blow up has to be refused before it sees the text.
 * What passes here is checked again on Liquibase's parsed model ({@link ChangelogModelCheck}).
 */
final class ChangelogScreen {

    private static final Pattern SQL_DIRECTIVE = Pattern.compile("^\\s*--\\s*(\\w[\\w-]*)(.*)$");
    private static final Pattern SQL_CHANGESET = Pattern.compile("^\\s*--\\s*changeset\\s+(\\S+)(.*)$", Pattern.CASE_INSENSITIVE);
    private static final Pattern SQL_ATTRIBUTE = Pattern.compile("(\\w+):(\\S*)");

    private ChangelogScreen() {
    }

    static void screen(Changelog changelog) {
        int bytes = changelog.content().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > ChangelogPolicy.MAX_BYTES) {
            throw refused(changelog, "it has " + bytes + " bytes; at most " + ChangelogPolicy.MAX_BYTES + " are accepted");
        }
        String name = changelog.fileName().toLowerCase(Locale.ROOT);
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            yaml(changelog);
        } else if (name.endsWith(".xml")) {
            xml(changelog);
        } else if (name.endsWith(".sql")) {
            sql(changelog);
        } else {
            throw refused(changelog, "unknown format");
        }
    }

    static InvalidChangelogException refused(Changelog changelog, String why) {
        return new InvalidChangelogException(changelog.fileName() + " is refused: " + why, null);
    }

    // ---- YAML ----

    private static void yaml(Changelog changelog) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(ChangelogPolicy.MAX_YAML_ALIASES);
        options.setNestingDepthLimit(ChangelogPolicy.MAX_NESTING);
        options.setCodePointLimit(ChangelogPolicy.MAX_BYTES);
        options.setAllowRecursiveKeys(false);
        options.setAllowDuplicateKeys(false);
        // SafeConstructor builds maps, lists and scalars only: a global tag (!!javax.script...) is an error, never an object
        Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(new DumperOptions()), new DumperOptions(), options);
        Object root;
        try {
            root = yaml.load(changelog.content());
        } catch (YAMLException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new InvalidChangelogException(changelog.fileName() + " is not a valid Liquibase changelog (YAML): "
                    + (message.length() > 300 ? message.substring(0, 300) + "..." : message), e);
        }
        if (!(root instanceof Map<?, ?> top) || !top.containsKey("databaseChangeLog")) {
            throw refused(changelog, "a YAML changelog is a map with the single key databaseChangeLog");
        }
        if (top.size() != 1) {
            throw refused(changelog, "a YAML changelog has the single key databaseChangeLog, not " + top.keySet());
        }
        if (!(top.get("databaseChangeLog") instanceof List<?> entries)) {
            throw refused(changelog, "databaseChangeLog must be a list of changeSet and property entries");
        }
        int index = 0;
        for (Object entry : entries) {
            index++;
            if (!(entry instanceof Map<?, ?> map) || map.size() != 1) {
                throw refused(changelog, "entry " + index + " of databaseChangeLog must be one changeSet or property");
            }
            String key = String.valueOf(map.keySet().iterator().next());
            Object value = map.values().iterator().next();
            String where = "entry " + index;
            if (key.equals("changeSet") && value instanceof Map<?, ?> cs) {
                where = changeSetName(cs.get("id"), cs.get("author"), index);
                for (Map.Entry<?, ?> attribute : cs.entrySet()) {
                    String k = String.valueOf(attribute.getKey());
                    knownChangeSetAttribute(changelog, where, k, attribute.getValue());
                    if (k.equals("changes") || k.equals("rollback")) {
                        yamlChanges(changelog, where, k, attribute.getValue());
                    }
                }
            } else if (!key.equals("property")) {
                throw refused(changelog, where + ": " + key + " is not allowed: "
                        + ChangelogPolicy.REFUSED_CHANGELOG_ENTRIES.getOrDefault(key, "a changelog holds changeSet and property entries only"));
            }
            forbiddenKeys(changelog, where, value);
        }
    }

    private static void yamlChanges(Changelog changelog, String where, String part, Object changes) {
        if (changes instanceof String || changes == null) {
            return; // a rollback given as raw SQL
        }
        List<?> list = changes instanceof List<?> l ? l : List.of(changes);
        for (Object change : list) {
            if (change instanceof Map<?, ?> map) {
                for (Object type : map.keySet()) {
                    String t = String.valueOf(type);
                    // a rollback may name another changeset of this file to undo it
                    if (part.equals("rollback") && (t.equals("changeSetId") || t.equals("changeSetAuthor"))) {
                        continue;
                    }
                    changeType(changelog, where, part, t);
                }
            } else if (!(change instanceof String)) {
                throw refused(changelog, where + ": " + part + " must list changes");
            }
        }
    }

    private static void forbiddenKeys(Changelog changelog, String where, Object node) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                forbiddenAttribute(changelog, where, String.valueOf(e.getKey()));
                forbiddenKeys(changelog, where, e.getValue());
            }
        } else if (node instanceof List<?> list) {
            list.forEach(item -> forbiddenKeys(changelog, where, item));
        }
    }

    // ---- XML ----

    private static void xml(Changelog changelog) {
        Element root;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            // no DTD at all: no external entity, no parameter entity, no entity expansion bomb
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder builder = f.newDocumentBuilder();
            builder.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entities are never read");
            });
            builder.setErrorHandler(null);
            root = builder.parse(new InputSource(new StringReader(changelog.content()))).getDocumentElement();
        } catch (SAXException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            throw new InvalidChangelogException(changelog.fileName() + " is not a valid Liquibase changelog (XML)"
                    + (message.contains("DOCTYPE") ? " (a DOCTYPE is not allowed: DTDs and external entities are never read)"
                            : ": " + (message.length() > 300 ? message.substring(0, 300) + "..." : message)), e);
        } catch (ParserConfigurationException | IOException e) {
            throw new IllegalStateException("The XML parser cannot be configured safely", e);
        }
        if (!root.getLocalName().equals("databaseChangeLog")) {
            throw refused(changelog, "the root element must be databaseChangeLog");
        }
        xmlAttributes(changelog, "databaseChangeLog", root);
        if (root.hasAttribute("logicalFilePath")) {
            throw refused(changelog, "logicalFilePath is not allowed: " + ChangelogPolicy.REFUSED_CHANGELOG_ENTRIES.get("logicalFilePath"));
        }
        int index = 0;
        for (Element entry : children(root)) {
            index++;
            String name = entry.getLocalName();
            String where = "entry " + index;
            if (name.equals("changeSet")) {
                where = changeSetName(attr(entry, "id"), attr(entry, "author"), index);
                NamedNodeMap attributes = entry.getAttributes();
                for (int i = 0; i < attributes.getLength(); i++) {
                    Attr a = (Attr) attributes.item(i);
                    if (a.getNamespaceURI() == null) {
                        knownChangeSetAttribute(changelog, where, a.getLocalName(), a.getValue());
                    }
                }
                for (Element part : children(entry)) {
                    String p = part.getLocalName();
                    if (p.equals("comment")) {
                        continue;
                    }
                    if (p.equals("rollback")) {
                        for (Element change : children(part)) {
                            changeType(changelog, where, "rollback", change.getLocalName());
                        }
                        continue;
                    }
                    changeSetAttribute(changelog, where, p, null);
                    changeType(changelog, where, "changes", p);
                }
            } else if (!name.equals("property")) {
                throw refused(changelog, where + ": " + name + " is not allowed: "
                        + ChangelogPolicy.REFUSED_CHANGELOG_ENTRIES.getOrDefault(name, "a changelog holds changeSet and property entries only"));
            }
            xmlForbidden(changelog, where, entry, 1);
        }
    }

    private static void xmlForbidden(Changelog changelog, String where, Element element, int depth) {
        if (depth > ChangelogPolicy.MAX_NESTING) {
            throw refused(changelog, where + ": nested deeper than " + ChangelogPolicy.MAX_NESTING + " levels");
        }
        xmlAttributes(changelog, where, element);
        for (Element child : children(element)) {
            xmlForbidden(changelog, where, child, depth + 1);
        }
    }

    private static void xmlAttributes(Changelog changelog, String where, Element element) {
        NamedNodeMap attributes = element.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            Attr a = (Attr) attributes.item(i);
            if (a.getNamespaceURI() == null) {
                forbiddenAttribute(changelog, where, a.getLocalName());
            }
        }
    }

    private static List<Element> children(Element parent) {
        List<Element> elements = new java.util.ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                elements.add(e);
            }
        }
        return elements;
    }

    private static String attr(Element e, String name) {
        return e.hasAttribute(name) ? e.getAttribute(name) : null;
    }

    // ---- formatted SQL ----

    private static void sql(Changelog changelog) {
        String where = "the changelog";
        int line = 0;
        for (String text : changelog.content().split("\r?\n", -1)) {
            line++;
            Matcher m = SQL_DIRECTIVE.matcher(text);
            if (!m.matches()) {
                continue;
            }
            String directive = m.group(1).toLowerCase(Locale.ROOT);
            Matcher cs = SQL_CHANGESET.matcher(text);
            if (cs.matches()) {
                String[] authorId = cs.group(1).split(":", 2);
                where = changeSetName(authorId.length > 1 ? authorId[1] : authorId[0], authorId[0], line);
                Matcher a = SQL_ATTRIBUTE.matcher(cs.group(2));
                while (a.find()) {
                    knownChangeSetAttribute(changelog, where, a.group(1), a.group(2));
                }
            } else if (directive.equals("include") || directive.equals("includeall")) {
                throw refused(changelog, "line " + line + ": --" + m.group(1) + " is not allowed: "
                        + ChangelogPolicy.REFUSED_CHANGELOG_ENTRIES.get("include"));
            } else if (directive.startsWith("precondition")) {
                throw refused(changelog, where + ": " + "--" + m.group(1) + " is not allowed: "
                        + ChangelogPolicy.REFUSED_CHANGESET_PARTS.get("preConditions"));
            } else if (directive.equals("validchecksum")) {
                throw refused(changelog, where + ": --validCheckSum is not allowed: "
                        + ChangelogPolicy.REFUSED_CHANGESET_PARTS.get("validCheckSum"));
            } else if (directive.equals("property") || directive.equals("rollback")) {
                Matcher a = SQL_ATTRIBUTE.matcher(m.group(2));
                while (a.find() && directive.equals("property")) {
                    forbiddenAttribute(changelog, where, a.group(1));
                }
                if (directive.equals("rollback") && m.group(2).toLowerCase(Locale.ROOT).contains("changesetpath:")) {
                    throw refused(changelog, where + ": a rollback may only name changesets of this file");
                }
            }
        }
    }

    // ---- shared rules ----

    private static String changeSetName(Object id, Object author, int index) {
        return "changeset " + (id == null ? "#" + index : id) + (author == null ? "" : " (" + author + ")");
    }

    private static void changeSetAttribute(Changelog changelog, String where, String name, Object value) {
        String why = ChangelogPolicy.REFUSED_CHANGESET_PARTS.get(name);
        if (why != null) {
            // runAlways: false and runOnChange: false are the defaults and harmless
            boolean off = value != null && String.valueOf(value).trim().equalsIgnoreCase("false");
            if (!((name.equals("runAlways") || name.equals("runOnChange")) && off)) {
                throw refused(changelog, where + ": " + name + " is not allowed: " + why);
            }
        }
        if (name.equals("failOnError") && value != null && String.valueOf(value).trim().equalsIgnoreCase("false")) {
            throw refused(changelog, where + ": failOnError: false is not allowed: an error on the dry run's copy "
                    + "would be ignored, so what it proves is not what live runs");
        }
        forbiddenAttribute(changelog, where, name);
    }

    /** A changeset's own attribute (YAML key, XML attribute, formatted SQL {@code key:value}): only those known to be data. */
    private static void knownChangeSetAttribute(Changelog changelog, String where, String name, Object value) {
        changeSetAttribute(changelog, where, name, value);
        if (!ChangelogPolicy.CHANGESET_ATTRIBUTES.contains(name)) {
            throw refused(changelog, where + ": changeset attribute '" + name + "' is not allowed (allowed: "
                    + String.join(", ", ChangelogPolicy.CHANGESET_ATTRIBUTES.stream().sorted().toList()) + ")");
        }
    }

    private static void changeType(Changelog changelog, String where, String part, String type) {
        if (!ChangelogPolicy.CHANGE_TYPES.contains(type)) {
            throw refused(changelog, where + ": " + (part.equals("rollback") ? "its rollback: " : "")
                    + ChangelogPolicy.whyChangeTypeRefused(type));
        }
    }

    private static void forbiddenAttribute(Changelog changelog, String where, String name) {
        String why = ChangelogPolicy.FORBIDDEN_ATTRIBUTES.get(name);
        if (why != null) {
            throw refused(changelog, where + ": '" + name + "' is not allowed: it " + why
                    + " on the server, and only the uploaded changelog itself is read");
        }
    }
}
