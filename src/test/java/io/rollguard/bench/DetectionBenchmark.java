package io.rollguard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.app.AppRepository;
import io.rollguard.routing.TrafficRouter;
import io.rollguard.routing.builtin.BuiltinRouterServer;
import io.rollguard.support.Api;
import io.rollguard.support.DataPlaneStack;
import io.rollguard.support.ExpensesDatabase;
import io.rollguard.support.NodeRedSlots;
import io.rollguard.support.PostgresDatabase;
import io.rollguard.support.TrafficGenerator;

/**
 * Benchmark harness, not a test: run with {@code ./rollguard bench}. Releases the bad sample
 * version (1.2.0: a third of its requests fail) several times on the built-in router and on
 * HAProxy + Prometheus (1 s scrape) under steady traffic, and measures from the first response
 * of the bad version: time-to-detect (the failed analysis is recorded) and time-to-restore (all
 * traffic back on stable, by the release's history and by the last response the canary served).
 * Prints lines starting with {@code BENCH}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false", "rollguard.preflight.smoke-timeout=PT10S"})
@ActiveProfiles("postgres")
class DetectionBenchmark {

    static final int RUNS = 3;
    static NodeRedSlots slots;
    static DataPlaneStack stack;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        // the sample app keeps its records in a database of its own
        slots = NodeRedSlots.start("bench-detection",
                ExpensesDatabase.create("rollguard_bench_detection_app").slotEnvironment());
        stack = DataPlaneStack.start("bench-detection", "expenses", slots);
        PostgresDatabase.register(registry, "rollguard_bench_detection");
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
        if (slots != null) {
            slots.close();
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    BuiltinRouterServer builtinRouter;
    @Autowired
    TrafficRouter router;
    @Autowired
    AppRepository apps;
    @Autowired
    RuntimeService runtime;
    @Autowired
    JdbcTemplate jdbc;

    record Run(long detectMs, long restoreMs, long lastCanaryHitMs) {
    }

    @Test
    void measure() {
        Api api = new Api("http://127.0.0.1:" + port);
        String builtinUrl = "http://127.0.0.1:" + builtinRouter.port() + "/expenses/expenses";
        List<Run> builtin = new ArrayList<>();
        List<Run> haproxy = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            builtin.add(badRelease(api, "built-in router", builtinUrl, false));
            haproxy.add(badRelease(api, "HAProxy + Prometheus", stack.trafficUrl("/expenses"), true));
        }
        summary("built-in router", builtin);
        summary("HAProxy + Prometheus", haproxy);
    }

    Run badRelease(Api api, String what, String url, boolean onHaproxy) {
        runtime.createProcessInstanceQuery().list()
                .forEach(pi -> runtime.deleteProcessInstance(pi.getId(), "bench baseline", true, true));
        jdbc.update("update rg_release set state = 'ABORTED' where state not in "
                + "('REJECTED','PREFLIGHT_FAILED','PROMOTED','ROLLED_BACK','ABORTED')");
        slots.deploy(slots.stable(), NodeRedSlots.PROJECT.resolve("examples/expenses/1.1.0/flows.json"));
        slots.deploy(slots.canary(), NodeRedSlots.PROJECT.resolve("examples/expenses/1.1.0/flows.json"));
        Api.Response put = onHaproxy
                ? api.putJson("admin", "/api/apps/expenses", stack.registration("\"alice\"", "1.1.0"))
                : api.registerExpenses(slots, List.of("alice"), "1.1.0");
        assertThat(put.status()).as(put.body()).isIn(200, 201);
        router.setCanaryWeight(apps.find("expenses").orElseThrow(), 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> TrafficGenerator.hit(url).version(), "1.1.0"::equals);

        JsonNode release;
        List<TrafficGenerator.Hit> hits;
        try (TrafficGenerator traffic = new TrafficGenerator(url, 4, Duration.ofMillis(40))) {
            Api.Response submitted = api.submitExample("alice", "1.2.0");
            assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
            String pi = submitted.json().path("processInstanceId").asText();
            JsonNode task = await().atMost(Duration.ofSeconds(20))
                    .until(() -> api.get("bob", "/engine-rest/task?processInstanceId=" + pi).json(), t -> t.size() > 0)
                    .get(0);
            api.postJson("bob", "/engine-rest/task/" + task.path("id").asText() + "/complete",
                    "{\"variables\":{\"decision\":{\"value\":\"approve\"}}}");
            String id = submitted.json().path("id").asText();
            release = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .until(() -> api.get("alice", "/api/releases/" + id).json(),
                            r -> r.path("state").asText().equals("ROLLED_BACK"));
            hits = traffic.hits();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Instant badServed = hits.stream().filter(h -> "1.2.0".equals(h.version())).map(TrafficGenerator.Hit::at)
                .min(Instant::compareTo).orElseThrow(() -> new AssertionError("1.2.0 never received traffic"));
        Instant lastCanary = hits.stream().filter(h -> "canary".equals(h.slot())).map(TrafficGenerator.Hit::at)
                .max(Instant::compareTo).orElseThrow();
        Run run = new Run(Duration.between(badServed, event(release, "ANALYSIS")).toMillis(),
                Duration.between(badServed, event(release, "TRAFFIC_RESTORED")).toMillis(),
                Duration.between(badServed, lastCanary).toMillis());
        System.out.printf("BENCH bad canary (1/3 errors) on %-22s detect %5d ms, restore %5d ms (last canary response %5d ms)%n",
                what, run.detectMs(), run.restoreMs(), run.lastCanaryHitMs());
        return run;
    }

    static Instant event(JsonNode release, String type) {
        for (JsonNode e : release.path("history")) {
            if (e.path("type").asText().equals(type)) {
                return Instant.parse(e.path("at").asText());
            }
        }
        throw new AssertionError("no " + type + " in " + release.path("history"));
    }

    static void summary(String what, List<Run> runs) {
        List<Long> detect = new ArrayList<>(runs.stream().map(Run::detectMs).toList());
        List<Long> restore = new ArrayList<>(runs.stream().map(Run::restoreMs).toList());
        Collections.sort(detect);
        Collections.sort(restore);
        System.out.printf("BENCH %-22s over %d runs: time-to-detect median %d ms (max %d), time-to-restore median %d ms "
                + "(max %d); goal 10 000 / 15 000 ms%n", what, runs.size(), detect.get(detect.size() / 2),
                detect.get(detect.size() - 1), restore.get(restore.size() / 2), restore.get(restore.size() - 1));
    }
}
