package io.rollguard.preflight;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.rollguard.app.App;
import io.rollguard.app.SlotName;
import io.rollguard.platform.TargetPlatform;
import io.rollguard.release.descriptor.DescriptorParser;
import io.rollguard.release.descriptor.ReleaseDescriptor;

/**
 * Runs a descriptor's journeys against the canary slot, one after the other, each step's
 * captured values feeding the later steps of the same journey. A journey is one check: passed
 * when every step answered as expected, failed at its first step that did not, naming the step,
 * the request and what came back (clipped).
 */
@Component
class CanaryJourneys {

    static final int MAX_ANSWER_IN_REPORT = 300;

    private final TargetPlatform target;
    private final ObjectMapper json = new ObjectMapper();

    CanaryJourneys(TargetPlatform target) {
        this.target = target;
    }

    /** One check per journey, in order, up to and including the first that failed. */
    List<PreflightChecks.Check> run(App app, List<ReleaseDescriptor.Journey> journeys) {
        List<PreflightChecks.Check> checks = new ArrayList<>();
        for (ReleaseDescriptor.Journey journey : journeys) {
            PreflightChecks.Check check = run(app, journey);
            checks.add(check);
            if (!check.passed()) {
                break;
            }
        }
        return checks;
    }

    PreflightChecks.Check run(App app, ReleaseDescriptor.Journey journey) {
        String name = "journey '" + journey.name() + "' (" + journey.steps().size()
                + (journey.steps().size() == 1 ? " step)" : " steps)");
        Map<String, JsonNode> captured = new HashMap<>();
        for (int i = 0; i < journey.steps().size(); i++) {
            String problem = step(app, journey.steps().get(i), captured);
            if (problem != null) {
                ReleaseDescriptor.JourneyStep step = journey.steps().get(i);
                return new PreflightChecks.Check(name, List.of("step " + (i + 1) + " " + step.method() + " "
                        + step.path() + ": " + problem));
            }
        }
        return new PreflightChecks.Check(name, List.of());
    }

    /** What was wrong with this step's answer; null when it answered as expected. */
    private String step(App app, ReleaseDescriptor.JourneyStep step, Map<String, JsonNode> captured) {
        String path = substitutePath(step.path(), captured);
        String body = step.body() == null ? null : substitute(step.body(), captured).toString();
        TargetPlatform.HttpAnswer answer = target.exchange(app, SlotName.CANARY, step.method(), path, step.headers(), body);
        if (!answer.answered()) {
            return "no answer (" + answer.error() + ")";
        }
        if (answer.status() != step.expectStatus()) {
            return "expected " + step.expectStatus() + ", got " + answer.status() + answered(answer);
        }
        if (step.expectations().isEmpty() && step.capture().isEmpty()) {
            return null;
        }
        JsonNode tree;
        try {
            tree = answer.body() == null || answer.body().isBlank() ? null : json.readTree(answer.body());
        } catch (IOException e) {
            tree = null;
        }
        if (tree == null) {
            return "expected a JSON answer" + answered(answer);
        }
        for (ReleaseDescriptor.Expectation expectation : step.expectations()) {
            JsonNode value = tree.at(expectation.pointer());
            if (value.isMissingNode()) {
                return expectation.pointer() + " is missing" + answered(answer);
            }
            if (expectation.equals() != null && !sameValue(expectation.equals(), value)) {
                return expectation.pointer() + " is " + clip(value.toString()) + ", expected "
                        + clip(expectation.equals().toString());
            }
        }
        for (Map.Entry<String, String> capture : step.capture().entrySet()) {
            JsonNode value = tree.at(capture.getValue());
            if (value.isMissingNode()) {
                return "nothing to capture as " + capture.getKey() + " at " + capture.getValue() + answered(answer);
            }
            captured.put(capture.getKey(), value);
        }
        return null;
    }

    /** YAML's 12.5 and JSON's 12.50 are the same number. */
    private static boolean sameValue(JsonNode expected, JsonNode actual) {
        if (expected.isNumber() && actual.isNumber()) {
            return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        return expected.equals(actual);
    }

    /** A captured value in a path is URL-encoded, so it can never add a segment, a query or a host. */
    static String substitutePath(String path, Map<String, JsonNode> captured) {
        Matcher m = DescriptorParser.CAPTURED.matcher(path);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String encoded = URLEncoder.encode(text(captured.get(m.group(1))), StandardCharsets.UTF_8).replace("+", "%20");
            m.appendReplacement(out, Matcher.quoteReplacement(encoded));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * A string that is exactly {@code ${name}} becomes the captured value itself (a number stays a
     * number); inside a longer string the value is inserted as text. JSON escaping is the tree's.
     */
    JsonNode substitute(JsonNode node, Map<String, JsonNode> captured) {
        if (node.isTextual()) {
            String text = node.asText();
            Matcher whole = DescriptorParser.CAPTURED.matcher(text);
            if (whole.matches()) {
                JsonNode value = captured.get(whole.group(1));
                return value == null ? TextNode.valueOf("") : value;
            }
            Matcher m = DescriptorParser.CAPTURED.matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(out, Matcher.quoteReplacement(text(captured.get(m.group(1)))));
            }
            m.appendTail(out);
            return TextNode.valueOf(out.toString());
        }
        if (node.isArray()) {
            ArrayNode copy = json.createArrayNode();
            node.forEach(child -> copy.add(substitute(child, captured)));
            return copy;
        }
        if (node.isObject()) {
            ObjectNode copy = json.createObjectNode();
            node.properties().forEach(e -> copy.set(e.getKey(), substitute(e.getValue(), captured)));
            return copy;
        }
        return node;
    }

    private static String text(JsonNode value) {
        return value == null ? "" : value.isValueNode() ? value.asText() : value.toString();
    }

    private static String answered(TargetPlatform.HttpAnswer answer) {
        return answer.body() == null || answer.body().isBlank() ? "" : ", answered " + clip(answer.body().strip());
    }

    private static String clip(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() <= MAX_ANSWER_IN_REPORT ? oneLine : oneLine.substring(0, MAX_ANSWER_IN_REPORT - 3) + "...";
    }
}
