package io.rollguard.release;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

import io.rollguard.release.history.ReleaseFact;
import io.rollguard.release.history.ReleaseHistory;

/**
 * Called from execution listeners in the BPMN ({@code ${releaseStates.enter(execution, 'PREFLIGHT')}})
 * so the diagram says where a release changes state, and the state is written in the same
 * transaction as the process step.
 */
@Component("releaseStates")
public class ReleaseStates {

    private final ReleaseRepository releases;
    private final ReleaseHistory history;

    ReleaseStates(ReleaseRepository releases, ReleaseHistory history) {
        this.releases = releases;
        this.history = history;
    }

    public void enter(DelegateExecution execution, String state) {
        String releaseId = (String) execution.getVariable(ReleaseVariables.RELEASE_ID);
        enter(releaseId, ReleaseState.valueOf(state), null);
    }

    public void enter(String releaseId, ReleaseState state, String detail) {
        Release current = releases.get(releaseId);
        if (current.state() == state) {
            return;
        }
        releases.updateState(releaseId, state);
        history.record(releaseId, new ReleaseFact.StateChanged(state, detail));
    }
}
