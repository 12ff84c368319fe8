package io.rollguard.rollback;

import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.form.validator.FormFieldValidationException;
import org.camunda.bpm.engine.runtime.Incident;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.rollguard.approval.Approvers;
import io.rollguard.release.ReleaseVariables;
import io.rollguard.release.StoredText;
import io.rollguard.release.history.ReleaseFact;
import io.rollguard.release.history.ReleaseHistory;

/**
 * The release manager's side of a restoration that does not match: while their repair task is
 * open, an incident says in Cockpit what differs (operators watch incidents, not task lists);
 * completing the task records who repaired what and closes the incident before the verification
 * runs again. Called from the BPMN ({@code ${restorationRepair.raiseIncident(execution)}}).
 */
@Configuration("restorationRepair")
public class RestorationRepair {

    private final ReleaseHistory history;
    private final RuntimeService runtime;

    RestorationRepair(ReleaseHistory history, RuntimeService runtime) {
        this.history = history;
        this.runtime = runtime;
    }

    public void raiseIncident(DelegateExecution execution) {
        String differences = (String) execution.getVariable(ReleaseVariables.RESTORATION_DIFFERENCES);
        execution.createIncident(ReleaseVariables.INCIDENT_RESTORATION_MISMATCH,
                (String) execution.getVariable(ReleaseVariables.RELEASE_ID),
                StoredText.clip("Restoration differs from the state before the release: "
                        + (differences == null ? "(not recorded)" : differences.replace("\n", "; "))));
    }

    /** The repair is a person's word: identified, and saying what they did. */
    @Bean
    TaskListener recordRestorationRepairListener() {
        return task -> {
            String user = Approvers.completingUser(task);
            if (user == null) {
                throw new ProcessEngineException("A repair must be reported by an identified user");
            }
            String comment = (String) task.getVariable(ReleaseVariables.COMMENT);
            if (comment == null || comment.isBlank()) {
                throw new FormFieldValidationException(ReleaseVariables.COMMENT,
                        "comment is required: say what you did to repair the restoration");
            }
            history.record((String) task.getVariable(ReleaseVariables.RELEASE_ID),
                    new ReleaseFact.RestorationRepaired(user, comment.strip()));
            for (Incident incident : runtime.createIncidentQuery().processInstanceId(task.getProcessInstanceId())
                    .incidentType(ReleaseVariables.INCIDENT_RESTORATION_MISMATCH).list()) {
                runtime.resolveIncident(incident.getId());
            }
            task.getExecution().getProcessInstance().removeVariable(ReleaseVariables.COMMENT);
        };
    }
}
