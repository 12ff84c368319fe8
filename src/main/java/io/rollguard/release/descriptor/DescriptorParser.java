package io.rollguard.release.descriptor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import io.rollguard.refusal.Refusal.Violation;

/**
 * Reads a descriptor from YAML and validates it against the JSON Schema shipped in
 * {@code schema/release-descriptor.schema.json}. Every violation is reported by its path.
 */
@Component
public class DescriptorParser {

    public static final String SCHEMA_RESOURCE = "/schema/release-descriptor.schema.json";
    public static final int MAX_JOURNEY_BODY_BYTES = 64 * 1024;

    /** {@code ${name}} in a journey step's path or body: a value captured by an earlier step. */
    public static final Pattern CAPTURED = Pattern.compile("\\$\\{([A-Za-z][A-Za-z0-9_]{0,63})}");

    /** Headers the HTTP client sets itself; a journey may not forge them. */
    private static final Set<String> HEADERS_NOT_SET_BY_JOURNEYS = Set.of(
            "host", "connection", "content-length", "expect", "upgrade", "transfer-encoding", "te", "trailer");

    private final YAMLMapper yaml = new YAMLMapper(new YAMLFactory());
    private final JsonSchema schema;

    public DescriptorParser() {
        try (InputStream in = DescriptorParser.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Descriptor schema missing from the classpath: " + SCHEMA_RESOURCE);
            }
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The outcome: either a descriptor or the list of everything wrong with the text. */
    public record Result(ReleaseDescriptor descriptor, List<Violation> violations) {
        public boolean isValid() {
            return violations.isEmpty();
        }
    }

    public Result parse(String text) {
        if (text == null || text.isBlank()) {
            return invalid(new Violation("/", "descriptor is empty"));
        }
        JsonNode tree;
        try {
            tree = yaml.readTree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr();
            return invalid(new Violation("/", "descriptor is not valid YAML" + where + ": " + e.getOriginalMessage()));
        }
        if (tree == null || !tree.isObject()) {
            return invalid(new Violation("/", "descriptor must be a YAML mapping"));
        }
        // YAML's "\0" escape makes a NUL character, which no text column of PostgreSQL stores
        List<Violation> nul = new ArrayList<>();
        findNul(tree, "", nul);
        if (!nul.isEmpty()) {
            return new Result(null, nul);
        }
        Set<ValidationMessage> messages = schema.validate(tree);
        if (!messages.isEmpty()) {
            List<Violation> violations = messages.stream()
                    .map(DescriptorParser::toViolation)
                    .sorted(Comparator.comparing(Violation::path).thenComparing(Violation::message))
                    .toList();
            return new Result(null, violations);
        }
        ReleaseDescriptor descriptor = toDescriptor(tree);
        List<Violation> semantic = checkSemantics(tree, descriptor);
        return semantic.isEmpty() ? new Result(descriptor, List.of()) : new Result(null, semantic);
    }

    private static void findNul(JsonNode node, String path, List<Violation> violations) {
        if (violations.size() >= 20) {
            return;
        }
        if (node.isTextual() && node.asText().indexOf('\u0000') >= 0) {
            violations.add(new Violation(path.isEmpty() ? "/" : path, "must not contain the NUL character (U+0000)"));
        } else if (node.isBinary() || node.isPojo()) {
            // YAML's !!binary (and any other tag that is not plain data) is no text the schema can check
            // (its length check would fail on it): refused here, named, before the schema sees it
            violations.add(new Violation(path.isEmpty() ? "/" : path,
                    "must be plain data (text, a number, true/false, a list or a map), not a tagged !!binary value"));
        } else if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                String at = path + "/" + field.getKey().replace("\u0000", "\\0");
                if (field.getKey().indexOf('\u0000') >= 0) {
                    violations.add(new Violation(at, "a key must not contain the NUL character (U+0000)"));
                }
                findNul(field.getValue(), at, violations);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                findNul(node.get(i), path + "/" + i, violations);
            }
        }
    }

    private static Result invalid(Violation violation) {
        return new Result(null, List.of(violation));
    }

    private static Violation toViolation(ValidationMessage m) {
        String path = toPointer(m.getInstanceLocation().toString());
        if ("required".equals(m.getType()) && m.getProperty() != null) {
            path = path.equals("/") ? "/" + m.getProperty() : path + "/" + m.getProperty();
        }
        String message = m.getMessage();
        // the library prefixes its own location notation; the path field already says where
        int colon = message.indexOf(": ");
        if (message.startsWith("$") && colon > 0) {
            message = message.substring(colon + 2);
        }
        return new Violation(path, message);
    }

    /** {@code $.rollout.steps[0].weight} becomes {@code /rollout/steps/0/weight}. */
    static String toPointer(String location) {
        String p = location.startsWith("$") ? location.substring(1) : location;
        p = p.replaceAll("\\[(\\d+)]", ".$1").replaceAll("\\['([^']*)']", ".$1").replace('.', '/');
        return p.isEmpty() ? "/" : p;
    }

    private static List<Violation> checkSemantics(JsonNode tree, ReleaseDescriptor d) {
        List<Violation> violations = new ArrayList<>();
        int previous = 0;
        for (int i = 0; i < d.rollout().steps().size(); i++) {
            ReleaseDescriptor.Step step = d.rollout().steps().get(i);
            if (d.rollout().byTenants() && step.weight() != 0) {
                violations.add(new Violation("/rollout/steps/" + i + "/weight",
                        "strategy tenants pins waves of tenants, it takes no weight"));
            } else if (!d.rollout().byTenants() && !step.tenants().isEmpty()) {
                violations.add(new Violation("/rollout/steps/" + i + "/tenants",
                        "strategy canary shifts weights; tenants need strategy tenants"));
            }
            int weight = step.weight();
            if (weight < previous && !d.flagOnly()) {
                violations.add(new Violation("/rollout/steps/" + i + "/weight",
                        "weights must not decrease: " + weight + " follows " + previous));
            }
            previous = weight;
            if (d.stepDuration(i) == null) {
                violations.add(new Violation("/rollout/steps/" + i + "/pause",
                        "a step needs a pause, or analysis.interval must be set"));
            }
        }
        for (int i = 0; i < d.analysis().metrics().size(); i++) {
            ReleaseDescriptor.Metric metric = d.analysis().metrics().get(i);
            if (metric.failIf() == null && metric.mannWhitney() == null) {
                violations.add(new Violation("/analysis/metrics/" + i,
                        "a metric needs a comparison: failIf (thresholds), mannWhitney (statistical test) or both"));
            }
        }
        checkFlags(tree, d, violations);
        checkSteps(tree, d, violations);
        for (int j = 0; j < d.journeys().size(); j++) {
            checkJourney(d.journeys().get(j), "/journeys/" + j, violations);
        }
        return violations;
    }

    private static ReleaseDescriptor.Flag flag(JsonNode f) {
        String key = f.path("key").asText();
        if (f.has("states")) {
            List<Boolean> states = new ArrayList<>();
            f.path("states").forEach(on -> states.add(on.asBoolean()));
            return ReleaseDescriptor.Flag.ofStates(key, states);
        }
        java.util.Map<String, JsonNode> variants = new java.util.LinkedHashMap<>();
        f.path("variants").fields().forEachRemaining(e -> variants.put(e.getKey(), e.getValue()));
        List<ReleaseDescriptor.FlagStep> steps = new ArrayList<>();
        f.path("steps").forEach(st -> {
            List<String> tenants = new ArrayList<>();
            st.path("tenants").forEach(t -> tenants.add(t.asText()));
            // a step that names tenants and no percentage exposes only those tenants
            int percentage = st.path("percentage").asInt(tenants.isEmpty() ? 100 : 0);
            steps.add(new ReleaseDescriptor.FlagStep(st.path("enabled").asBoolean(true), percentage, tenants));
        });
        String defaultVariant = f.path("defaultVariant").asText(ReleaseDescriptor.Flag.BOOLEAN_OFF);
        String newVariant = f.path("newVariant").asText(ReleaseDescriptor.Flag.BOOLEAN_ON);
        return new ReleaseDescriptor.Flag(key, variants, defaultVariant, newVariant, steps);
    }

    /**
     * A flag-only release (no artifact) shifts no traffic: its flags' steps are the exposure, so its
     * steps carry a pause only, and it carries nothing that needs a new version in a slot.
     */
    private static void checkSteps(JsonNode tree, ReleaseDescriptor d, List<Violation> violations) {
        JsonNode steps = tree.path("rollout").path("steps");
        if (!d.flagOnly()) {
            return; // the schema requires a weight per step of a canary rollout with an artifact
        }
        if (d.flags().isEmpty()) {
            violations.add(new Violation("/artifact", "is required unless the release changes flags only (flags[])"));
            return;
        }
        String flagOnly = "a flag-only release (no artifact) ";
        if (d.rollout().byTenants()) {
            violations.add(new Violation("/rollout/strategy", flagOnly
                    + "pins no tenants to a canary: give tenants in its flags' steps"));
        }
        for (int i = 0; i < steps.size(); i++) {
            for (String field : List.of("weight", "tenants")) {
                if (steps.path(i).has(field)) {
                    violations.add(new Violation("/rollout/steps/" + i + "/" + field, flagOnly
                            + "shifts no traffic: its flags' steps set the exposure"));
                }
            }
        }
        for (String section : List.of("schema", "integrations", "journeys", "smoke")) {
            if (tree.has(section)) {
                violations.add(new Violation("/" + section, flagOnly
                        + "changes nothing in the app's slots or data: " + section + " needs a new version"));
            }
        }
    }

    /** What the schema cannot say about flags: one state per step, variants that exist, each flag once. */
    private static void checkFlags(JsonNode tree, ReleaseDescriptor d, List<Violation> violations) {
        int stepCount = d.rollout().steps().size();
        Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < d.flags().size(); i++) {
            ReleaseDescriptor.Flag flag = d.flags().get(i);
            JsonNode raw = tree.path("flags").path(i);
            String at = "/flags/" + i;
            if (!seen.add(flag.key())) {
                violations.add(new Violation(at + "/key", "flag '" + flag.key() + "' is listed twice"));
            }
            if (raw.has("states") && (raw.has("steps") || raw.has("variants") || raw.has("defaultVariant")
                    || raw.has("newVariant"))) {
                violations.add(new Violation(at + "/states",
                        "is the short form of a boolean flag: give either states or variants/steps, not both"));
                continue;
            }
            String list = raw.has("states") ? "/states" : "/steps";
            if (flag.steps().size() != stepCount) {
                violations.add(new Violation(at + list, (flag.steps().isEmpty() ? "is missing: a flag " : "")
                        + "needs one state per rollout step (" + stepCount + ")"));
            }
            if (flag.isBoolean()) {
                if (raw.has("defaultVariant") || raw.has("newVariant")) {
                    for (String field : List.of("defaultVariant", "newVariant")) {
                        String name = raw.path(field).asText(null);
                        if (name != null && !List.of("off", "on").contains(name)) {
                            violations.add(new Violation(at + "/" + field, "names variant '" + name
                                    + "', but a flag without variants has only off and on"));
                        }
                    }
                }
            } else {
                for (String field : List.of("defaultVariant", "newVariant")) {
                    if (!raw.has(field)) {
                        violations.add(new Violation(at + "/" + field, "is required when the flag lists variants"));
                    } else if (!flag.variants().containsKey(raw.path(field).asText())) {
                        violations.add(new Violation(at + "/" + field, "names variant '" + raw.path(field).asText()
                                + "', which is not one of " + flag.variants().keySet()));
                    }
                }
            }
            if (flag.defaultVariant().equals(flag.newVariant())) {
                violations.add(new Violation(at + "/newVariant", "must differ from defaultVariant ('"
                        + flag.defaultVariant() + "'): the release exposes a new variant"));
            }
        }
    }

    /**
     * What the schema cannot say about a journey (the requester's text is hostile input): paths stay
     * paths on the slot, bodies are bounded, headers the client owns are not forged, and every
     * {@code ${name}} was captured by an earlier step.
     */
    private static void checkJourney(ReleaseDescriptor.Journey journey, String at, List<Violation> violations) {
        Set<String> captured = new LinkedHashSet<>();
        for (int i = 0; i < journey.steps().size(); i++) {
            ReleaseDescriptor.JourneyStep step = journey.steps().get(i);
            String stepAt = at + "/steps/" + i;
            String decoded = step.path().toLowerCase(Locale.ROOT).replace("%2e", ".").replace("%2f", "/");
            if (decoded.contains("..") || step.path().startsWith("//") || decoded.contains("%5c")) {
                violations.add(new Violation(stepAt + "/path", "a journey path stays on the slot: no '..', no '//' prefix"));
            }
            List<String> used = new ArrayList<>(referenced(step.path()));
            if (step.body() != null) {
                if (step.body().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_JOURNEY_BODY_BYTES) {
                    violations.add(new Violation(stepAt + "/body", "a journey body is at most 64 KiB"));
                }
                collectReferences(step.body(), used);
            }
            for (String name : used) {
                if (!captured.contains(name)) {
                    violations.add(new Violation(stepAt, "${" + name + "} is not captured by an earlier step"));
                }
            }
            for (String header : step.headers().keySet()) {
                if (HEADERS_NOT_SET_BY_JOURNEYS.contains(header.toLowerCase(Locale.ROOT))) {
                    violations.add(new Violation(stepAt + "/headers/" + header, "this header is set by Rollguard, not by a journey"));
                }
            }
            captured.addAll(step.capture().keySet());
        }
    }

    private static List<String> referenced(String text) {
        List<String> names = new ArrayList<>();
        Matcher m = CAPTURED.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static void collectReferences(JsonNode node, List<String> names) {
        if (node.isTextual()) {
            names.addAll(referenced(node.asText()));
        }
        node.elements().forEachRemaining(child -> collectReferences(child, names));
    }

    private static List<ReleaseDescriptor.Journey> journeys(JsonNode tree) {
        List<ReleaseDescriptor.Journey> journeys = new ArrayList<>();
        tree.path("journeys").forEach(j -> {
            List<ReleaseDescriptor.JourneyStep> steps = new ArrayList<>();
            j.path("steps").forEach(s -> {
                Map<String, String> headers = new LinkedHashMap<>();
                s.path("headers").properties().forEach(h -> headers.put(h.getKey(), h.getValue().asText()));
                List<ReleaseDescriptor.Expectation> expectations = new ArrayList<>();
                s.path("assert").forEach(a -> expectations.add(new ReleaseDescriptor.Expectation(
                        a.path("pointer").asText(), a.has("equals") ? a.get("equals") : null)));
                Map<String, String> capture = new LinkedHashMap<>();
                s.path("capture").properties().forEach(c -> capture.put(c.getKey(), c.getValue().asText()));
                steps.add(new ReleaseDescriptor.JourneyStep(s.path("method").asText("GET"), s.path("path").asText(),
                        s.has("body") ? s.get("body") : null, headers, s.path("expectStatus").asInt(200),
                        expectations, capture));
            });
            journeys.add(new ReleaseDescriptor.Journey(j.path("name").asText(), steps));
        });
        return journeys;
    }

    private ReleaseDescriptor toDescriptor(JsonNode tree) {
        JsonNode rollout = tree.path("rollout");
        JsonNode analysis = tree.path("analysis");
        List<ReleaseDescriptor.Step> steps = new ArrayList<>();
        rollout.path("steps").forEach(s -> {
            List<String> tenants = new ArrayList<>();
            s.path("tenants").forEach(t -> tenants.add(t.asText()));
            steps.add(new ReleaseDescriptor.Step(s.path("weight").asInt(), duration(s.path("pause")), tenants));
        });
        int minSamples = analysis.path("minSamples").asInt(20);
        List<ReleaseDescriptor.Metric> metrics = new ArrayList<>();
        analysis.path("metrics").forEach(m -> metrics.add(new ReleaseDescriptor.Metric(
                m.path("name").asText(), m.hasNonNull("source") ? m.path("source").asText() : null,
                m.path("query").asText(),
                m.has("failIf") ? new ReleaseDescriptor.FailIf(number(m.path("failIf").path("above")),
                        number(m.path("failIf").path("aboveBaselineBy"))) : null,
                m.has("mannWhitney") ? new ReleaseDescriptor.MannWhitney(
                        m.path("mannWhitney").path("confidence").asDouble(),
                        m.path("mannWhitney").path("tolerance").asDouble(0)) : null,
                m.path("minSamples").asInt(minSamples),
                m.path("failureLimit").asInt(ReleaseDescriptor.Metric.DEFAULT_FAILURE_LIMIT),
                m.path("consecutiveErrorLimit").asInt(ReleaseDescriptor.Metric.DEFAULT_CONSECUTIVE_ERROR_LIMIT))));
        List<ReleaseDescriptor.Integration> integrations = new ArrayList<>();
        tree.path("integrations").forEach(i -> integrations.add(
                new ReleaseDescriptor.Integration(i.path("name").asText(), i.path("settings"))));
        List<ReleaseDescriptor.Flag> flags = new ArrayList<>();
        tree.path("flags").forEach(f -> flags.add(flag(f)));
        JsonNode artifact = tree.path("artifact");
        JsonNode smoke = tree.path("smoke");
        return new ReleaseDescriptor(
                tree.path("app").asText(),
                tree.path("version").asText(),
                tree.hasNonNull("description") ? tree.path("description").asText() : null,
                tree.has("artifact") ? new ReleaseDescriptor.Artifact(artifact.path("type").asText(),
                        artifact.path("file").asText(),
                        artifact.hasNonNull("sha256") ? artifact.path("sha256").asText() : null) : null,
                tree.has("schema") ? new ReleaseDescriptor.SchemaChange(tree.path("schema").path("changelog").asText())
                        : null,
                integrations,
                flags,
                new ReleaseDescriptor.Rollout(rollout.path("strategy").asText("canary"), steps,
                        "hold".equals(rollout.path("onFailure").asText("rollback"))
                                ? ReleaseDescriptor.OnFailure.HOLD : ReleaseDescriptor.OnFailure.ROLLBACK),
                new ReleaseDescriptor.Analysis(duration(analysis.path("interval")),
                        minSamples, metrics),
                tree.has("smoke") ? new ReleaseDescriptor.Smoke(smoke.path("path").asText(),
                        smoke.path("expectStatus").asInt(200)) : new ReleaseDescriptor.Smoke("/", 200),
                journeys(tree));
    }

    private static Double number(JsonNode node) {
        return node.isNumber() ? node.asDouble() : null;
    }

    /** Durations are written {@code 500ms}, {@code 8s} or {@code 2m}; the schema has checked the form. */
    static Duration duration(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return null;
        }
        String text = node.asText();
        if (text.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
        }
        long amount = Long.parseLong(text.substring(0, text.length() - 1));
        return text.endsWith("m") ? Duration.ofMinutes(amount) : Duration.ofSeconds(amount);
    }
}
