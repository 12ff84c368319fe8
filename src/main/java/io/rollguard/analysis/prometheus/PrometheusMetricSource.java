package io.rollguard.analysis.prometheus;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.rollguard.analysis.Audience;
import io.rollguard.analysis.MetricQueryException;
import io.rollguard.analysis.MetricSource;
import io.rollguard.app.App;
import io.rollguard.app.App.DataPlane;
import io.rollguard.app.SlotName;

/**
 * Samples from Prometheus's HTTP API with range queries. A descriptor's PromQL may use
 * {@code {{slot}}} (the HAProxy server: {@code stable} or {@code canary}), {@code {{backend}}}
 * and {@code {{app}}}. The portable names work on HAProxy's built-in exporter too:
 * {@code error-ratio} counts the responses of the window from the exporter's counters (one
 * sample per request, like the built-in source) and {@code latency-mean} reads HAProxy's
 * response-time average in milliseconds (it has no percentiles). No series, only NaN, more than
 * one series, a refused query or an unreachable server are errors, never a pass.
 */
@Component
class PrometheusMetricSource implements MetricSource {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-zA-Z]+)\\s*}}");

    private final ObjectMapper json;
    private final Duration step;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    PrometheusMetricSource(ObjectMapper json, @Value("${rollguard.prometheus.step:PT1S}") Duration step) {
        this.json = json;
        this.step = step;
    }

    @Override
    public String name() {
        return DataPlane.PROMETHEUS;
    }

    @Override
    public Samples measure(App app, SlotName slot, String query, Instant from, Instant to) {
        return switch (query) {
            case "error-ratio" -> requestOutcomes(app, slot, from, to);
            case "latency-mean" -> range(app, expand(
                    "1000 * max(haproxy_server_response_time_average_seconds{proxy=\"{{backend}}\",server=\"{{slot}}\"})",
                    app, slot), from, to);
            case "latency-p50", "latency-p95", "latency-p99" -> throw new MetricQueryException(query,
                    "HAProxy's exporter publishes response-time averages only, no percentiles: use latency-mean "
                            + "or a PromQL query over a histogram");
            default -> range(app, expand(query, app, slot), from, to);
        };
    }

    /**
     * A flag cohort (flag-only release): HAProxy's exporter cannot tell the requests of one variant
     * from another's, so only the app's own per-variant counters can; the query names the variant
     * with {@code {{variant}}} and is sent once per cohort (the new variant, the default one).
     */
    @Override
    public Samples measure(App app, Audience audience, String query, Instant from, Instant to) {
        if (!audience.isCohort()) {
            return measure(app, audience.slot(), query, from, to);
        }
        if (!PLACEHOLDER.matcher(query).results().anyMatch(r -> r.group(1).equals("variant"))) {
            throw new MetricQueryException(query, "a flag-only release is judged per variant: on Prometheus its query "
                    + "must read the app's own per-variant counters and name the variant with {{variant}}");
        }
        return range(app, expand(query, app, audience.slot(), audience.variant()), from, to);
    }

    static String expand(String query, App app, SlotName slot) {
        return expand(query, app, slot, null);
    }

    /** Replaces every placeholder; an unknown one is an error, not a query sent with braces in it. */
    static String expand(String query, App app, SlotName slot, String variant) {
        Matcher m = PLACEHOLDER.matcher(query);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "slot" -> slot.id();
                case "backend" -> backend(app);
                case "app" -> app.key();
                case "variant" -> {
                    if (variant == null) {
                        throw new MetricQueryException(query, "{{variant}} names a flag variant: only a flag-only "
                                + "release's queries, which compare the variants' users, may use it");
                    }
                    yield variant;
                }
                default -> throw new MetricQueryException(query, "unknown placeholder {{" + m.group(1)
                        + "}}; known are {{slot}}, {{backend}}, {{app}} and, for a flag-only release, {{variant}}");
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String backend(App app) {
        return app.dataPlane().backend() != null ? app.dataPlane().backend() : app.route();
    }

    /** One series over the window, one sample per evaluation step; non-finite points are left out and said so. */
    private Samples range(App app, String promql, Instant from, Instant to) {
        String sent = sent(promql, from, to);
        JsonNode result = queryRange(app, promql, from, to, sent);
        if (result.size() > 1) {
            throw new MetricQueryException(sent, "the query returned " + result.size() + " series ("
                    + result.get(0).path("metric") + ", ...); aggregate them to one, e.g. with sum()");
        }
        List<Double> values = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        int nonFinite = 0;
        for (JsonNode point : result.get(0).path("values")) {
            double v = parse(point.get(1).asText());
            if (Double.isFinite(v)) {
                values.add(v);
                times.add(millis(point));
            } else {
                nonFinite++;
            }
        }
        if (values.isEmpty()) {
            throw new MetricQueryException(sent, "the query returned only NaN or infinite values (" + nonFinite
                    + " points)");
        }
        double[] samples = values.stream().mapToDouble(Double::doubleValue).toArray();
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        return new Samples(sent, samples, times.stream().mapToLong(Long::longValue).toArray(), mean,
                nonFinite == 0 ? null
                        : nonFinite + " of " + (nonFinite + values.size()) + " points were NaN or infinite and left out");
    }

    /**
     * The responses a slot gave in the window, from the exporter's counters per status class:
     * one sample per response, 1 for a 5xx, so thresholds, sample minimums and the rank test mean
     * the same as on the built-in router.
     */
    private Samples requestOutcomes(App app, SlotName slot, Instant from, Instant to) {
        String promql = expand("sum by (code) (haproxy_server_http_responses_total{proxy=\"{{backend}}\",server=\"{{slot}}\"})",
                app, slot);
        String sent = sent(promql, from, to);
        List<long[]> responses = new ArrayList<>();
        long total = 0;
        long errors = 0;
        for (JsonNode series : queryRange(app, promql, from, to, sent)) {
            boolean error = "5xx".equals(series.path("metric").path("code").asText());
            for (long[] growth : growth(series.path("values"))) {
                responses.add(new long[] {growth[0], growth[1], error ? 1 : 0});
                total += growth[1];
                errors += error ? growth[1] : 0;
            }
        }
        if (total > Integer.MAX_VALUE) {
            throw new MetricQueryException(sent, "too many responses in the window to judge one by one: " + total);
        }
        // in time order, each response at the evaluation step after which the counter grew
        responses.sort(Comparator.comparingLong(r -> r[0]));
        double[] outcomes = new double[(int) total];
        long[] times = new long[(int) total];
        int i = 0;
        for (long[] r : responses) {
            for (long k = 0; k < r[1]; k++, i++) {
                outcomes[i] = r[2];
                times[i] = r[0];
            }
        }
        return new Samples(sent, outcomes, times, total == 0 ? Double.NaN : errors / (double) total);
    }

    /** A counter's growth over the points, counting a drop as a reset (HAProxy restarted). */
    static long increase(JsonNode points) {
        return growth(points).stream().mapToLong(g -> g[1]).sum();
    }

    /**
     * A counter's growth step by step: {@code [epoch millis, responses]} per step in which it grew,
     * timed at the step's start (the point before the growth), so every response falls inside the
     * queried window. A drop counts as a reset (HAProxy restarted); NaN points are skipped.
     */
    static List<long[]> growth(JsonNode points) {
        List<long[]> steps = new ArrayList<>();
        Double previous = null;
        long previousAt = 0;
        for (JsonNode point : points) {
            double v = parse(point.get(1).asText());
            if (!Double.isFinite(v)) {
                continue;
            }
            if (previous != null) {
                long grown = Math.round(v >= previous ? v - previous : v);
                if (grown > 0) {
                    steps.add(new long[] {previousAt, grown});
                }
            }
            previous = v;
            previousAt = millis(point);
        }
        return steps;
    }

    /** A point's timestamp: Prometheus gives epoch seconds with a fraction. */
    private static long millis(JsonNode point) {
        return Math.round(point.get(0).asDouble() * 1000);
    }

    private JsonNode queryRange(App app, String promql, Instant from, Instant to, String sent) {
        String base = app.dataPlane().prometheusUrl();
        if (base == null || base.isBlank()) {
            throw new MetricQueryException(sent, "app " + app.key() + " has no Prometheus URL in its registration");
        }
        URI uri = URI.create(base + "/api/v1/query_range?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + "&start=" + seconds(from) + "&end=" + seconds(to) + "&step=" + step.toMillis() / 1000.0);
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new MetricQueryException(sent, "Prometheus at " + base + " did not answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MetricQueryException(sent, "interrupted while asking Prometheus", e);
        }
        JsonNode body;
        try {
            body = json.readTree(response.body());
        } catch (IOException e) {
            throw new MetricQueryException(sent, "Prometheus answered HTTP " + response.statusCode()
                    + " with a body that is not JSON", e);
        }
        if (!"success".equals(body.path("status").asText())) {
            throw new MetricQueryException(sent, "Prometheus refused the query (HTTP " + response.statusCode() + ", "
                    + body.path("errorType").asText("?") + "): " + body.path("error").asText());
        }
        JsonNode result = body.path("data").path("result");
        if (!result.isArray() || result.isEmpty()) {
            throw new MetricQueryException(sent, "the query returned no series");
        }
        return result;
    }

    private static String sent(String promql, Instant from, Instant to) {
        return promql + " [range " + from + " .. " + to + "]";
    }

    private static String seconds(Instant t) {
        return String.format(Locale.ROOT, "%.3f", t.toEpochMilli() / 1000.0);
    }

    private static double parse(String text) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }
}
