package io.rollguard.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.rollguard.release.descriptor.DescriptorParser;
import io.rollguard.support.ExpensesUntilApproval;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A requester's {@code flags[]} is hostile input: whatever it holds, parsing ends in a descriptor
 * whose flags are what an approver can read, or in violations that say where, never an exception
 * (a 500). A flag key cannot become a path, a variant name cannot carry markup, a flag-only
 * release cannot smuggle in what needs a new version.
 */
class HostileFlagsTest {

    private final DescriptorParser parser = new DescriptorParser();

    static String withFlags(String flags) {
        return ExpensesUntilApproval.descriptor() + flags;
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../etc/passwd", "/etc/passwd", "a/b", "a b", "<script>", "${jndi:ldap://x}", "a\\u0000b",
            "ä-flag", "-leading", ".hidden",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
    void aFlagKeyIsAPlainNameNeverAPathOrMarkup(String key) {
        DescriptorParser.Result result = parser.parse(withFlags("flags:\n  - key: \"" + key.replace("\"", "\\\"")
                + "\"\n    steps: [ {percentage: 10}, {percentage: 10} ]\n"));

        assertThat(result.isValid()).as(key).isFalse();
        assertThat(result.violations()).as(key).anySatisfy(v -> assertThat(v.path()).startsWith("/flags/0"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"<b>x</b>", "a\"b", "on;off", "../x",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
    void aVariantNameIsAPlainName(String variant) {
        DescriptorParser.Result result = parser.parse(withFlags("flags:\n  - key: f\n    variants: {\"" + variant
                .replace("\"", "\\\"") + "\": 1, b: 2}\n    defaultVariant: b\n    newVariant: \"" + variant
                .replace("\"", "\\\"") + "\"\n    steps: [ {percentage: 10}, {percentage: 10} ]\n"));

        assertThat(result.isValid()).as(variant).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"percentage: 1e400", "percentage: -1", "percentage: 101", "percentage: \"50\"",
            "enabled: \"yes\"", "tenants: [\"../x\"]", "tenants: []", "script: rm", "percentage: 10.5"})
    void aStepStateIsOnlyWhatTheSchemaAllows(String state) {
        DescriptorParser.Result result = parser.parse(withFlags("flags:\n  - key: f\n    steps: [ {" + state
                + "}, {percentage: 10} ]\n"));

        assertThat(result.isValid()).as(state).isFalse();
        assertThat(result.violations()).as(state).anySatisfy(v -> assertThat(v.path()).startsWith("/flags/0/steps/0"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"schema:\n  changelog: changelog.yaml\n", "integrations:\n  - name: rates\n    settings: {}\n",
            "smoke:\n  path: /health\n"})
    void aFlagOnlyReleaseCannotCarryWhatNeedsANewVersion(String section) {
        String flagOnly = ExpensesUntilApproval.descriptor().replaceAll("(?s)artifact:\\n(  .*?\\n)+", "")
                .replaceAll("(?m)^(\\s+- )weight: \\d+\\n\\s+", "$1");

        DescriptorParser.Result result = parser.parse(flagOnly + section
                + "flags:\n  - key: f\n    steps: [ {percentage: 10}, {percentage: 10} ]\n");

        assertThat(result.isValid()).as(section).isFalse();
        assertThat(result.violations()).as(section).anySatisfy(v -> assertThat(v.message()).contains("flag-only"));
    }

    /** Whatever a variant value holds (JSON of any shape the schema lets through), parsing never throws. */
    @Property(tries = 200)
    void anyVariantValueEndsInADescriptorOrViolations(@ForAll("values") String value) {
        DescriptorParser.Result result = parser.parse(withFlags("flags:\n  - key: f\n    variants: {a: " + value
                + ", b: 2}\n    defaultVariant: b\n    newVariant: a\n    steps: [ {percentage: 10}, {percentage: 10} ]\n"));

        assertThat(result.isValid() || !result.violations().isEmpty()).isTrue();
        if (result.isValid()) {
            assertThat(result.descriptor().flags().get(0).variants()).containsKeys("a", "b");
        }
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.oneOf(HostileDescriptors.values(), Arbitraries.of("null", "~", "[]", "{}", "[[[[[[[[1]]]]]]]]",
                "{x: {y: {z: 1}}}", "\"" + "v".repeat(2000) + "\"", "&a [1]", "*a", "!!binary aGk=", "!!java.io.File /etc"),
                Arbitraries.strings().ofMaxLength(40).map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 21})
    void aFlagNeedsExactlyOneStatePerRolloutStep(int states) {
        String steps = String.join(", ", java.util.Collections.nCopies(states, "{percentage: 10}"));
        DescriptorParser.Result result = parser.parse(withFlags("flags:\n  - key: f\n    steps: [ " + steps + " ]\n"));

        assertThat(result.isValid()).isFalse();
        assertThat(result.violations()).extracting(v -> v.path()).containsAnyElementsOf(List.of("/flags/0/steps"));
    }

    /** Found by the property above: YAML's !!binary reached the schema's length check and threw (a 500). */
    @org.junit.jupiter.api.Test
    void aTaggedBinaryValueAnywhereIsRefusedAtItsPath() {
        DescriptorParser.Result variant = parser.parse(withFlags("flags:\n  - key: f\n    variants: {a: !!binary aGk=, b: 2}\n"
                + "    defaultVariant: b\n    newVariant: a\n    steps: [ {percentage: 10}, {percentage: 10} ]\n"));
        DescriptorParser.Result description = parser.parse(ExpensesUntilApproval.descriptor()
                .replaceFirst("(?m)^description: .*$", "description: !!binary aGk="));

        assertThat(variant.violations()).extracting(v -> v.path()).containsExactly("/flags/0/variants/a");
        assertThat(description.violations()).extracting(v -> v.path()).containsExactly("/description");
        assertThat(description.violations().get(0).message()).contains("!!binary");
    }
}
