package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

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
        Api.Response put = api.putJson("admin", "/api/apps/expenses", stack.registration("\"alice\"", slots.token(), "1.0.0"));
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
        App wrongBackend = new App(app.key(), app.owners(), app.stable(), app.canary(), app.adminToken(), app.route(),
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
                    .header("Authorization", "Bearer " + slots.token()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isIn(400, 404);
            assertThat(r.body()).as(path).doesNotContain("\"flows\"").doesNotContain("\"rev\"");
        }
    }

    @Test
    void errorRatioFromPrometheusCountsEveryResponseOfTheWindow() throws Exception {
        // given Prometheus already has the canary's counter (it may just have been restarted by another test:
        // responses before a series' first scrape cannot be counted, which makes a window thin, never passed)
        // (a range query repeats a series' last sample for minutes, so ask when that sample was scraped)
        awaitScrapeAfter(Instant.now().minusSeconds(2));
        // and half the traffic on canary for a few seconds
        router.setCanaryWeight(app, 50);
        Instant from = Instant.now();
        List<TrafficGenerator.Hit> hits;
        try (TrafficGenerator traffic = new TrafficGenerator(stack.trafficUrl("/expenses"), 2, Duration.ofMillis(50))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> traffic.hits().size() >= 80);
            traffic.close();
            hits = traffic.hits();
        }
        // two scrapes after the last response (1 s apart), so the window holds all of it
        awaitScrapeAfter(Instant.now().plusSeconds(2));
        Instant to = Instant.now();

        // when
        MetricSource.Samples canary = prometheus().measure(app, SlotName.CANARY, "error-ratio", from, to);

        // then one sample per canary response, none of them an error
        long canaryHits = hits.stream().filter(h -> h.slot().equals("canary")).count();
        assertThat(canary.count()).isEqualTo((int) canaryHits);
        assertThat(canary.value()).isZero();
        assertThat(canary.query()).contains("haproxy_server_http_responses_total", "server=\"canary\"",
                "proxy=\"expenses\"");
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
