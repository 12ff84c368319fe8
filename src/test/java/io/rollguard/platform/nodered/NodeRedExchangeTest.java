package io.rollguard.platform.nodered;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.rollguard.app.App;
import io.rollguard.app.SlotName;
import io.rollguard.platform.TargetPlatform;

/** A journey's request as the Node-RED adapter sends it, to a local HTTP server standing in for a slot. */
class NodeRedExchangeTest {

    private HttpServer server;
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final NodeRedTargetPlatform platform = new NodeRedTargetPlatform(Duration.ofSeconds(2), Duration.ofSeconds(2));
    private App app;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Content-Type") + " "
                    + exchange.getRequestHeaders().getFirst("X-Tenant") + " " + body);
            byte[] answer = exchange.getRequestURI().getPath().endsWith("/big")
                    ? "y".repeat(TargetPlatform.MAX_ANSWER_BYTES + 10).getBytes(StandardCharsets.UTF_8)
                    : "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(201, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        app = new App("expenses", Set.of("alice"), new App.Slot(base + "/stable-admin", base + "/stable"),
                new App.Slot(base + "/canary-admin", base + "/canary"), new App.AdminTokens("s", "c"), "expenses", "1.0.0");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aRequestGoesToTheSlotsTrafficBaseWithItsMethodHeadersAndJsonBody() {
        TargetPlatform.HttpAnswer answer = platform.exchange(app, SlotName.CANARY, "POST", "/expenses?x=1",
                Map.of("X-Tenant", "acme"), "{\"amount\":1}");

        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.body()).isEqualTo("{\"ok\":true}");
        assertThat(seen).containsExactly("POST /canary/expenses?x=1 application/json acme {\"amount\":1}");
    }

    @Test
    void aRequestWithoutBodyHasNoContentTypeAndTheAnswerIsReadOnlyUpToTheLimit() {
        TargetPlatform.HttpAnswer answer = platform.exchange(app, SlotName.CANARY, "GET", "/big", Map.of(), null);

        assertThat(answer.body()).hasSize(TargetPlatform.MAX_ANSWER_BYTES);
        assertThat(seen).containsExactly("GET /canary/big null null ");
    }

    @Test
    void aSlotThatDoesNotAnswerIsAnErrorNotAnException() {
        server.stop(0);

        TargetPlatform.HttpAnswer answer = platform.exchange(app, SlotName.CANARY, "GET", "/health", Map.of(), null);

        assertThat(answer.answered()).isFalse();
        assertThat(answer.status()).isZero();
        assertThat(answer.error()).isNotBlank();
    }
}
