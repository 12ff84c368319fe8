package io.rollguard.analysis.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.rollguard.analysis.MetricQueryException;
import io.rollguard.app.App;
import io.rollguard.app.SlotName;

class PrometheusQueriesTest {

    static final App APP = new App("expenses", Set.of("alice"), new App.Slot("http://s/admin", "http://s/app"),
            new App.Slot("http://c/admin", "http://c/app"), new App.AdminTokens("s", "c"), "expenses-route", "1.0.0",
            new App.DataPlane("haproxy", "127.0.0.1:1", "be_expenses", "prometheus", "http://127.0.0.1:2", "X-Tenant"));

    @Test
    void placeholdersNameTheSlotsServerTheBackendAndTheApp() {
        String q = PrometheusMetricSource.expand(
                "sum(rate(x{proxy=\"{{backend}}\",server=\"{{ slot }}\",app=\"{{app}}\"}[10s]))", APP, SlotName.CANARY);

        assertThat(q).isEqualTo("sum(rate(x{proxy=\"be_expenses\",server=\"canary\",app=\"expenses\"}[10s]))");
    }

    @Test
    void anUnknownPlaceholderIsAnErrorNotAQueryWithBracesInIt() {
        assertThatThrownBy(() -> PrometheusMetricSource.expand("x{tenant=\"{{tenant}}\"}", APP, SlotName.STABLE))
                .isInstanceOf(MetricQueryException.class).hasMessageContaining("unknown placeholder {{tenant}}");
    }

    @Test
    void aFlagCohortIsNamedByItsVariantAndOnlyACohortMayNameOne() {
        String q = PrometheusMetricSource.expand("sum(rate(app_requests_total{app=\"{{app}}\",variant=\"{{variant}}\",code=~\"5..\"}[10s]))",
                APP, SlotName.STABLE, "experimental");
        assertThat(q).isEqualTo("sum(rate(app_requests_total{app=\"expenses\",variant=\"experimental\",code=~\"5..\"}[10s]))");

        assertThatThrownBy(() -> PrometheusMetricSource.expand("x{variant=\"{{variant}}\"}", APP, SlotName.CANARY))
                .isInstanceOf(MetricQueryException.class).hasMessageContaining("only a flag-only release");
    }

    @Test
    void aFlagCohortOnPrometheusNeedsTheAppsPerVariantCounters() {
        PrometheusMetricSource source = new PrometheusMetricSource(new ObjectMapper(), java.time.Duration.ofSeconds(1));
        java.time.Instant now = java.time.Instant.now();

        // HAProxy's exporter counts per server, not per variant: a portable name cannot be judged per cohort
        assertThatThrownBy(() -> source.measure(APP, io.rollguard.analysis.Audience.cohort(true, "on"), "error-ratio",
                now.minusSeconds(10), now)).isInstanceOf(MetricQueryException.class)
                .hasMessageContaining("{{variant}}");
    }

    @Test
    void counterGrowthSurvivesAResetAndSkipsNaN() throws Exception {
        // given a counter that grows to 130, resets (HAProxy restarted) and grows to 25 again
        var points = new ObjectMapper().readTree("""
                [[1,"100"],[2,"120"],[3,"NaN"],[4,"130"],[5,"10"],[6,"25"]]""");

        // then the window saw 30 + 10 + 15 responses
        assertThat(PrometheusMetricSource.increase(points)).isEqualTo(55);
    }

    @Test
    void counterGrowthIsTimedAtTheStepBeforeItSoEveryResponseFallsInsideTheWindow() throws Exception {
        // given points one second apart, from 100 s to 104 s after the epoch, with a reset at 103 s
        var points = new ObjectMapper().readTree("""
                [[100,"5"],[101,"5"],[102.5,"8"],[103,"2"],[104,"NaN"]]""");

        // then 3 responses grew after 101 s and 2 after 102.5 s; the flat second and the NaN add none
        assertThat(PrometheusMetricSource.growth(points)).containsExactly(new long[] {101_000, 3},
                new long[] {102_500, 2});
    }
}
