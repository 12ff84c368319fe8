package io.rollguard.approval;

import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.springframework.stereotype.Component;

import io.rollguard.engine.EngineRefusal;
import io.rollguard.release.Release;
import io.rollguard.release.ReleaseVariables;
import io.rollguard.release.history.ReleaseFact;
import io.rollguard.release.history.ReleaseHistory;

/**
 * Four-eyes, part two, and the record of every decision. Whoever completes an approval is the
 * authenticated user of the engine call, and must
 * <ul>
 * <li>not be the requester stored in {@code rg_release} (not a variable anyone could write);</li>
 * <li>be in the group the task is for (the policy's group this instance of the multi-instance
 *  task was made for): an approval handed to someone outside the group counts for nothing;</li>
 * <li>not have decided another approval of the same release: a policy that asks two groups asks
 * two people, even when one person is in both groups.</li>
 * </ul>
 * This also holds for the Java API, where Camunda authorizations are not checked. Throwing here
 * rolls the completion back.
 */
@Component("recordApprovalListener")
class RecordApprovalListener implements TaskListener {

    private final ReleaseHistory history;
    private final ReleaseRequesters requesters;

    RecordApprovalListener(ReleaseHistory history, ReleaseRequesters requesters) {
        this.history = history;
        this.requesters = requesters;
    }

    @Override
    public void notify(DelegateTask task) {
        Release release = requesters.releaseOf(task);
        String approver = TaskDecisions.identifiedUser(task, "An approval must be completed by an identified user");
        if (approver.equals(release.requester())) {
            throw EngineRefusal.forbidden("Four-eyes rule: " + approver + " requested this release and cannot approve it");
        }
        String group = candidateGroup(task);
        if (!Approvers.isMember(task, approver, group)) {
            throw EngineRefusal.forbidden(approver + " is not in group " + group + ", which this approval is for");
        }
        boolean decidedBefore = history.of(release.id()).stream().anyMatch(
                e -> e.fact() instanceof ReleaseFact.ApprovalDecision d && approver.equals(d.user()));
        if (decidedBefore) {
            throw EngineRefusal.forbidden(approver + " has already decided an approval of this release; "
                    + "each required group needs another person");
        }
        String decision = TaskDecisions.decision(task, "approve", "reject");
        String comment = TaskDecisions.comment(task);
        history.record(release.id(), "approve".equals(decision) ? new ReleaseFact.Approved(group, approver, comment)
                : new ReleaseFact.Rejected(group, approver, comment));
        if ("reject".equals(decision)) {
            task.getExecution().getProcessInstance().setVariable(ReleaseVariables.REJECTED, true);
        }
        // the next approver must state their own decision, not inherit this one
        TaskDecisions.clearForm(task);
    }

    /**
     * The multi-instance element variable of the task's own execution, which the engine set from the
     * policy's result; no API caller writes it (execution variables need rights nobody has, and
     * {@link ApprovalTaskGuard} keeps task commands to the form's variables).
     */
    private static String candidateGroup(DelegateTask task) {
        Object group = task.getExecution().getVariableLocal(ReleaseVariables.APPROVER_GROUP);
        if (!(group instanceof String name)) {
            throw EngineRefusal.forbidden("Approval task " + task.getId() + " has no approver group");
        }
        return name;
    }
}
