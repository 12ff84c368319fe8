package io.rollguard.flags;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a flag is: its key, its variants (name to JSON value, in declaration order), the variant
 * served when the flag is off or a request is not targeted ({@code defaultVariant}) and the variant
 * a rollout exposes ({@code newVariant}). Without declared variants a flag is boolean:
 * {@code off: false}, {@code on: true}, default {@code off}, new {@code on}.
 */
public record FlagDefinition(String key, Map<String, JsonNode> variants, String defaultVariant, String newVariant) {

    public FlagDefinition {
        variants = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(variants));
        if (!variants.containsKey(defaultVariant)) {
            throw new IllegalArgumentException("flag " + key + ": default variant '" + defaultVariant + "' is not one of "
                    + variants.keySet());
        }
        if (!variants.containsKey(newVariant)) {
            throw new IllegalArgumentException("flag " + key + ": new variant '" + newVariant + "' is not one of "
                    + variants.keySet());
        }
        if (defaultVariant.equals(newVariant)) {
            throw new IllegalArgumentException("flag " + key + ": the new variant must differ from the default one");
        }
    }

    public static FlagDefinition booleanFlag(String key) {
        Map<String, JsonNode> variants = new LinkedHashMap<>();
        variants.put("off", com.fasterxml.jackson.databind.node.BooleanNode.FALSE);
        variants.put("on", com.fasterxml.jackson.databind.node.BooleanNode.TRUE);
        return new FlagDefinition(key, variants, "off", "on");
    }
}
