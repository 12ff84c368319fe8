package io.rollguard.release;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import io.rollguard.release.descriptor.ReleaseDescriptor;

/** A short human summary of what a release changes against what is live, shown to approvers. */
final class ReleaseDiff {

    private ReleaseDiff() {
    }

    static String summary(ReleaseContext ctx, FlowChanges.Comparison comparison) {
        ReleaseDescriptor d = ctx.descriptor();
        List<String> lines = new ArrayList<>();
        lines.add(ctx.app().key() + " " + (ctx.app().currentVersion() == null ? "(nothing live)" : ctx.app().currentVersion())
                + " -> " + d.version());
        if (d.description() != null) {
            lines.add(d.description());
        }
        // what the flows change against the stable slot: counts per tab, endpoints, hosts
        lines.add(comparison.summary());
        if (d.schema() != null) {
            lines.add("Data model change: changelog " + d.schema().changelog());
        }
        if (!comparison.integrationChanges().isEmpty()) {
            lines.add("Integration settings (live -> this release):");
            comparison.integrationChanges().forEach(change -> lines.add("  " + change));
        } else if (d.integrations() != null && !d.integrations().isEmpty()) {
            lines.add("Integration changes: " + d.integrations().stream().map(ReleaseDescriptor.Integration::name)
                    .collect(Collectors.joining(", ")));
        }
        if (!comparison.flagChanges().isEmpty()) {
            lines.add("Feature flags (before -> each step):");
            comparison.flagChanges().forEach(change -> lines.add("  " + change));
        }
        lines.add(d.flagOnly() ? "Rollout: flags only (no new version, no traffic shift), " + d.rollout().steps().size()
                + " steps, on failure " + d.rollout().onFailure().name().toLowerCase()
                : "Rollout: " + d.rollout().steps().stream().map(s -> s.weight() + "%").collect(Collectors.joining(" -> "))
                + ", on failure " + d.rollout().onFailure().name().toLowerCase());
        // a Camunda string variable holds 4000 characters; many endpoints must not fail the step
        return StoredText.clip(String.join("\n", lines));
    }
}
