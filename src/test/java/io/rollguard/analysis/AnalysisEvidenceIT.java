package io.rollguard.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

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

import io.rollguard.app.AppRepository;
import io.rollguard.release.history.ReleaseHistory;
import io.rollguard.release.descriptor.DescriptorParser;
import io.rollguard.release.descriptor.ReleaseDescriptor;
import io.rollguard.support.Api;
import io.rollguard.support.ExpensesUntilApproval;
import io.rollguard.support.AppRegistrations;
import io.rollguard.support.NodeRedSlots;
import io.rollguard.support.PostgresDatabase;

/**
 * Analysis evidence is stored in PostgreSQL and served by {@code GET /api/releases/{id}/analysis}
 * and, as canary vs baseline charts, by {@code GET /api/releases/{id}/analyses/{n}/series} to
 * exactly those who may read the release. The runs are judged by the real {@link CanaryAnalysis}
 * over fixed samples (the built-in router's own samples for the charts); no Node-RED is needed
 * because nothing here goes past the approval step.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false"})
@ActiveProfiles("postgres")
class AnalysisEvidenceIT {


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
    @Autowired
    CanaryAnalysis analysis;
    @Autowired
    ReleaseHistory history;
    @Autowired
    AppRepository apps;
    Api api;
    String releaseId;

    @BeforeEach
    void aReleaseWithTwoAnalysisRuns() throws Exception {
        api = new Api("http://127.0.0.1:" + port);
        ExpensesUntilApproval.nothingAwaitingApproval(jdbc);
        register("expenses", "alice");
        Api.Response submitted = api.submit("alice", ExpensesUntilApproval.descriptor(),
                ExpensesUntilApproval.flows());
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        releaseId = submitted.json().path("id").asText();
        record(releaseId, judge(CanaryAnalysisTest.outcomes(40, 0), CanaryAnalysisTest.outcomes(160, 0), 1));
        record(releaseId, judge(CanaryAnalysisTest.outcomes(60, 18), CanaryAnalysisTest.outcomes(240, 0), 2));
    }

    /** Keeps a run as analyzeCanaryDelegate does: its evidence, and the history entry that points to it. */
    long record(String release, AnalysisRun run) {
        long runId = evidence.save(release, run);
        history.record(release, StepAnalysis.historyEntry(runId, run));
        return runId;
    }

    void register(String app, String owner) {
        Api.Response r = api.putJson("admin", "/api/apps/" + app,
                AppRegistrations.withoutSlots(app, "1.0.0", List.of(owner), null));
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
        assertThat(api.get(user, "/api/releases/" + releaseId + "/analyses/2/series").status()).as(user).isEqualTo(200);
    }

    @Test
    void aRequesterWhoDoesNotOwnTheAppMayNotReadItsAnalysis() throws Exception {
        // given a release of an app that only zoe owns
        ExpensesUntilApproval.nothingAwaitingApproval(jdbc);
        register("payroll", "zoe");
        String descriptor = ExpensesUntilApproval.descriptor().replace("app: expenses", "app: payroll");
        String payroll = api.submit("zoe", descriptor,
                ExpensesUntilApproval.flows()).json().path("id").asText();

        // when alice, a requester without any other role, asks for its analysis
        Api.Response refused = api.get("alice", "/api/releases/" + payroll + "/analysis");

        // then she is refused exactly as for the release itself, with a problem body
        assertThat(refused.status()).isEqualTo(403);
        assertThat(api.get("alice", "/api/releases/" + payroll).status()).isEqualTo(403);
        assertThat(api.get("alice", "/api/releases/" + payroll + "/analyses/1/series").status()).isEqualTo(403);
        assertThat(refused.header("Content-Type")).contains("application/problem+json");
        assertThat(api.get("zoe", "/api/releases/" + payroll + "/analysis").json().path("runs")).isEmpty();
    }

    @Test
    void anonymousCallsAreUnauthorizedAndUnknownReleasesNotFound() {
        assertThat(api.get(null, "/api/releases/" + releaseId + "/analysis").status()).isEqualTo(401);
        assertThat(api.get(null, "/api/releases/" + releaseId + "/analyses/1/series").status()).isEqualTo(401);
        Api.Response missing = api.get("erin", "/api/releases/does-not-exist/analysis");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().path("detail").asText()).contains("does-not-exist");
    }

    // ------------------------------------------------------------------ the run's chart

    /** The recorded responses of one example version (status, latency) as the router's samples, evenly over the window. */
    void routerSamples(String slot, String version, Instant from, Duration window) throws Exception {
        List<String[]> responses = Files.readAllLines(NodeRedSlots.PROJECT.resolve("src/test/resources/analysis/recorded-" + version + ".csv"))
                .stream().filter(l -> !l.startsWith("#") && !l.isBlank()).map(l -> l.split(",")).toList();
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < responses.size(); i++) {
            Instant at = from.plusMillis(window.toMillis() * i / responses.size());
            rows.add(new Object[] {"expenses", slot, Timestamp.from(at), Integer.parseInt(responses.get(i)[0]),
                    Double.parseDouble(responses.get(i)[1])});
        }
        jdbc.batchUpdate("insert into rg_router_sample (app_key, slot, at, status, latency_ms) values (?, ?, ?, ?, ?)",
                rows);
    }

    /** The bad version 1.2.0 on the canary against 1.0.0, judged by the real analysis on the built-in router's samples. */
    long badVersionAnalysedOnTheBuiltinRouter() throws Exception {
        Instant from = Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.SECONDS);
        jdbc.update("delete from rg_router_sample where app_key = 'expenses'");
        routerSamples("canary", "1.2.0", from, Duration.ofSeconds(8));
        routerSamples("stable", "1.0.0", from, Duration.ofSeconds(8));
        ReleaseDescriptor descriptor = new DescriptorParser()
                .parse(Files.readString(NodeRedSlots.PROJECT.resolve("examples/expenses/1.2.0/release.yaml"))).descriptor();
        AnalysisRun run = analysis.analyze(apps.find("expenses").orElseThrow(), descriptor, 1, 20, from,
                from.plusSeconds(8));
        assertThat(run.verdict()).isEqualTo(Verdict.FAILED);
        return record(releaseId, run);
    }

    static double mean(JsonNode means, JsonNode counts) {
        double sum = 0;
        long n = 0;
        for (int i = 0; i < means.size(); i++) {
            if (!means.get(i).isNull()) {
                sum += means.get(i).asDouble() * counts.get(i).asInt();
                n += counts.get(i).asInt();
            }
        }
        return sum / n;
    }

    @Test
    void aRunOnTheBuiltinRouterKeepsItsChartAfterTheRoutersSamplesAreGone() throws Exception {
        // given the bad version judged on the built-in router's samples (third run of the release)
        badVersionAnalysedOnTheBuiltinRouter();

        // when its chart is read
        Api.Response r = api.get("erin", "/api/releases/" + releaseId + "/analyses/3/series");

        // then it is the one kept with the run: both metrics of the descriptor, canary errors above baseline over time
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("origin").asText()).isEqualTo("stored");
        JsonNode metrics = r.json().path("metrics");
        assertThat(metrics.findValuesAsText("metric")).containsExactly("error-rate", "latency");
        JsonNode errors = metrics.get(0);
        assertThat(errors.path("source").asText()).isEqualTo("builtin");
        assertThat(errors.path("unit").asText()).isEqualTo("ratio");
        assertThat(errors.path("t")).hasSize(8);
        assertThat(errors.path("canaryTotal").asInt()).isEqualTo(400);
        assertThat(errors.path("baselineTotal").asInt()).isEqualTo(400);
        assertThat(mean(errors.path("canary"), errors.path("canarySamples"))).isGreaterThan(0.25);
        assertThat(mean(errors.path("baseline"), errors.path("baselineSamples"))).isZero();
        for (int i = 0; i < 8; i++) {
            assertThat(errors.path("canary").get(i).asDouble()).as("second %d", i)
                    .isGreaterThan(errors.path("baseline").get(i).asDouble());
        }
        assertThat(metrics.get(1).path("unit").asText()).isEqualTo("ms");
        assertThat(metrics.get(1).path("canaryTotal").asInt()).isEqualTo(400);

        // when the router's samples are gone (retention), the same chart is still served
        jdbc.update("delete from rg_router_sample where app_key = 'expenses'");
        Api.Response later = api.get("erin", "/api/releases/" + releaseId + "/analyses/3/series");
        assertThat(later.status()).as(later.body()).isEqualTo(200);
        assertThat(later.json()).isEqualTo(r.json());
        assertThat(api.get("alice", "/releases/" + releaseId + "/analyses/3/series").json()).isEqualTo(r.json());
    }

    @Test
    void aRunStoredWithoutItsChartIsDrawnFromTheRoutersSamplesWhileTheyAreKeptThenAnswers404() throws Exception {
        // given a run as kept before runs stored their chart
        long runId = badVersionAnalysedOnTheBuiltinRouter();
        jdbc.update("update rg_analysis_metric set series = null where run_id = ?", runId);

        // then its chart comes from the router's samples of its window
        Api.Response r = api.get("erin", "/api/releases/" + releaseId + "/analyses/3/series");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("origin").asText()).isEqualTo("router-samples");
        JsonNode errors = r.json().path("metrics").get(0);
        assertThat(errors.path("canaryTotal").asInt()).isEqualTo(400);
        assertThat(mean(errors.path("canary"), errors.path("canarySamples"))).isGreaterThan(0.25);

        // and once those are gone too, a problem says why, not a server error
        jdbc.update("delete from rg_router_sample where app_key = 'expenses'");
        Api.Response gone = api.get("erin", "/api/releases/" + releaseId + "/analyses/3/series");
        assertThat(gone.status()).as(gone.body()).isEqualTo(404);
        assertThat(gone.header("Content-Type")).contains("application/problem+json");
        assertThat(gone.json().path("detail").asText()).contains("has no chart series", "no longer kept");
        assertThat(api.get("erin", "/api/releases/" + releaseId + "/analyses/4/series").status()).isEqualTo(404);
    }
}
