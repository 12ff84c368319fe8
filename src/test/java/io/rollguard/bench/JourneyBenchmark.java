package io.rollguard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.rollguard.app.App;
import io.rollguard.app.AppRepository;
import io.rollguard.preflight.JourneyRunner;
import io.rollguard.release.descriptor.DescriptorParser;
import io.rollguard.release.descriptor.ReleaseDescriptor;
import io.rollguard.support.Api;
import io.rollguard.support.ExpensesDatabase;
import io.rollguard.support.ExpensesUntilApproval;
import io.rollguard.support.NodeRedSlots;
import io.rollguard.support.PostgresDatabase;

/**
 * Benchmark harness, not a test: run with {@code ./rollguard bench}. Preflight's journeys
 * (the product's journey runner, {@code preflight/CanaryJourneys}) against a real Node-RED canary
 * slot running expenses 1.1.0 on its real PostgreSQL database: three journeys, five requests (the
 * version check; create an expense, capture its id, read the list back, create a follow-up that
 * carries the id; list the expenses). Side by side, interleaved run by run: the same five requests
 * sent by a plain HTTP client that only reads the answers and picks the id out of one, so the
 * ratio is the journey runner's own cost (descriptor substitution, JSON assertions, captures).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false"})
@ActiveProfiles("postgres")
class JourneyBenchmark {

    static final int WARM_UP = 5;
    static final int RUNS = 30;
    static final String JOURNEYS = """
            journeys:
              - name: version check
                steps:
                  - path: /version
                    assert:
                      - {pointer: /app, equals: expenses}
                      - {pointer: /version, equals: 1.1.0}
              - name: create an expense and read it back
                steps:
                  - method: POST
                    path: /expenses
                    body: {description: bench lunch, amount: 12.5, category: food}
                    expectStatus: 201
                    assert: [{pointer: /description, equals: bench lunch}]
                    capture: {id: /id}
                  - path: /expenses
                    assert: [{pointer: /0/id, exists: true}]
                  - method: POST
                    path: /expenses
                    body: {description: "follow-up of ${id}", amount: 1, category: food}
                    expectStatus: 201
              - name: list expenses
                steps:
                  - path: /expenses
                    assert: [{pointer: /0/description, exists: true}]
            """;

    static NodeRedSlots slots;
    static ExpensesDatabase appDatabase;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        appDatabase = ExpensesDatabase.create("rollguard_bench_journeys_app");
        slots = NodeRedSlots.start("rollguard_bench_journeys", appDatabase.slotEnvironment());
        PostgresDatabase.register(registry, "rollguard_bench_journeys");
    }

    @AfterAll
    static void stopSlots() {
        if (slots != null) {
            slots.close();
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    AppRepository apps;

    final ObjectMapper json = new ObjectMapper();
    final HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void threeJourneysAgainstARealCanarySlot() throws Exception {
        Path110.deploy();
        Api.Response put = new Api("http://127.0.0.1:" + port).registerExpenses(slots, List.of("alice"), "1.0.0");
        assertThat(put.status()).as(put.body()).isIn(200, 201);
        App app = apps.find("expenses").orElseThrow();
        DescriptorParser.Result parsed = new DescriptorParser().parse(ExpensesUntilApproval.descriptor() + JOURNEYS);
        assertThat(parsed.violations()).isEmpty();
        List<ReleaseDescriptor.Journey> journeys = parsed.descriptor().journeys();
        JourneyRunner runner = new JourneyRunner(context);
        String canary = app.canary().trafficUrl();

        List<JourneyRunner.Outcome> first = runner.run(app, journeys);
        assertThat(first).hasSize(3).allSatisfy(o -> assertThat(o.problems()).as(o.name()).isEmpty());
        for (int i = 0; i < WARM_UP; i++) {
            runner.run(app, journeys);
            plainRequests(canary);
        }
        long[] journey = new long[RUNS];
        long[] raw = new long[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long t = System.nanoTime();
            List<JourneyRunner.Outcome> outcomes = runner.run(app, journeys);
            journey[i] = System.nanoTime() - t;
            assertThat(outcomes).allMatch(JourneyRunner.Outcome::passed);
            t = System.nanoTime();
            plainRequests(canary);
            raw[i] = System.nanoTime() - t;
        }
        double pairedRatio = BenchStatistics.medianRatio(journey, raw);
        Arrays.sort(journey);
        Arrays.sort(raw);
        System.out.printf("BENCH journeys, 3 journeys (5 requests) on a real Node-RED canary: best %.1f ms, median %.1f ms "
                + "over %d runs%n", journey[0] / 1e6, journey[RUNS / 2] / 1e6, RUNS);
        System.out.printf("BENCH journeys, the same 5 requests from a plain client: best %.1f ms, median %.1f ms%n",
                raw[0] / 1e6, raw[RUNS / 2] / 1e6);
        System.out.printf("BENCH journeys ratio journey runner / plain client: %.2fx (median of the %d paired runs), "
                + "%.2fx (best / best), %.2f ms more per run (medians)%n", pairedRatio, RUNS, (double) journey[0] / raw[0],
                (journey[RUNS / 2] - raw[RUNS / 2]) / 1e6);
    }

    /** The journeys' requests, answers read in full, only the id taken out of the created expense. */
    private void plainRequests(String canary) throws Exception {
        expect(send(canary, "GET", "/version", null), 200);
        HttpResponse<String> created = send(canary, "POST", "/expenses",
                "{\"description\":\"bench lunch\",\"amount\":12.5,\"category\":\"food\"}");
        expect(created, 201);
        JsonNode id = json.readTree(created.body()).path("id");
        expect(send(canary, "GET", "/expenses", null), 200);
        expect(send(canary, "POST", "/expenses", "{\"description\":\"follow-up of " + id.asText()
                + "\",\"amount\":1,\"category\":\"food\"}"), 201);
        expect(send(canary, "GET", "/expenses", null), 200);
    }

    private HttpResponse<String> send(String base, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return plain.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.uri() + ": " + response.body()).isEqualTo(status);
    }

    /** expenses 1.0.0 on stable, 1.1.0 (the release under test) on canary. */
    private static final class Path110 {
        static void deploy() {
            slots.deploy(slots.stable(), NodeRedSlots.PROJECT.resolve("examples/expenses/1.0.0/flows.json"));
            slots.deploy(slots.canary(), ExpensesUntilApproval.V110.resolve("flows.json"));
        }
    }
}
