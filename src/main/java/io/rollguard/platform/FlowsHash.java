package io.rollguard.platform;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * A hash of what flows do, not of how they were serialised: nodes sorted by id and keys sorted,
 * so the same flows read back from Node-RED hash the same as the file that was deployed.
 */
public final class FlowsHash {

    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private FlowsHash() {
    }

    /** Parses flows, refusing anything that is not a JSON array of nodes with ids. */
    public static JsonNode parse(String flowsJson) {
        JsonNode tree;
        try {
            tree = CANONICAL.readTree(flowsJson);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("flows are not valid JSON: " + e.getOriginalMessage());
        }
        if (tree == null || !tree.isArray()) {
            throw new IllegalArgumentException("flows must be a JSON array of nodes");
        }
        for (int i = 0; i < tree.size(); i++) {
            JsonNode node = tree.get(i);
            if (!node.isObject() || !node.path("id").isTextual() || !node.path("type").isTextual()) {
                throw new IllegalArgumentException("flow node " + i + " needs a string id and type");
            }
        }
        return tree;
    }

    public static String canonical(String flowsJson) {
        JsonNode tree = parse(flowsJson);
        List<JsonNode> nodes = new ArrayList<>();
        tree.forEach(nodes::add);
        nodes.sort(Comparator.comparing(n -> n.path("id").asText()));
        try {
            Object plain = CANONICAL.treeToValue(CANONICAL.valueToTree(nodes), Object.class);
            String text = CANONICAL.writeValueAsString(plain);
            return sha256(text.getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
