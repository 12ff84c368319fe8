package io.rollguard.release.descriptor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.rollguard.refusal.Refusal.Violation;

class JourneyParsingTest {

    private final DescriptorParser parser = new DescriptorParser();

    static final String BASE = """
            app: expenses
            version: 1.1.0
            artifact: {type: node-red-flows, file: flows.json}
            rollout: {steps: [{weight: 20, pause: 8s}]}
            analysis: {metrics: [{name: e, query: error-ratio, failIf: {above: 0.05}}]}
            """;

    static String withJourneys(String journeys) {
        return BASE + "journeys:\n" + journeys;
    }

    @Test
    void aJourneyWithBodyAssertionsAndCapturesIsParsed() {
        DescriptorParser.Result result = parser.parse(withJourneys("""
                  - name: create and read an expense
                    steps:
                      - method: POST
                        path: /expenses
                        headers: {X-Tenant: acme}
                        body: {description: "lunch ${x}", amount: 12.5}
                        expectStatus: 201
                        assert:
                          - {pointer: /description, equals: lunch}
                          - {pointer: /id, exists: true}
                        capture: {id: /id}
                      - path: /expenses/${id}
                """.replace("${x}", "")));

        assertThat(result.violations()).isEmpty();
        ReleaseDescriptor.Journey journey = result.descriptor().journeys().get(0);
        assertThat(journey.name()).isEqualTo("create and read an expense");
        ReleaseDescriptor.JourneyStep post = journey.steps().get(0);
        assertThat(post.method()).isEqualTo("POST");
        assertThat(post.expectStatus()).isEqualTo(201);
        assertThat(post.headers()).containsEntry("X-Tenant", "acme");
        assertThat(post.body().path("amount").asDouble()).isEqualTo(12.5);
        assertThat(post.expectations()).hasSize(2);
        assertThat(post.expectations().get(0).equals().asText()).isEqualTo("lunch");
        assertThat(post.expectations().get(1).equals()).isNull();
        assertThat(post.capture()).containsEntry("id", "/id");
        ReleaseDescriptor.JourneyStep get = journey.steps().get(1);
        assertThat(get.method()).isEqualTo("GET");
        assertThat(get.expectStatus()).isEqualTo(200);
        assertThat(get.path()).isEqualTo("/expenses/${id}");
    }

    @Test
    void aDescriptorWithoutJourneysHasNone() {
        assertThat(parser.parse(BASE).descriptor().journeys()).isEmpty();
    }

    @Test
    void moreThanTenJourneysAreRefused() {
        String journeys = "  - {name: j, steps: [{path: /health}]}\n".repeat(11);
        assertThat(paths(parser.parse(withJourneys(journeys)))).contains("/journeys");
    }

    @Test
    void moreThanTwentyStepsAreRefused() {
        String steps = "{path: /health}, ".repeat(21);
        String journeys = "  - {name: j, steps: [" + steps.substring(0, steps.length() - 2) + "]}\n";
        assertThat(paths(parser.parse(withJourneys(journeys)))).contains("/journeys/0/steps");
    }

    @Test
    void aBodyOverSixtyFourKibibytesIsRefused() {
        String big = "x".repeat(DescriptorParser.MAX_JOURNEY_BODY_BYTES);
        String journeys = "  - {name: j, steps: [{method: POST, path: /expenses, body: {d: " + big + "}}]}\n";
        DescriptorParser.Result result = parser.parse(withJourneys(journeys));
        assertThat(result.violations()).extracting(Violation::path).containsExactly("/journeys/0/steps/0/body");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://evil.example/x", "//evil.example/x", "/a/../admin", "/a/%2e%2E/admin",
            "expenses", "/a b", "/@evil.example", "/a\\\\b", "/flows#x", "/x:y"})
    void aPathThatIsNotAPathOnTheSlotIsRefused(String path) {
        String journeys = "  - name: j\n    steps:\n      - path: \"" + path + "\"\n";
        DescriptorParser.Result result = parser.parse(withJourneys(journeys));
        assertThat(result.isValid()).as(path).isFalse();
        assertThat(paths(result)).as(path).contains("/journeys/0/steps/0/path");
    }

    @Test
    void aValueNotCapturedByAnEarlierStepIsRefused() {
        String journeys = """
                  - name: j
                    steps:
                      - {path: "/expenses/${id}", capture: {id: /id}}
                      - {method: POST, path: /expenses, body: {ref: "${other}"}}
                """;
        DescriptorParser.Result result = parser.parse(withJourneys(journeys));
        assertThat(result.violations()).extracting(Violation::message)
                .containsExactly("${id} is not captured by an earlier step", "${other} is not captured by an earlier step");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Host", "content-length", "Transfer-Encoding", "Connection"})
    void headersTheClientOwnsAreRefused(String header) {
        String journeys = "  - {name: j, steps: [{path: /health, headers: {" + header + ": x}}]}\n";
        assertThat(paths(parser.parse(withJourneys(journeys)))).containsExactly("/journeys/0/steps/0/headers/" + header);
    }

    @Test
    void headerValuesWithLineBreaksAndUnknownMethodsAreRefused() {
        String journeys = "  - {name: j, steps: [{method: TRACE, path: /health, headers: {X-A: \"a\\r\\nHost: evil\"}}]}\n";
        assertThat(paths(parser.parse(withJourneys(journeys))))
                .contains("/journeys/0/steps/0/method", "/journeys/0/steps/0/headers/X-A");
    }

    @Test
    void anAssertionNeedsEqualsOrExists() {
        String journeys = "  - {name: j, steps: [{path: /health, assert: [{pointer: /status}]}]}\n";
        assertThat(paths(parser.parse(withJourneys(journeys)))).contains("/journeys/0/steps/0/assert/0");
    }

    private static java.util.List<String> paths(DescriptorParser.Result result) {
        return result.violations().stream().map(Violation::path).toList();
    }
}
