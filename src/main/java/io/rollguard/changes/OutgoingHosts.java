package io.rollguard.changes;

import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The hosts a node talks to, read from its literal properties: the property each network node type
 * names its target in, and any property named like a host, URL, broker or server. A value built at
 * run time (from {@code msg}, {@code ${ENV}}, a mustache template, an empty {@code http request}
 * URL that {@code msg.url} fills) is dynamic: the node is listed, its host cannot be. Hosts that
 * function code reaches through libraries are not found here (the node policy looks at code).
 */
final class OutgoingHosts {

    /** The property each network node type names its target in (host-only values are accepted there). */
    private static final Map<String, List<String>> TARGETS = Map.of(
            "http request", List.of("url"),
            "mqtt-broker", List.of("broker"),
            "websocket-client", List.of("path"),
            "tcp in", List.of("host"),
            "tcp out", List.of("host"),
            "tcp request", List.of("server"),
            "udp out", List.of("addr"),
            "e-mail", List.of("server"),
            "e-mail in", List.of("server"));
    /** Nodes whose URL-like properties are their own endpoints, never an outgoing target. */
    private static final Set<String> LOCAL = Set.of("http in", "http response", "websocket-listener", "comment", "tab",
            "subflow", "link in", "link out", "link call");
    private static final Pattern HOST_LIKE_NAME = Pattern.compile("(?i).*(host|url|uri|broker|server|endpoint|addr).*");
    private static final Pattern SCHEME = Pattern.compile("(?i)^[a-z][a-z0-9+.-]*://.*");
    private static final Pattern HOSTNAME = Pattern.compile(
            "^([a-z0-9]([a-z0-9-]*[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$|^\\[[0-9a-f:.]+\\]$");

    record Found(String host, String property) {
    }

    private OutgoingHosts() {
    }

    static List<Found> of(JsonNode node) {
        String type = node.path("type").asText();
        if (LOCAL.contains(type)) {
            return List.of();
        }
        List<Found> found = new ArrayList<>();
        List<String> targets = TARGETS.getOrDefault(type, List.of());
        for (String property : targets) {
            JsonNode v = node.get(property);
            String value = v == null || !v.isTextual() ? "" : v.asText().trim();
            if (value.isEmpty()) {
                if (type.equals("http request")) {
                    found.add(new Found(null, property));
                }
                continue;
            }
            add(found, property, value, true);
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            if (targets.contains(name) || !field.getValue().isTextual() || !HOST_LIKE_NAME.matcher(name).matches()
                    || Secrets.isSecretName(name)) {
                continue;
            }
            String value = field.getValue().asText().trim();
            if (!value.isEmpty()) {
                add(found, name, value, false);
            }
        }
        return found;
    }

    /** {@code target}: the type's own target property, where a bare host name is a host for sure. */
    private static void add(List<Found> found, String property, String value, boolean target) {
        if (isDynamic(value)) {
            found.add(new Found(null, property));
            return;
        }
        String host = host(value, target);
        if (host != null) {
            found.add(new Found(host, property));
        }
    }

    static boolean isDynamic(String value) {
        return value.contains("${") || value.contains("{{") || value.startsWith("msg.") || value.startsWith("env.")
                || value.startsWith("flow.") || value.startsWith("global.");
    }

    /** The lower-cased host of a URL or of {@code host[:port][/path]}; null when the value is no host. */
    static String host(String value, boolean target) {
        String candidate;
        boolean withScheme = SCHEME.matcher(value).matches();
        if (withScheme) {
            try {
                URI uri = new URI(value.replace(" ", "%20"));
                candidate = uri.getHost();
                if (candidate == null && uri.getAuthority() != null) {
                    candidate = uri.getAuthority().replaceAll("^.*@", "").replaceAll(":\\d+$", "");
                }
            } catch (Exception e) {
                return null;
            }
        } else {
            if (value.startsWith("/") || value.startsWith(".")) {
                return null;
            }
            candidate = value.replaceAll("^[^@/]*@", "").split("[/?#]", 2)[0];
            if (!candidate.startsWith("[")) {
                candidate = candidate.replaceAll(":\\d*$", "");
            }
        }
        if (candidate == null || candidate.isEmpty()) {
            return null;
        }
        candidate = candidate.toLowerCase(Locale.ROOT);
        if (!HOSTNAME.matcher(candidate).matches() || candidate.matches("\\d+")) {
            return null;
        }
        // a property merely named like a host ("server": "default") needs a dot, a scheme or a literal address
        if (!target && !withScheme && !candidate.contains(".") && !candidate.startsWith("[")
                && !candidate.equals("localhost")) {
            return null;
        }
        return candidate;
    }
}
