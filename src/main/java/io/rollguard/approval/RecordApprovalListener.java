package io.rollguard.approval;

import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.form.validator.FormFieldValidationException;
import org.springframework.stereotype.Component;

import io.rollguard.release.ReleaseRepository;
import io.rollguard.release.ReleaseVariables;

/**
 * Four-eyes, part two, and the record of every decision. Whoever completes an approval must be
 * identified and must not be the requester — this also holds for the Java API, where Camunda
 * authorizations are not checked. Throwing here rolls the completion back.
 */
@Component("recordApprovalListener")
class RecordApprovalListener implements TaskListener {

    private final ReleaseRepository releases;

    RecordApprovalListener(ReleaseRepository releases) {
        this.releases = releases;
    }

    @Override
    public void notify(DelegateTask task) {
        String requester = (String) task.getVariable(ReleaseVariables.REQUESTER);
        String approver = Approvers.completingUser(task);
        if (approver == null) {
            throw new ProcessEngineException("An approval must be completed by an identified user");
        }
        if (approver.equals(requester)) {
            throw new ProcessEngineException("Four-eyes rule: " + approver + " requested this release and cannot approve it");
        }
        String decision = (String) task.getVariable(ReleaseVariables.DECISION);
        String comment = (String) task.getVariable(ReleaseVariables.COMMENT);
        if (!"approve".equals(decision) && !"reject".equals(decision)) {
            throw new FormFieldValidationException(ReleaseVariables.DECISION,
                    "decision must be 'approve' or 'reject', was " + decision);
        }
        String group = (String) task.getVariable(ReleaseVariables.APPROVER_GROUP);
        String releaseId = (String) task.getVariable(ReleaseVariables.RELEASE_ID);
        releases.addEvent(releaseId, "approve".equals(decision) ? "APPROVED" : "REJECTED", approver,
                "as " + group + (comment == null || comment.isBlank() ? "" : ": " + comment));
        if ("reject".equals(decision)) {
            task.getExecution().getProcessInstance().setVariable(ReleaseVariables.REJECTED, true);
        }
        // the next approver must state their own decision, not inherit this one
        task.getExecution().getProcessInstance().removeVariable(ReleaseVariables.DECISION);
        task.getExecution().getProcessInstance().removeVariable(ReleaseVariables.COMMENT);
    }
}
