package io.rollguard.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.rollguard.app.AnalysisFloor;
import io.rollguard.refusal.Refusal.Violation;
import io.rollguard.release.descriptor.DescriptorParser;
import io.rollguard.release.descriptor.ReleaseDescriptor;

/** A descriptor may tighten its app's analysis floor, never loosen it; each loosening by path. */
class AnalysisFloorCheckTest {

    static final AnalysisFloor FLOOR = new AnalysisFloor(
            List.of(new AnalysisFloor.RequiredMetric("error-ratio", null, 0.05, null)), 5, 20, 2);

    static String example() throws Exception {
        return Files.readString(Path.of("examples/expenses/1.1.0/release.yaml"));
    }

    static ReleaseDescriptor parse(String yaml) {
        DescriptorParser.Result result = new DescriptorParser().parse(yaml);
        assertThat(result.violations()).isEmpty();
        return result.descriptor();
    }

    static List<Violation> check(String yaml) {
        return AnalysisFloorCheck.violations(parse(yaml), FLOOR, "builtin");
    }

    @Test
    void everyExampleMeetsTheSampleAppsFloor() throws Exception {
        try (var dirs = Files.list(Path.of("examples/expenses"))) {
            for (Path dir : dirs.filter(d -> Files.exists(d.resolve("release.yaml"))).toList()) {
                assertThat(check(Files.readString(dir.resolve("release.yaml")))).as(dir.toString()).isEmpty();
            }
        }
    }

    @Test
    void tighteningIsAccepted() throws Exception {
        String tighter = example().replace("above: 0.05", "above: 0.01").replace("weight: 20", "weight: 10")
                .replace("minSamples: 5", "minSamples: 30");
        assertThat(check(tighter)).isEmpty();
        assertThat(AnalysisFloorCheck.violations(parse(example()), AnalysisFloor.NONE, "builtin")).isEmpty();
    }

    @Test
    void aLooserLimitIsNamedByItsPath() throws Exception {
        assertThat(check(example().replace("above: 0.05", "above: 0.1"))).containsExactly(
                new Violation("/analysis/metrics/0/failIf/above", "0.1 is looser than the app's floor 0.05"));
    }

    @Test
    void aMissingLimitIsNamed() throws Exception {
        String noAbove = example().replace("failIf:\n        above: 0.05", "failIf:\n        aboveBaselineBy: 0.05");
        assertThat(check(noAbove)).containsExactly(new Violation("/analysis/metrics/0/failIf/above",
                "is missing; the app's floor requires at most 0.05"));
    }

    @Test
    void aMissingRequiredMetricIsNamed() throws Exception {
        assertThat(check(example().replace("query: error-ratio", "query: latency-p50"))).containsExactly(
                new Violation("/analysis/metrics", "the app's floor requires a metric with query 'error-ratio'"));
    }

    @Test
    void aRequiredMetricFromAnotherSourceDoesNotCount() throws Exception {
        AnalysisFloor fromPrometheus = new AnalysisFloor(
                List.of(new AnalysisFloor.RequiredMetric("error-ratio", "prometheus", null, null)), null, null, null);
        assertThat(AnalysisFloorCheck.violations(parse(example()), fromPrometheus, "builtin"))
                .extracting(Violation::path).containsExactly("/analysis/metrics");
        assertThat(AnalysisFloorCheck.violations(parse(example()), fromPrometheus, "prometheus")).isEmpty();
    }

    @Test
    void fewerSamplesAreNamedWhereTheyAreSet() throws Exception {
        assertThat(check(example().replace("minSamples: 5", "minSamples: 1"))).containsExactly(
                new Violation("/analysis/metrics/1/minSamples", "1 is smaller than the app's floor 5"));
        assertThat(check(example().replace("minSamples: 20", "minSamples: 2"))).containsExactly(
                new Violation("/analysis/minSamples", "2 is smaller than the app's floor 5"));
    }

    @Test
    void aHeavierFirstStepIsNamed() throws Exception {
        assertThat(check(example().replace("weight: 20", "weight: 40"))).containsExactly(
                new Violation("/rollout/steps/0/weight", "40 is heavier than the app's floor 20"));
    }

    @Test
    void fewerStepsAreNamed() throws Exception {
        String oneStep = example().replace("    - weight: 50\n      pause: 8s\n", "");
        assertThat(check(oneStep)).containsExactly(
                new Violation("/rollout/steps", "1 step is fewer than the app's floor 2"));
    }

    @Test
    void theEffectivePlanShowsStepsMetricsAndTheFloor() throws Exception {
        String plan = EffectivePlan.describe(parse(example()), FLOOR);
        assertThat(plan).contains("step 1: 20 % of traffic for 8s", "step 2: 50 % of traffic for 8s",
                "error-rate (query error-ratio, source the app's): fails above 0.05; at least 20 samples",
                "latency (query latency-mean, source the app's): fails above baseline by 500; at least 5 samples",
                "Meets the app's analysis floor: metric error-ratio above at most 0.05; at least 5 samples; "
                        + "first step at most 20 %; at least 2 steps.");
    }
}
