package io.rollguard.policy;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Whether a node talks to something outside its slot: a node type known to (HTTP request, MQTT,
 * TCP, UDP, WebSocket, e-mail, database and broker config nodes), or any node with a host, broker,
 * server or absolute URL property. {@code http in} serves the app's own endpoints (a path, not a
 * URL) and is not counted.
 */
final class NetworkNodes {

    static final Set<String> TYPES = Set.of("http request", "mqtt in", "mqtt out", "mqtt-broker", "tcp in", "tcp out",
            "tcp request", "udp in", "udp out", "websocket in", "websocket out", "websocket-listener",
            "websocket-client", "e-mail", "e-mail in", "e-mail mta", "email", "amqp-broker", "amqp-in", "amqp-out",
            "kafka-broker", "postgreSQLConfig", "postgresdb", "MySQLdatabase", "mongodb", "mongodb2", "redis-config",
            "MSSQL-CN", "sqlitedb");
    /** Type words of contributed nodes that are clients of a server (postgresql, mysql, mongodb, kafka...). */
    private static final List<String> TYPE_WORDS = List.of("mqtt", "kafka", "amqp", "postgres", "mysql", "mssql",
            "mongo", "redis", "websocket", "smtp", "imap", "ftp", "ssh", "ldap", "soap", "graphql");
    private static final List<String> HOST_PROPERTIES = List.of("host", "hostname", "broker", "server", "servername");

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
        String url = node.path("url").asText("");
        return url.contains("://") || url.startsWith("//");
    }
}
