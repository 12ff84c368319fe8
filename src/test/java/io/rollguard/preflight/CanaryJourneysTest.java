package io.rollguard.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.rollguard.app.App;
import io.rollguard.app.SlotName;
import io.rollguard.platform.SlotEnvironment;
import io.rollguard.platform.TargetPlatform;
import io.rollguard.release.descriptor.DescriptorParser;
import io.rollguard.release.descriptor.ReleaseDescriptor;

/** Journeys against a small local HTTP server standing in for the canary slot's app. */
class CanaryJourneysTest {

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private App app;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** The port's request, as the Node-RED adapter sends it; only the canary slot may be asked. */
    private final TargetPlatform canary = new TargetPlatform() {
        @Override
        public SlotContent read(App a, SlotName slot) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean deploy(App a, SlotName slot, String flowsJson, SlotEnvironment environment) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SmokeResult smoke(App a, SlotName slot, String path) {
            throw new UnsupportedOperationException();
        }

        @Override
        public HttpAnswer exchange(App a, SlotName slot, String method, String path, Map<String, String> headers,
                String body) {
            assertThat(slot).isEqualTo(SlotName.CANARY);
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(a.slot(slot).trafficUrl() + path))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            headers.forEach(request::header);
            try {
                HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                return new HttpAnswer(r.statusCode(), r.body(), null);
            } catch (IOException e) {
                return new HttpAnswer(0, null, e.getClass().getSimpleName());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new HttpAnswer(0, null, "interrupted");
            }
        }
    };

    private final CanaryJourneys journeys = new CanaryJourneys(canary);

    @BeforeEach
    void startApp() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/app/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath()
                    + (body.isEmpty() ? "" : " " + body) + " tenant=" + exchange.getRequestHeaders().getFirst("X-Tenant"));
            String path = exchange.getRequestURI().getRawPath();
            int status;
            String answer;
            if (exchange.getRequestMethod().equals("POST") && path.equals("/app/expenses")) {
                status = body.contains("\"amount\":12.5") ? 201 : 400;
                answer = "{\"id\":\"a b/7\",\"amount\":12.50,\"description\":\"lunch\"}";
            } else if (path.startsWith("/app/expenses/")) {
                status = 200;
                answer = "{\"id\":\"" + path.substring("/app/expenses/".length()) + "\"}";
            } else if (path.equals("/app/broken")) {
                status = 500;
                answer = "{\"error\":\"internal_error\",\"message\":\"" + "x".repeat(1000) + "\"}";
            } else {
                status = 404;
                answer = "not found";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        app = new App("expenses", Set.of("alice"), new App.Slot(base + "/admin", "http://127.0.0.1:1/app"),
                new App.Slot(base + "/admin", base + "/app"), new App.AdminTokens("s", "c"), "expenses", "1.0.0");
    }

    @AfterEach
    void stopApp() {
        server.stop(0);
    }

    private static List<ReleaseDescriptor.Journey> parse(String journeys) {
        DescriptorParser.Result result = new DescriptorParser().parse("""
                app: expenses
                version: 1.1.0
                artifact: {type: node-red-flows, file: flows.json}
                rollout: {steps: [{weight: 20, pause: 8s}]}
                analysis: {metrics: [{name: e, query: error-ratio, failIf: {above: 0.05}}]}
                journeys:
                """ + journeys);
        assertThat(result.violations()).isEmpty();
        return result.descriptor().journeys();
    }

    @Test
    void aJourneyWhoseStepsAnswerAsExpectedPassesAndCapturedValuesAreUrlEncodedIntoThePath() {
        List<ReleaseDescriptor.Journey> given = parse("""
                  - name: create and read an expense
                    steps:
                      - method: POST
                        path: /expenses
                        headers: {X-Tenant: acme}
                        body: {description: lunch, amount: 12.5, ref: "${nothing}"}
                        expectStatus: 201
                        assert:
                          - {pointer: /amount, equals: 12.5}
                          - {pointer: /id, exists: true}
                        capture: {id: /id}
                      - path: /expenses/${id}
                        assert: [{pointer: /id, equals: "a%20b%2F7"}]
                """.replace("ref: \"${nothing}\"", "note: x"));

        List<PreflightChecks.Check> checks = journeys.run(app, given);

        assertThat(checks).extracting(c -> c.fact().detail())
                .containsExactly("PASSED journey 'create and read an expense' (2 steps)");
        assertThat(requests).containsExactly(
                "POST /app/expenses {\"description\":\"lunch\",\"amount\":12.5,\"note\":\"x\"} tenant=acme",
                "GET /app/expenses/a%20b%2F7 tenant=null");
    }

    @Test
    void aCapturedValueKeepsItsTypeInABodyAndIsTextInsideAString() {
        List<ReleaseDescriptor.Journey> given = parse("""
                  - name: echo
                    steps:
                      - {method: POST, path: /expenses, body: {amount: 12.5}, expectStatus: 201, capture: {amount: /amount, id: /id}}
                      - {method: POST, path: /expenses, body: {amount: "${amount}", description: "copy of ${id}"}, expectStatus: 201}
                """);

        assertThat(journeys.run(app, given).get(0).passed()).isTrue();
        assertThat(requests.get(1)).isEqualTo("POST /app/expenses {\"amount\":12.5,\"description\":\"copy of a b/7\"} tenant=null");
    }

    @Test
    void aWrongStatusFailsTheJourneyNamingTheStepTheRequestAndTheClippedAnswerAndLaterJourneysDoNotRun() {
        List<ReleaseDescriptor.Journey> given = parse("""
                  - name: broken
                    steps:
                      - {path: /expenses/1}
                      - {method: POST, path: /broken, body: {}, expectStatus: 201}
                      - {path: /expenses/2}
                  - name: never
                    steps: [{path: /expenses/3}]
                """);

        List<PreflightChecks.Check> checks = journeys.run(app, given);

        assertThat(checks).hasSize(1);
        String line = checks.get(0).fact().detail();
        assertThat(line).startsWith("FAILED journey 'broken' (3 steps): step 2 POST /broken: expected 201, got 500, "
                + "answered {\"error\":\"internal_error\"");
        assertThat(line).endsWith("...").hasSizeLessThan(450);
        assertThat(requests).hasSize(2);
    }

    @Test
    void aFailedAssertionSaysWhatWasThereAndWhatWasExpected() {
        List<ReleaseDescriptor.Journey> given = parse("""
                  - name: reads
                    steps:
                      - {path: /expenses/9, assert: [{pointer: /id, equals: "8"}]}
                """);

        assertThat(journeys.run(app, given).get(0).problems())
                .containsExactly("step 1 GET /expenses/9: /id is \"9\", expected \"8\"");
    }

    @Test
    void aMissingPointerOrANonJsonAnswerFails() {
        List<ReleaseDescriptor.Journey> given = parse("""
                  - name: missing
                    steps: [{path: /expenses/9, assert: [{pointer: /category, exists: true}]}]
                  - name: not json
                    steps: [{path: /nothing, expectStatus: 404, capture: {x: /x}}]
                """);

        assertThat(journeys.run(app, given.subList(0, 1)).get(0).problems())
                .containsExactly("step 1 GET /expenses/9: /category is missing, answered {\"id\":\"9\"}");
        assertThat(journeys.run(app, given.subList(1, 2)).get(0).problems())
                .containsExactly("step 1 GET /nothing: expected a JSON answer, answered not found");
    }

    @Test
    void aCanaryThatDoesNotAnswerFailsTheStep() {
        server.stop(0);
        List<ReleaseDescriptor.Journey> given = parse("  - {name: down, steps: [{path: /health}]}\n");

        assertThat(journeys.run(app, given).get(0).problems()).singleElement()
                .asString().startsWith("step 1 GET /health: no answer (");
    }
}
