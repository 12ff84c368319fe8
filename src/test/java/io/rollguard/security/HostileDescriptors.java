package io.rollguard.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.rollguard.support.NodeRedSlots;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Descriptors a hostile requester might send: the sample descriptors of {@code examples/expenses}
 * with a few mutations each (values replaced by huge numbers, long texts, placeholders, paths,
 * other types; keys removed or added; the text cut or spliced), so every generated descriptor
 * is close to a valid one and reaches deep into the checks. jqwik shrinks to fewer mutations.
 */
final class HostileDescriptors {

    static final Path EXAMPLES = NodeRedSlots.PROJECT.resolve("examples/expenses");
    private static final YAMLMapper YAML = new YAMLMapper();

    /** A sample: its descriptor text and every file beside it, as the upload's parts. */
    record Sample(String version, String descriptor, Map<String, byte[]> files) {
    }

    /** One change to a sample; {@code target} picks the node (or text position) modulo what there is. */
    record Mutation(String kind, int target, String value) {
    }

    record Hostile(Sample sample, List<Mutation> mutations, String descriptor) {
        @Override
        public String toString() {
            return sample.version() + " " + mutations;
        }
    }

    private HostileDescriptors() {
    }

    static List<Sample> samples() {
        try (Stream<Path> dirs = Files.list(EXAMPLES)) {
            List<Sample> samples = new ArrayList<>();
            for (Path dir : dirs.filter(d -> Files.exists(d.resolve("release.yaml"))).sorted().toList()) {
                Map<String, byte[]> files = new LinkedHashMap<>();
                try (Stream<Path> inDir = Files.list(dir)) {
                    for (Path f : inDir.filter(f -> !f.getFileName().toString().equals("release.yaml")).sorted().toList()) {
                        files.put(f.getFileName().toString(), Files.readAllBytes(f));
                    }
                }
                samples.add(new Sample(dir.getFileName().toString(), Files.readString(dir.resolve("release.yaml")), files));
            }
            return samples;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Arbitrary<String> values() {
        return Arbitraries.oneOf(
                Arbitraries.of("", "0", "-1", "99999999999999999999999", "1e400", "-0.0", "NaN", ".inf", "null", "~",
                        "true", "${env:HOME}", "${sys:user.home}", "${HOME}", "../../../../etc/passwd", "/etc/passwd",
                        "file:/etc/passwd", "\u0000", "\u202eevil", "1.99999999999999999999.0", "1." + "9".repeat(80) + ".0",
                        "9".repeat(30) + "s", "1ms", "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>", "{a: 1}",
                        "[1, 2]", "*a", "&a x", "!!java.io.File /etc/passwd", "canary", "tenants", "hold", "prometheus"),
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.strings().withChars("abc 123.-/:\\n\"'").ofMinLength(3990).ofMaxLength(6000));
    }

    static Arbitrary<Mutation> mutations() {
        return Combinators.combine(Arbitraries.of("replace", "remove", "add", "list", "object", "cut", "splice", "top"),
                Arbitraries.integers().between(0, 100_000), values()).as(Mutation::new);
    }

    static Arbitrary<Hostile> hostile() {
        return Combinators.combine(Arbitraries.of(samples()), mutations().list().ofMinSize(1).ofMaxSize(4))
                .as((sample, mutations) -> new Hostile(sample, mutations, apply(sample.descriptor(), mutations)));
    }

    static String apply(String descriptor, List<Mutation> mutations) {
        String text = descriptor;
        for (Mutation m : mutations) {
            text = apply(text, m);
        }
        return text;
    }

    private static String apply(String text, Mutation m) {
        if (m.kind().equals("cut")) {
            return text.substring(0, m.target() % (text.length() + 1));
        }
        if (m.kind().equals("splice")) {
            int at = m.target() % (text.length() + 1);
            return text.substring(0, at) + m.value() + text.substring(at);
        }
        JsonNode tree;
        try {
            tree = YAML.readTree(text);
        } catch (IOException notYamlAnyMore) {
            return text + "\n" + m.value();
        }
        if (tree == null || !tree.isContainerNode()) {
            return text;
        }
        List<JsonNode> containers = new ArrayList<>();
        collect(tree, containers);
        JsonNode parent = containers.get(m.target() % containers.size());
        JsonNode value = valueNode(m.value());
        if (m.kind().equals("top") && tree instanceof ObjectNode top) {
            // the fields that end up in columns and variables of their own
            top.set(List.of("version", "description", "app").get(m.target() % 3), value);
        } else if (parent instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            String name = names.isEmpty() ? "x" : names.get(m.target() % names.size());
            switch (m.kind()) {
                case "remove" -> o.remove(name);
                case "add" -> o.set(m.value().isEmpty() ? "extra" : m.value(), value);
                case "list" -> o.set(name, JsonNodeFactory.instance.arrayNode().add(o.path(name)).add(value));
                case "object" -> o.set(name, JsonNodeFactory.instance.objectNode().set(m.value(), value));
                default -> o.set(name, value);
            }
        } else if (parent instanceof ArrayNode a) {
            int i = a.isEmpty() ? 0 : m.target() % a.size();
            switch (m.kind()) {
                case "remove" -> {
                    if (!a.isEmpty()) {
                        a.remove(i);
                    }
                }
                case "add", "list" -> a.add(value);
                default -> {
                    if (a.isEmpty()) {
                        a.add(value);
                    } else {
                        a.set(i, value);
                    }
                }
            }
        }
        try {
            return YAML.writeValueAsString(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void collect(JsonNode node, List<JsonNode> containers) {
        if (node.isContainerNode()) {
            containers.add(node);
            node.elements().forEachRemaining(child -> collect(child, containers));
        }
    }

    /** A bare number where the text is one (huge ones included), else the text. */
    private static JsonNode valueNode(String value) {
        try {
            return JsonNodeFactory.instance.numberNode(new BigInteger(value));
        } catch (NumberFormatException notAnInteger) {
            return JsonNodeFactory.instance.textNode(value);
        }
    }
}
