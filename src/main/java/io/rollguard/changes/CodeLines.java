package io.rollguard.changes;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A unified line diff of {@link FlowDiff} made readable: each line with its kind, its numbers on
 * both sides, and for function code its JavaScript tokens, so the page colours the syntax on the
 * server (no script, nothing from a CDN). The colouring is a reader's aid, not a parser: strings,
 * template literals, comments, numbers and keywords, with comments and template literals followed
 * across lines, separately on the old and the new side.
 */
final class CodeLines {

    /** Properties whose text is JavaScript; {@code template} is mustache or HTML and stays plain. */
    static final Set<String> JAVASCRIPT = Set.of("func", "initialize", "finalize");

    private static final Pattern HUNK = Pattern.compile("^@@ -(\\d+)(?:,\\d+)? \\+(\\d+)(?:,\\d+)? @@.*");

    private static final Set<String> KEYWORDS = Set.of("async", "await", "break", "case", "catch", "class", "const",
            "continue", "default", "delete", "do", "else", "export", "extends", "finally", "for", "function", "if",
            "import", "in", "instanceof", "let", "new", "of", "return", "static", "switch", "this", "throw", "try",
            "typeof", "var", "void", "while", "yield");
    private static final Set<String> LITERALS = Set.of("true", "false", "null", "undefined", "NaN", "Infinity");
    /** What Node-RED hands a function node: worth seeing where code reaches out of its message. */
    private static final Set<String> NODE_RED = Set.of("msg", "node", "context", "flow", "global", "env", "RED");

    private CodeLines() {
    }

    /** {@code kind}: hunk, context, added or removed; a number is null on the side a line is not on. */
    record Line(String kind, String marker, Integer before, Integer after, List<Token> tokens) {

        /** What a screen reader says before the line, so the kind never depends on colour. */
        public String spoken() {
            return switch (kind) {
                case "added" -> "added: ";
                case "removed" -> "removed: ";
                default -> "";
            };
        }
    }

    /** {@code kind} null for plain text; otherwise kw, lit, str, com, num or api (a CSS class suffix). */
    record Token(String kind, String text) {
    }

    static List<Line> of(String property, List<String> diff) {
        boolean js = JAVASCRIPT.contains(property);
        Highlighter before = new Highlighter();
        Highlighter after = new Highlighter();
        List<Line> lines = new ArrayList<>();
        int b = 0;
        int a = 0;
        for (String raw : diff) {
            Matcher hunk = HUNK.matcher(raw);
            if (hunk.matches()) {
                b = Integer.parseInt(hunk.group(1));
                a = Integer.parseInt(hunk.group(2));
                lines.add(new Line("hunk", "", null, null, List.of(new Token(null, raw))));
                continue;
            }
            char sign = raw.isEmpty() ? ' ' : raw.charAt(0);
            String text = raw.isEmpty() ? "" : raw.substring(1);
            switch (sign) {
                case '+' -> lines.add(new Line("added", "+", null, a++, tokens(js, after, text)));
                case '-' -> lines.add(new Line("removed", "-", b++, null, tokens(js, before, text)));
                default -> {
                    List<Token> tokens = tokens(js, after, text);
                    if (js) {
                        before.tokens(text);
                    }
                    lines.add(new Line("context", " ", b++, a++, tokens));
                }
            }
        }
        return lines;
    }

    private static List<Token> tokens(boolean js, Highlighter side, String text) {
        return js ? side.tokens(text) : List.of(new Token(null, text));
    }

    /** One side's state across lines: inside a block comment or a template literal. */
    static final class Highlighter {

        private enum Open { NONE, COMMENT, TEMPLATE }

        private Open open = Open.NONE;

        List<Token> tokens(String line) {
            List<Token> tokens = new ArrayList<>();
            StringBuilder plain = new StringBuilder();
            int i = 0;
            int n = line.length();
            while (i < n) {
                if (open == Open.COMMENT) {
                    int end = line.indexOf("*/", i);
                    int stop = end < 0 ? n : end + 2;
                    emit(tokens, plain, "com", line.substring(i, stop));
                    open = end < 0 ? Open.COMMENT : Open.NONE;
                    i = stop;
                    continue;
                }
                if (open == Open.TEMPLATE) {
                    int stop = closing(line, i, '`');
                    emit(tokens, plain, "str", line.substring(i, stop < 0 ? n : stop + 1));
                    open = stop < 0 ? Open.TEMPLATE : Open.NONE;
                    i = stop < 0 ? n : stop + 1;
                    continue;
                }
                char c = line.charAt(i);
                if (c == '/' && i + 1 < n && line.charAt(i + 1) == '/') {
                    emit(tokens, plain, "com", line.substring(i));
                    i = n;
                } else if (c == '/' && i + 1 < n && line.charAt(i + 1) == '*') {
                    open = Open.COMMENT;
                    emit(tokens, plain, "com", "/*");
                    i += 2;
                } else if (c == '`') {
                    int stop = closing(line, i + 1, '`');
                    emit(tokens, plain, "str", line.substring(i, stop < 0 ? n : stop + 1));
                    open = stop < 0 ? Open.TEMPLATE : Open.NONE;
                    i = stop < 0 ? n : stop + 1;
                } else if (c == '\'' || c == '"') {
                    int stop = closing(line, i + 1, c);
                    // an unclosed quote ends with its line, as in JavaScript
                    emit(tokens, plain, "str", line.substring(i, stop < 0 ? n : stop + 1));
                    i = stop < 0 ? n : stop + 1;
                } else if (Character.isDigit(c) && !partOfWord(line, i)) {
                    int stop = i;
                    while (stop < n && (Character.isLetterOrDigit(line.charAt(stop)) || line.charAt(stop) == '.'
                            || line.charAt(stop) == '_')) {
                        stop++;
                    }
                    emit(tokens, plain, "num", line.substring(i, stop));
                    i = stop;
                } else if (Character.isJavaIdentifierStart(c)) {
                    int stop = i;
                    while (stop < n && Character.isJavaIdentifierPart(line.charAt(stop))) {
                        stop++;
                    }
                    String word = line.substring(i, stop);
                    boolean property = i > 0 && line.charAt(i - 1) == '.';
                    String kind = property ? null : KEYWORDS.contains(word) ? "kw" : LITERALS.contains(word) ? "lit"
                            : NODE_RED.contains(word) ? "api" : null;
                    if (kind == null) {
                        plain.append(word);
                    } else {
                        emit(tokens, plain, kind, word);
                    }
                    i = stop;
                } else {
                    plain.append(c);
                    i++;
                }
            }
            flush(tokens, plain);
            return tokens;
        }

        /** Index of the unescaped {@code quote} at or after {@code from}, or -1. */
        private static int closing(String line, int from, char quote) {
            for (int i = from; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    return i;
                }
            }
            return -1;
        }

        private static boolean partOfWord(String line, int i) {
            return i > 0 && Character.isJavaIdentifierPart(line.charAt(i - 1));
        }

        private static void emit(List<Token> tokens, StringBuilder plain, String kind, String text) {
            flush(tokens, plain);
            tokens.add(new Token(kind, text));
        }

        private static void flush(List<Token> tokens, StringBuilder plain) {
            if (!plain.isEmpty()) {
                tokens.add(new Token(null, plain.toString()));
                plain.setLength(0);
            }
        }
    }
}
