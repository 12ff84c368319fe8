package io.rollguard.release;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.camunda.bpm.engine.MismatchingMessageCorrelationException;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.variable.Variables;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.app.AnalysisFloor;
import io.rollguard.app.App;
import io.rollguard.app.AppRepository;
import io.rollguard.engine.RollguardDefinitions;
import io.rollguard.integration.IntegrationSettings;
import io.rollguard.release.descriptor.ChangeClass;
import io.rollguard.release.descriptor.DescriptorParser;
import io.rollguard.release.descriptor.ReleaseDescriptor;
import io.rollguard.release.history.ReleaseEvent;
import io.rollguard.release.history.ReleaseFact;
import io.rollguard.release.history.ReleaseHistory;
import io.rollguard.security.CurrentUser;
import io.rollguard.security.Permissions;
import io.rollguard.platform.FlowsHash;
import io.rollguard.policy.NodeDecision;
import io.rollguard.policy.NodeFacts;
import io.rollguard.policy.NodePolicy;
import io.rollguard.refusal.Refusal;
import io.rollguard.refusal.Refusal.Violation;

@Service
public class ReleaseService {

    private static final long ABORT_PATIENCE_MILLIS = 3000;

    private final ReleaseRepository releases;
    private final AppRepository apps;
    private final DescriptorParser parser;
    private final Permissions permissions;
    private final RuntimeService runtime;
    private final SchemaChanges schemaChanges;
    private final RollguardDefinitions definitions;
    private final ReleaseHistory history;
    private final FlowChanges flowChanges;
    private final NodePolicy nodePolicy;
    private final IntegrationSettings integrations;

    ReleaseService(ReleaseRepository releases, AppRepository apps, DescriptorParser parser, Permissions permissions,
            RuntimeService runtime, SchemaChanges schemaChanges, RollguardDefinitions definitions,
            ReleaseHistory history, FlowChanges flowChanges, NodePolicy nodePolicy, IntegrationSettings integrations) {
        this.integrations = integrations;
        this.history = history;
        this.flowChanges = flowChanges;
        this.nodePolicy = nodePolicy;
        this.schemaChanges = schemaChanges;
        this.definitions = definitions;
        this.releases = releases;
        this.apps = apps;
        this.parser = parser;
        this.permissions = permissions;
        this.runtime = runtime;
    }

    /**
     * Checks everything a refusal could be about before anything is stored, then stores the
     * release and starts its process in one transaction.
     */
    @Transactional
    public Release submit(CurrentUser user, String descriptorYaml, Map<String, byte[]> files) {
        return submit(user, descriptorYaml, files, null);
    }

    /** As above; from the portal, where the app is chosen first and the descriptor must agree. */
    @Transactional
    public Release submit(CurrentUser user, String descriptorYaml, Map<String, byte[]> files, String chosenApp) {
        DescriptorParser.Result parsed = parser.parse(descriptorYaml);
        if (!parsed.isValid()) {
            throw Refusal.invalid("The release descriptor is invalid", parsed.violations());
        }
        ReleaseDescriptor d = parsed.descriptor();
        if (chosenApp != null && !chosenApp.equals(d.app())) {
            throw Refusal.invalid("The descriptor is for another app", List.of(new Violation("/app",
                    "the descriptor releases '" + d.app() + "' but '" + chosenApp + "' was chosen")));
        }
        App app = apps.find(d.app()).orElseThrow(() -> Refusal.notFound("App '" + d.app() + "'"));
        if (!permissions.canSubmit(user, app)) {
            throw Refusal.forbidden("Only a requester who owns app '" + app.key() + "' may release it");
        }
        AnalysisFloor floor = apps.analysisFloor(app.key());
        List<Violation> loosened = AnalysisFloorCheck.violations(d, floor, app.dataPlane().metrics());
        if (!loosened.isEmpty()) {
            throw Refusal.invalid("The descriptor loosens the analysis floor the admins set for app '" + app.key() + "'",
                    loosened);
        }
        // the app's registered integrations decide which settings a release may change, and to what
        List<Violation> violations = new ArrayList<>(integrations.check(app.key(), d.settingsChanges()));
        byte[] artifact = d.flagOnly() ? null : files.get(d.artifact().file());
        String flows = null;
        List<NodeDecision> nodeDecisions = List.of();
        if (d.flagOnly()) {
            // nothing new to run: the app keeps its flows, the release raises its flags' exposure
        } else if (artifact == null) {
            violations.add(new Violation("/artifact/file", "no file part named '" + d.artifact().file() + "' was uploaded"));
        } else {
            flows = new String(artifact, StandardCharsets.UTF_8);
            if (flows.indexOf('\u0000') >= 0) {
                // no text column stores it, and no flows need it
                violations.add(new Violation("/artifact/file", d.artifact().file() + " contains a NUL byte"));
            }
            JsonNode flowsTree = null;
            try {
                flowsTree = FlowsHash.parse(flows);
                // the flows alone decide this, so a stable slot that is down never blocks a submission
                violations.addAll(flowChanges.refusals(flows));
            } catch (IllegalArgumentException e) {
                violations.add(new Violation("/artifact/file", d.artifact().file() + ": " + e.getMessage()));
            }
            if (flowsTree != null) {
                // refusals on every node of the new flows, new or already live: no live side is read here, so a
                // stable slot that is down never blocks a submission; classes and risk come from the policy's
                // decisions on the changed nodes in the lifecycle's first step (FlowChanges.compare)
                nodeDecisions = nodePolicy.decide(NodeFacts.allOf(flowsTree));
                // an environment entry an integration manages changes through integrations[], with its approvers
                violations.addAll(integrations.artifactRefusals(app.key(), flowsTree));
            }
            nodeDecisions.stream().filter(n -> n.outcome() == NodeDecision.Outcome.REFUSE).forEach(n -> violations.add(
                    new Violation("/artifact/file", "the node policy refuses " + n.describe())));
            if (d.artifact().sha256() != null && !d.artifact().sha256().equals(FlowsHash.sha256(artifact))) {
                violations.add(new Violation("/artifact/sha256", "does not match the uploaded file (its sha256 is "
                        + FlowsHash.sha256(artifact) + ")"));
            }
        }
        SchemaChanges.Checked migration = null;
        if (d.schema() != null && !files.containsKey(d.schema().changelog())) {
            violations.add(new Violation("/schema/changelog",
                    "no file part named '" + d.schema().changelog() + "' was uploaded"));
        } else if (d.schema() != null && new String(files.get(d.schema().changelog()), StandardCharsets.UTF_8)
                .indexOf('\u0000') >= 0) {
            violations.add(new Violation("/schema/changelog", d.schema().changelog() + " contains a NUL byte"));
        } else if (d.schema() != null) {
            migration = schemaChanges.check(app.key(), d.schema().changelog(), files.get(d.schema().changelog()));
            violations.addAll(migration.violations());
        }
        if (!violations.isEmpty()) {
            throw Refusal.invalid("The release refers to files or integration settings that are missing or invalid", violations);
        }
        releases.lockApp(app.key());
        if (app.currentVersion() != null && Versions.compare(d.version(), app.currentVersion()) <= 0) {
            throw new Refusal(Refusal.Kind.CONFLICT, "Version not newer", "Version " + d.version()
                    + " is not newer than the live version " + app.currentVersion() + " of " + app.key(),
                    List.of(new Violation("/version", "must be newer than " + app.currentVersion())));
        }
        releases.findInFlight(app.key()).ifPresent(other -> {
            throw Refusal.conflict("Release " + other.id() + " (" + other.version() + ") of " + app.key()
                    + " is still " + other.state() + "; one release per app at a time");
        });

        Instant now = Instant.now();
        Release release = new Release(UUID.randomUUID().toString(), app.key(), d.version(), user.id(),
                ReleaseState.AWAITING_APPROVAL, d.changeClasses().stream().map(ChangeClass::id).toList(),
                d.description(), descriptorYaml, flows, artifact == null ? null : FlowsHash.sha256(artifact), null, null, null,
                app.currentVersion(), now, now);
        releases.insert(release);
        if (migration != null) {
            migration.keepFor(release.id());
        }
        history.record(release.id(), new ReleaseFact.Submitted(d.app(), d.version(), user.id()));
        // Rollguard's own definition, not the latest of the key; the requester variable is for display only,
        // four-eyes reads the requester from rg_release
        String processInstanceId = runtime.startProcessInstanceById(
                definitions.definitionId(ReleaseVariables.PROCESS_LIFECYCLE), release.id(),
                Variables.createVariables()
                        .putValue(ReleaseVariables.RELEASE_ID, release.id())
                        .putValue(ReleaseVariables.APP, app.key())
                        .putValue(ReleaseVariables.VERSION, d.version())
                        .putValue(ReleaseVariables.REQUESTER, user.id())
                        .putValue(ReleaseVariables.EFFECTIVE_PLAN, EffectivePlan.describe(d, floor)))
                .getId();
        releases.setProcessInstance(release.id(), processInstanceId);
        return releases.get(release.id());
    }

    /** The descriptor's {@code integrations[]} as the integration feature reads them. */
    public Release read(CurrentUser user, String id) {
        Release release = releases.find(id).orElseThrow(() -> Refusal.notFound("Release '" + id + "'"));
        App app = apps.find(release.appKey()).orElseThrow(() -> Refusal.notFound("App '" + release.appKey() + "'"));
        if (!permissions.canRead(user, app)) {
            throw Refusal.forbidden("You may not read releases of app '" + app.key() + "'");
        }
        return release;
    }

    public List<ReleaseEvent> history(String id) {
        return history.of(id);
    }

    /** Pages beyond this are refused: page * size must stay an offset the database takes. */
    static final int MAX_PAGE = 1_000_000;
    static final int MAX_PAGE_SIZE = 200;

    /**
     * The releases this user may read that match the filter, one page of them, newest first.
     * A page or size out of range is a 400 naming it, never an overflowing offset.
     */
    public ReleasePage search(CurrentUser user, ReleaseFilter filter, int page, int size) {
        List<Violation> violations = new ArrayList<>();
        if (page < 0 || page > MAX_PAGE) {
            violations.add(new Violation("page", "must be between 0 and " + MAX_PAGE + ", was " + page));
        }
        if (size < 1 || size > MAX_PAGE_SIZE) {
            violations.add(new Violation("size", "must be between 1 and " + MAX_PAGE_SIZE + ", was " + size));
        }
        if (!violations.isEmpty()) {
            throw Refusal.invalid("The page asked for is out of range", violations);
        }
        List<String> readable = permissions.canReadAllReleases(user) ? null
                : apps.findAll().stream().filter(a -> permissions.canRead(user, a)).map(App::key).toList();
        return new ReleasePage(releases.search(filter, readable, Math.toIntExact((long) page * size), size),
                releases.count(filter, readable), page, size);
    }

    /** Not one transaction: each correlation attempt is its own, so a missed one leaves nothing behind. */
    public Release abort(CurrentUser user, String id) {
        Release release = read(user, id);
        App app = apps.find(release.appKey()).orElseThrow();
        if (!permissions.canAbort(user, app, release.requester())) {
            throw Refusal.forbidden("Only the requester of a release may abort it");
        }
        if (!release.state().isAbortable()) {
            throw Refusal.conflict("Release " + id + " is " + release.state() + " and can no longer be aborted");
        }
        correlateAbort(release);
        history.record(id, new ReleaseFact.AbortRequested(user.id()));
        return releases.get(id);
    }

    /**
     * The abort message is caught wherever the release waits (approval, preflight, rollout). While
     * the process moves between two steps there is briefly nothing to catch it, so try for a
     * moment before answering 409.
     */
    private void correlateAbort(Release release) {
        long deadline = System.currentTimeMillis() + ABORT_PATIENCE_MILLIS;
        while (true) {
            try {
                runtime.createMessageCorrelation(ReleaseVariables.MESSAGE_ABORT)
                        .processInstanceId(release.processInstanceId())
                        .correlateWithResult();
                return;
            } catch (MismatchingMessageCorrelationException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw Refusal.conflict("Release " + release.id() + " is between two steps (" + release.state()
                            + ") and cannot take an abort right now; try again in a moment");
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw Refusal.conflict("Interrupted while aborting release " + release.id());
                }
            }
        }
    }

    @Transactional
    public Release rollBackPromoted(CurrentUser user, String id) {
        Release release = read(user, id);
        if (!permissions.canRollBackPromoted(user)) {
            throw Refusal.forbidden("Only a release manager may roll back a promoted release");
        }
        if (release.state() != ReleaseState.PROMOTED) {
            throw Refusal.conflict("Release " + id + " is " + release.state() + "; only a PROMOTED release can be rolled back");
        }
        // serialized with submissions: a rollback must not start beside a new release of the app
        releases.lockApp(release.appKey());
        App app = apps.find(release.appKey()).orElseThrow();
        if (!release.version().equals(app.currentVersion())) {
            throw Refusal.conflict("Release " + id + " is no longer the live version of " + app.key()
                    + " (" + app.currentVersion() + " is)");
        }
        releases.findInFlight(app.key()).ifPresent(other -> {
            throw Refusal.conflict("Release " + other.id() + " (" + other.version() + ") of " + app.key()
                    + " is " + other.state() + "; roll back after it has ended");
        });
        String notUndoable = schemaChanges.whyNotUndoable(id);
        if (notUndoable != null) {
            throw Refusal.conflict("Release " + id + " cannot be rolled back: " + notUndoable);
        }
        history.record(id, new ReleaseFact.RollbackRequested(user.id()));
        runtime.startProcessInstanceById(definitions.definitionId(ReleaseVariables.PROCESS_ROLLBACK), id,
                Variables.createVariables().putValue(ReleaseVariables.RELEASE_ID, id)
                        .putValue(ReleaseVariables.APP, app.key())
                        .putValue(ReleaseVariables.VERSION, release.version())
                        .putValue(ReleaseVariables.AFTER_PROMOTION, true));
        return releases.get(id);
    }
}
