package io.rollguard.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a function node's code does that the node policy asks about, found by a scan of its
 * {@code func}, {@code initialize} and {@code finalize} and its {@code libs}.
 * <p>
 * The scan reads JavaScript the way a quick lexer does: comments are dropped, string and template
 * literals are told apart from code (the expressions inside {@code ${...}} are code), regular
 * expression literals are skipped. Identifiers ({@code process}, {@code require}) count only in
 * code, never in a comment, a string or as a property ({@code msg.process}); names given to
 * {@code global.get} / {@code env.get} are read from their string literals.
 * <p>
 * Where it cannot tell, it says yes: a name computed at run time ({@code global.get(name)},
 * {@code global[...]}) counts as reading both a database client and a token; dynamic code
 * ({@code eval}, {@code Function}, {@code .constructor}, {@code globalThis}) counts as reaching
 * {@code process}; code it cannot lex to the end (an unterminated string or comment) is scanned
 * as raw text, comments and strings included.
 * <p>
 * Limits: it is a reviewer's aid, not a sandbox. It decides regex or division from the character
 * or keyword before a {@code /}, as such lexers do, so code written to make that guess wrong can hide an
 * identifier in what it takes for a literal; names of database clients and tokens are recognised
 * by a list and by words in the name (db, sql, pool, client, token, secret...); it follows no
 * aliases ({@code const g = global; g.get("pg")} is seen only through {@code global}). Only
 * function nodes are scanned. What keeps a slot safe is its environment: the canary slot holds no
 * stable token and its flows never see the admin token.
 */
final class FunctionCodeScan {

    /** What the scan found, each as a boolean the policy reads and the evidence a person reads. */
    record Findings(boolean usesChildProcess, boolean usesProcess, boolean usesRequire, boolean readsDatabaseClient,
            boolean readsAdminToken, List<String> evidence) {

        static final Findings NONE = new Findings(false, false, false, false, false, List.of());
    }

    static final List<String> CODE_PROPERTIES = List.of("func", "initialize", "finalize");

    private static final Set<String> DATABASE_CLIENTS = Set.of("pg", "postgres", "postgresql", "mysql", "mysql2",
            "mssql", "tedious", "oracledb", "mongodb", "mongoose", "mongo", "redis", "ioredis", "sqlite", "sqlite3",
            "better-sqlite3", "knex", "sequelize", "typeorm", "prisma", "cassandra-driver", "couchbase", "nano",
            "neo4j-driver", "elasticsearch");
    private static final Pattern DATABASE_WORD = Pattern.compile("(db|database|sql|pool|client|connection|conn)");
    private static final Pattern TOKEN_WORD = Pattern.compile(
            "(token|secret|password|passwd|credential|apikey|api_key|api-key|bearer|admin)");

    private static final Pattern PROCESS = identifier("process");
    private static final Pattern REQUIRE = identifier("require");
    private static final Pattern IMPORT = Pattern.compile("(?<![\\w$.])import\\s*\\(");
    private static final Pattern DYNAMIC = Pattern.compile(
            "(?<![\\w$.])(eval|Function|globalThis)(?![\\w$])|\\.\\s*constructor(?![\\w$])");
    private static final Pattern CHILD_PROCESS = Pattern.compile("child_process");
    /** {@code global.get(...)} and {@code context.global.get(...)}; a literal name in group 2. */
    private static final Pattern GLOBAL_GET = Pattern.compile(
            "(?<![\\w$])global\\s*\\.\\s*get\\s*\\(\\s*(?:([\"'`])([^\"'`\\\\$]*)\\1\\s*[,)])?");
    private static final Pattern GLOBAL_BRACKET = Pattern.compile("(?<![\\w$])global\\s*\\[");
    private static final Pattern ENV_GET = Pattern.compile(
            "(?<![\\w$.])env\\s*\\.\\s*get\\s*\\(\\s*([\"'`])([^\"'`\\\\$]*)\\1");

    private FunctionCodeScan() {
    }

    static Findings scan(JsonNode node) {
        if (!"function".equals(node.path("type").asText())) {
            return Findings.NONE;
        }
        Scan scan = new Scan();
        for (String property : CODE_PROPERTIES) {
            JsonNode code = node.path(property);
            if (code.isTextual() && !code.asText().isBlank()) {
                scan.code(property, code.asText());
            }
        }
        JsonNode libs = node.path("libs");
        if (libs.isArray() && !libs.isEmpty()) {
            List<String> modules = new ArrayList<>();
            libs.forEach(lib -> modules.add(lib.path("module").asText("?")));
            scan.require = true;
            scan.evidence.add("libs load " + String.join(", ", modules));
            if (modules.stream().anyMatch(m -> m.contains("child_process"))) {
                scan.childProcess = true;
            }
        }
        return scan.findings();
    }

    private static Pattern identifier(String name) {
        return Pattern.compile("(?<![\\w$.])" + name + "(?![\\w$])");
    }

    private static final class Scan {
        boolean childProcess;
        boolean process;
        boolean require;
        boolean database;
        boolean token;
        final Set<String> evidence = new LinkedHashSet<>();

        void code(String property, String source) {
            Lexed lexed = Lexed.of(source);
            String bare = lexed == null ? source : lexed.bare();
            String withStrings = lexed == null ? source : lexed.withStrings();
            if (lexed == null) {
                evidence.add(property + " could not be read to its end: scanned as raw text");
            }
            if (CHILD_PROCESS.matcher(withStrings).find()) {
                childProcess = true;
                evidence.add(property + " names child_process" + line(source, "child_process"));
            }
            if (PROCESS.matcher(bare).find()) {
                process = true;
                evidence.add(property + " uses process" + at(source, bare, PROCESS));
            }
            Matcher dynamic = DYNAMIC.matcher(bare);
            if (dynamic.find()) {
                process = true;
                evidence.add(property + " runs dynamic code (" + dynamic.group().replaceAll("\\s", "")
                        + "), which can reach process" + at(source, bare, DYNAMIC));
            }
            if (REQUIRE.matcher(bare).find() || IMPORT.matcher(bare).find()) {
                require = true;
                evidence.add(property + " loads modules (require or import)"
                        + at(source, bare, REQUIRE.matcher(bare).find() ? REQUIRE : IMPORT));
            }
            Matcher global = GLOBAL_GET.matcher(withStrings);
            while (global.find()) {
                if (global.group(2) == null) {
                    database = true;
                    token = true;
                    evidence.add(property + " reads the global context by a computed name"
                            + lineAt(source, global.start()));
                    continue;
                }
                String name = global.group(2);
                if (isDatabaseClient(name)) {
                    database = true;
                    evidence.add(property + " reads database client global.get(\"" + name + "\")"
                            + lineAt(source, global.start()));
                }
                if (isToken(name)) {
                    token = true;
                    evidence.add(property + " reads global.get(\"" + name + "\")" + lineAt(source, global.start()));
                }
            }
            Matcher bracket = GLOBAL_BRACKET.matcher(withStrings);
            if (bracket.find()) {
                database = true;
                token = true;
                evidence.add(property + " reads the global context by a computed name" + lineAt(source, bracket.start()));
            }
            Matcher env = ENV_GET.matcher(withStrings);
            while (env.find()) {
                if (isToken(env.group(2))) {
                    token = true;
                    evidence.add(property + " reads env.get(\"" + env.group(2) + "\")" + lineAt(source, env.start()));
                }
            }
        }

        Findings findings() {
            return new Findings(childProcess, process, require, database, token, List.copyOf(evidence));
        }

        /** The line of the first match in the lexed text; the lexed texts keep the source's offsets. */
        private static String at(String source, String lexed, Pattern pattern) {
            Matcher m = pattern.matcher(lexed);
            return m.find() ? lineAt(source, m.start()) : "";
        }

        private static String line(String source, String text) {
            int index = source.indexOf(text);
            return index < 0 ? "" : lineAt(source, index);
        }

        private static String lineAt(String source, int offset) {
            int line = 1;
            for (int i = 0; i < offset && i < source.length(); i++) {
                if (source.charAt(i) == '\n') {
                    line++;
                }
            }
            return " (line " + line + ")";
        }
    }

    static boolean isDatabaseClient(String name) {
        for (String part : name.toLowerCase(Locale.ROOT).split("[.\\[\\]]")) {
            if (DATABASE_CLIENTS.contains(part) || DATABASE_WORD.matcher(part).find()) {
                return true;
            }
        }
        return false;
    }

    static boolean isToken(String name) {
        return TOKEN_WORD.matcher(name.toLowerCase(Locale.ROOT)).find();
    }

    /**
     * The source twice, both the same length as the source (so offsets match): {@code bare} with
     * comments and the contents of literals blanked, {@code withStrings} with comments blanked.
     */
    record Lexed(String bare, String withStrings) {

        private static final String REGEX_BEFORE = "(,=:[!&|?{};+-*%<>~^";
        private static final Set<String> REGEX_AFTER = Set.of("return", "typeof", "case", "do", "else", "in", "of",
                "void", "delete", "throw", "yield", "await", "instanceof", "new");

        /** Null when the source ends inside a comment, literal or template expression. */
        static Lexed of(String source) {
            StringBuilder bare = new StringBuilder(source);
            StringBuilder strings = new StringBuilder(source);
            // each open template literal: the brace depth of the ${...} expression it is in, -1 in its text
            java.util.ArrayDeque<int[]> templates = new java.util.ArrayDeque<>();
            char last = 0;
            int i = 0;
            int n = source.length();
            while (i < n) {
                char c = source.charAt(i);
                boolean inTemplateText = !templates.isEmpty() && templates.peek()[0] < 0;
                if (inTemplateText) {
                    if (c == '\\') {
                        blank(bare, i, Math.min(i + 2, n));
                        i += 2;
                    } else if (c == '`') {
                        templates.pop();
                        last = '`';
                        i++;
                    } else if (c == '$' && i + 1 < n && source.charAt(i + 1) == '{') {
                        templates.peek()[0] = 0;
                        last = '{';
                        i += 2;
                    } else {
                        blank(bare, i, i + 1);
                        i++;
                    }
                    continue;
                }
                if (c == '/' && i + 1 < n && source.charAt(i + 1) == '/') {
                    int end = source.indexOf('\n', i);
                    end = end < 0 ? n : end;
                    blank(bare, i, end);
                    blank(strings, i, end);
                    i = end;
                } else if (c == '/' && i + 1 < n && source.charAt(i + 1) == '*') {
                    int end = source.indexOf("*/", i + 2);
                    if (end < 0) {
                        return null;
                    }
                    blank(bare, i, end + 2);
                    blank(strings, i, end + 2);
                    i = end + 2;
                } else if (c == '"' || c == '\'') {
                    int end = endOfString(source, i, c);
                    if (end < 0) {
                        return null;
                    }
                    blank(bare, i + 1, end);
                    last = c;
                    i = end + 1;
                } else if (c == '`') {
                    templates.push(new int[] {-1});
                    i++;
                } else if (c == '/' && (last == 0 || REGEX_BEFORE.indexOf(last) >= 0 || afterKeyword(source, i))) {
                    int end = endOfRegex(source, i);
                    if (end < 0) {
                        return null;
                    }
                    blank(bare, i + 1, end);
                    blank(strings, i + 1, end);
                    last = '/';
                    i = end + 1;
                } else {
                    if (!templates.isEmpty()) {
                        int[] depth = templates.peek();
                        if (c == '{') {
                            depth[0]++;
                        } else if (c == '}' && depth[0] == 0) {
                            depth[0] = -1;
                        } else if (c == '}') {
                            depth[0]--;
                        }
                    }
                    if (!Character.isWhitespace(c)) {
                        last = c;
                    }
                    i++;
                }
            }
            if (!templates.isEmpty()) {
                return null;
            }
            return new Lexed(bare.toString(), strings.toString());
        }

        /** {@code return /re/}: after these words a slash starts a regex, not a division. */
        private static boolean afterKeyword(String source, int slash) {
            int end = slash;
            while (end > 0 && Character.isWhitespace(source.charAt(end - 1))) {
                end--;
            }
            int start = end;
            while (start > 0 && Character.isJavaIdentifierPart(source.charAt(start - 1))) {
                start--;
            }
            return start < end && REGEX_AFTER.contains(source.substring(start, end))
                    && (start == 0 || source.charAt(start - 1) != '.');
        }

        private static int endOfString(String source, int start, char quote) {
            for (int i = start + 1; i < source.length(); i++) {
                char c = source.charAt(i);
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    return i;
                } else if (c == '\n') {
                    return -1;
                }
            }
            return -1;
        }

        private static int endOfRegex(String source, int start) {
            boolean inClass = false;
            for (int i = start + 1; i < source.length(); i++) {
                char c = source.charAt(i);
                if (c == '\\') {
                    i++;
                } else if (c == '[') {
                    inClass = true;
                } else if (c == ']') {
                    inClass = false;
                } else if (c == '/' && !inClass) {
                    return i;
                } else if (c == '\n') {
                    return -1;
                }
            }
            return -1;
        }

        private static void blank(StringBuilder text, int from, int to) {
            for (int i = from; i < to && i < text.length(); i++) {
                if (text.charAt(i) != '\n') {
                    text.setCharAt(i, ' ');
                }
            }
        }
    }
}
