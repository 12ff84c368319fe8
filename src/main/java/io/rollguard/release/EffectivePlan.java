package io.rollguard.release;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.rollguard.app.AnalysisFloor;
import io.rollguard.release.descriptor.ReleaseDescriptor;
import io.rollguard.release.descriptor.ReleaseDescriptor.Metric;

/**
 * The rollout and analysis a release will really run, as its approvers read it: every step with
 * its weight (or tenants) and pause, every metric with its limits and samples, defaults filled in,
 * and the app's floor it was checked against at submission.
 */
final class EffectivePlan {

    private EffectivePlan() {
    }

    static String describe(ReleaseDescriptor d, AnalysisFloor floor) {
        List<String> lines = new ArrayList<>();
        ReleaseDescriptor.Rollout rollout = d.rollout();
        lines.add("Rollout " + rollout.strategy() + ", " + rollout.steps().size() + " step"
                + (rollout.steps().size() == 1 ? "" : "s") + ", on failure " + rollout.onFailure().name().toLowerCase() + ":");
        for (int i = 0; i < rollout.steps().size(); i++) {
            ReleaseDescriptor.Step step = rollout.steps().get(i);
            int at = i;
            String exposure = d.flagOnly() ? "flags " + d.flags().stream()
                    .map(f -> f.key() + " " + f.steps().get(at).describe()).collect(java.util.stream.Collectors.joining("; "))
                    : rollout.byTenants() ? "tenants " + String.join(", ", rollout.tenantsPinnedAt(i))
                    : step.weight() + " % of traffic";
            lines.add("  step " + (i + 1) + ": " + exposure + " for " + duration(d.stepDuration(i)));
        }
        lines.add("Analysis every " + duration(d.analysis().interval()) + ":");
        for (Metric m : d.analysis().metrics()) {
            List<String> judged = new ArrayList<>();
            if (m.failIf() != null && m.failIf().above() != null) {
                judged.add("fails above " + AnalysisFloorCheck.number(m.failIf().above()));
            }
            if (m.failIf() != null && m.failIf().aboveBaselineBy() != null) {
                judged.add("fails above baseline by " + AnalysisFloorCheck.number(m.failIf().aboveBaselineBy()));
            }
            if (m.mannWhitney() != null) {
                judged.add("Mann-Whitney at confidence " + m.mannWhitney().confidence() + ", tolerance "
                        + AnalysisFloorCheck.number(m.mannWhitney().tolerance()));
            }
            lines.add("  " + m.name() + " (query " + m.query() + ", source "
                    + (m.source() == null ? "the app's" : m.source()) + "): " + String.join("; ", judged)
                    + "; at least " + m.minSamples() + " samples; fails after more than " + m.failureLimit()
                    + " failed measurements, inconclusive after more than " + m.consecutiveErrorLimit() + " errors in a row");
        }
        if (floor.isNone()) {
            lines.add("The app has no analysis floor.");
        } else {
            List<String> parts = new ArrayList<>();
            for (AnalysisFloor.RequiredMetric r : floor.metrics()) {
                String limits = (r.above() == null ? "" : " above at most " + AnalysisFloorCheck.number(r.above()))
                        + (r.aboveBaselineBy() == null ? "" : " above baseline by at most "
                                + AnalysisFloorCheck.number(r.aboveBaselineBy()));
                parts.add("metric " + r.query() + (r.source() == null ? "" : " from " + r.source()) + limits);
            }
            if (floor.minSamples() != null) {
                parts.add("at least " + floor.minSamples() + " samples");
            }
            if (floor.maxFirstStepWeight() != null) {
                parts.add("first step at most " + floor.maxFirstStepWeight() + " %");
            }
            if (floor.minSteps() != null) {
                parts.add("at least " + floor.minSteps() + " steps");
            }
            lines.add("Meets the app's analysis floor: " + String.join("; ", parts) + ".");
        }
        return StoredText.clip(String.join("\n", lines));
    }

    static String duration(Duration duration) {
        if (duration == null) {
            return "?";
        }
        long seconds = duration.toSeconds();
        return seconds % 60 == 0 && seconds > 0 ? seconds / 60 + "m" : seconds + "s";
    }
}
