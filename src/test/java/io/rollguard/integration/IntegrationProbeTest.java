package io.rollguard.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.rollguard.integration.IntegrationSettings.ProbeOutcome;
import io.rollguard.platform.SlotEnvironment;

/** The probe against a local HTTP server standing in for the rates service. */
class IntegrationProbeTest {

    static final String KEY = "rates-key-5e1b7c";

    HttpServer server;
    String base;
    final List<String> received = new CopyOnWriteArrayList<>();
    volatile int status = 200;
    volatile String answer = "{\"status\":\"UP\"}";
    volatile long delayMillis;
    final IntegrationProbe probe = new IntegrationProbe(Duration.ofSeconds(2), Duration.ofMillis(700));

    @BeforeEach
    void ratesService() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort() + "/app/rates/v2";
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " key="
                + exchange.getRequestHeaders().getFirst("X-Api-Key"));
        try {
            Thread.sleep(delayMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (exchange.getRequestURI().getPath().endsWith("/moved/health")) {
            exchange.getResponseHeaders().add("Location", base + "/health");
        }
        byte[] body = answer.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private IntegrationDefinition rates(String allowedHost) {
        ObjectNode body = DefinitionCheckTest.rates();
        ((ObjectNode) body.path("settings").path("baseUrl")).putArray("hosts").add(allowedHost);
        ((ObjectNode) body.path("settings").path("baseUrl")).remove("default");
        return DefinitionCheck.check(body, Map.of()).definition();
    }

    private IntegrationDefinition rates() {
        return rates("127.0.0.1:" + server.getAddress().getPort());
    }

    private SlotEnvironment canary(String baseUrl) {
        return new SlotEnvironment(Map.of("RATES_BASE_URL", baseUrl),
                Map.of("RATES_API_KEY", new SlotEnvironment.Secret("rates-api-key@2", KEY)));
    }

    @Test
    void aHealthyAnswerPassesAndTheRequestIsShownWithoutHeaders() {
        ProbeOutcome outcome = probe.run("rates", rates(), canary(base));

        assertThat(outcome.problems()).isEmpty();
        assertThat(outcome.passed()).isTrue();
        assertThat(outcome.request()).isEqualTo("GET " + base + "/health");
        assertThat(received).containsExactly("GET /app/rates/v2/health key=" + KEY);
    }

    @Test
    void anotherStatusIsAProblemQuotingTheAnswerClippedAndWithoutTheSecret() {
        status = 401;
        answer = "unauthorized: bad key " + KEY + " " + "x".repeat(500);

        ProbeOutcome outcome = probe.run("rates", rates(), canary(base));

        assertThat(outcome.problems()).singleElement().asString().startsWith("answered HTTP 401, expected 200: unauthorized")
                .doesNotContain(KEY).contains("[secret]").hasSizeLessThan(260);
        assertThat(outcome.toString()).doesNotContain(KEY);
    }

    @Test
    void anExpectedValueThatDiffersOrIsMissingIsNamedByItsPointer() {
        answer = "{\"status\":\"DOWN\"}";
        assertThat(probe.run("rates", rates(), canary(base)).problems())
                .containsExactly("/status is \"DOWN\", expected \"UP\"");

        answer = "{\"state\":\"UP\"}";
        assertThat(probe.run("rates", rates(), canary(base)).problems()).containsExactly("/status is missing");

        answer = "<html>UP</html>";
        assertThat(probe.run("rates", rates(), canary(base)).problems()).singleElement().asString()
                .startsWith("answered no JSON");
    }

    @Test
    void aRedirectIsNotFollowed() {
        status = 302;

        ProbeOutcome outcome = probe.run("rates", rates(), canary(base + "/moved"));

        assertThat(outcome.problems()).singleElement().asString().startsWith("answered HTTP 302, expected 200");
        assertThat(received).hasSize(1);
    }

    @Test
    void aHostTheIntegrationDoesNotAllowIsNeverSentTo() {
        ProbeOutcome outcome = probe.run("rates", rates("127.0.0.1:1"), canary(base));

        assertThat(outcome.problems()).singleElement().asString().startsWith("not sent: host 127.0.0.1:"
                + server.getAddress().getPort()).contains("[127.0.0.1:1]");
        assertThat(received).isEmpty();
    }

    @Test
    void credentialsInTheUrlAreNeitherSentNorShown() {
        String withUser = base.replace("http://", "http://user:pa55w0rd@");

        ProbeOutcome outcome = probe.run("rates", rates(), canary(withUser));

        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.toString()).doesNotContain("pa55w0rd");
        assertThat(received).isEmpty();
    }

    @Test
    void anAnswerSlowerThanTheRequestTimeoutIsNoAnswer() {
        delayMillis = 2000;

        ProbeOutcome outcome = probe.run("rates", rates(), canary(base));

        assertThat(outcome.problems()).singleElement().asString().startsWith("no answer within 700 ms: HttpTimeoutException");
    }

    @Test
    void aClosedPortIsNoAnswerNamingTheException() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closed + "/rates";

        ProbeOutcome outcome = probe.run("rates", rates("127.0.0.1:" + closed), canary(url));

        assertThat(outcome.problems()).singleElement().asString().startsWith("no answer: ConnectException");
    }

    @Test
    void aCanaryWithoutTheUrlSettingIsAProblemNotARequest() {
        ProbeOutcome outcome = probe.run("rates", rates(), SlotEnvironment.EMPTY);

        assertThat(outcome.problems()).singleElement().asString().contains("RATES_BASE_URL");
        assertThat(received).isEmpty();
    }
}
