package io.rollguard.release;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.rollguard.app.AnalysisFloor;
import io.rollguard.release.descriptor.ReleaseDescriptor;
import io.rollguard.release.descriptor.ReleaseDescriptor.Metric;
import io.rollguard.refusal.Refusal.Violation;

/**
 * A descriptor against its app's analysis floor: it may tighten it, never loosen it. Each
 * loosening is a violation at the descriptor's JSON path that loosens it.
 */
final class AnalysisFloorCheck {

    private AnalysisFloorCheck() {
    }

    /**
     * @param appMetricSource where a metric without a {@code source} is measured (the app's data plane)
     */
    static List<Violation> violations(ReleaseDescriptor d, AnalysisFloor floor, String appMetricSource) {
        Set<Violation> violations = new LinkedHashSet<>();
        List<Metric> metrics = d.analysis().metrics();
        for (AnalysisFloor.RequiredMetric required : floor.metrics()) {
            List<Integer> candidates = new ArrayList<>();
            for (int i = 0; i < metrics.size(); i++) {
                Metric m = metrics.get(i);
                String source = m.source() != null ? m.source() : appMetricSource;
                if (m.query().equals(required.query()) && (required.source() == null || required.source().equals(source))) {
                    candidates.add(i);
                }
            }
            if (candidates.isEmpty()) {
                violations.add(new Violation("/analysis/metrics", "the app's floor requires a metric with query '"
                        + required.query() + "'" + (required.source() == null ? "" : " from " + required.source())));
                continue;
            }
            // one metric that meets every limit is enough; otherwise the first one says what is missing
            List<Violation> firstLoosening = null;
            for (int i : candidates) {
                List<Violation> loosening = limits(i, metrics.get(i), required);
                if (loosening.isEmpty()) {
                    firstLoosening = null;
                    break;
                }
                if (firstLoosening == null) {
                    firstLoosening = loosening;
                }
            }
            if (firstLoosening != null) {
                violations.addAll(firstLoosening);
            }
        }
        if (floor.minSamples() != null) {
            for (int i = 0; i < metrics.size(); i++) {
                Metric m = metrics.get(i);
                if (m.minSamples() < floor.minSamples()) {
                    // a metric without its own minSamples has the analysis's
                    String path = m.minSamples() == d.analysis().minSamples() ? "/analysis/minSamples"
                            : "/analysis/metrics/" + i + "/minSamples";
                    violations.add(new Violation(path, m.minSamples() + " is smaller than the app's floor "
                            + floor.minSamples()));
                }
            }
        }
        List<ReleaseDescriptor.Step> steps = d.rollout().steps();
        if (floor.maxFirstStepWeight() != null && !steps.isEmpty() && !d.rollout().byTenants()
                && !d.flagOnly() && steps.get(0).weight() > floor.maxFirstStepWeight()) {
            violations.add(new Violation("/rollout/steps/0/weight", steps.get(0).weight()
                    + " is heavier than the app's floor " + floor.maxFirstStepWeight()));
        }
        // a flag-only release exposes its new variants instead of a canary: its first step is held to the same floor
        for (int i = 0; d.flagOnly() && floor.maxFirstStepWeight() != null && i < d.flags().size(); i++) {
            ReleaseDescriptor.FlagStep first = d.flags().get(i).steps().isEmpty() ? null : d.flags().get(i).steps().get(0);
            if (first != null && first.enabled() && first.percentage() > floor.maxFirstStepWeight()) {
                violations.add(new Violation("/flags/" + i + "/steps/0/percentage", first.percentage()
                        + " % is more exposure than the app's floor allows a first step (" + floor.maxFirstStepWeight()
                        + " %)"));
            }
        }
        if (floor.minSteps() != null && steps.size() < floor.minSteps()) {
            violations.add(new Violation("/rollout/steps", steps.size() + (steps.size() == 1 ? " step is" : " steps are")
                    + " fewer than the app's floor " + floor.minSteps()));
        }
        return List.copyOf(violations);
    }

    private static List<Violation> limits(int index, Metric m, AnalysisFloor.RequiredMetric required) {
        List<Violation> loosening = new ArrayList<>();
        String at = "/analysis/metrics/" + index + "/failIf/";
        Double above = m.failIf() == null ? null : m.failIf().above();
        Double byBaseline = m.failIf() == null ? null : m.failIf().aboveBaselineBy();
        limit(loosening, at + "above", above, required.above());
        limit(loosening, at + "aboveBaselineBy", byBaseline, required.aboveBaselineBy());
        return loosening;
    }

    private static void limit(List<Violation> loosening, String path, Double given, Double floor) {
        if (floor == null) {
            return;
        }
        if (given == null) {
            loosening.add(new Violation(path, "is missing; the app's floor requires at most " + number(floor)));
        } else if (given > floor) {
            loosening.add(new Violation(path, number(given) + " is looser than the app's floor " + number(floor)));
        }
    }

    static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf((long) value) : String.valueOf(value);
    }
}
