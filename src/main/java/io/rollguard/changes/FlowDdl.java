package io.rollguard.changes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * DDL hidden in flows: a function node's code ({@code func}, {@code initialize}, {@code finalize})
 * or a template or database node's text that creates, alters, drops, truncates or renames a
 * database object. The data model changes only through the descriptor's {@code schema} changelog,
 * where it is checked, proven reversible and approved by a schema approver.
 * <p>
 * In JavaScript only string literals count ({@code '…'}, {@code "…"}, template literals with their
 * {@code ${…}} parts blanked), comments never: a statement is DDL when one of its {@code ;}-separated
 * parts starts with a DDL verb and the kind of object it works on ({@code CREATE [OR REPLACE]
 * [UNIQUE|TEMP…] TABLE|INDEX|VIEW|SCHEMA|…}, {@code ALTER TABLE …}, {@code DROP …}, {@code TRUNCATE
 * [TABLE] name}, {@code RENAME TABLE}, {@code COMMENT ON}). Limits: SQL assembled from pieces that
 * split the verb from its object ({@code "CREATE " + kind}), read from {@code msg}, env or files,
 * or built by {@code eval} is not seen; a regular expression literal with a quote in it can hide the
 * literals after it. Those are the node policy's business (code that builds statements at run time).
 */
final class FlowDdl {

    private static final List<String> CODE_FIELDS = List.of("func", "initialize", "finalize");
    private static final List<String> DATABASE_WORDS = List.of("postgres", "mysql", "mssql", "sqlite", "mongodb",
            "oracle", "mariadb", "sql", "db2", "cassandra", "influx", "redis");
    private static final String OBJECT = "(TABLE|INDEX|VIEW|MATERIALIZED\\s+VIEW|SCHEMA|SEQUENCE|TYPE|DOMAIN|FUNCTION|"
            + "PROCEDURE|TRIGGER|EXTENSION|DATABASE|COLUMN|CONSTRAINT|COLLECTION|ROLE|USER|POLICY|RULE)";
    private static final Pattern DDL = Pattern.compile("(?is)^\\s*("
            + "CREATE\\s+(OR\\s+REPLACE\\s+)?((UNIQUE|TEMP|TEMPORARY|UNLOGGED|GLOBAL|LOCAL|VIRTUAL)\\s+)*" + OBJECT
            + "|ALTER\\s+" + OBJECT
            + "|DROP\\s+" + OBJECT
            + "|TRUNCATE\\s+(TABLE\\s+|ONLY\\s+)?[\\w.\"`\\[\\]]+\\s*(;|,|$|CASCADE|RESTART|CONTINUE|RESTRICT)"
            + "|RENAME\\s+TABLE"
            + "|COMMENT\\s+ON)\\b.*");

    /** One node whose text runs DDL. */
    record Finding(FlowDiff.NodeRef node, String property, String statement) {
        String describe() {
            return node.describe() + " (" + node.type() + ", id " + node.id() + ") runs DDL in " + property + ": "
                    + statement + "; schema changes go through the descriptor's `schema` changelog";
        }
    }

    private FlowDdl() {
    }

    static List<Finding> in(JsonNode flows, Map<String, String> containerLabels) {
        List<Finding> findings = new ArrayList<>();
        for (JsonNode node : flows) {
            String type = node.path("type").asText();
            if (type.equals("function")) {
                for (String field : CODE_FIELDS) {
                    JsonNode code = node.get(field);
                    if (code != null && code.isTextual()) {
                        first(stringLiterals(code.asText())).ifPresent(s -> findings.add(
                                new Finding(ref(node, containerLabels), field, s)));
                    }
                }
            } else if (type.equals("template") || isDatabase(type)) {
                node.fields().forEachRemaining(field -> {
                    if (field.getValue().isTextual() && !field.getKey().equals("name") && !field.getKey().equals("info")) {
                        first(List.of(field.getValue().asText())).ifPresent(s -> findings.add(
                                new Finding(ref(node, containerLabels), field.getKey(), s)));
                    }
                });
            }
        }
        return findings;
    }

    static boolean isDatabase(String type) {
        String t = type.toLowerCase(Locale.ROOT);
        return DATABASE_WORDS.stream().anyMatch(t::contains);
    }

    private static FlowDiff.NodeRef ref(JsonNode node, Map<String, String> containerLabels) {
        JsonNode name = node.get("name");
        String z = node.path("z").asText("");
        return new FlowDiff.NodeRef(node.path("id").asText(), node.path("type").asText(),
                name == null || name.asText().isEmpty() ? null : name.asText(),
                z.isEmpty() ? null : containerLabels.getOrDefault(z, z), List.of());
    }

    /** The first DDL statement among the texts, shortened for a message. */
    private static java.util.Optional<String> first(List<String> texts) {
        for (String text : texts) {
            for (String part : text.split(";")) {
                Matcher m = DDL.matcher(part);
                if (m.matches()) {
                    String statement = part.strip().replaceAll("\\s+", " ");
                    return java.util.Optional.of(statement.length() > 80 ? statement.substring(0, 77) + "..." : statement);
                }
            }
        }
        return java.util.Optional.empty();
    }

    /** The string literals of JavaScript code; comments are skipped, template literal substitutions blanked. */
    static List<String> stringLiterals(String code) {
        List<String> literals = new ArrayList<>();
        int i = 0;
        int n = code.length();
        while (i < n) {
            char c = code.charAt(i);
            if (c == '/' && i + 1 < n && code.charAt(i + 1) == '/') {
                int end = code.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (c == '/' && i + 1 < n && code.charAt(i + 1) == '*') {
                int end = code.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (c == '\'' || c == '"' || c == '`') {
                StringBuilder literal = new StringBuilder();
                i++;
                int depth = 0;
                while (i < n) {
                    char d = code.charAt(i);
                    if (depth == 0 && d == '\\' && i + 1 < n) {
                        literal.append(code.charAt(i + 1));
                        i += 2;
                        continue;
                    }
                    if (c == '`' && depth == 0 && d == '$' && i + 1 < n && code.charAt(i + 1) == '{') {
                        depth = 1;
                        literal.append('x');
                        i += 2;
                        continue;
                    }
                    if (depth > 0) {
                        depth += d == '{' ? 1 : d == '}' ? -1 : 0;
                        i++;
                        continue;
                    }
                    if (d == c || (c != '`' && d == '\n')) {
                        i++;
                        break;
                    }
                    literal.append(d);
                    i++;
                }
                literals.add(literal.toString());
            } else {
                i++;
            }
        }
        return literals;
    }
}
