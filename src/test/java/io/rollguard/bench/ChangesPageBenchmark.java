package io.rollguard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.node.ArrayNode;

import io.rollguard.changes.FlowDiff;
import io.rollguard.platform.FlowsHash;
import io.rollguard.support.Api;
import io.rollguard.support.AppRegistrations;
import io.rollguard.support.PostgresDatabase;

/**
 * Benchmark harness, not a test: run with {@code ./rollguard bench}. The whole server side of the
 * changes page {@code GET /releases/{id}/changes} (release read, the semantic diff, derived classes
 * from the node policy, code colouring, Thymeleaf render) for the flows of {@link FlowDiffBenchmark}
 * (2 000 nodes against 2 000 live ones, the live side being the release's stable-slot snapshot in
 * PostgreSQL, so no Node-RED is asked). Side by side in the same runs, interleaved so a noisy
 * machine slows all alike: the same page for a release that changes one function of a 2-node flow
 * (the fixed cost of a request: session, security, layout), and the JSON API
 * {@code GET /api/releases/{id}/changes} for the 2 000-node release (the same diff without the
 * page). Sequential requests from one signed-in client on loopback.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false"})
@ActiveProfiles("postgres")
class ChangesPageBenchmark {

    static final int WARM_UP = 10;
    static final int RUNS = 30;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresDatabase.register(registry, "rollguard_bench_changes_page");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void changesPageOfTwoThousandNodes() throws Exception {
        Api api = new Api("http://127.0.0.1:" + port);
        Api.Response app = api.putJson("admin", "/api/apps/expenses", AppRegistrations.withoutSlots("1.0.0"));
        assertThat(app.status()).as(app.body()).isIn(200, 201);
        String liveFlows = FlowDiffBenchmark.flows(false).toString();
        String newFlows = FlowDiffBenchmark.flows(true).toString();
        String big = release("2.0.0", liveFlows, newFlows);
        String small = release("1.1.0", twoNodes(false), twoNodes(true));

        PortalSession erin = new PortalSession(port, "erin");
        String bigPage = "/releases/" + big + "/changes";
        String smallPage = "/releases/" + small + "/changes";
        String bigJson = "/api/releases/" + big + "/changes";
        String html = erin.get(bigPage).body();
        // the page really shows the diff: 120 changed nodes, coloured code
        assertThat(html).contains("tok-kw", "api-v2.svc3.example");
        assertThat(erin.get(smallPage).body()).contains("Changed");
        for (int i = 0; i < WARM_UP; i++) {
            erin.time(bigPage);
            erin.time(smallPage);
            erin.time(bigJson);
        }
        long[] page = new long[RUNS];
        long[] peer = new long[RUNS];
        long[] json = new long[RUNS];
        long[] diff = new long[RUNS];
        for (int i = 0; i < RUNS; i++) {
            page[i] = erin.time(bigPage);
            peer[i] = erin.time(smallPage);
            json[i] = erin.time(bigJson);
            // the semantic diff alone, in this JVM (the server's), for how much of the page it is
            long t = System.nanoTime();
            FlowDiff.between(liveFlows, newFlows);
            diff[i] = System.nanoTime() - t;
        }
        double toPeer = BenchStatistics.medianRatio(page, peer);
        double toJson = BenchStatistics.medianRatio(page, json);
        Arrays.sort(page);
        Arrays.sort(peer);
        Arrays.sort(json);
        Arrays.sort(diff);
        long htmlBytes = erin.get(bigPage).body().getBytes(StandardCharsets.UTF_8).length;
        long jsonBytes = erin.get(bigJson).body().getBytes(StandardCharsets.UTF_8).length;
        long peerBytes = erin.get(smallPage).body().getBytes(StandardCharsets.UTF_8).length;
        System.out.printf("BENCH changes page 2000 vs 2000 nodes: best %.1f ms, median %.1f ms over %d runs; HTML %d KiB%n",
                page[0] / 1e6, page[RUNS / 2] / 1e6, RUNS, htmlBytes / 1024);
        System.out.printf("BENCH changes page, peer 2-node change: best %.1f ms, median %.1f ms; HTML %d KiB%n",
                peer[0] / 1e6, peer[RUNS / 2] / 1e6, peerBytes / 1024);
        System.out.printf("BENCH changes API 2000 vs 2000 nodes: best %.1f ms, median %.1f ms; JSON %d KiB%n",
                json[0] / 1e6, json[RUNS / 2] / 1e6, jsonBytes / 1024);
        System.out.printf("BENCH changes, the semantic diff alone (FlowDiff.between, in process): best %.1f ms, median %.1f ms%n",
                diff[0] / 1e6, diff[RUNS / 2] / 1e6);
        System.out.printf("BENCH changes page ratios (median of the %d paired runs): 2000-node page / 2-node page %.1fx; "
                + "2000-node page / 2000-node JSON %.2fx%n", RUNS, toPeer, toJson);
    }

    /** A release of expenses as the product stores it, and the stable slot as its preflight recorded it. */
    private String release(String version, String liveFlows, String flows) {
        String id = UUID.randomUUID().toString();
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.update("insert into rg_release (id, app_key, version, requester, state, change_classes, description, "
                + "descriptor_yaml, artifact, artifact_sha256, created_at, updated_at) values (?, 'expenses', ?, 'alice', "
                + "'PROMOTED', 'ordinary', 'benchmark', 'app: expenses', ?, ?, ?, ?)", id, version, flows,
                FlowsHash.canonical(flows), now, now);
        jdbc.update("insert into rg_slot_snapshot (release_id, slot, flows, flows_hash, canary_weight, taken_at) "
                + "values (?, 'stable', ?, ?, 0, ?)", id, liveFlows, FlowsHash.canonical(liveFlows), now);
        return id;
    }

    /** A tab and one function whose code changes by one line. */
    static String twoNodes(boolean changed) {
        ArrayNode flows = FlowDiffBenchmark.JSON.createArrayNode();
        flows.addObject().put("id", "tab").put("type", "tab").put("label", "Expenses");
        flows.addObject().put("id", "f1").put("type", "function").put("z", "tab").put("name", "total")
                .put("func", FlowDiffBenchmark.code(1, changed)).put("outputs", 1).putArray("wires").addArray();
        return flows.toString();
    }
}
