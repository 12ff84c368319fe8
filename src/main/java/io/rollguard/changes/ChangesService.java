package io.rollguard.changes;

import java.time.Instant;
import java.util.List;

import org.springframework.stereotype.Service;

import io.rollguard.app.App;
import io.rollguard.app.AppRepository;
import io.rollguard.app.SlotName;
import io.rollguard.integration.IntegrationSettings;
import io.rollguard.platform.FlowsHash;
import io.rollguard.refusal.Refusal;
import io.rollguard.release.Release;
import io.rollguard.release.ReleaseService;
import io.rollguard.release.descriptor.DescriptorParser;
import io.rollguard.rollout.SlotSnapshots;
import io.rollguard.security.CurrentUser;

/** The diff of a release against what is live, computed on request, for whoever may read the release. */
@Service
class ChangesService {

    private final ReleaseService releases;
    private final AppRepository apps;
    private final LiveFlows live;
    private final SlotSnapshots snapshots;
    private final ReleaseFlowChanges flowChanges;
    private final IntegrationSettings integrations;
    private final DescriptorParser descriptors;
    private final FlagPlan flagPlan;

    ChangesService(ReleaseService releases, AppRepository apps, LiveFlows live, SlotSnapshots snapshots,
            ReleaseFlowChanges flowChanges, IntegrationSettings integrations, DescriptorParser descriptors,
            FlagPlan flagPlan) {
        this.flagPlan = flagPlan;
        this.integrations = integrations;
        this.descriptors = descriptors;
        this.releases = releases;
        this.apps = apps;
        this.live = live;
        this.snapshots = snapshots;
        this.flowChanges = flowChanges;
    }

    /** What {@code GET /api/releases/{id}/changes} answers; see its OpenAPI description. */
    record ReleaseChanges(String release, String app, String version, Side live, String newHash, int liveNodes,
            int newNodes, List<FlowDiff.Container> containers, FlowDiff.NodeChanges configNodes,
            FlowDiff.Endpoints endpoints, FlowDiff.Hosts hosts, List<String> classes, List<EvidenceView> evidence,
            List<HighRiskView> highRisk, String summary, List<IntegrationSettings.SettingChange> integrations,
            List<FlagPlan.FlagView> flags) {
    }

    /** The live side: source stable, snapshot or unavailable, the canonical flows hash, when it was read or recorded. */
    record Side(String source, String hash, Instant takenAt, String note) {
    }

    /** {@code reason} what the diff shows of the node, {@code policy} the node policy's reason for the class. */
    record EvidenceView(String changeClass, FlowDiff.NodeRef node, String reason, String policy, String text) {
    }

    /** A node the node policy marks high risk, as {@link EvidenceView}. */
    record HighRiskView(FlowDiff.NodeRef node, String reason, String policy, String text) {
    }

    ReleaseChanges of(CurrentUser user, String id) {
        // reading the release applies its permission check and answers 404/403 as GET /api/releases/{id} does
        Release release = releases.read(user, id);
        App app = apps.find(release.appKey()).orElseThrow(() -> Refusal.notFound("App '" + release.appKey() + "'"));
        LiveFlows.Live before = liveSide(app, release);
        // a flag-only release runs what the live side runs: its diff is empty, its flags are what it changes
        String flows = release.flagOnly() ? (before.flowsJson() == null ? "[]" : before.flowsJson()) : release.artifact();
        FlowDiff.Result diff = FlowDiff.between(before.flowsJson(), flows);
        DerivedClasses.Derived derived = flowChanges.derive(diff, flows);
        List<DerivedClasses.Evidence> evidence = derived.evidence();
        return new ReleaseChanges(release.id(), release.appKey(), release.version(),
                new Side(before.source(), before.hash(), before.takenAt(), before.note()),
                FlowsHash.canonical(flows), diff.liveNodes(), diff.newNodes(), diff.containers(),
                diff.configNodes(), diff.endpoints(), diff.hosts(),
                derived.classes().stream().map(c -> c.id()).toList(),
                evidence.stream().map(e -> new EvidenceView(e.changeClass().id(), e.node(), e.reason(), e.policyReason(),
                        e.describe())).toList(),
                derived.highRisk().stream().map(h -> new HighRiskView(h.node(), h.reason(), h.policyReason(),
                        h.describe())).toList(),
                DiffSummary.of(diff, before),
                integrations.describe(app.key(), before.environment(), settingsChanges(release)),
                flagViews(app, release));
    }

    /** The flags the release sets, from its stored descriptor: the state before and at each step. */
    private List<FlagPlan.FlagView> flagViews(App app, Release release) {
        DescriptorParser.Result parsed = descriptors.parse(release.descriptorYaml());
        return parsed.isValid() ? flagPlan.of(app, release.id(), parsed.descriptor()) : List.of();
    }

    /** The integration settings the release changes, from its stored descriptor (checked at submission). */
    private List<IntegrationSettings.SettingsChange> settingsChanges(Release release) {
        DescriptorParser.Result parsed = descriptors.parse(release.descriptorYaml());
        return parsed.isValid() ? parsed.descriptor().settingsChanges() : List.of();
    }

    /**
     * Once the release has taken its snapshot of the stable slot (in preflight, before anything was
     * touched), the diff is against that: after a promotion stable runs the release itself, and the
     * question stays "what did this release change".
     */
    private LiveFlows.Live liveSide(App app, Release release) {
        return snapshots.find(release.id(), SlotName.STABLE)
                .map(s -> new LiveFlows.Live("snapshot", s.flows(), s.flowsHash(), s.takenAt(),
                        "compared with the stable slot as recorded before this release touched anything",
                        s.environment()))
                .orElseGet(() -> live.stable(app));
    }
}
