package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.support.Api;

/**
 * {@code rollout.strategy: tenants} on both routers with the same descriptor: each step pins one
 * more wave of tenants (header X-Tenant) to canary, everyone else stays on stable, and each wave
 * is judged before the next.
 */
// the tests' clients stand in for the proxy in front of the built-in router that sets the tenant header
@TestPropertySource(properties = "rollguard.router.trusted-proxies=127.0.0.1")
class TenantWavesIT extends EndToEndTest {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        startInfrastructureWithDataPlane(registry, "rollguard_it_tenant_waves", "tenants");
    }

    record TenantHit(String tenant, Instant at, String slot, String version) {
    }

    /** One client per tenant, each sending its tenant's header in a loop. */
    static final class TenantTraffic implements AutoCloseable {
        static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        final List<TenantHit> hits = new CopyOnWriteArrayList<>();
        final ScheduledExecutorService clients;

        TenantTraffic(String url, List<String> tenants) {
            clients = Executors.newScheduledThreadPool(tenants.size());
            for (String tenant : tenants) {
                clients.scheduleWithFixedDelay(() -> {
                    try {
                        HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("X-Tenant", tenant)
                                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
                        hits.add(new TenantHit(tenant, Instant.now(), r.headers().firstValue("X-Rollguard-Slot").orElse("?"),
                                r.headers().firstValue("X-App-Version").orElse("?")));
                    } catch (Exception e) {
                        hits.add(new TenantHit(tenant, Instant.now(), "?", e.getClass().getSimpleName()));
                    }
                }, 0, 30, TimeUnit.MILLISECONDS);
            }
        }

        @Override
        public void close() throws InterruptedException {
            clients.shutdownNow();
            clients.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    static String tenantDescriptor() throws Exception {
        String d = Files.readString(EXAMPLES.resolve("1.1.0/release.yaml"));
        return d.substring(0, d.indexOf("rollout:")) + """
                rollout:
                  strategy: tenants
                  steps:
                    - tenants: [acme]
                      pause: 8s
                    - tenants: [globex]
                      pause: 8s
                  onFailure: rollback
                """ + d.substring(d.indexOf("analysis:"));
    }

    static Instant stepShifted(JsonNode release, int step) {
        for (JsonNode e : release.path("history")) {
            if (e.path("type").asText().equals("TRAFFIC_SHIFTED") && e.path("detail").asText().startsWith("step " + step + ":")) {
                return Instant.parse(e.path("at").asText());
            }
        }
        throw new AssertionError("no TRAFFIC_SHIFTED for step " + step + " in " + release.path("history"));
    }

    void rollOutInWaves(String url, Function<String, Boolean> allStable) throws Exception {
        JsonNode promoted;
        List<TenantHit> hits;
        try (TenantTraffic traffic = new TenantTraffic(url, List.of("acme", "globex", "initech"))) {
            // when the tenant-wave release runs
            Api.Response submitted = api.submit("alice", tenantDescriptor(),
                    Map.of("flows.json", Files.readAllBytes(EXAMPLES.resolve("1.1.0/flows.json"))));
            assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
            JsonNode task = awaitTask("bob", submitted.json().path("processInstanceId").asText());
            assertThat(complete("bob", task.path("id").asText(), "approve", "").status()).isEqualTo(204);
            String id = submitted.json().path("id").asText();
            promoted = waitForState(id, "PROMOTED", Duration.ofSeconds(120));
            hits = List.copyOf(traffic.hits);
        }

        // then only the waves' tenants reached canary, each from its own step on
        Instant wave1 = stepShifted(promoted, 1);
        Instant wave2 = stepShifted(promoted, 2);
        assertThat(hasEvent(promoted, "TRAFFIC_SHIFTED", "tenants acme pinned")).isTrue();
        assertThat(hasEvent(promoted, "TRAFFIC_SHIFTED", "tenants acme, globex pinned")).isTrue();
        assertThat(hits).filteredOn(h -> h.tenant().equals("initech")).extracting(TenantHit::slot)
                .isNotEmpty().containsOnly("stable");
        assertThat(hits).filteredOn(h -> h.slot().equals("canary")).extracting(TenantHit::tenant)
                .contains("acme", "globex").doesNotContain("initech");
        assertThat(hits).filteredOn(h -> h.tenant().equals("globex") && h.slot().equals("canary"))
                .allMatch(h -> !h.at().isBefore(wave2.minusSeconds(1)), "globex on canary only from its wave on");
        assertThat(hits).filteredOn(h -> h.tenant().equals("acme") && h.at().isAfter(wave1.plusMillis(500))
                && h.at().isBefore(wave2)).extracting(TenantHit::slot).isNotEmpty().containsOnly("canary");
        assertThat(hits).filteredOn(h -> h.slot().equals("canary")).extracting(TenantHit::version).containsOnly("1.1.0");
        JsonNode runs = api.get("erin", "/api/releases/" + promoted.path("id").asText() + "/analysis").json().path("runs");
        assertThat(runs).hasSize(2).allMatch(r -> r.path("verdict").asText().equals("PASSED"));

        // and after promotion nobody is pinned any more
        assertThat(trafficRouter.pinnedToCanary(apps.find("expenses").orElseThrow())).isEmpty();
        for (String tenant : List.of("acme", "globex", "initech")) {
            HttpResponse<Void> r = TenantTraffic.HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("X-Tenant", tenant)
                    .build(), HttpResponse.BodyHandlers.discarding());
            assertThat(r.headers().firstValue("X-Rollguard-Slot")).contains("stable");
            assertThat(allStable.apply(tenant)).isTrue();
        }
    }

    @Test
    void tenantWavesOnTheBuiltinRouter() throws Exception {
        // given the app on the built-in router
        jdbc.update("delete from rg_router_tenant");
        baseline("1.0.0");

        rollOutInWaves(routerUrl("/expenses"), tenant -> true);
    }

    @Test
    void tenantWavesOnHaproxyWithRuntimeMaps() throws Exception {
        // given the app on HAProxy + Prometheus
        baselineOnHaproxy("1.0.0");

        // the map HAProxy really holds is empty again at the end
        rollOutInWaves(stack.trafficUrl("/expenses"),
                tenant -> !stack.runtime("show map " + stack.tenantMap()).contains(tenant));
    }
}
