package io.rollguard.rollback;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.springframework.stereotype.Component;

import io.rollguard.release.ReleaseVariables;
import io.rollguard.release.StoredText;

/**
 * While a release manager's repair task is open, an incident says in Cockpit what differs
 * (operators watch incidents, not task lists). {@link RecordRestorationRepairListener} resolves it.
 */
@Component
class RaiseRestorationIncidentListener implements ExecutionListener {

    @Override
    public void notify(DelegateExecution execution) {
        String differences = (String) execution.getVariable(ReleaseVariables.RESTORATION_DIFFERENCES);
        execution.createIncident(ReleaseVariables.INCIDENT_RESTORATION_MISMATCH,
                (String) execution.getVariable(ReleaseVariables.RELEASE_ID),
                StoredText.clip("Restoration differs from the state before the release: "
                        + (differences == null ? "(not recorded)" : differences.replace("\n", "; "))));
    }
}
