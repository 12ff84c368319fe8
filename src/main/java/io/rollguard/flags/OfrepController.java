package io.rollguard.flags;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The OpenFeature Remote Evaluation Protocol for the built-in store: one flag
 * ({@code POST /ofrep/v1/evaluate/flags/{key}}) or all of the app's flags
 * ({@code POST /ofrep/v1/evaluate/flags}, with a strong ETag: the same flags and context answer 304
 * to If-None-Match). The app's flag evaluation key ({@code X-API-Key}, or {@code Authorization:
 * Bearer}) says whose flags; evaluation reads memory only. Errors are the spec's: 400 PARSE_ERROR
 * (not JSON, too large), INVALID_CONTEXT, TARGETING_KEY_MISSING, 404 FLAG_NOT_FOUND, 401 without
 * a valid key.
 */
@RestController
@RequestMapping(value = "/ofrep/v1", produces = MediaType.APPLICATION_JSON_VALUE)
class OfrepController {

    /** A context is a handful of attributes; anything larger is not one. */
    static final int MAX_BODY = 16 * 1024;

    private final FlagKeys keys;
    private final BuiltinFlagStore store;
    private final ObjectMapper json = new ObjectMapper();

    OfrepController(FlagKeys keys, BuiltinFlagStore store) {
        this.keys = keys;
        this.store = store;
    }

    /** What the request asked for, or the error to answer (its status and OFREP body). */
    private record Asked(String app, String targetingKey, String tenant, String canonicalContext,
            ResponseEntity<Map<String, Object>> refusal) {
    }

    @PostMapping("/evaluate/flags/{key}")
    ResponseEntity<Map<String, Object>> one(@PathVariable String key, HttpServletRequest request) {
        Asked asked = read(request, key);
        if (asked.refusal() != null) {
            return asked.refusal();
        }
        FlagEvaluator.Evaluation e = FlagEvaluator.evaluate(key, store.inMemory(asked.app(), key).orElse(null),
                asked.targetingKey(), asked.tenant());
        if (e.error() == FlagEvaluator.ErrorCode.FLAG_NOT_FOUND) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(error(key, e.error().name(), e.detail()));
        }
        if (e.failed()) {
            return ResponseEntity.badRequest().body(error(key, e.error().name(), e.detail()));
        }
        return ResponseEntity.ok(success(e));
    }

    @PostMapping("/evaluate/flags")
    ResponseEntity<Map<String, Object>> all(HttpServletRequest request) {
        Asked asked = read(request, null);
        if (asked.refusal() != null) {
            return asked.refusal();
        }
        // read the revision before the flags: a change in between makes the next ETag differ, never a stale 304
        long revision = store.revision();
        String etag = "\"" + FlagKeys.hash(asked.app() + "\n" + revision + "\n" + asked.canonicalContext()) + "\"";
        String ifNoneMatch = request.getHeader("If-None-Match");
        if (ifNoneMatch != null && List.of(ifNoneMatch.split("\\s*,\\s*")).contains(etag)) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(etag).build();
        }
        List<Map<String, Object>> flags = new java.util.ArrayList<>();
        new TreeMap<>(store.inMemory(asked.app())).forEach((key, flag) -> {
            FlagEvaluator.Evaluation e = FlagEvaluator.evaluate(key, flag, asked.targetingKey(), asked.tenant());
            flags.add(e.failed() ? error(key, e.error().name(), e.detail()) : success(e));
        });
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("flags", flags);
        return ResponseEntity.ok().eTag(etag).body(body);
    }

    /** The optional configuration endpoint: what a provider may rely on. */
    @GetMapping("/configuration")
    ResponseEntity<Map<String, Object>> configuration(HttpServletRequest request) {
        if (app(request).isEmpty()) {
            return unauthorized();
        }
        return ResponseEntity.ok(Map.of("name", "Rollguard", "capabilities", Map.of(
                "cacheInvalidation", Map.of("polling", Map.of("enabled", true, "minPollingIntervalMs", 1000)),
                "flagEvaluation", Map.of("supportedTypes", List.of("boolean", "string", "integer", "float", "object")))));
    }

    private Asked read(HttpServletRequest request, String key) {
        Optional<String> app = app(request);
        if (app.isEmpty()) {
            return refused(unauthorized());
        }
        byte[] raw;
        try (InputStream in = request.getInputStream()) {
            raw = in.readNBytes(MAX_BODY + 1);
        } catch (IOException e) {
            return refused(ResponseEntity.badRequest().body(error(key, "PARSE_ERROR", "the body could not be read")));
        }
        if (raw.length > MAX_BODY) {
            return refused(ResponseEntity.badRequest().body(error(key, "PARSE_ERROR",
                    "the body is larger than " + MAX_BODY + " bytes")));
        }
        JsonNode context;
        if (raw.length == 0 || new String(raw, StandardCharsets.UTF_8).isBlank()) {
            context = json.createObjectNode();
        } else {
            JsonNode body;
            try {
                body = json.readTree(raw);
            } catch (IOException e) {
                return refused(ResponseEntity.badRequest().body(error(key, "PARSE_ERROR", "the body is not JSON")));
            }
            if (body == null || !body.isObject()) {
                return refused(ResponseEntity.badRequest().body(error(key, "PARSE_ERROR",
                        "the body must be a JSON object {\"context\": {...}}")));
            }
            context = body.has("context") ? body.get("context") : json.createObjectNode();
        }
        if (!context.isObject()) {
            return refused(ResponseEntity.badRequest().body(error(key, "INVALID_CONTEXT", "context must be an object")));
        }
        for (String field : List.of("targetingKey", "tenant")) {
            if (context.has(field) && !context.get(field).isTextual() && !context.get(field).isNull()) {
                return refused(ResponseEntity.badRequest().body(error(key, "INVALID_CONTEXT",
                        field + " must be a string")));
            }
        }
        String targetingKey = context.path("targetingKey").asText("");
        String tenant = context.path("tenant").asText("");
        String canonical;
        try {
            // the ETag depends on what the evaluation reads of the context, in one order
            canonical = json.writeValueAsString(Map.of("targetingKey", targetingKey, "tenant", tenant));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new Asked(app.get(), targetingKey, tenant, canonical, null);
    }

    private Optional<String> app(HttpServletRequest request) {
        String key = request.getHeader("X-API-Key");
        String authorization = request.getHeader("Authorization");
        if (key == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            key = authorization.substring(7).trim();
        }
        return keys.appOf(key);
    }

    private static Asked refused(ResponseEntity<Map<String, Object>> refusal) {
        return new Asked(null, null, null, null, refusal);
    }

    private static ResponseEntity<Map<String, Object>> unauthorized() {
        return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
                .header("WWW-Authenticate", "Bearer realm=\"rollguard-flags\"")
                .body(Map.of("errorDetails", "a valid flag evaluation key of the app is required (X-API-Key)"));
    }

    private static Map<String, Object> success(FlagEvaluator.Evaluation e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("key", e.key());
        body.put("value", e.value());
        body.put("reason", e.reason().name());
        body.put("variant", e.variant());
        body.put("metadata", Map.of());
        return body;
    }

    private static Map<String, Object> error(String key, String code, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (key != null) {
            body.put("key", key);
        }
        body.put("errorCode", code);
        body.put("errorDetails", detail);
        return body;
    }

}
