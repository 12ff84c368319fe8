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

    public record Hit(Instant at, int status, String slot, String version) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Hit> hits = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService workers;

    /** {@code workers} clients, each sending its next request {@code pause} after the previous answer. */
    public TrafficGenerator(String url, int workers, Duration pause) {
        this.workers = Executors.newScheduledThreadPool(workers);
        for (int i = 0; i < workers; i++) {
            this.workers.scheduleWithFixedDelay(() -> hits.add(hit(url)), 0, pause.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** One request, outside any generator. */
    public static Hit hit(String url) {
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
            return new Hit(Instant.now(), response.statusCode(),
                    response.headers().firstValue("X-Rollguard-Slot").orElse("?"),
                    response.headers().firstValue("X-App-Version").orElse("?"));
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
