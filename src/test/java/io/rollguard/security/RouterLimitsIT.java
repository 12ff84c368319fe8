package io.rollguard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.sun.net.httpserver.HttpServer;

import io.rollguard.app.AppRepository;
import io.rollguard.routing.TrafficRouter;
import io.rollguard.routing.builtin.BuiltinRouterServer;
import io.rollguard.support.Api;
import io.rollguard.support.PostgresDatabase;

/**
 * Attacks on the built-in router from its clients: bodies that would fill the governance JVM's
 * heap, a client that trickles its headers to hold a worker thread forever, and a client that
 * names itself a tenant of a canary wave. The app's two slots are a small HTTP server of the
 * test's own that tells which slot answered and which tenant header reached it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false",
        "rollguard.router.max-body-size=1MB"})
@ActiveProfiles("postgres")
class RouterLimitsIT {

    static final int LIMIT = 1024 * 1024;
    static HttpServer upstream;
    /** Requests that reached a slot, by slot and path; an oversized body must never get there. */
    static final Map<String, AtomicInteger> reached = new ConcurrentHashMap<>();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresDatabase.register(registry, "rollguard_it_router_limits");
    }

    /**
     * Started after the Spring context (from the first test): the JDK server reads its limits once per JVM, when
     * its first server is created, and that must be the router, as it is in Rollguard.
     */
    static synchronized void startSlots() throws IOException {
        if (upstream != null) {
            return;
        }
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        for (String slot : List.of("stable", "canary")) {
            upstream.createContext("/" + slot + "/", exchange -> {
                try (exchange) {
                    String path = exchange.getRequestURI().getPath().substring(slot.length() + 1);
                    reached.computeIfAbsent(slot + " " + path, k -> new AtomicInteger()).incrementAndGet();
                    exchange.getRequestBody().readAllBytes();
                    byte[] body = path.equals("/big") ? new byte[2 * LIMIT]
                            : ("{\"slot\":\"" + slot + "\",\"tenant\":\""
                                    + String.valueOf(exchange.getRequestHeaders().getFirst("X-Tenant")) + "\"}")
                                    .getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                }
            });
        }
        upstream.start();
    }

    @AfterAll
    static void stopSlots() {
        upstream.stop(0);
    }

    @LocalServerPort
    int port;
    @Autowired
    BuiltinRouterServer router;
    @Autowired
    AppRepository apps;
    @Autowired
    TrafficRouter trafficRouter;

    @BeforeEach
    void registerApp() throws IOException {
        startSlots();
        String base = "http://127.0.0.1:" + upstream.getAddress().getPort();
        Api.Response put = new Api("http://127.0.0.1:" + port).putJson("admin", "/api/apps/shop", """
                {"owners":["alice"],
                 "stable":{"adminUrl":"%1$s/stable-admin","trafficUrl":"%1$s/stable"},
                 "canary":{"adminUrl":"%1$s/canary-admin","trafficUrl":"%1$s/canary"},
                 "stableAdminToken":"stable-token-of-this-test","canaryAdminToken":"canary-token-of-this-test",
                 "route":"shop","currentVersion":"1.0.0"}""".formatted(base));
        assertThat(put.status()).as(put.body()).isIn(200, 201);
        // the router caches an app's route for two seconds
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> get("/shop/hello", Map.of()).statusCode() == 200);
    }

    @Test
    void routerRefusesOversizedBodies() throws Exception {
        // a declared body over the limit is refused before it is read
        String declared = raw("POST /shop/declared HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Connection: close\r\nContent-Length: " + (50L * LIMIT) + "\r\n\r\n", new byte[64 * 1024]);
        assertThat(declared).startsWith("HTTP/1.1 413").contains("application/problem+json")
                .contains("rollguard.router.max-body-size");

        // a chunked body (no length given) is read only up to the limit, then refused
        byte[] chunk = new byte[LIMIT + 16 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'x');
        String chunked = raw("POST /shop/chunked HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(chunk.length) + "\r\n",
                concat(chunk, "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(chunked).startsWith("HTTP/1.1 413").contains("application/problem+json");

        // an upstream answer over the limit becomes 502, it is not buffered whole
        HttpResponse<String> big = get("/shop/big", Map.of());
        assertThat(big.statusCode()).as(big.body()).isEqualTo(502);
        assertThat(big.body()).contains("rollguard.router.max-body-size");

        // a body within the limit still goes through
        HttpResponse<String> fits = HTTP.send(HttpRequest.newBuilder(URI.create(routerUrl("/shop/fits")))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[LIMIT - 1])).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(fits.statusCode()).isEqualTo(200);
        assertThat(reached).doesNotContainKeys("stable /declared", "canary /declared", "stable /chunked",
                "canary /chunked");
    }

    @Test
    void routerCutsOffSlowClients() throws Exception {
        // a client that sends one header byte every 200 ms never finishes its request
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (Socket socket = new Socket("127.0.0.1", router.port())) {
            socket.setSoTimeout(40_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /shop/hello HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            trickle.scheduleAtFixedRate(() -> {
                try {
                    out.write('a');
                    out.flush();
                } catch (IOException e) {
                    throw new IllegalStateException("the router closed the connection: " + e.getMessage(), e);
                }
            }, 200, 200, TimeUnit.MILLISECONDS);
            Instant begin = Instant.now();

            int read = readOrReset(socket.getInputStream());

            // the router closed the connection without an answer, within its request timeout (10 s) and a tick
            Duration held = Duration.between(begin, Instant.now());
            assertThat(read).isEqualTo(-1);
            assertThat(held).isLessThan(Duration.ofSeconds(20));
        } finally {
            trickle.shutdownNow();
        }
        // and the router still serves everyone else
        assertThat(get("/shop/hello", Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void tenantHeaderFromUntrustedClientIsIgnored() throws Exception {
        // given tenant acme pinned to canary and no traffic weight on canary
        var app = apps.find("shop").orElseThrow();
        trafficRouter.setCanaryWeight(app, 0);
        trafficRouter.pinToCanary(app, Set.of("acme"));
        try {
            // when a client that is no trusted proxy (none is configured) claims to be acme
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> r = get("/shop/who", Map.of("X-Tenant", "acme"));

                // then it is routed like anyone else, and the slot never sees the claim
                assertThat(r.headers().firstValue(BuiltinRouterServer.SLOT_HEADER)).hasValue("stable");
                assertThat(r.body()).contains("\"tenant\":\"null\"");
            }
        } finally {
            trafficRouter.pinToCanary(app, Set.of());
        }
    }

    String routerUrl(String path) {
        return "http://127.0.0.1:" + router.port() + path;
    }

    HttpResponse<String> get(String path, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(routerUrl(path))).timeout(Duration.ofSeconds(10));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Writes a request head and part of its body on a raw connection; returns everything the router answers. */
    String raw(String head, byte[] bodyStart) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", router.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(bodyStart);
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** The first byte read, or -1 at the end of the stream; a reset by the router also ends it. */
    static int readOrReset(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (SocketException e) {
            assertThat(e.getMessage()).containsIgnoringCase("reset");
            return -1;
        }
    }
}
