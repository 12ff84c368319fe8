package io.rollguard.routing.builtin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.rollguard.app.App;
import io.rollguard.app.AppRepository;
import io.rollguard.app.SlotName;
import io.rollguard.flags.FlagCohorts;

/**
 * The embedded router: {@code http://host:8081/{route}/{path}} goes to the app's stable or
 * canary slot by weight. It listens on its own port so user traffic never shares a door with
 * Rollguard's API or Node-RED's Admin API, and it only ever forwards to a slot's traffic base.
 *
 * <p>It runs in the governance JVM, so what a client can make it hold is bounded
 * ({@link RouterLimits}): bodies up to {@code max-body-size} each way, headers by size and count,
 * a request that has not fully arrived within {@code request-timeout} is cut off (a client that
 * trickles its headers holds a worker thread only that long), and the tenant header counts only
 * from {@code trusted-proxies}.
 */
@Component
@EnableConfigurationProperties(RouterLimits.class)
public class BuiltinRouterServer implements SmartLifecycle {

    public static final String SLOT_HEADER = "X-Rollguard-Slot";

    private static final Logger log = LoggerFactory.getLogger(BuiltinRouterServer.class);
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length",
            "expect", "http2-settings");
    private static final Duration APP_CACHE_TTL = Duration.ofSeconds(2);

    static {
        // the JDK keeps only 5 idle connections per slot by default; the router's workers need more
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", "64");
        }
        // without TCP_NODELAY the JDK server's separate header and body writes meet the client's
        // delayed ACK: every response waited 40 ms (measured with ./rollguard bench)
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final RouteTable routes;
    private final SampleRecorder samples;
    private final AppRepository apps;
    private final String bindAddress;
    private final int configuredPort;
    private final int threads;
    private final RouterLimits limits;
    private final TrustedProxies trustedProxies;
    private final FlagCohorts cohorts;
    private final Map<String, CachedApp> appsByRoute = new ConcurrentHashMap<>();

    private HttpServer server;
    private ExecutorService executor;

    private record CachedApp(Optional<App> app, Instant loadedAt) {
    }

    BuiltinRouterServer(RouteTable routes, SampleRecorder samples, AppRepository apps,
            @Value("${rollguard.router.bind-address:127.0.0.1}") String bindAddress,
            @Value("${rollguard.router.port:8081}") int port,
            @Value("${rollguard.router.threads:64}") int threads, RouterLimits limits, FlagCohorts cohorts) {
        this.cohorts = cohorts;
        this.routes = routes;
        this.samples = samples;
        this.apps = apps;
        this.bindAddress = bindAddress;
        this.configuredPort = port;
        this.threads = threads;
        this.limits = limits;
        this.trustedProxies = new TrustedProxies(limits.trustedProxies());
    }

    @Override
    public synchronized void start() {
        limits.applyToJdkServer();
        try {
            server = HttpServer.create(new InetSocketAddress(bindAddress, configuredPort), 256);
        } catch (IOException e) {
            throw new IllegalStateException("Built-in router cannot listen on " + bindAddress + ":" + configuredPort
                    + " (" + e.getMessage() + "); set rollguard.router.port to a free port", e);
        }
        AtomicInteger n = new AtomicInteger();
        executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "router-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        routes.refresh();
        log.info("Built-in router listening on http://{}:{}/ (bodies up to {} bytes, tenant header {})", bindAddress,
                port(), limits.maxBodySize().toBytes(), trustedProxies.isEmpty() ? "ignored: no trusted proxies"
                        : "from " + limits.trustedProxies());
    }

    @Override
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** The port really bound (differs from the configured one when that is 0). */
    public int port() {
        return server == null ? configuredPort : server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String rawPath = exchange.getRequestURI().getRawPath();
            String[] parts = rawPath.length() > 1 ? rawPath.substring(1).split("/", 2) : new String[0];
            if (parts.length == 0 || parts[0].isEmpty()) {
                reply(exchange, 404, "no route given: use /{app}/{path}");
                return;
            }
            String rest = parts.length > 1 ? "/" + parts[1] : "/";
            if (escapesBase(rest)) {
                reply(exchange, 400, "path must not contain dot segments");
                return;
            }
            Optional<App> app = app(parts[0]);
            if (app.isEmpty()) {
                reply(exchange, 404, "no app is routed at /" + parts[0]);
                return;
            }
            forward(exchange, app.get(), rest);
        } catch (RuntimeException e) {
            log.warn("Router failed on {}: {}", exchange.getRequestURI(), e.toString());
        }
    }

    /** Dot segments, raw or encoded, could climb from the traffic base into the Admin API. */
    static boolean escapesBase(String rawPath) {
        String lower = rawPath.toLowerCase(Locale.ROOT);
        if (lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c") || lower.contains("\\")) {
            return true;
        }
        for (String segment : rawPath.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Forwards with a blocking {@link HttpURLConnection} on the router's own worker thread: the
     * JDK keeps those connections alive and pooled, and there is no hand-off to another thread
     * per request (java.net.http.HttpClient costs about three times the latency here).
     */
    private void forward(HttpExchange exchange, App app, String rest) throws IOException {
        String tenantHeader = app.dataPlane().tenantHeader();
        // from anyone but a trusted proxy the tenant header is the client's claim about itself: ignored, and not
        // passed on, so neither the router nor the app acts on a tenant the client made up
        boolean trusted = trustedProxies.trusts(exchange.getRemoteAddress().getAddress());
        String tenant = trusted ? exchange.getRequestHeaders().getFirst(tenantHeader) : null;
        long max = limits.maxBodySize().toBytes();
        byte[] body = null;
        // a declared length over the limit is refused unread; closing the exchange then drains a little of it
        if (declaredLength(exchange) <= max) {
            try (InputStream in = exchange.getRequestBody()) {
                body = readAtMost(in, max);
            }
        }
        if (body == null) {
            reply(exchange, 413, "request body is larger than the router accepts (" + max
                    + " bytes, rollguard.router.max-body-size)");
            return;
        }
        // while a flag-only release judges the app's flags, each request is put in its cohort by the same
        // evaluation the app's flows make for it (targeting key: the user header, else the tenant)
        String user = exchange.getRequestHeaders().getFirst(FlagCohorts.USER_HEADER);
        String cohort = cohorts.cohortOf(app.key(), user != null && !user.isBlank() ? user : tenant, tenant);
        SlotName slot = routes.pinnedToCanary(app.key(), tenant)
                || ThreadLocalRandom.current().nextInt(100) < routes.weight(app.key()) ? SlotName.CANARY
                : SlotName.STABLE;
        String query = exchange.getRequestURI().getRawQuery();
        URL target = URI.create(app.slot(slot).trafficUrl() + rest + (query == null ? "" : "?" + query)).toURL();
        Instant at = Instant.now();
        long start = System.nanoTime();
        HttpURLConnection upstream = (HttpURLConnection) target.openConnection();
        int status;
        byte[] out;
        try {
            upstream.setConnectTimeout((int) limits.upstreamConnectTimeout().toMillis());
            upstream.setReadTimeout((int) limits.upstreamReadTimeout().toMillis());
            upstream.setInstanceFollowRedirects(false);
            upstream.setUseCaches(false);
            upstream.setRequestMethod(exchange.getRequestMethod());
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && (trusted || !name.equalsIgnoreCase(tenantHeader))) {
                    values.forEach(v -> upstream.addRequestProperty(name, v));
                }
            });
            if (body.length > 0) {
                upstream.setDoOutput(true);
                upstream.setFixedLengthStreamingMode(body.length);
                try (OutputStream os = upstream.getOutputStream()) {
                    os.write(body);
                }
            }
            status = upstream.getResponseCode();
            try (InputStream in = status >= 400 ? upstream.getErrorStream() : upstream.getInputStream()) {
                out = in == null ? new byte[0] : upstream.getContentLengthLong() > max ? null : readAtMost(in, max);
            }
        } catch (IOException e) {
            upstream.disconnect();
            samples.record(app.key(), slot, at, 502, (System.nanoTime() - start) / 1e6, cohort);
            exchange.getResponseHeaders().set(SLOT_HEADER, slot.id());
            reply(exchange, 502, slot.id() + " slot of " + app.key() + " is unreachable");
            return;
        }
        if (out == null) {
            // the slot's fault, not the client's: counted against the slot like any other bad gateway
            upstream.disconnect();
            samples.record(app.key(), slot, at, 502, (System.nanoTime() - start) / 1e6, cohort);
            exchange.getResponseHeaders().set(SLOT_HEADER, slot.id());
            reply(exchange, 502, slot.id() + " slot of " + app.key() + " answered more than the router passes on ("
                    + max + " bytes, rollguard.router.max-body-size)");
            return;
        }
        samples.record(app.key(), slot, at, status, (System.nanoTime() - start) / 1e6, cohort);
        upstream.getHeaderFields().forEach((name, values) -> {
            if (name != null && !HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                exchange.getResponseHeaders().put(name, List.copyOf(values));
            }
        });
        exchange.getResponseHeaders().set(SLOT_HEADER, slot.id());
        exchange.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
            }
        }
    }

    /** The request's Content-Length, or -1 when it has none (chunked) or an unreadable one. */
    private static long declaredLength(HttpExchange exchange) {
        String value = exchange.getRequestHeaders().getFirst("Content-Length");
        try {
            return value == null ? -1 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            // a length that is no number counts as unknown: the body is still read only up to the limit
            return -1;
        }
    }

    /** All of the stream if it holds at most {@code max} bytes, else null (without reading more than one past it). */
    static byte[] readAtMost(InputStream in, long max) throws IOException {
        byte[] read = in.readNBytes((int) max + 1);
        return read.length > max ? null : read;
    }

    private Optional<App> app(String route) {
        CachedApp cached = appsByRoute.get(route);
        if (cached == null || cached.loadedAt().plus(APP_CACHE_TTL).isBefore(Instant.now())) {
            cached = new CachedApp(apps.findByRoute(route), Instant.now());
            appsByRoute.put(route, cached);
        }
        return cached.app();
    }

    private static void reply(HttpExchange exchange, int status, String detail) throws IOException {
        byte[] body = ("{\"title\":\"Router\",\"status\":" + status + ",\"detail\":\"" + detail.replace("\"", "'")
                + "\"}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(body);
        }
    }
}
