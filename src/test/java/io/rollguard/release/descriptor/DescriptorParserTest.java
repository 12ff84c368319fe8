package io.rollguard.release.descriptor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import io.rollguard.release.descriptor.DescriptorParser.Result;
import io.rollguard.release.descriptor.ReleaseDescriptor.OnFailure;
import io.rollguard.refusal.Refusal.Violation;

class DescriptorParserTest {

    private static final Path EXAMPLES = Path.of("examples", "expenses");

    /** The smallest descriptor the schema accepts; tests add or break one part of it. */
    private static final String MINIMAL = """
            app: expenses
            version: 1.1.0
            artifact:
              type: node-red-flows
              file: flows.json
            rollout:
              steps:
                - weight: 20
                  pause: 8s
            analysis:
              metrics:
                - name: error-rate
                  source: builtin
                  query: error-ratio
                  failIf:
                    above: 0.05
            """;

    private final DescriptorParser parser = new DescriptorParser();

    // ------------------------------------------------------------------ valid descriptors

    static Stream<Path> exampleDescriptors() throws IOException {
        try (Stream<Path> versions = Files.list(EXAMPLES)) {
            List<Path> files = versions.map(dir -> dir.resolve("release.yaml")).filter(Files::isRegularFile).sorted()
                    .toList();
            assertThat(files).as("example descriptors under %s", EXAMPLES.toAbsolutePath()).hasSizeGreaterThanOrEqualTo(3);
            return files.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exampleDescriptors")
    void everyShippedExampleIsAValidDescriptor(Path file) throws IOException {
        // given an example from the repository
        String text = Files.readString(file);

        // when it is parsed
        Result result = parser.parse(text);

        // then it is valid and says what its directory says
        assertThat(result.violations()).isEmpty();
        assertThat(result.isValid()).isTrue();
        ReleaseDescriptor d = result.descriptor();
        assertThat(d.app()).isEqualTo("expenses");
        assertThat(d.version()).isEqualTo(file.getParent().getFileName().toString());
        if (d.flagOnly()) {
            // a flag-only example raises its flags' exposure over steps of a pause each, and ships no flows
            assertThat(d.flags()).isNotEmpty();
            assertThat(d.rollout().steps()).extracting(ReleaseDescriptor.Step::weight).containsOnly(0);
            assertThat(file.getParent().resolve("flows.json")).doesNotExist();
            return;
        }
        assertThat(d.artifact().type()).isEqualTo("node-red-flows");
        assertThat(d.artifact().file()).isEqualTo("flows.json");
        assertThat(d.rollout().steps()).extracting(ReleaseDescriptor.Step::weight).containsExactly(20, 50);
        assertThat(d.rollout().steps()).extracting(ReleaseDescriptor.Step::pause)
                .containsOnly(Duration.ofSeconds(8));
        assertThat(d.rollout().onFailure()).isEqualTo(OnFailure.ROLLBACK);
        assertThat(d.analysis().metrics()).hasSize(2);
        assertThat(d.smoke().path()).isEqualTo("/health");
        // the examples that bring a changelog are schema changes, those that change an integration
        // integration changes, the others ordinary
        boolean changelogShipped = Files.exists(file.resolveSibling("changelog.yaml"))
                || Files.exists(file.resolveSibling("changelog.sql"));
        boolean integrationsChanged = d.integrations() != null && !d.integrations().isEmpty();
        assertThat(d.changeClasses()).containsExactly(changelogShipped ? ChangeClass.SCHEMA
                : integrationsChanged ? ChangeClass.INTEGRATION : ChangeClass.ORDINARY);
        if (changelogShipped) {
            assertThat(file.resolveSibling(d.schema().changelog())).exists();
        }
    }

    @Test
    void aNulCharacterFromYamlsEscapeIsRefusedWhereItStandsSinceNoTextColumnStoresIt() {
        Result result = parser.parse(MINIMAL + "description: \"expenses\\0 total\"\n");

        assertThat(result.isValid()).isFalse();
        assertThat(result.violations()).extracting(Violation::path).containsExactly("/description");
        assertThat(result.violations().get(0).message()).contains("NUL");
    }

    @Test
    void minimalDescriptorGetsTheDocumentedDefaults() {
        // when the smallest valid descriptor is parsed
        ReleaseDescriptor d = valid(MINIMAL);

        // then the optional parts take their defaults
        assertThat(d.description()).isNull();
        assertThat(d.artifact().sha256()).isNull();
        assertThat(d.rollout().strategy()).isEqualTo("canary");
        assertThat(d.rollout().onFailure()).isEqualTo(OnFailure.ROLLBACK);
        assertThat(d.analysis().minSamples()).isEqualTo(20);
        assertThat(d.analysis().interval()).isNull();
        assertThat(d.smoke().path()).isEqualTo("/");
        assertThat(d.smoke().expectStatus()).isEqualTo(200);
        assertThat(d.schema()).isNull();
        assertThat(d.integrations()).isEmpty();
        assertThat(d.flags()).isEmpty();
        assertThat(d.analysis().metrics().get(0).failIf().above()).isEqualTo(0.05);
        assertThat(d.analysis().metrics().get(0).failIf().aboveBaselineBy()).isNull();
    }

    @Test
    void holdOnFailureIsRead() {
        ReleaseDescriptor d = valid(MINIMAL.replace("  steps:\n", "  onFailure: hold\n  steps:\n"));

        assertThat(d.rollout().onFailure()).isEqualTo(OnFailure.HOLD);
    }

    // ------------------------------------------------------------------ durations

    @ParameterizedTest(name = "{0} is {1} ms")
    @CsvSource({ "500ms, 500", "8s, 8000", "2m, 120000", "1s, 1000", "99999ms, 99999" })
    void stepPausesAreReadInMillisecondsSecondsOrMinutes(String written, long millis) {
        ReleaseDescriptor d = valid(MINIMAL.replace("pause: 8s", "pause: " + written));

        assertThat(d.rollout().steps().get(0).pause()).isEqualTo(Duration.ofMillis(millis));
        assertThat(d.stepDuration(0)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void stepWithoutPauseLastsTheAnalysisInterval() {
        // given a step without a pause and an analysis interval of two minutes
        String text = MINIMAL.replace("      pause: 8s\n", "").replace("analysis:\n", "analysis:\n  interval: 2m\n");

        // when it is parsed
        ReleaseDescriptor d = valid(text);

        // then the step lasts the interval
        assertThat(d.rollout().steps().get(0).pause()).isNull();
        assertThat(d.analysis().interval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(d.stepDuration(0)).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void stepWithoutPauseOrAnalysisIntervalIsRefused() {
        Result result = parser.parse(MINIMAL.replace("      pause: 8s\n", ""));

        assertThat(result.descriptor()).isNull();
        assertThat(paths(result)).containsExactly("/rollout/steps/0/pause");
    }

    @ParameterizedTest(name = "pause: {0}")
    @CsvSource({ "8h", "0s", "8", "eight seconds", "-5s", "100000s" })
    void malformedDurationsAreRefusedAtTheirPath(String written) {
        Result result = parser.parse(MINIMAL.replace("pause: 8s", "pause: \"" + written + "\""));

        assertThat(result.isValid()).isFalse();
        assertThat(paths(result)).containsExactly("/rollout/steps/0/pause");
    }

    // ------------------------------------------------------------------ change classes

    @Test
    void descriptorWithoutSchemaOrIntegrationsIsAnOrdinaryChange() {
        assertThat(valid(MINIMAL).changeClasses()).containsExactly(ChangeClass.ORDINARY);
    }

    @Test
    void schemaSectionMakesASchemaChange() {
        ReleaseDescriptor d = valid(MINIMAL + """
                schema:
                  changelog: db/changelog-1.1.0.yaml
                """);

        assertThat(d.changeClasses()).containsExactly(ChangeClass.SCHEMA);
        assertThat(d.schema().changelog()).isEqualTo("db/changelog-1.1.0.yaml");
    }

    @Test
    void integrationsSectionMakesAnIntegrationChange() {
        ReleaseDescriptor d = valid(MINIMAL + """
                integrations:
                  - name: payments-webhook
                    settings:
                      url: https://payments.example/hook
                """);

        assertThat(d.changeClasses()).containsExactly(ChangeClass.INTEGRATION);
        assertThat(d.integrations().get(0).name()).isEqualTo("payments-webhook");
        assertThat(d.integrations().get(0).settings().path("url").asText()).isEqualTo("https://payments.example/hook");
    }

    @Test
    void schemaAndIntegrationsTogetherAreBothClassesAndNotOrdinary() {
        ReleaseDescriptor d = valid(MINIMAL + """
                schema:
                  changelog: db/changelog-1.1.0.yaml
                integrations:
                  - name: payments-webhook
                    settings: {}
                """);

        assertThat(d.changeClasses()).containsExactlyInAnyOrder(ChangeClass.SCHEMA, ChangeClass.INTEGRATION)
                .doesNotContain(ChangeClass.ORDINARY);
    }

    // ------------------------------------------------------------------ refused descriptors

    @Test
    void emptyTextIsRefused() {
        assertThat(parser.parse("  \n").violations()).containsExactly(new Violation("/", "descriptor is empty"));
        assertThat(parser.parse(null).violations()).containsExactly(new Violation("/", "descriptor is empty"));
    }

    @Test
    void invalidYamlIsRefusedWithItsLine() {
        // given text that is not YAML
        String text = "app: expenses\nversion: [1.1.0\nartifact: {\n";

        // when it is parsed
        Result result = parser.parse(text);

        // then one violation at the root says where the YAML breaks
        assertThat(result.descriptor()).isNull();
        assertThat(result.violations()).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo("/");
            assertThat(v.message()).startsWith("descriptor is not valid YAML at line ");
        });
    }

    @Test
    void yamlThatIsNotAMappingIsRefused() {
        assertThat(parser.parse("- app: expenses\n- version: 1.1.0\n").violations())
                .containsExactly(new Violation("/", "descriptor must be a YAML mapping"));
        assertThat(parser.parse("just a sentence").violations())
                .containsExactly(new Violation("/", "descriptor must be a YAML mapping"));
    }

    @Test
    void everyMissingRequiredFieldIsListedByItsPath() {
        // given a descriptor without artifact.file, without rollout and without analysis
        String text = """
                app: expenses
                version: 1.1.0
                artifact:
                  type: node-red-flows
                """;

        // when it is parsed
        Result result = parser.parse(text);

        // then all of them are reported at once, each by its JSON pointer
        assertThat(result.descriptor()).isNull();
        assertThat(paths(result)).containsExactly("/analysis", "/artifact/file", "/rollout");
        assertThat(result.violations()).contains(new Violation("/rollout", "required property 'rollout' not found"));
        assertThat(result.violations()).allSatisfy(v -> assertThat(v.message()).doesNotStartWith("$"));
    }

    @Test
    void missingNestedRequiredFieldsAreListedByTheirPath() {
        String text = MINIMAL.replace("    - weight: 20\n      pause: 8s\n", "    - pause: 8s\n")
                .replace("      query: error-ratio\n", "");

        Result result = parser.parse(text);

        assertThat(paths(result)).containsExactly("/analysis/metrics/0/query", "/rollout/steps/0/weight");
    }

    @Test
    void unknownOnFailurePolicyIsRefusedAtItsPath() {
        Result result = parser.parse(MINIMAL.replace("  steps:\n", "  onFailure: retry\n  steps:\n"));

        assertThat(result.isValid()).isFalse();
        assertThat(result.violations()).containsExactly(
                new Violation("/rollout/onFailure", "does not have a value in the enumeration [\"rollback\", \"hold\"]"));
    }

    @Test
    void wrongTypesAndValuesAreRefusedAtTheirPaths() {
        // given a version that is not semantic, a weight that is text and a weight above 100
        String text = MINIMAL.replace("version: 1.1.0", "version: \"1.1\"")
                .replace("    - weight: 20\n      pause: 8s\n",
                        "    - weight: twenty\n      pause: 8s\n    - weight: 150\n      pause: 8s\n")
                .replace("type: node-red-flows", "type: docker-image");

        // when it is parsed
        Result result = parser.parse(text);

        // then each is reported by its path
        assertThat(paths(result)).containsExactly("/artifact/type", "/rollout/steps/0/weight",
                "/rollout/steps/1/weight", "/version");
    }

    @Test
    void additionalPropertiesAreRefused() {
        // given a descriptor with a property the schema does not know
        Result result = parser.parse(MINIMAL + "owner: alice\n");

        // then it is refused at the object that holds it, and the message names the property
        assertThat(result.isValid()).isFalse();
        assertThat(result.descriptor()).isNull();
        assertThat(result.violations()).containsExactly(new Violation("/",
                "property 'owner' is not defined in the schema and the schema does not allow additional properties"));
    }

    @Test
    void additionalPropertiesInsideASectionAreRefusedAtThatSection() {
        Result result = parser.parse(MINIMAL.replace("  file: flows.json\n", "  file: flows.json\n  url: http://x\n"));

        assertThat(result.violations()).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo("/artifact");
            assertThat(v.message()).contains("'url'");
        });
    }

    @Test
    void decreasingWeightsAreRefusedAtTheStepThatDecreases() {
        // given steps of 50 % then 20 %
        String text = MINIMAL.replace("    - weight: 20\n      pause: 8s\n",
                "    - weight: 50\n      pause: 8s\n    - weight: 20\n      pause: 8s\n");

        // when it is parsed
        Result result = parser.parse(text);

        // then the second step is named
        assertThat(result.descriptor()).isNull();
        assertThat(result.violations()).containsExactly(
                new Violation("/rollout/steps/1/weight", "weights must not decrease: 20 follows 50"));
    }

    @Test
    void equalWeightsAreAllowed() {
        String text = MINIMAL.replace("    - weight: 20\n      pause: 8s\n",
                "    - weight: 20\n      pause: 8s\n    - weight: 20\n      pause: 2m\n");

        assertThat(valid(text).rollout().steps()).hasSize(2);
    }

    @Test
    void flagWithVariantsAndStepsIsParsedInOrder() {
        String text = MINIMAL + """
                flags:
                  - key: expenses-export
                    variants: { classic: "csv", fast: "csv-stream", none: false }
                    defaultVariant: classic
                    newVariant: fast
                    steps:
                      - { tenants: [acme] }
                """;

        ReleaseDescriptor.Flag flag = valid(text).flags().get(0);

        assertThat(flag.variants()).containsOnlyKeys("classic", "fast", "none");
        assertThat(flag.variants().keySet()).containsExactly("classic", "fast", "none");
        assertThat(flag.defaultVariant()).isEqualTo("classic");
        assertThat(flag.newVariant()).isEqualTo("fast");
        // a step that names tenants and no percentage exposes only those tenants
        assertThat(flag.steps()).containsExactly(new ReleaseDescriptor.FlagStep(true, 0, List.of("acme")));
        assertThat(flag.steps().get(0).describe()).isEqualTo("on for tenants acme only");
    }

    @Test
    void booleanFlagStatesAreEveryoneOrOff() {
        String text = MINIMAL.replace("    - weight: 20\n      pause: 8s\n",
                "    - weight: 20\n      pause: 8s\n    - weight: 50\n      pause: 8s\n") + """
                flags:
                  - key: new-categories
                    states: [false, true]
                """;

        ReleaseDescriptor.Flag flag = valid(text).flags().get(0);

        assertThat(flag.isBoolean()).isTrue();
        assertThat(flag.steps()).containsExactly(ReleaseDescriptor.FlagStep.OFF, ReleaseDescriptor.FlagStep.EVERYONE);
        assertThat(flag.defaultVariant()).isEqualTo("off");
        assertThat(flag.newVariant()).isEqualTo("on");
    }

    @Test
    void flagVariantsMustNameDeclaredOnes() {
        String text = MINIMAL + """
                flags:
                  - key: expenses-export
                    variants: { a: 1, b: 2 }
                    defaultVariant: a
                    newVariant: c
                    steps: [ { percentage: 10 } ]
                """;

        assertThat(parser.parse(text).violations()).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo("/flags/0/newVariant");
            assertThat(v.message()).contains("'c'", "[a, b]");
        });
    }

    @Test
    void flagListedTwiceOrWithoutStepsIsRefused() {
        String text = MINIMAL + """
                flags:
                  - key: expenses-export
                    steps: [ { percentage: 10 } ]
                  - key: expenses-export
                """;

        assertThat(parser.parse(text).violations()).extracting(Violation::path)
                .containsExactlyInAnyOrder("/flags/1/key", "/flags/1/steps");
    }

    @Test
    void flagPercentageAboveHundredIsRefusedBySchema() {
        String text = MINIMAL + """
                flags:
                  - key: expenses-export
                    steps: [ { percentage: 101 } ]
                """;

        assertThat(parser.parse(text).violations()).singleElement()
                .satisfies(v -> assertThat(v.path()).isEqualTo("/flags/0/steps/0/percentage"));
    }

    @Test
    void flagVariantSameAsDefaultIsRefused() {
        String text = MINIMAL + """
                flags:
                  - key: expenses-export
                    defaultVariant: on
                    newVariant: on
                    steps: [ { percentage: 10 } ]
                """;

        assertThat(parser.parse(text).violations()).extracting(Violation::path).contains("/flags/0/newVariant");
    }

    /** MINIMAL without its artifact, with steps of a pause only: a release that changes flags only. */
    static String flagOnly(String flags) {
        return MINIMAL.replaceAll("(?s)artifact:\\n(  .*?\\n)+", "").replace("    - weight: 20\n      pause: 8s\n",
                "    - pause: 8s\n    - pause: 8s\n") + flags;
    }

    @Test
    void flagOnlyReleaseHasNoArtifactAndStepsOfAPauseOnly() {
        ReleaseDescriptor d = valid(flagOnly("""
                flags:
                  - key: expenses-list-style
                    steps: [ { percentage: 10 }, { percentage: 100 } ]
                """));

        assertThat(d.flagOnly()).isTrue();
        assertThat(d.artifact()).isNull();
        assertThat(d.rollout().steps()).hasSize(2);
    }

    @Test
    void releaseWithoutArtifactMustChangeFlagsAndNothingThatNeedsANewVersion() {
        assertThat(parser.parse(flagOnly("")).violations()).extracting(Violation::path).containsExactly("/artifact");
        Result result = parser.parse(flagOnly("""
                flags:
                  - key: expenses-list-style
                    steps: [ { percentage: 10 }, { percentage: 100 } ]
                journeys:
                  - name: list
                    steps: [ { method: GET, path: /expenses, expectStatus: 200 } ]
                """).replace("    - pause: 8s\n    - pause: 8s\n", "    - weight: 10\n      pause: 8s\n    - pause: 8s\n"));

        assertThat(result.violations()).as(result.violations().toString()).extracting(Violation::path)
                .containsExactlyInAnyOrder("/rollout/steps/0/weight", "/journeys");
        assertThat(result.violations()).allSatisfy(v -> assertThat(v.message()).contains("flag-only release"));
    }

    @Test
    void flagNeedsOneStatePerRolloutStep() {
        String text = MINIMAL + """
                flags:
                  - key: new-categories
                    states: [true, false]
                """;

        Result result = parser.parse(text);

        assertThat(result.violations()).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo("/flags/0/states");
            assertThat(v.message()).contains("one state per rollout step (1)");
        });
    }

    @Test
    void schemaLocationsBecomeJsonPointers() {
        assertThat(DescriptorParser.toPointer("$")).isEqualTo("/");
        assertThat(DescriptorParser.toPointer("$.rollout.steps[0].weight")).isEqualTo("/rollout/steps/0/weight");
        assertThat(DescriptorParser.toPointer("$.integrations[2]['settings']")).isEqualTo("/integrations/2/settings");
    }

    // ------------------------------------------------------------------ helpers

    private ReleaseDescriptor valid(String text) {
        Result result = parser.parse(text);
        assertThat(result.violations()).as("violations of%n%s", text).isEmpty();
        return result.descriptor();
    }

    private static List<String> paths(Result result) {
        return result.violations().stream().map(Violation::path).distinct().sorted().toList();
    }
}
