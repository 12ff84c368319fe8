package io.rollguard.integration;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * What an admin registers about one integration of an app: its kind, the settings a release may
 * change (each one environment entry of the slot) and the probe that shows the integration works
 * from the canary's side. It never holds a secret value: a secret setting names a default secret
 * by reference at most. Built only by {@link DefinitionCheck}, so every instance is valid.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record IntegrationDefinition(String kind, Map<String, Setting> settings, Probe probe) {

    static final String HTTP = "http";

    /** One setting: {@code type} url, string, integer or secret, and the environment entry it is. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Setting(String type, String env, List<String> hosts, Long min, Long max, String pattern,
            @JsonProperty("default") JsonNode defaultValue, String defaultRef) {

        static final String URL = "url";
        static final String STRING = "string";
        static final String INTEGER = "integer";
        static final String SECRET = "secret";
        static final List<String> TYPES = List.of(URL, STRING, INTEGER, SECRET);

        boolean secret() {
            return SECRET.equals(type);
        }
    }

    /** The request that shows the integration answers as it should; {@code url} names a url setting. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Probe(String url, String method, String path, Map<String, String> headers, Integer expectStatus,
            List<Expectation> expect) {
    }

    /** A value the probe's JSON answer must hold at a JSON pointer. */
    record Expectation(String pointer, JsonNode equals) {
    }
}
