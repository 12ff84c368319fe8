package io.rollguard.rollback;

import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.runtime.Incident;
import org.springframework.stereotype.Component;

import io.rollguard.approval.TaskDecisions;
import io.rollguard.release.ReleaseVariables;
import io.rollguard.release.history.ReleaseFact;
import io.rollguard.release.history.ReleaseHistory;

/**
 * The repair is a person's word: identified, and saying what they did. Completing the task records
 * who repaired what and closes the incident before the verification runs again.
 */
@Component
class RecordRestorationRepairListener implements TaskListener {

    private final ReleaseHistory history;
    private final RuntimeService runtime;

    RecordRestorationRepairListener(ReleaseHistory history, RuntimeService runtime) {
        this.history = history;
        this.runtime = runtime;
    }

    @Override
    public void notify(DelegateTask task) {
        String user = TaskDecisions.identifiedUser(task, "A repair must be reported by an identified user");
        String comment = TaskDecisions.requiredComment(task, "say what you did to repair the restoration");
        history.record((String) task.getVariable(ReleaseVariables.RELEASE_ID),
                new ReleaseFact.RestorationRepaired(user, comment.strip()));
        for (Incident incident : runtime.createIncidentQuery().processInstanceId(task.getProcessInstanceId())
                .incidentType(ReleaseVariables.INCIDENT_RESTORATION_MISMATCH).list()) {
            runtime.resolveIncident(incident.getId());
        }
        TaskDecisions.clearForm(task);
    }
}
