package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.support.Api;
import io.rollguard.support.TrafficGenerator;

/**
 * The same descriptors and the same BPMN as {@link ReleaseLifecycleIT}, with the app registered
 * on HAProxy + Prometheus: real HAProxy 2.6 routes the users, real Prometheus scrapes its
 * exporter every second, real Node-RED slots answer. Weights are observed in HAProxy itself.
 */
class DataPlaneReleaseIT extends EndToEndTest {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        startInfrastructureWithDataPlane(registry, "rollguard_it_data_plane_release", "release");
    }

    /** Every distinct canary weight HAProxy applies, in order, polled from its runtime API. */
    static final class WeightWatcher implements AutoCloseable {
        final List<Integer> seen = new CopyOnWriteArrayList<>();
        final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();

        WeightWatcher() {
            poller.scheduleWithFixedDelay(() -> {
                try {
                    int weight = stack.weight("canary");
                    if (seen.isEmpty() || seen.get(seen.size() - 1) != weight) {
                        seen.add(weight);
                    }
                } catch (RuntimeException e) {
                    // HAProxy busy for a moment: the next poll sees it
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            poller.shutdownNow();
            poller.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    String submitAndApprove(String descriptor, String flowsVersion) throws Exception {
        Api.Response submitted = api.submit("alice", descriptor,
                Map.of("flows.json", Files.readAllBytes(EXAMPLES.resolve(flowsVersion + "/flows.json"))));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        JsonNode task = awaitTask("bob", submitted.json().path("processInstanceId").asText());
        assertThat(complete("bob", task.path("id").asText(), "approve", "").status()).isEqualTo(204);
        return submitted.json().path("id").asText();
    }

    /**
     * The chart of run {@code n}: on HAProxy + Prometheus it can only be the one kept with the run
     * (there are no router samples), with canary and baseline points for every metric.
     */
    JsonNode chartWithBothSlots(String id, int n) {
        Api.Response r = api.get("erin", "/api/releases/" + id + "/analyses/" + n + "/series");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("origin").asText()).isEqualTo("stored");
        JsonNode metrics = r.json().path("metrics");
        assertThat(metrics.findValuesAsText("metric")).containsExactly("error-rate", "latency");
        for (JsonNode metric : metrics) {
            assertThat(metric.path("source").asText()).isEqualTo("prometheus");
            assertThat(metric.path("canaryTotal").asLong()).as(metric.path("metric").asText()).isPositive();
            assertThat(metric.path("baselineTotal").asLong()).as(metric.path("metric").asText()).isPositive();
            assertThat(nonNull(metric.path("canary"))).as(metric.path("metric") + " canary points").isGreaterThan(1);
            assertThat(nonNull(metric.path("baseline"))).as(metric.path("metric") + " baseline points").isGreaterThan(1);
        }
        return metrics;
    }

    static int nonNull(JsonNode values) {
        int n = 0;
        for (JsonNode v : values) {
            n += v.isNull() ? 0 : 1;
        }
        return n;
    }

    /** The error ratio over the whole chart: bucket means weighted by their sample counts. */
    static double ratio(JsonNode means, JsonNode counts) {
        double errors = 0;
        long n = 0;
        for (int i = 0; i < means.size(); i++) {
            if (!means.get(i).isNull()) {
                errors += means.get(i).asDouble() * counts.get(i).asInt();
                n += counts.get(i).asInt();
            }
        }
        return errors / n;
    }

    JsonNode analysis(String id) {
        Api.Response r = api.get("erin", "/api/releases/" + id + "/analysis");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("runs");
    }

    @Test
    void goodVersionIsPromotedStepByStepWithTheWeightsObservedInHaproxy() throws Exception {
        // given
        baselineOnHaproxy("1.0.0");
        String id;
        List<Integer> weights;
        try (WeightWatcher watcher = new WeightWatcher();
                TrafficGenerator traffic = new TrafficGenerator(stack.trafficUrl("/expenses"), 4, Duration.ofMillis(40))) {
            // when the very descriptor the built-in router test uses is released
            id = submitAndApprove("1.1.0");

            // then
            waitForState(id, "PROMOTED", Duration.ofSeconds(120));
            assertThat(traffic.hits()).anyMatch(h -> h.slot().equals("canary") && h.version().equals("1.1.0"));
            weights = List.copyOf(watcher.seen);
        }
        assertThat(weights).as("canary weights HAProxy applied, in order").containsSubsequence(0, 20, 50, 0);
        assertThat(stack.weight("canary")).isZero();
        assertThat(stack.weight("stable")).isEqualTo(100);
        for (int i = 0; i < 20; i++) {
            TrafficGenerator.Hit hit = TrafficGenerator.hit(stack.trafficUrl("/expenses"));
            assertThat(hit.slot()).isEqualTo("stable");
            assertThat(hit.version()).isEqualTo("1.1.0");
        }
        JsonNode runs = analysis(id);
        assertThat(runs).hasSize(2);
        for (JsonNode run : runs) {
            assertThat(run.path("verdict").asText()).isEqualTo("PASSED");
            JsonNode errorRate = run.path("metrics").get(0);
            assertThat(errorRate.path("source").asText()).isEqualTo("prometheus");
            JsonNode measurement = errorRate.path("measurements").get(0);
            assertThat(measurement.path("canaryQuery").asText()).contains("server=\"canary\"");
            assertThat(measurement.path("canary").path("n").asInt()).isGreaterThanOrEqualTo(20);
        }
        // each run kept canary vs baseline over its window for both metrics: runs here used to have no chart
        chartWithBothSlots(id, 1);
        chartWithBothSlots(id, 2);
    }

    @Test
    void badVersionIsDetectedAndRolledBackWithTrafficVerifiedOnStableThroughTheRuntimeApi() throws Exception {
        // given
        baselineOnHaproxy("1.1.0");
        JsonNode rolledBack;
        List<TrafficGenerator.Hit> hits;
        String id;
        try (TrafficGenerator traffic = new TrafficGenerator(stack.trafficUrl("/expenses"), 4, Duration.ofMillis(40))) {
            // when
            id = submitAndApprove("1.2.0");

            // then
            rolledBack = waitForState(id, "ROLLED_BACK", Duration.ofSeconds(90));
            hits = traffic.hits();
        }
        assertThat(hasEvent(rolledBack, "ANALYSIS", "\"verdict\":\"FAILED\"")).isTrue();
        assertThat(hasEvent(rolledBack, "RESTORATION_VERIFIED", "")).isTrue();
        assertThat(hasEvent(rolledBack, "TRAFFIC_SHIFTED", "50 %")).isFalse();
        // HAProxy itself, not Rollguard's record, says all traffic is on stable
        assertThat(stack.weight("canary")).isZero();
        assertThat(stack.weight("stable")).isEqualTo(100);
        for (int i = 0; i < 30; i++) {
            assertThat(TrafficGenerator.hit(stack.trafficUrl("/expenses")).slot()).isEqualTo("stable");
        }
        JsonNode failed = analysis(id).get(0);
        assertThat(failed.path("verdict").asText()).isEqualTo("FAILED");
        assertThat(failed.path("reason").asText()).contains("error-rate", "above the limit");
        JsonNode errors = chartWithBothSlots(id, 1).get(0);
        assertThat(errors.path("unit").asText()).isEqualTo("ratio");
        assertThat(ratio(errors.path("canary"), errors.path("canarySamples")))
                .isGreaterThan(ratio(errors.path("baseline"), errors.path("baselineSamples")));

        Instant badServed = hits.stream().filter(h -> "1.2.0".equals(h.version())).map(TrafficGenerator.Hit::at)
                .min(Instant::compareTo).orElseThrow(() -> new AssertionError("1.2.0 never received traffic"));
        Duration toDetect = Duration.between(badServed, eventTime(rolledBack, "ANALYSIS"));
        Duration toRestore = Duration.between(badServed, eventTime(rolledBack, "TRAFFIC_RESTORED"));
        System.out.printf("MEASURE haproxy+prometheus time-to-detect %d ms, time-to-restore %d ms%n",
                toDetect.toMillis(), toRestore.toMillis());
        assertThat(toRestore).isLessThan(Duration.ofSeconds(15));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a query that returns no series | sum(rate(no_such_metric{proxy=\"{{backend}}\",server=\"{{slot}}\"}[10s])) | no series",
            "a query with a syntax error    | sum(rate(haproxy_server_http_responses_total{server=\"{{slot}}\"}[10s]) | bad_data"})
    void aBrokenQueryIsInconclusiveAndHoldsTheReleaseForAReleaseManager(String title, String query, String why)
            throws Exception {
        // given a descriptor whose only metric is a broken PromQL query
        baselineOnHaproxy("1.0.0");
        String descriptor = Files.readString(EXAMPLES.resolve("1.1.0/release.yaml"));
        descriptor = descriptor.substring(0, descriptor.indexOf("  metrics:")) + """
                  metrics:
                    - name: broken
                      source: prometheus
                      query: '%s'
                      failIf:
                        above: 0.05
                smoke:
                  path: /health
                  expectStatus: 200
                """.formatted(query);

        // when it is released
        String id;
        try (TrafficGenerator traffic = new TrafficGenerator(stack.trafficUrl("/expenses"), 2, Duration.ofMillis(50))) {
            id = submitAndApprove(descriptor, "1.1.0");
            waitForState(id, "ON_HOLD", Duration.ofSeconds(60));
        }

        // then it is held for a release manager, never promoted, and the evidence names the query and why
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> release(id).path("state").asText(), "ON_HOLD"::equals);
        JsonNode run = analysis(id).get(0);
        assertThat(run.path("verdict").asText()).isEqualTo("INCONCLUSIVE");
        JsonNode measurement = run.path("metrics").get(0).path("measurements").get(0);
        assertThat(measurement.path("outcome").asText()).isEqualTo("ERROR");
        assertThat(measurement.path("reason").asText()).contains(why);
        assertThat(measurement.path("canaryQuery").asText()).contains("server=\"canary\"");
        JsonNode task = awaitTask("frank", release(id).path("processInstanceId").asText());
        assertThat(task.path("taskDefinitionKey").asText()).isEqualTo("UserTask_DecideAnalysis");
        assertThat(tasks("bob", release(id).path("processInstanceId").asText())).isEmpty();
        // the release manager's form shows the evidence: verdict, query and why
        Api.Response shown = api.get("frank", "/engine-rest/task/" + task.path("id").asText() + "/variables/analysisEvidence");
        assertThat(shown.status()).as(shown.body()).isEqualTo(200);
        assertThat(shown.json().path("value").asText()).contains("INCONCLUSIVE", "server=\"canary\"", why);
    }

    @Test
    void prometheusStoppedInTheMiddleOfAnAnalysisHoldsTheRelease() throws Exception {
        // given a release in its first canary step
        baselineOnHaproxy("1.0.0");
        String id;
        try (TrafficGenerator traffic = new TrafficGenerator(stack.trafficUrl("/expenses"), 2, Duration.ofMillis(50))) {
            id = submitAndApprove("1.1.0");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> hasEvent(release(id), "TRAFFIC_SHIFTED", "20 %"));

            // when Prometheus goes away before the step is judged
            stack.stopPrometheus();
            try {
                // then the release waits for a release manager
                waitForState(id, "ON_HOLD", Duration.ofSeconds(60));
            } finally {
                stack.startPrometheus();
            }
        }
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> release(id).path("state").asText(), "ON_HOLD"::equals);
        JsonNode run = analysis(id).get(0);
        assertThat(run.path("verdict").asText()).isEqualTo("INCONCLUSIVE");
        assertThat(run.path("reason").asText()).contains("did not answer");
        assertThat(hasEvent(release(id), "PROMOTED", "")).isFalse();
    }
}
