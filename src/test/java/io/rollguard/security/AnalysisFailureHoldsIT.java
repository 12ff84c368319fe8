package io.rollguard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.support.Api;
import io.rollguard.support.AppRegistrations;
import io.rollguard.support.ExpensesDatabase;
import io.rollguard.support.NodeRedSlots;

/**
 * An analysis whose evidence is longer than Camunda's variables hold (three metrics whose
 * long queries the evidence quotes) used to fail its job three times into an
 * incident, with the canary still taking its share of traffic and nobody asked. It now holds
 * the release for a release manager, whose "roll back" brings all traffic back to stable.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false", "rollguard.preflight.smoke-timeout=PT10S"})
@ActiveProfiles("postgres")
class AnalysisFailureHoldsIT {

    static final Path EXAMPLES = NodeRedSlots.PROJECT.resolve("examples/expenses");
    static NodeRedSlots slots;
    static ExpensesDatabase appDatabase;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        appDatabase = ExpensesDatabase.create("rollguard_it_analysis_failure_app");
        slots = NodeRedSlots.start("rollguard_it_analysis_failure", appDatabase.slotEnvironment());
        io.rollguard.support.PostgresDatabase.register(registry, "rollguard_it_analysis_failure");
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
    RuntimeService runtime;

    @Test
    void anAnalysisThatCannotBeRecordedHoldsTheReleaseInsteadOfFailingWithTrafficShifted() throws Exception {
        // given the sample app live at 1.0.0 and a descriptor whose metrics' queries are long and unknown
        Api api = new Api("http://127.0.0.1:" + port);
        slots.deploy(slots.stable(), EXAMPLES.resolve("1.0.0/flows.json"));
        slots.deploy(slots.canary(), EXAMPLES.resolve("1.0.0/flows.json"));
        assertThat(api.registerExpenses(slots, List.of("alice"), "1.0.0").status()).isIn(200, 201);
        assertThat(api.putJson("admin", "/api/apps/expenses/database", AppRegistrations.database(appDatabase.jdbcUrl()))
                .status()).isIn(200, 201);
        StringBuilder metrics = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            metrics.append("    - name: metric-").append(i).append("\n      source: prometheus\n      query: no_such_query_").append(i)
                    .append("_").append("x".repeat(1900)).append("\n      failIf:\n        above: 0.05\n");
        }
        String descriptor = """
                app: expenses
                version: 1.1.0
                artifact:
                  type: node-red-flows
                  file: flows.json
                rollout:
                  strategy: canary
                  steps:
                    - weight: 20
                      pause: 2s
                  onFailure: rollback
                smoke:
                  path: /health
                  expectStatus: 200
                analysis:
                  minSamples: 1
                  metrics:
                """ + metrics;
        Api.Response submitted = api.submit("alice", descriptor,
                Map.of("flows.json", Files.readAllBytes(EXAMPLES.resolve("1.1.0/flows.json"))));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        String id = submitted.json().path("id").asText();
        String pi = submitted.json().path("processInstanceId").asText();

        // when bob approves and the step's analysis runs
        JsonNode approval = awaitTask(api, "bob", pi);
        assertThat(complete(api, "bob", approval.path("id").asText(), "approve").status()).isEqualTo(204);

        // then the release is held for a release manager, with no incident and the reason shown clipped
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            assertThat(runtime.createIncidentQuery().processInstanceId(pi).count()).as("incidents").isZero();
            return state(api, id).equals("ON_HOLD");
        });
        String evidence = (String) runtime.getVariable(pi, "analysisEvidence");
        assertThat(evidence).hasSizeLessThanOrEqualTo(4000).contains("no_such_query_0").endsWith("...");

        // and the release manager's roll back brings every request back to stable
        JsonNode decision = awaitTask(api, "frank", pi);
        assertThat(complete(api, "frank", decision.path("id").asText(), "rollback").status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> state(api, id).equals("ROLLED_BACK"));
        assertThat(runtime.createIncidentQuery().processInstanceId(pi).count()).isZero();
    }

    static String state(Api api, String id) {
        return api.get("alice", "/api/releases/" + id).json().path("state").asText();
    }

    static JsonNode awaitTask(Api api, String user, String pi) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> api.get(user, "/engine-rest/task?processInstanceId=" + pi).json(), t -> t.size() > 0).get(0);
    }

    static Api.Response complete(Api api, String user, String taskId, String decision) {
        return api.postJson(user, "/engine-rest/task/" + taskId + "/complete", """
                {"variables":{"decision":{"value":"%s"},"comment":{"value":""}}}""".formatted(decision));
    }
}
