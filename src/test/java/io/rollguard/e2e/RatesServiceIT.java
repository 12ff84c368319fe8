package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.rollguard.support.RatesService;

/**
 * The stand-in rates service the sample app's 1.6.0 and 1.7.0 integrate with, as a real HTTP
 * server: what its old, new and broken versions answer (the release tests rely on exactly this).
 */
class RatesServiceIT {

    static final String KEY = "it-rates-key-" + UUID.randomUUID();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static RatesService rates;

    record Answer(int status, JsonNode json) {
    }

    @BeforeAll
    static void start() {
        rates = RatesService.start("rates-service-it", KEY);
    }

    @AfterAll
    static void stop() {
        if (rates != null) {
            rates.close();
        }
    }

    static Answer get(String url, String apiKey) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (apiKey != null) {
            request.header("X-Api-Key", apiKey);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), new ObjectMapper().readTree(response.body()));
    }

    @Test
    void theOldVersionAnswersAnyoneWithItsRates() throws Exception {
        Answer health = get(rates.baseUrl("v1") + "/health", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().toString()).isEqualTo("{\"status\":\"UP\",\"version\":\"1\"}");

        Answer latest = get(rates.baseUrl("v1") + "/latest?base=EUR", null);
        assertThat(latest.status()).isEqualTo(200);
        assertThat(latest.json().toString()).isEqualTo("{\"base\":\"EUR\",\"rates\":{\"USD\":1.08,\"GBP\":0.86,\"CHF\":0.94}}");
    }

    @Test
    void theNewVersionAnswersOnlyCallersWithItsKey() throws Exception {
        for (String wrong : new String[] {null, "", "rollguard-dev-rates-key-change-me", KEY + "x"}) {
            for (String path : new String[] {"/health", "/latest?base=EUR"}) {
                Answer refused = get(rates.baseUrl("v2") + path, wrong);
                assertThat(refused.status()).as(path + " with key " + wrong).isEqualTo(401);
                assertThat(refused.json().toString()).isEqualTo("{\"error\":\"unauthorized\"}");
            }
        }

        assertThat(get(rates.baseUrl("v2") + "/health", KEY).json().path("status").asText()).isEqualTo("UP");
        Answer latest = get(rates.baseUrl("v2") + "/latest?base=EUR", KEY);
        assertThat(latest.status()).isEqualTo(200);
        assertThat(latest.json().path("date").asText()).isEqualTo("2026-12-01");
        assertThat(latest.json().path("rates").path("USD").decimalValue()).isEqualByComparingTo("1.09");
    }

    @Test
    void theBrokenVersionIsHealthyButAnswersNoRates() throws Exception {
        Answer health = get(rates.baseUrl("broken") + "/health", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().toString()).isEqualTo("{\"status\":\"UP\"}");

        Answer latest = get(rates.baseUrl("broken") + "/latest?base=EUR", KEY);
        assertThat(latest.status()).isEqualTo(503);
        assertThat(latest.json().toString()).isEqualTo("{\"error\":\"maintenance\"}");
    }

    @Test
    void anUnknownVersionOrBaseIsRefused() throws Exception {
        assertThat(get(rates.baseUrl("v3") + "/latest?base=EUR", KEY).status()).isEqualTo(404);
        Answer base = get(rates.baseUrl("v1") + "/latest?base=USD", null);
        assertThat(base.status()).isEqualTo(400);
        assertThat(base.json().path("error").asText()).isEqualTo("unsupported_base");
    }
}
