package io.rollguard.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.rollguard.support.Keycloak;
import io.rollguard.support.RollguardProcess;

/**
 * Benchmark harness, not a test: run with {@code ./rollguard bench}. The packaged app with
 * profile keycloak; the same cheap API call (an empty release list) with a valid Keycloak bearer
 * token and, as a floor, the public health endpoint. The difference is what authenticating a
 * request with a token costs (signature, issuer, audience, lifetime; JWKS cached).
 */
class TokenValidationBenchmark {

    static final int REQUESTS = 3_000;

    @Test
    void measure() throws Exception {
        Keycloak.requireRunning();
        RollguardProcess app = new RollguardProcess("rollguard-bench-keycloak", List.of(
                "--spring.profiles.active=keycloak",
                "--spring.datasource.url=jdbc:h2:mem:benchkc;DB_CLOSE_DELAY=-1",
                "--rollguard.keycloak.issuer=" + Keycloak.ISSUER,
                "--rollguard.sample-app.enabled=false"));
        app.start();
        try {
            String token = Keycloak.userToken("erin");
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest health = HttpRequest.newBuilder(URI.create(app.baseUrl() + "/actuator/health")).build();
            HttpRequest bearer = HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/releases?app=none"))
                    .header("Authorization", "Bearer " + token).build();
            run(http, health, 1_000);
            run(http, bearer, 1_000);
            report("public health endpoint", run(http, health, REQUESTS));
            report("API call with bearer token", run(http, bearer, REQUESTS));
        } finally {
            app.stop();
        }
    }

    static List<Long> run(HttpClient http, HttpRequest request, int n) throws Exception {
        List<Long> nanos = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
            nanos.add(System.nanoTime() - t);
            if (r.statusCode() != 200) {
                throw new IllegalStateException(request.uri() + " answered " + r.statusCode());
            }
        }
        return nanos;
    }

    static void report(String what, List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        System.out.printf("BENCH %-28s %d sequential requests: median %.2f ms, p99 %.2f ms%n", what, sorted.size(),
                sorted.get(sorted.size() / 2) / 1e6, sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1) / 1e6);
    }

}
