package io.rollguard.release;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.release.descriptor.ReleaseDescriptor;
import io.rollguard.platform.FlowsHash;

/** A short human summary of what a release changes, shown to approvers. */
final class ReleaseDiff {

    private ReleaseDiff() {
    }

    static String summary(ReleaseContext ctx) {
        ReleaseDescriptor d = ctx.descriptor();
        List<String> lines = new ArrayList<>();
        lines.add(ctx.app().key() + " " + (ctx.app().currentVersion() == null ? "(nothing live)" : ctx.app().currentVersion())
                + " -> " + d.version());
        if (d.description() != null) {
            lines.add(d.description());
        }
        JsonNode flows = FlowsHash.parse(ctx.release().artifact());
        long tabs = 0;
        List<String> endpoints = new ArrayList<>();
        for (JsonNode node : flows) {
            if ("tab".equals(node.path("type").asText())) {
                tabs++;
            }
            if ("http in".equals(node.path("type").asText())) {
                endpoints.add(node.path("method").asText("get").toUpperCase() + " " + node.path("url").asText());
            }
        }
        lines.add("Flows: " + flows.size() + " nodes on " + tabs + " tab(s); HTTP endpoints: "
                + (endpoints.isEmpty() ? "none" : String.join(", ", endpoints)));
        if (d.schema() != null) {
            lines.add("Data model change: changelog " + d.schema().changelog());
        }
        if (d.integrations() != null && !d.integrations().isEmpty()) {
            lines.add("Integration changes: " + d.integrations().stream().map(ReleaseDescriptor.Integration::name)
                    .collect(Collectors.joining(", ")));
        }
        lines.add("Rollout: " + d.rollout().steps().stream().map(s -> s.weight() + "%").collect(Collectors.joining(" -> "))
                + ", on failure " + d.rollout().onFailure().name().toLowerCase());
        // a Camunda string variable holds 4000 characters; many endpoints must not fail the step
        return StoredText.clip(String.join("\n", lines));
    }
}
