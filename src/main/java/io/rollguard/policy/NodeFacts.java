package io.rollguard.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One node of a flows file as the node policy sees it: its id, type, name, the tab or subflow it
 * sits on (its label, or its id when unlabelled; null for config nodes and tabs) and its JSON.
 */
public record NodeFacts(String id, String type, String name, String tab, JsonNode node) {

    /** Every node of a parsed flows array, with the tab resolved from the node's {@code z}. */
    public static List<NodeFacts> allOf(JsonNode flows) {
        Map<String, String> tabs = new HashMap<>();
        for (JsonNode node : flows) {
            String type = node.path("type").asText();
            if (type.equals("tab") || type.equals("subflow")) {
                String label = node.path(type.equals("tab") ? "label" : "name").asText("");
                tabs.put(node.path("id").asText(), label.isBlank() ? node.path("id").asText() : label);
            }
        }
        List<NodeFacts> facts = new ArrayList<>();
        for (JsonNode node : flows) {
            String z = node.path("z").asText(null);
            facts.add(new NodeFacts(node.path("id").asText(), node.path("type").asText(),
                    node.path("name").asText(node.path("label").asText("")),
                    z == null ? null : tabs.getOrDefault(z, z), node));
        }
        return facts;
    }

    /** How a person finds the node in the editor: id, name, type and tab. */
    public String describe() {
        StringBuilder text = new StringBuilder("node ").append(id);
        if (name != null && !name.isBlank()) {
            text.append(" \"").append(name).append('"');
        }
        text.append(" (type ").append(type);
        if (tab != null) {
            text.append(", tab \"").append(tab).append('"');
        }
        return text.append(')').toString();
    }
}
