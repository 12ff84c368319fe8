package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.analysis.MetricQueryException;
import io.rollguard.analysis.MetricSource;
import io.rollguard.app.App;
import io.rollguard.app.AppRepository;
import io.rollguard.app.SlotName;
import io.rollguard.routing.TrafficRouter;
import io.rollguard.support.Api;
import io.rollguard.support.TrafficGenerator;

/**
 * The production data plane on its own: Rollguard's HAProxy router and Prometheus metric source
 * against a real HAProxy 2.6, a real Prometheus scraping its exporter every second, and real
 * Node-RED slots.
 */
class HaproxyPrometheusIT extends EndToEndTest {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        startInfrastructureWithDataPlane(registry, "rollguard_it_data_plane", "adapters");
    }

    @Autowired
    TrafficRouter router;
    @Autowired
    AppRepository apps;
    @Autowired
    List<MetricSource> sources;

    App app;

    @BeforeEach
    void registerOnHaproxy() {
        slots.deploy(slots.stable(), EXAMPLES.resolve("1.0.0/flows.json"));
        slots.deploy(slots.canary(), EXAMPLES.resolve("1.1.0/flows.json"));
        Api.Response put = api.putJson("admin", "/api/apps/expenses", stack.registration("\"alice\"", "1.0.0"));
        assertThat(put.status()).as(put.body()).isIn(200, 201);
        assertThat(put.json().path("dataPlane").path("router").asText()).isEqualTo("haproxy");
        app = apps.find("expenses").orElseThrow();
        router.setCanaryWeight(app, 0);
    }

    MetricSource prometheus() {
        return sources.stream().filter(s -> s.name().equals("prometheus")).findFirst().orElseThrow();
    }

    @Test
    void percentagesBecomeRelativeWeightsThatRealTrafficFollowsAndThatAreReadBackFromHaproxy() {
        // when 20 % go to canary
        router.setCanaryWeight(app, 20);

        // then HAProxy itself holds canary 20 against stable 80, and the router reads that back
        assertThat(stack.weight("canary")).isEqualTo(20);
        assertThat(stack.weight("stable")).isEqualTo(80);
        assertThat(router.canaryWeight(app)).isEqualTo(20);
        long canary = 0;
        for (int i = 0; i < 200; i++) {
            TrafficGenerator.Hit hit = TrafficGenerator.hit(stack.trafficUrl("/version"));
            assertThat(hit.status()).isEqualTo(200);
            canary += hit.slot().equals("canary") ? 1 : 0;
        }
        assertThat(canary).as("canary share of 200 requests at 20 %").isBetween(30L, 50L);

        // and back to 0 %: nothing reaches the canary
        router.setCanaryWeight(app, 0);
        assertThat(stack.weight("canary")).isZero();
        assertThat(stack.weight("stable")).isEqualTo(100);
        for (int i = 0; i < 50; i++) {
            assertThat(TrafficGenerator.hit(stack.trafficUrl("/version")).slot()).isEqualTo("stable");
        }
    }

    @Test
    void weightsAndPinnedTenantsOfAReleaseInFlightAreReappliedWhenHaproxyRestarts() {
        // given a canary at 50 % and a tenant pinned to it
        router.setCanaryWeight(app, 50);
        router.pinToCanary(app, java.util.Set.of("acme"));

        // when HAProxy restarts and comes back with its configuration's weights
        stack.stopHaproxy();
        Instant restarted = Instant.now();
        stack.startHaproxy();

        // then Rollguard puts the 50 % back
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> stack.weight("canary") == 50 && stack.weight("stable") == 50
                        && stack.runtime("show map " + stack.tenantMap()).contains("acme canary"));
        System.out.printf("MEASURE HAProxy restart to weights re-applied: %d ms%n",
                Duration.between(restarted, Instant.now()).toMillis());
        assertThat(router.canaryWeight(app)).isEqualTo(50);
        assertThat(router.pinnedToCanary(app)).containsExactly("acme");
        router.pinToCanary(app, java.util.Set.of());
        assertThat(stack.runtime("show map " + stack.tenantMap())).doesNotContain("acme");
    }

    @Test
    void aRefusedRuntimeCommandFailsLoudlyNamingIt() {
        App wrongBackend = new App(app.key(), app.owners(), app.stable(), app.canary(), app.adminTokens(), app.route(),
                app.currentVersion(), new App.DataPlane("haproxy", stack.runtimeApi(), "no-such-backend", "prometheus",
                        stack.prometheusUrl(), "X-Tenant"));

        assertThatThrownBy(() -> router.setCanaryWeight(wrongBackend, 20))
                .hasMessageContaining("set weight no-such-backend/canary 20").hasMessageContaining("No such");
    }

    @Test
    void nodeRedAdminApiIsNeverReachableThroughTheTrafficFrontend() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        // the Admin API is there on the slot itself (and wants its token)
        assertThat(http.send(HttpRequest.newBuilder(URI.create(slots.stable().baseUrl() + "/admin/flows")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        for (String path : List.of("/admin/flows", "/expenses/../admin/flows", "/expenses/%2e%2e/admin/flows",
                "/expenses/.%2E/admin/flows", "/expenses/..%2fadmin/flows", "/expenses/%2fadmin/flows",
                "/expenses/./../admin/flows", "/expenses/admin/flows", "/expenses/..")) {
            // raw paths: java.net.URI keeps dot segments as written
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(stack.trafficBase() + path))
                    .header("Authorization", "Bearer " + slots.stableToken()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isIn(400, 404);
            assertThat(r.body()).as(path).doesNotContain("\"flows\"").doesNotContain("\"rev\"");
        }
    }

    @Test
    void errorRatioFromPrometheusCountsEveryResponseOfTheWindow() throws Exception {
        // a window is only a fair measurement when Prometheus scraped HAProxy all through it: a scrape
        // that fails (on a loaded machine its 1 s timeout can pass) marks the counters stale, and the
        // responses before the next good scrape are not counted (thin, never passed). Such a window
        // is measured again; one that was scraped throughout must count every response.
        for (int attempt = 1; ; attempt++) {
            Window window = halfTheTrafficOnCanary();
            List<RawSample> scrapes = rawSamples("up{job=\"haproxy\"}", window.from().minusSeconds(3), window.to());
            String gap = gapIn(scrapes, window);
            if (gap != null && attempt < 3) {
                System.out.printf("window %d not scraped throughout (%s); measuring again%n", attempt, gap);
                continue;
            }
            assertThat(gap).as("Prometheus scraped HAProxy throughout the window: %s", scrapes).isNull();

            // when
            MetricSource.Samples canary = prometheus().measure(app, SlotName.CANARY, "error-ratio", window.from(),
                    window.to());

            // then one sample per canary response, none of them an error
            long canaryHits = window.hits().stream().filter(h -> h.slot().equals("canary")).count();
            assertThat(canary.count()).as("responses counted in %s .. %s; the canary's counters: %s",
                    window.from(), window.to(), rawCanaryCounters(window)).isEqualTo((int) canaryHits);
            assertThat(canary.value()).isZero();
            assertThat(canary.query()).contains("haproxy_server_http_responses_total", "server=\"canary\"",
                    "proxy=\"expenses\"");
            return;
        }
    }

    record Window(Instant from, Instant to, List<TrafficGenerator.Hit> hits) {
    }

    /** Half the traffic on canary for a few seconds, in a window that Prometheus has scraped to its end. */
    private Window halfTheTrafficOnCanary() throws InterruptedException {
        // the Prometheus of this moment has scraped (one restarted by another test may still answer from its
        // log, and a range query repeats a series' last sample for minutes, so ask when it was scraped)
        awaitScrapeAfter(Instant.now());
        router.setCanaryWeight(app, 50);
        Instant from = Instant.now();
        List<TrafficGenerator.Hit> hits;
        try (TrafficGenerator traffic = new TrafficGenerator(stack.trafficUrl("/expenses"), 2, Duration.ofMillis(50))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> traffic.hits().size() >= 80);
            traffic.close();
            hits = traffic.hits();
        }
        router.setCanaryWeight(app, 0);
        // two scrapes after the last response (1 s apart), so the window holds all of it
        awaitScrapeAfter(Instant.now().plusSeconds(2));
        return new Window(from, Instant.now(), hits);
    }

    /**
     * What is wrong with the scrapes around a window (the samples of Prometheus's {@code up}), or null: every
     * scrape succeeded, none more than 2 s apart.
     */
    private static String gapIn(List<RawSample> scrapes, Window window) {
        if (scrapes.isEmpty() || scrapes.get(0).at().isAfter(window.from())) {
            return "no scrape before the window's start";
        }
        for (int i = 0; i < scrapes.size(); i++) {
            if (scrapes.get(i).value() != 1.0) {
                return "the scrape at " + scrapes.get(i).at() + " failed";
            }
            if (i > 0 && Duration.between(scrapes.get(i - 1).at(), scrapes.get(i).at()).toMillis() > 2000) {
                return "no scrape between " + scrapes.get(i - 1).at() + " and " + scrapes.get(i).at();
            }
        }
        return null;
    }

    private String rawCanaryCounters(Window window) {
        return rawSamples("haproxy_server_http_responses_total{proxy=\"expenses\",server=\"canary\",code=\"2xx\"}",
                window.from().minusSeconds(3), window.to()).toString();
    }

    record RawSample(Instant at, double value) {
    }

    /** The stored samples of one series, as scraped (a range selector in an instant query). */
    private List<RawSample> rawSamples(String selector, Instant from, Instant to) {
        long seconds = Duration.between(from, to).toSeconds() + 1;
        String query = selector + "[" + seconds + "s]";
        Api.Response response = new Api(stack.prometheusUrl()).get(null, "/api/v1/query?query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&time=" + to.toEpochMilli() / 1000.0);
        JsonNode result = response.json().path("data").path("result");
        assertThat(result.size()).as("%s: %s", query, response.body()).isEqualTo(1);
        List<RawSample> samples = new ArrayList<>();
        for (JsonNode point : result.get(0).path("values")) {
            samples.add(new RawSample(Instant.ofEpochMilli(Math.round(point.get(0).asDouble() * 1000)),
                    Double.parseDouble(point.get(1).asText())));
        }
        return samples;
    }

    @Test
    void promqlFromTheDescriptorGetsItsPlaceholdersAndOneSamplePerStep() {
        router.setCanaryWeight(app, 30);
        assertThat(stack.weight("stable")).isEqualTo(70);
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);
        Instant to = Instant.now();

        MetricSource.Samples canary = prometheus().measure(app, SlotName.CANARY,
                "max(haproxy_server_weight{proxy=\"{{backend}}\",server=\"{{slot}}\"})", to.minusSeconds(2), to);
        MetricSource.Samples stable = prometheus().measure(app, SlotName.STABLE,
                "max(haproxy_server_weight{proxy=\"{{backend}}\",server=\"{{slot}}\"})", to.minusSeconds(2), to);

        assertThat(canary.count()).isBetween(2, 3);
        assertThat(canary.values()).containsOnly(30.0);
        assertThat(stable.values()).containsOnly(70.0);
        assertThat(canary.query()).startsWith("max(haproxy_server_weight{proxy=\"expenses\",server=\"canary\"})");
    }

    @Test
    void aQueryWithoutSeriesIsAnErrorNamingTheQuery() {
        Instant to = Instant.now();
        assertThatThrownBy(() -> prometheus().measure(app, SlotName.CANARY,
                "sum(rate(no_such_metric{server=\"{{slot}}\"}[10s]))", to.minusSeconds(5), to))
                .isInstanceOf(MetricQueryException.class).hasMessageContaining("no series")
                .satisfies(e -> assertThat(((MetricQueryException) e).query())
                        .startsWith("sum(rate(no_such_metric{server=\"canary\"}[10s]))"));
    }

    @Test
    void aQueryWithASyntaxErrorIsAnErrorWithPrometheusReason() {
        Instant to = Instant.now();
        assertThatThrownBy(() -> prometheus().measure(app, SlotName.CANARY, "sum(rate(x[10", to.minusSeconds(5), to))
                .isInstanceOf(MetricQueryException.class).hasMessageContaining("refused the query")
                .hasMessageContaining("bad_data");
    }

    @Test
    void percentilesAreNotInventedFromHaproxyAverages() {
        Instant to = Instant.now();
        assertThatThrownBy(() -> prometheus().measure(app, SlotName.CANARY, "latency-p95", to.minusSeconds(5), to))
                .isInstanceOf(MetricQueryException.class).hasMessageContaining("averages only");
    }

    @Test
    void prometheusDownIsAnError() {
        stack.stopPrometheus();
        try {
            Instant to = Instant.now();
            assertThatThrownBy(() -> prometheus().measure(app, SlotName.CANARY, "error-ratio", to.minusSeconds(5), to))
                    .isInstanceOf(MetricQueryException.class).hasMessageContaining("did not answer");
        } finally {
            stack.startPrometheus();
        }
    }

    /** Waits until Prometheus has scraped the canary's counters later than {@code instant}. */
    private void awaitScrapeAfter(Instant instant) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> {
                    double[] scraped = prometheus().measure(app, SlotName.CANARY,
                            "max(timestamp(haproxy_server_http_responses_total{proxy=\"{{backend}}\",server=\"{{slot}}\"}))",
                            Instant.now().minusSeconds(1), Instant.now()).values();
                    return scraped[scraped.length - 1] > instant.getEpochSecond();
                });
    }
}
