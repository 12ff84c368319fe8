package io.rollguard.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.rollguard.support.Api;
import io.rollguard.support.DataPlaneStack;
import io.rollguard.support.ExpensesDatabase;
import io.rollguard.support.NodeRedSlots;
import io.rollguard.support.RollguardProcess;

/**
 * Benchmark harness, not a test: run with {@code ./rollguard bench}. Starts the packaged app
 * on its embedded defaults (H2 in memory) and one Node-RED slot pair, then measures
 * <ul>
 * <li>start-up time and resident memory of the app,</li>
 * <li>latency of GET /expenses at 50 concurrent clients, straight to Node-RED, through the
 * built-in router and through HAProxy 2.6 (median, p99, throughput, added latency), in one run.</li>
 * </ul>
 * Prints lines starting with {@code BENCH}.
 */
class RouterBenchmark {

    static final int CONCURRENCY = 50;
    static final int REQUESTS = 20_000;
    static final int WARMUP = 3_000;

    @Test
    void measure() throws Exception {
        try (NodeRedSlots slots = NodeRedSlots.start("bench", ExpensesDatabase.create("rollguard_bench_app").slotEnvironment());
                DataPlaneStack haproxy = DataPlaneStack.start("bench", "expenses", slots)) {
            slots.deploy(slots.stable(), NodeRedSlots.PROJECT.resolve("examples/expenses/1.0.0/flows.json"));
            slots.deploy(slots.canary(), NodeRedSlots.PROJECT.resolve("examples/expenses/1.0.0/flows.json"));
            RollguardProcess app = new RollguardProcess("rollguard-bench", List.of(
                    "--spring.datasource.url=jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1",
                    "--rollguard.sample-app.enabled=false"));
            Duration startup = app.start();
            System.out.printf("BENCH start-up (embedded defaults, H2): %d ms; RSS after start %d MiB%n",
                    startup.toMillis(), app.rssMiB());
            try {
                Api api = new Api(app.baseUrl());
                api.registerExpenses(slots, List.of("alice"), "1.0.0");
                String direct = slots.stable().baseUrl() + "/app/expenses";
                String routed = app.routerUrl("/expenses/expenses");
                // HAProxy as configured for the app: all traffic on stable, like the built-in router here
                String viaHaproxy = haproxy.trafficUrl("/expenses");
                load(direct, WARMUP, CONCURRENCY);
                load(routed, WARMUP, CONCURRENCY);
                load(viaHaproxy, WARMUP, CONCURRENCY);
                Result directRun = report("direct to Node-RED", load(direct, REQUESTS, CONCURRENCY));
                overhead("through built-in router", report("through built-in router", load(routed, REQUESTS, CONCURRENCY)),
                        directRun);
                overhead("through HAProxy", report("through HAProxy", load(viaHaproxy, REQUESTS, CONCURRENCY)), directRun);
                // one client at a time: the latency one hop adds, without CPU contention
                Result directSingle = report("direct to Node-RED", load(direct, 2_000, 1));
                overhead("through built-in router", report("through built-in router", load(routed, 2_000, 1)),
                        directSingle);
                overhead("through HAProxy", report("through HAProxy", load(viaHaproxy, 2_000, 1)), directSingle);
                System.out.printf("BENCH RSS after load: %d MiB%n", app.rssMiB());
            } finally {
                app.stop();
            }
        }
    }

    /** {@code firstError} says what the first failed request got (a status or an exception), else null. */
    record Result(List<Long> nanos, long wallNanos, int errors, int concurrency, String firstError) {

        double median() {
            return sorted().get(nanos.size() / 2) / 1e6;
        }

        double p99() {
            return sorted().get((int) Math.ceil(nanos.size() * 0.99) - 1) / 1e6;
        }

        private List<Long> sorted() {
            List<Long> sorted = new ArrayList<>(nanos);
            Collections.sort(sorted);
            return sorted;
        }
    }

    static Result load(String url, int requests, int concurrency) throws Exception {
        return load(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(), 200, requests,
                concurrency);
    }

    /** {@code requests} sends of {@code request} by {@code concurrency} clients; another status than {@code expected} is an error. */
    static Result load(HttpRequest request, int expected, int requests, int concurrency) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(concurrency)).build();
        AtomicInteger remaining = new AtomicInteger(requests);
        AtomicInteger errors = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<String> firstError = new java.util.concurrent.atomic.AtomicReference<>();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>(requests));
        ExecutorService clients = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            futures.add(clients.submit(() -> {
                while (remaining.getAndDecrement() > 0) {
                    long t = System.nanoTime();
                    try {
                        HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() != expected) {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, "HTTP " + r.statusCode());
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, e.toString());
                    }
                    latencies.add(System.nanoTime() - t);
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        long wall = System.nanoTime() - start;
        clients.shutdown();
        return new Result(new ArrayList<>(latencies), wall, errors.get(), concurrency, firstError.get());
    }

    static Result report(String what, Result r) {
        double rps = r.nanos().size() / (r.wallNanos() / 1e9);
        System.out.printf("BENCH %-24s %d requests, %d concurrent: median %.2f ms, p99 %.2f ms, %.0f req/s, %d errors%s%n",
                what, r.nanos().size(), r.concurrency(), r.median(), r.p99(), rps, r.errors(),
                r.firstError() == null ? "" : " (first: " + r.firstError() + ")");
        return r;
    }

    /** Added latency of a router against the direct run of the same size, measured in the same run. */
    static void overhead(String what, Result routed, Result direct) {
        System.out.printf("BENCH %-24s added latency at %d concurrent: median %+.2f ms, p99 %+.2f ms%n", what,
                routed.concurrency(), routed.median() - direct.median(), routed.p99() - direct.p99());
    }
}
