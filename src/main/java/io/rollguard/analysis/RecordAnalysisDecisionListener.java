package io.rollguard.analysis;

import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.springframework.stereotype.Component;

import io.rollguard.approval.TaskDecisions;
import io.rollguard.release.ReleaseVariables;
import io.rollguard.release.history.ReleaseFact;
import io.rollguard.release.history.ReleaseHistory;

/**
 * Records a release manager's decision on a held analysis; the decision is theirs alone. The
 * model routes on {@code analysisDecision}: the form's own variables are cleared for the next hold.
 */
@Component
class RecordAnalysisDecisionListener implements TaskListener {

    private final ReleaseHistory history;

    RecordAnalysisDecisionListener(ReleaseHistory history) {
        this.history = history;
    }

    @Override
    public void notify(DelegateTask task) {
        String user = TaskDecisions.identifiedUser(task, "An analysis decision must be made by an identified user");
        String decision = TaskDecisions.decision(task, "continue", "rollback");
        String comment = TaskDecisions.comment(task);
        history.record((String) task.getVariable(ReleaseVariables.RELEASE_ID),
                new ReleaseFact.AnalysisDecided(user, decision, comment));
        task.getExecution().getProcessInstance().setVariable(ReleaseVariables.ANALYSIS_DECISION, decision);
        TaskDecisions.clearForm(task);
    }
}
