package io.rollguard.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Real user traffic through the router: a few workers send GET requests in a loop and remember,
 * per response, when it happened, its status, the slot the router chose and the app version
 * that answered.
 */
public final class TrafficGenerator implements AutoCloseable {

    /** {@code variant} is the app's X-Flag-Variant header (which flag variant served the request), or "?". */
    public record Hit(Instant at, int status, String slot, String version, String variant) {

        public Hit(Instant at, int status, String slot, String version) {
            this(at, status, slot, version, "?");
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Hit> hits = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService workers;

    /** {@code workers} clients, each sending its next request {@code pause} after the previous answer. */
    public TrafficGenerator(String url, int workers, Duration pause) {
        this(url, workers, pause, 0);
    }

    /**
     * As {@link #TrafficGenerator(String, int, Duration)}, each request as one of {@code users}
     * distinct users in turn (header X-User: user-0, user-1, ...), so flags split them by targeting key.
     */
    public TrafficGenerator(String url, int workers, Duration pause, int users) {
        this.workers = Executors.newScheduledThreadPool(workers);
        java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong();
        for (int i = 0; i < workers; i++) {
            this.workers.scheduleWithFixedDelay(() -> hits.add(hit(url,
                    users > 0 ? "user-" + (next.getAndIncrement() % users) : null)), 0, pause.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** One request, outside any generator. */
    public static Hit hit(String url) {
        return hit(url, null);
    }

    /** One request as {@code user} (header X-User), or anonymous when null. */
    public static Hit hit(String url, String user) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
            if (user != null) {
                request.header("X-User", user);
            }
            HttpResponse<Void> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding());
            return new Hit(Instant.now(), response.statusCode(),
                    response.headers().firstValue("X-Rollguard-Slot").orElse("?"),
                    response.headers().firstValue("X-App-Version").orElse("?"),
                    response.headers().firstValue("X-Flag-Variant").orElse("?"));
        } catch (Exception e) {
            return new Hit(Instant.now(), 0, "?", e.getClass().getSimpleName());
        }
    }

    public List<Hit> hits() {
        return List.copyOf(hits);
    }

    public List<Hit> since(Instant from) {
        return hits.stream().filter(h -> !h.at().isBefore(from)).toList();
    }

    @Override
    public void close() throws InterruptedException {
        workers.shutdown();
        workers.awaitTermination(15, TimeUnit.SECONDS);
    }
}
