package io.rollguard.release.descriptor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.rollguard.release.descriptor.DescriptorParser.Result;
import io.rollguard.refusal.Refusal.Violation;

/** The descriptor's {@code analysis} section: comparisons, per-metric sample minimums and Argo-style limits. */
class AnalysisDescriptorTest {

    private static final String HEAD = """
            app: expenses
            version: 1.1.0
            artifact:
              type: node-red-flows
              file: flows.json
            rollout:
              steps:
                - weight: 20
                  pause: 8s
            analysis:
              minSamples: 30
              metrics:
            """;

    private final DescriptorParser parser = new DescriptorParser();

    @Test
    void statisticalComparisonWithLimitsIsRead() {
        // given a Prometheus metric judged by Mann-Whitney with its own limits
        Result result = parser.parse(HEAD + """
                    - name: latency
                      source: prometheus
                      query: 'haproxy_server_response_time_average_seconds{proxy="{{backend}}",server="{{slot}}"}'
                      minSamples: 5
                      failureLimit: 1
                      consecutiveErrorLimit: 2
                      mannWhitney:
                        confidence: 0.99
                        tolerance: 0.005
                """);

        // then every part is read
        assertThat(result.violations()).isEmpty();
        ReleaseDescriptor.Metric metric = result.descriptor().analysis().metrics().get(0);
        assertThat(metric.source()).isEqualTo("prometheus");
        assertThat(metric.query()).contains("{{slot}}");
        assertThat(metric.failIf()).isNull();
        assertThat(metric.mannWhitney()).isEqualTo(new ReleaseDescriptor.MannWhitney(0.99, 0.005));
        assertThat(metric.minSamples()).isEqualTo(5);
        assertThat(metric.failureLimit()).isEqualTo(1);
        assertThat(metric.consecutiveErrorLimit()).isEqualTo(2);
    }

    @Test
    void metricsTakeTheAnalysisMinimumAndArgoDefaultLimits() {
        Result result = parser.parse(HEAD + """
                    - name: errors
                      source: builtin
                      query: error-ratio
                      failIf: { above: 0.05 }
                """);

        ReleaseDescriptor.Metric metric = result.descriptor().analysis().metrics().get(0);
        assertThat(metric.minSamples()).isEqualTo(30);
        assertThat(metric.failureLimit()).isZero();
        assertThat(metric.consecutiveErrorLimit()).isEqualTo(4);
        assertThat(metric.mannWhitney()).isNull();
    }

    @Test
    void aMetricWithoutAnyComparisonIsRefusedAtItsPath() {
        Result result = parser.parse(HEAD + """
                    - name: errors
                      source: builtin
                      query: error-ratio
                """);

        assertThat(result.isValid()).isFalse();
        assertThat(result.violations()).extracting(Violation::path).containsExactly("/analysis/metrics/0");
        assertThat(result.violations().get(0).message()).contains("failIf", "mannWhitney");
    }

    @Test
    void builtinSourceOnlyKnowsItsOwnQueries() {
        Result result = parser.parse(HEAD + """
                    - name: errors
                      source: builtin
                      query: 'sum(rate(x[10s]))'
                      failIf: { above: 0.05 }
                """);

        assertThat(result.isValid()).isFalse();
        assertThat(result.violations()).extracting(Violation::path).contains("/analysis/metrics/0/query");
    }

    @Test
    void confidenceMustBeAProbabilityAboveOneHalf() {
        Result result = parser.parse(HEAD + """
                    - name: latency
                      source: builtin
                      query: latency-p95
                      mannWhitney: { confidence: 95 }
                """);

        assertThat(result.isValid()).isFalse();
        assertThat(result.violations()).extracting(Violation::path)
                .containsExactly("/analysis/metrics/0/mannWhitney/confidence");
    }
}
