package io.rollguard.changes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.app.App;
import io.rollguard.integration.IntegrationSettings;
import io.rollguard.platform.FlowsHash;
import io.rollguard.policy.NodePolicy;
import io.rollguard.refusal.Refusal.Violation;
import io.rollguard.release.FlowChanges;
import io.rollguard.release.Release;
import io.rollguard.release.descriptor.DescriptorParser;

/** The release lifecycle's questions about flows, answered from the diff against the stable slot. */
@Component
class ReleaseFlowChanges implements FlowChanges {

    private final LiveFlows live;
    private final NodePolicy policy;
    private final IntegrationSettings integrations;
    private final DescriptorParser descriptors;

    private final FlagPlan flagPlan;

    ReleaseFlowChanges(LiveFlows live, NodePolicy policy, IntegrationSettings integrations, DescriptorParser descriptors,
            FlagPlan flagPlan) {
        this.flagPlan = flagPlan;
        this.live = live;
        this.policy = policy;
        this.integrations = integrations;
        this.descriptors = descriptors;
    }

    @Override
    public List<Violation> refusals(String flowsJson) {
        JsonNode flows;
        try {
            flows = FlowsHash.parse(flowsJson);
        } catch (IllegalArgumentException e) {
            return List.of(); // the submission refuses unreadable flows itself
        }
        return FlowDdl.in(flows, containerLabels(flows)).stream()
                .map(f -> new Violation("/artifact/file", f.describe())).toList();
    }

    @Override
    public Comparison compare(App app, Release release) {
        LiveFlows.Live stable = live.stable(app);
        // a flag-only release runs what stable runs: no flow changes, nothing for the node policy
        String flows = release.flagOnly() ? (stable.flowsJson() == null ? "[]" : stable.flowsJson()) : release.artifact();
        FlowDiff.Result diff = FlowDiff.between(stable.flowsJson(), flows);
        DerivedClasses.Derived derived = derive(diff, flows);
        return new Comparison(derived.classes(),
                derived.evidence().stream().map(DerivedClasses.Evidence::describe).toList(),
                derived.highRisk().stream().map(DerivedClasses.HighRisk::describe).toList(),
                DiffSummary.of(diff, stable),
                integrationChanges(app, stable, release),
                flagChanges(app, release));
    }

    /** One line per flag the release sets: its state before and at each step. */
    private List<String> flagChanges(App app, Release release) {
        DescriptorParser.Result parsed = descriptors.parse(release.descriptorYaml());
        if (!parsed.isValid()) {
            return List.of();
        }
        return flagPlan.of(app, release.id(), parsed.descriptor()).stream().map(FlagPlan.FlagView::line).toList();
    }

    /** One line per integration setting the release changes, live value to new (a secret by reference only). */
    private List<String> integrationChanges(App app, LiveFlows.Live stable, Release release) {
        DescriptorParser.Result parsed = descriptors.parse(release.descriptorYaml());
        if (!parsed.isValid() || parsed.descriptor().settingsChanges().isEmpty()) {
            return List.of();
        }
        return integrations.describe(app.key(), stable.environment(), parsed.descriptor().settingsChanges()).stream()
                .map(c -> c.integration() + "." + c.setting() + " (" + c.env() + "): "
                        + (c.live() == null ? "(not set)" : c.live()) + " -> " + c.release())
                .toList();
    }

    /** The node policy's decisions on what the diff adds or changes; the lifecycle and the changes API ask the same. */
    DerivedClasses.Derived derive(FlowDiff.Result diff, String newFlowsJson) {
        return DerivedClasses.of(diff, FlowsHash.parse(newFlowsJson), policy::decide);
    }

    static Map<String, String> containerLabels(JsonNode flows) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (JsonNode n : flows) {
            String type = n.path("type").asText();
            if (type.equals("tab")) {
                labels.put(n.path("id").asText(), n.path("label").asText(n.path("id").asText()));
            } else if (type.equals("subflow")) {
                labels.put(n.path("id").asText(), n.path("name").asText(n.path("id").asText()));
            }
        }
        return labels;
    }
}
