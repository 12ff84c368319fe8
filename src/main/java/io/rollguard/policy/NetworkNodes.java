package io.rollguard.policy;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Whether a node talks to something outside its slot: a node type known to (HTTP request, MQTT,
 * TCP, UDP, WebSocket, e-mail, database and broker nodes and their config nodes), or any node with a
 * host, broker or server property, or a property named like a host or URL holding an absolute URL or
 * a literal host name.
 * {@code http in} serves the app's own endpoints (a path, not a URL) and is not counted. This is the
 * one list Rollguard has: the node policy's {@code talksToNetwork} input, whose integration outcome
 * is what derives the integration class from a release's diff.
 */
final class NetworkNodes {

    static final Set<String> TYPES = Set.of("http request", "mqtt in", "mqtt out", "mqtt-broker", "tcp in", "tcp out",
            "tcp request", "udp in", "udp out", "websocket in", "websocket out", "websocket-listener",
            "websocket-client", "e-mail", "e-mail in", "e-mail mta", "email", "amqp-broker", "amqp-in", "amqp-out",
            "kafka-broker", "postgreSQLConfig", "postgresdb", "MySQLdatabase", "mongodb", "mongodb2", "redis-config",
            "MSSQL-CN", "sqlitedb");
    /** Type words of contributed nodes that are clients of a server (postgresql, mysql, mongodb, kafka...). */
    private static final List<String> TYPE_WORDS = List.of("mqtt", "kafka", "amqp", "rabbitmq", "nats", "postgres",
            "mysql", "mariadb", "mssql", "oracle", "sqlite", "mongo", "redis", "influx", "websocket", "smtp", "imap",
            "ftp", "ssh", "ldap", "soap", "graphql");
    private static final List<String> HOST_PROPERTIES = List.of("host", "hostname", "broker", "server", "servername");
    /** Any other property named like this counts when it holds an absolute URL ({@code targetUrl}, {@code endpoint}). */
    private static final Pattern HOST_LIKE_NAME = Pattern.compile("(?i).*(host|url|uri|broker|server|endpoint|addr).*");
    /** {@code db.example.org[:5432][/path]} or an IPv4 address: a literal host, not a word like {@code default}. */
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?i)^([a-z0-9-]+\\.)+[a-z][a-z0-9-]*(:\\d+)?([/?#].*)?$|^\\d{1,3}(\\.\\d{1,3}){3}(:\\d+)?([/?#].*)?$");
    /** Nodes whose URL-like properties are their own endpoints or text, never an outgoing target. */
    private static final Set<String> LOCAL = Set.of("http in", "http response", "comment", "tab", "subflow",
            "link in", "link out", "link call");

    private NetworkNodes() {
    }

    static boolean talksToNetwork(JsonNode node) {
        String type = node.path("type").asText();
        if (TYPES.contains(type)) {
            return true;
        }
        String lower = type.toLowerCase(Locale.ROOT);
        if (TYPE_WORDS.stream().anyMatch(lower::contains)) {
            return true;
        }
        for (String property : HOST_PROPERTIES) {
            if (node.path(property).isTextual() && !node.path(property).asText().isBlank()) {
                return true;
            }
        }
        if (LOCAL.contains(type)) {
            return false;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getValue().isTextual() && HOST_LIKE_NAME.matcher(field.getKey()).matches()) {
                String value = field.getValue().asText().trim();
                if (value.contains("://") || value.startsWith("//")
                        || HOST_NAME.matcher(value).matches() && !value.matches("(?i)^(msg|env|flow|global)\\..*")) {
                    return true;
                }
            }
        }
        return false;
    }
}
