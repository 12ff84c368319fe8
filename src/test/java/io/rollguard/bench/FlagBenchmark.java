package io.rollguard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.rollguard.support.Api;
import io.rollguard.support.AppRegistrations;
import io.rollguard.support.FlagRows;
import io.rollguard.support.PostgresDatabase;
import io.rollguard.support.RollguardProcess;
import io.rollguard.support.Unleash;

/**
 * Benchmark harness, not a test: run with {@code ./rollguard bench}. The packaged Rollguard on
 * PostgreSQL and a real Unleash server 8 on the same machine, in one run:
 * <ul>
 * <li>OFREP single-flag and bulk evaluation (and the bulk's 304 revalidation) at 50 concurrent
 * clients: median, p99, throughput, next to Unleash's own client API (one feature, all features)
 * measured right after, and their ratio;</li>
 * <li>the built-in store's heap per 10 000 flags (used heap after a full GC, before and after the
 * flags are loaded into its in-memory copy).</li>
 * </ul>
 * Prints lines starting with {@code BENCH}.
 */
class FlagBenchmark {

    static final int CONCURRENCY = 50;
    static final int REQUESTS = 20_000;
    static final int WARMUP = 3_000;
    static final int FLAGS = 20;
    static final int MANY = 10_000;
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void measure() throws Exception {
        String db = PostgresDatabase.fresh("rollguard_bench_flags");
        RollguardProcess rollguard = new RollguardProcess("rollguard-bench-flags", List.of("--spring.profiles.active=postgres",
                "--spring.datasource.url=" + db, "--spring.datasource.username=" + PostgresDatabase.USER,
                "--spring.datasource.password=" + PostgresDatabase.PASSWORD, "--rollguard.sample-app.enabled=false"));
        rollguard.start();
        // Unleash answers 429 beyond 20 000 SDK (and token-authenticated) requests a minute by default:
        // lifted, so Unleash is measured, not its limiter
        try (Unleash unleash = Unleash.start("bench", java.util.Map.of("SDK_API_RATE_LIMIT_PER_MINUTE", "100000000",
                "TOKEN_AUTHENTICATION_RATE_LIMIT_PER_MINUTE", "100000000"))) {
            Api api = new Api(rollguard.baseUrl());
            assertThat(api.putJson("admin", "/api/apps/expenses", AppRegistrations.withoutSlots("1.0.0")).status())
                    .isIn(200, 201);
            String key = api.post("admin", "/api/apps/expenses/flag-keys").json().path("key").asText();
            FlagRows.insert(db, "expenses", 0, FLAGS, 50);
            seedUnleash(unleash, FLAGS);
            awaitEvaluable(rollguard, key, "flag-" + (FLAGS - 1));

            String context = "{\"context\":{\"targetingKey\":\"user-17\",\"tenant\":\"acme\"}}";
            HttpRequest single = ofrep(rollguard, key, "/ofrep/v1/evaluate/flags/flag-3", context, null);
            HttpRequest bulk = ofrep(rollguard, key, "/ofrep/v1/evaluate/flags", context, null);
            String etag = HttpClient.newHttpClient().send(bulk, HttpResponse.BodyHandlers.discarding()).headers()
                    .firstValue("ETag").orElseThrow();
            HttpRequest revalidate = ofrep(rollguard, key, "/ofrep/v1/evaluate/flags", context, etag);
            HttpRequest unleashOne = unleashClient(unleash, "/api/client/features/flag-3");
            HttpRequest unleashAll = unleashClient(unleash, "/api/client/features");

            for (HttpRequest warm : List.of(single, bulk, unleashOne, unleashAll)) {
                RouterBenchmark.load(warm, 200, WARMUP, CONCURRENCY);
            }
            // each pair back to back, so both sides share the machine's load of their moment
            RouterBenchmark.Result ofrepSingle = report("OFREP one flag", RouterBenchmark.load(single, 200, REQUESTS, CONCURRENCY));
            RouterBenchmark.Result unleashSingle = report("Unleash client API one feature",
                    RouterBenchmark.load(unleashOne, 200, REQUESTS, CONCURRENCY));
            ratio("OFREP one flag / Unleash one feature", ofrepSingle, unleashSingle);
            RouterBenchmark.Result ofrepBulk = report("OFREP bulk (" + FLAGS + " flags)",
                    RouterBenchmark.load(bulk, 200, REQUESTS, CONCURRENCY));
            RouterBenchmark.Result unleashBulk = report("Unleash client API all (" + FLAGS + ")",
                    RouterBenchmark.load(unleashAll, 200, REQUESTS, CONCURRENCY));
            ratio("OFREP bulk / Unleash all features", ofrepBulk, unleashBulk);
            report("OFREP bulk 304 revalidation", RouterBenchmark.load(revalidate, 304, REQUESTS, CONCURRENCY));

            // heap of the in-memory copy: the same process, full GC before and after 10 000 more flags
            long before = usedHeapAfterGc(rollguard.pid());
            FlagRows.insert(db, "expenses", FLAGS, MANY, 50);
            awaitEvaluable(rollguard, key, "flag-" + (FLAGS + MANY - 1));
            long after = usedHeapAfterGc(rollguard.pid());
            System.out.printf("BENCH built-in flag store heap: %+.1f MiB per %d flags (%.0f bytes per flag; used heap "
                    + "after full GC %d -> %d MiB)%n", (after - before) / 1048576.0, MANY, (after - before) / (double) MANY,
                    before >> 20, after >> 20);
        } finally {
            rollguard.stop();
        }
    }

    static HttpRequest ofrep(RollguardProcess rollguard, String key, String path, String body, String ifNoneMatch) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(rollguard.baseUrl() + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json").header("X-API-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (ifNoneMatch != null) {
            b.header("If-None-Match", ifNoneMatch);
        }
        return b.build();
    }

    static HttpRequest unleashClient(Unleash unleash, String path) {
        return HttpRequest.newBuilder(URI.create(unleash.url() + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", Unleash.clientToken()).GET().build();
    }

    /** The same flags in Unleash, through its Admin API: on, 50 % by userId, one tenant. */
    static void seedUnleash(Unleash unleash, int count) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < count; i++) {
            String name = "flag-" + i;
            String base = unleash.url() + "/api/admin/projects/default/features";
            send(http, base, "{\"name\":\"" + name + "\",\"type\":\"release\"}");
            send(http, base + "/" + name + "/environments/production/strategies", """
                    {"name":"flexibleRollout","parameters":{"rollout":"50","stickiness":"userId","groupId":"%s"},
                     "constraints":[]}""".formatted(name));
            send(http, base + "/" + name + "/environments/production/on", null);
        }
    }

    static void send(HttpClient http, String url, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Authorization", Unleash.adminToken());
        b = body == null ? b.POST(HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + ": " + r.body()).isBetween(200, 299);
    }

    static void awaitEvaluable(RollguardProcess rollguard, String key, String flag) {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = ofrep(rollguard, key, "/ofrep/v1/evaluate/flags/" + flag,
                "{\"context\":{\"targetingKey\":\"u\"}}", null);
        org.awaitility.Awaitility.await(flag + " is evaluable").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    /** Used heap in bytes after a full GC of the process, as {@code jcmd GC.heap_info} reports it. */
    static long usedHeapAfterGc(long pid) throws Exception {
        String jcmd = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        run(jcmd, String.valueOf(pid), "GC.run");
        String info = run(jcmd, String.valueOf(pid), "GC.heap_info");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(info);
        if (!m.find()) {
            throw new AssertionError("no used heap in: " + info);
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    static RouterBenchmark.Result report(String what, RouterBenchmark.Result r) {
        return RouterBenchmark.report(what, r);
    }

    static void ratio(String what, RouterBenchmark.Result ours, RouterBenchmark.Result theirs) {
        double oursRps = ours.nanos().size() / (ours.wallNanos() / 1e9);
        double theirsRps = theirs.nanos().size() / (theirs.wallNanos() / 1e9);
        System.out.printf("BENCH %-36s median x%.2f, p99 x%.2f, throughput x%.2f%n", what,
                ours.median() / theirs.median(), ours.p99() / theirs.p99(), oursRps / theirsRps);
    }
}
