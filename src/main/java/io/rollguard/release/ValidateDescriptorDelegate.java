package io.rollguard.release;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import io.rollguard.release.descriptor.ChangeClass;
import io.rollguard.release.descriptor.ReleaseDescriptor;
import io.rollguard.release.history.ReleaseFact;
import io.rollguard.release.history.ReleaseHistory;

/**
 * Re-reads the stored descriptor, compares the flows with what the stable slot runs, and derives
 * what the approval policy and the rollout need. The classes are the declared ones plus those the
 * comparison found evidence for: a declared class without evidence stays, evidence adds its class.
 * Asynchronous in the lifecycle (the stable slot is read over HTTP): a slot that cannot be read makes
 * the release compared with nothing live, every node added, and the diff summary says why.
 */
@Component
class ValidateDescriptorDelegate implements JavaDelegate {

    private final ReleaseContexts contexts;
    private final SchemaChanges schemaChanges;
    private final FlowChanges flowChanges;
    private final ReleaseRepository releases;
    private final ReleaseHistory history;

    ValidateDescriptorDelegate(ReleaseContexts contexts, SchemaChanges schemaChanges, FlowChanges flowChanges,
            ReleaseRepository releases, ReleaseHistory history) {
        this.contexts = contexts;
        this.schemaChanges = schemaChanges;
        this.flowChanges = flowChanges;
        this.releases = releases;
        this.history = history;
    }

    @Override
    public void execute(DelegateExecution execution) {
        ReleaseContext ctx = contexts.of(execution);
        ReleaseDescriptor d = ctx.descriptor();
        FlowChanges.Comparison comparison = flowChanges.compare(ctx.app(), ctx.release());
        Set<ChangeClass> classes = classes(d.changeClasses(), comparison.classes());
        List<String> ids = classes.stream().map(ChangeClass::id).toList();
        if (!ids.equals(ctx.release().changeClasses())) {
            releases.setChangeClasses(ctx.release().id(), ids);
        }
        if (!comparison.evidence().isEmpty()) {
            history.record(ctx.release().id(), new ReleaseFact.ChangesDerived(
                    comparison.classes().stream().map(ChangeClass::id).sorted().toList(), comparison.evidence()));
        }
        execution.setVariable(ReleaseVariables.SCHEMA_CHANGE, classes.contains(ChangeClass.SCHEMA));
        execution.setVariable(ReleaseVariables.INTEGRATION_CHANGE, classes.contains(ChangeClass.INTEGRATION));
        execution.setVariable(ReleaseVariables.FLAG_CHANGE, !d.flags().isEmpty());
        execution.setVariable(ReleaseVariables.FLAG_ONLY, d.flagOnly());
        execution.setVariable(ReleaseVariables.CHANGE_CLASSES, String.join(", ", ids));
        // one list for the approvers: the classes' evidence and the high-risk nodes, all from the node policy
        execution.setVariable(ReleaseVariables.CHANGE_EVIDENCE, StoredText.clip(Stream.concat(
                comparison.evidence().stream(), comparison.highRisk().stream()).collect(Collectors.joining("\n"))));
        execution.setVariable(ReleaseVariables.DIFF_SUMMARY, ReleaseDiff.summary(ctx, comparison));
        execution.setVariable(ReleaseVariables.STEP_COUNT, d.rollout().steps().size());
        execution.setVariable(ReleaseVariables.STEP_INDEX, 0);
        execution.setVariable(ReleaseVariables.ON_FAILURE, d.rollout().onFailure().name().toLowerCase());
        execution.setVariable(ReleaseVariables.REJECTED, false);
        // data a rollback alone cannot bring back, or a changed node the node policy marks, makes the
        // release high risk for its approvers and the approval policy (the reasons: destructiveChanges, changeEvidence);
        // the reasons go into the history too, so the audit trail says why approvers were told "high"
        String destructive = schemaChanges.destructiveChanges(ctx.release().id());
        boolean highRisk = destructive != null || !comparison.highRisk().isEmpty();
        if (highRisk) {
            history.record(ctx.release().id(), new ReleaseFact.HighRiskFound(comparison.highRisk(), destructive));
        }
        execution.setVariable(ReleaseVariables.RISK, highRisk ? "high" : "normal");
        execution.setVariable(ReleaseVariables.DESTRUCTIVE_CHANGES, destructive);
    }

    /** Declared and derived together; ordinary only when neither names another class. */
    static Set<ChangeClass> classes(Set<ChangeClass> declared, Set<ChangeClass> derived) {
        Set<ChangeClass> all = EnumSet.noneOf(ChangeClass.class);
        all.addAll(declared);
        all.addAll(derived);
        if (all.size() > 1) {
            all.remove(ChangeClass.ORDINARY);
        }
        return all.isEmpty() ? EnumSet.of(ChangeClass.ORDINARY) : all;
    }
}
