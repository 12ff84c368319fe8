package io.rollguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.rollguard.refusal.Refusal;

class AnalysisFloorPageTest {

    @Test
    void aMetricsErrorGoesToTheFormRowItCameFromWhenBlankRowsBeforeItWereLeftOut() {
        // rows 0 and 2 of the form were metrics, row 1 was left blank
        List<Integer> rowOf = List.of(0, 2);

        assertThat(AnalysisFloorPage.formPath("/metrics/1/query", rowOf)).isEqualTo("/metrics/2/query");
        assertThat(AnalysisFloorPage.formPath("/metrics/0/above", rowOf)).isEqualTo("/metrics/0/above");
        assertThat(AnalysisFloorPage.formPath("/metrics/1", rowOf)).isEqualTo("/metrics/2");
        assertThat(AnalysisFloorPage.formPath("/metrics", rowOf)).isEqualTo("/metrics");
        assertThat(AnalysisFloorPage.formPath("/minSamples", rowOf)).isEqualTo("/minSamples");
    }

    @Test
    void errorsAreKeyedByTheIdOfTheirField() {
        Map<String, List<String>> errors = AnalysisFloorPage.byField(List.of(
                new Refusal.Violation("/metrics/2/query", "must not be blank"),
                new Refusal.Violation("/minSamples", "must be a whole number"),
                new Refusal.Violation("/minSamples", "must be greater than or equal to 1"),
                new Refusal.Violation("/metrics", "size must be between 0 and 20")));

        assertThat(errors).containsOnlyKeys("metrics-2-query", "minSamples", "metrics");
        assertThat(errors.get("minSamples")).hasSize(2);
    }
}
