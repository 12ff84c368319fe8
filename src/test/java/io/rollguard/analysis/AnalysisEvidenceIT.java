package io.rollguard.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.release.descriptor.ReleaseDescriptor;
import io.rollguard.support.Api;
import io.rollguard.support.NodeRedSlots;
import io.rollguard.support.PostgresDatabase;

/**
 * Analysis evidence is stored in PostgreSQL and served by {@code GET /api/releases/{id}/analysis}
 * to exactly those who may read the release. The runs are judged by the real {@link CanaryAnalysis}
 * over fixed samples; no Node-RED is needed because nothing here goes past the approval step.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false"})
@ActiveProfiles("postgres")
class AnalysisEvidenceIT {

    static final Path V110 = NodeRedSlots.PROJECT.resolve("examples/expenses/1.1.0");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresDatabase.register(registry, "rollguard_it_analysis");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    AnalysisEvidence evidence;
    Api api;
    String releaseId;

    @BeforeEach
    void aReleaseWithTwoAnalysisRuns() throws Exception {
        api = new Api("http://127.0.0.1:" + port);
        jdbc.update("update rg_release set state = 'ABORTED' where state = 'AWAITING_APPROVAL'");
        register("expenses", "alice");
        Api.Response submitted = api.submit("alice", Files.readString(V110.resolve("release.yaml")),
                Map.of("flows.json", Files.readAllBytes(V110.resolve("flows.json"))));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        releaseId = submitted.json().path("id").asText();
        evidence.save(releaseId, judge(CanaryAnalysisTest.outcomes(40, 0), CanaryAnalysisTest.outcomes(160, 0), 1));
        evidence.save(releaseId, judge(CanaryAnalysisTest.outcomes(60, 18), CanaryAnalysisTest.outcomes(240, 0), 2));
    }

    void register(String app, String owner) {
        Api.Response r = api.putJson("admin", "/api/apps/" + app, """
                {"owners":["%s"],
                 "stable":{"adminUrl":"http://127.0.0.1:9/admin","trafficUrl":"http://127.0.0.1:9/app"},
                 "canary":{"adminUrl":"http://127.0.0.1:10/admin","trafficUrl":"http://127.0.0.1:10/app"},
                 "adminToken":"not-a-real-token","route":"%s","currentVersion":"1.0.0"}""".formatted(owner, app));
        assertThat(r.status()).as(r.body()).isIn(200, 201);
    }

    static AnalysisRun judge(double[] canary, double[] baseline, int step) {
        CanaryAnalysisTest.ScriptedSource source = new CanaryAnalysisTest.ScriptedSource().window(canary, baseline);
        ReleaseDescriptor.Metric errors = new ReleaseDescriptor.Metric("error-rate", "builtin", "error-ratio",
                new ReleaseDescriptor.FailIf(0.05, null), new ReleaseDescriptor.MannWhitney(0.95, 0.01), 20, 0, 4);
        return new CanaryAnalysis(List.of(source)).analyze(CanaryAnalysisTest.APP,
                CanaryAnalysisTest.descriptor(Duration.ofSeconds(2), errors), step, step * 20, CanaryAnalysisTest.FROM,
                CanaryAnalysisTest.FROM.plusSeconds(2));
    }

    @Test
    void everyRunIsServedWithItsQueriesSampleCountsStatisticsAndVerdict() {
        // when the owner reads the analysis of the release
        Api.Response r = api.get("alice", "/api/releases/" + releaseId + "/analysis");

        // then both runs come back in order with their full evidence
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode runs = r.json().path("runs");
        assertThat(runs).hasSize(2);
        assertThat(runs.get(0).path("verdict").asText()).isEqualTo("PASSED");
        JsonNode failed = runs.get(1);
        assertThat(failed.path("verdict").asText()).isEqualTo("FAILED");
        assertThat(failed.path("step").asInt()).isEqualTo(2);
        assertThat(failed.path("weight").asInt()).isEqualTo(40);
        assertThat(failed.path("reason").asText()).contains("error-rate", "above the limit");
        JsonNode measurement = failed.path("metrics").get(0).path("measurements").get(0);
        assertThat(measurement.path("canaryQuery").asText()).isEqualTo("error-ratio{slot=\"canary\"}");
        assertThat(measurement.path("baselineQuery").asText()).isEqualTo("error-ratio{slot=\"stable\"}");
        assertThat(measurement.path("canary").path("n").asInt()).isEqualTo(60);
        assertThat(measurement.path("canary").path("mean").asDouble()).isEqualTo(0.3);
        assertThat(measurement.path("baseline").path("n").asInt()).isEqualTo(240);
        JsonNode mannWhitney = measurement.path("checks").get(1);
        assertThat(mannWhitney.path("kind").asText()).isEqualTo("mannWhitney");
        assertThat(mannWhitney.path("pValue").asDouble()).isLessThan(0.05);
        assertThat(mannWhitney.path("statistic").asDouble()).isPositive();
        assertThat(measurement.path("checks").get(0).path("limit").asDouble()).isEqualTo(0.05);
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice", "bob", "carol", "dave", "erin", "frank", "admin", "zoe", "ada"})
    void whoeverMayReadTheReleaseMayReadItsAnalysis(String user) {
        assertThat(api.get(user, "/api/releases/" + releaseId).status()).as(user).isEqualTo(200);
        assertThat(api.get(user, "/api/releases/" + releaseId + "/analysis").status()).as(user).isEqualTo(200);
    }

    @Test
    void aRequesterWhoDoesNotOwnTheAppMayNotReadItsAnalysis() throws Exception {
        // given a release of an app that only zoe owns
        jdbc.update("update rg_release set state = 'ABORTED' where state = 'AWAITING_APPROVAL'");
        register("payroll", "zoe");
        String descriptor = Files.readString(V110.resolve("release.yaml")).replace("app: expenses", "app: payroll");
        String payroll = api.submit("zoe", descriptor,
                Map.of("flows.json", Files.readAllBytes(V110.resolve("flows.json")))).json().path("id").asText();

        // when alice, a requester without any other role, asks for its analysis
        Api.Response refused = api.get("alice", "/api/releases/" + payroll + "/analysis");

        // then she is refused exactly as for the release itself, with a problem body
        assertThat(refused.status()).isEqualTo(403);
        assertThat(api.get("alice", "/api/releases/" + payroll).status()).isEqualTo(403);
        assertThat(refused.header("Content-Type")).contains("application/problem+json");
        assertThat(api.get("zoe", "/api/releases/" + payroll + "/analysis").json().path("runs")).isEmpty();
    }

    @Test
    void anonymousCallsAreUnauthorizedAndUnknownReleasesNotFound() {
        assertThat(api.get(null, "/api/releases/" + releaseId + "/analysis").status()).isEqualTo(401);
        Api.Response missing = api.get("erin", "/api/releases/does-not-exist/analysis");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().path("detail").asText()).contains("does-not-exist");
    }
}
