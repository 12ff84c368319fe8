package io.rollguard.migration;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What raw SQL in a changelog may not do: reach the server's files or programs, run code, change
 * the session or privileges, or hide statements in strings where no analysis can see them. Read
 * on words, with comments, string literals (also dollar-quoted) and quoted identifiers taken out,
 * so {@code select 'copy from program'} is harmless and {@code /* x *}{@code / COPY} is not. This
 * does not try to tell good SQL from bad beyond that: the parser judges risk ({@link ChangeRisks}).
 */
final class SqlPolicy {

    /** Statements that are programs or session and privilege changes, not a data model. */
    private static final Set<String> REFUSED_STATEMENTS = Set.of(
            "copy", "do", "call", "load", "set", "reset", "grant", "revoke", "prepare", "execute", "deallocate",
            "listen", "notify", "security", "import", "checkpoint", "cluster", "vacuum", "reindex", "discard");
    /** After CREATE [OR REPLACE] / ALTER / DROP: objects that hold code or reach outside the database. */
    private static final Set<String> REFUSED_OBJECTS = Set.of(
            "function", "procedure", "trigger", "extension", "language", "event", "rule", "server", "foreign",
            "user", "role", "group", "system", "database", "tablespace", "subscription", "publication", "operator",
            "aggregate", "cast", "conversion", "policy", "transform", "trusted", "procedural", "unsafe", "default", "large");
    /** Functions that read or write server files, reach other databases or servers, or run a query string. */
    private static final Set<String> REFUSED_FUNCTIONS = Set.of(
            "pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_stat_file", "pg_file_write", "pg_file_rename",
            "pg_file_unlink", "pg_logdir_ls", "pg_ls_logdir", "pg_ls_waldir", "pg_ls_tmpdir", "pg_ls_archive_statusdir",
            "lo_import", "lo_export", "dblink", "dblink_exec", "dblink_connect", "dblink_connect_u", "dblink_send_query",
            "set_config", "current_setting", "pg_reload_conf", "pg_terminate_backend", "pg_cancel_backend",
            "pg_rotate_logfile", "pg_promote", "query_to_xml", "query_to_xml_and_xmlschema", "query_to_xmlschema",
            "cursor_to_xml", "table_to_xml", "database_to_xml", "schema_to_xml", "pg_sleep", "pg_sleep_for", "pg_sleep_until",
            "pg_advisory_lock", "pg_advisory_xact_lock", "pg_advisory_unlock_all", "inet_server_addr", "inet_server_port");

    private SqlPolicy() {
    }

    /** Why this SQL is refused, or null. */
    static String problem(String sql) {
        if (sql == null) {
            return null;
        }
        List<List<String>> statements = statements(sql);
        for (List<String> words : statements) {
            if (words.isEmpty()) {
                continue;
            }
            String first = words.get(0);
            if (REFUSED_STATEMENTS.contains(first)) {
                return "SQL statement " + first.toUpperCase(Locale.ROOT) + " is not allowed in a changelog: "
                        + "it runs code, reaches server files or programs, or changes the session or privileges";
            }
            if (first.equals("create") || first.equals("alter") || first.equals("drop") || first.equals("comment")) {
                int i = 1;
                while (i < words.size() && (words.get(i).equals("or") || words.get(i).equals("replace")
                        || words.get(i).equals("temporary") || words.get(i).equals("temp") || words.get(i).equals("on"))) {
                    i++;
                }
                if (i < words.size() && REFUSED_OBJECTS.contains(words.get(i))) {
                    return "SQL " + first.toUpperCase(Locale.ROOT) + " " + words.get(i).toUpperCase(Locale.ROOT)
                            + " is not allowed in a changelog: a data model change does not create code, roles or "
                            + "connections to elsewhere";
                }
            }
            for (int i = 0; i + 1 < words.size(); i++) {
                String w = words.get(i);
                String name = w.contains(".") ? w.substring(w.lastIndexOf('.') + 1) : w;
                if (words.get(i + 1).equals("(") && REFUSED_FUNCTIONS.contains(name)) {
                    return "SQL function " + name + "() is not allowed in a changelog: it reaches server files, "
                            + "settings, other connections, or runs a query no analysis can see";
                }
            }
        }
        return null;
    }

    /** Statements as lower-case words and the punctuation "(" ; literals, comments and quoted names dropped. */
    static List<List<String>> statements(String sql) {
        List<List<String>> statements = new ArrayList<>();
        List<String> words = new ArrayList<>();
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                // PostgreSQL block comments nest
                int depth = 1;
                i += 2;
                while (i < n && depth > 0) {
                    if (sql.startsWith("/*", i)) {
                        depth++;
                        i += 2;
                    } else if (sql.startsWith("*/", i)) {
                        depth--;
                        i += 2;
                    } else {
                        i++;
                    }
                }
            } else if (c == '\'') {
                i = skipQuoted(sql, i, '\'');
                words.add("'");
            } else if (c == '"') {
                i = skipQuoted(sql, i, '"');
                words.add("\"");
            } else if (c == '$' && dollarTag(sql, i) != null) {
                String tag = dollarTag(sql, i);
                int end = sql.indexOf(tag, i + tag.length());
                i = end < 0 ? n : end + tag.length();
                words.add("'");
            } else if (c == ';') {
                statements.add(words);
                words = new ArrayList<>();
                i++;
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_' || sql.charAt(i) == '$'
                        || sql.charAt(i) == '.')) {
                    i++;
                }
                words.add(sql.substring(start, i).toLowerCase(Locale.ROOT));
            } else if (c == '(') {
                words.add("(");
                i++;
            } else {
                i++;
            }
        }
        statements.add(words);
        return statements;
    }

    private static int skipQuoted(String sql, int start, char quote) {
        int i = start + 1;
        while (i < sql.length()) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return sql.length();
    }

    /** {@code $$} or {@code $tag$} starting at i, or null. */
    private static String dollarTag(String sql, int i) {
        int j = i + 1;
        while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
            j++;
        }
        if (j < sql.length() && sql.charAt(j) == '$' && (j == i + 1 || !Character.isDigit(sql.charAt(i + 1)))) {
            return sql.substring(i, j + 1);
        }
        return null;
    }
}
