package io.rollguard.changes;

import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/** What of a flow's values never appears in a diff: secrets by name, credential env entries, user info in URLs. */
final class Secrets {

    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(password|passwd|pwd|token|secret|api[-_]?key|credential|passphrase|private[-_]?key).*");
    private static final Pattern USER_INFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/@\\s]+@");

    private Secrets() {
    }

    static boolean isSecretName(String name) {
        return SECRET_NAME.matcher(name).matches();
    }

    /** A copy with every secret inside masked; the value itself when nothing is. */
    static JsonNode masked(JsonNode value) {
        if (value == null) {
            return null;
        }
        if (value.isTextual()) {
            String text = value.asText();
            String cut = USER_INFO.matcher(text).replaceAll("$1" + FlowDiff.MASK + "@");
            return cut.equals(text) ? value : TextNode.valueOf(cut);
        }
        if (!value.isContainerNode()) {
            return value;
        }
        JsonNode copy = value.deepCopy();
        mask(copy);
        return copy;
    }

    private static void mask(JsonNode node) {
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            // an env entry {name, value, type}: a credential type or a secret-like name hides the value
            boolean secretEntry = object.has("value") && (object.path("type").asText().equals("cred")
                    || isSecretName(object.path("name").asText()));
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (isSecretName(field.getKey()) || (secretEntry && field.getKey().equals("value"))) {
                    field.setValue(TextNode.valueOf(FlowDiff.MASK));
                } else if (field.getValue().isTextual()) {
                    field.setValue(masked(field.getValue()));
                } else {
                    mask(field.getValue());
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                JsonNode item = node.get(i);
                if (item.isTextual()) {
                    ((com.fasterxml.jackson.databind.node.ArrayNode) node).set(i, masked(item));
                } else {
                    mask(item);
                }
            }
        }
    }
}
