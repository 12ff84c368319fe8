package io.rollguard.release;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.delegate.Expression;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.context.annotation.Scope;
import org.springframework.stereotype.Component;

/**
 * Every state change of a release is one of these listeners in the BPMN, with the state as a field
 * ({@code <camunda:field name="state" stringValue="PREFLIGHT"/>}, or an expression such as
 * {@code ${finalState}}; an optional {@code detail} joins the STATE history entry). So the diagram
 * says where a release changes state, and the state is written in the same transaction as the step.
 * <p>
 * A prototype: the engine injects the fields into the instance the expression resolves to, so
 * every notification gets its own (a shared singleton would mix the fields of concurrent jobs).
 */
@Component
@Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
class SetReleaseStateListener implements ExecutionListener {

    private final ReleaseStates states;
    /** Injected by the engine into the field itself (no setters: this class is not public). */
    private Expression state;
    private Expression detail;

    SetReleaseStateListener(ReleaseStates states) {
        this.states = states;
    }

    @Override
    public void notify(DelegateExecution execution) {
        if (state == null) {
            throw new IllegalStateException("setReleaseStateListener at " + execution.getCurrentActivityId()
                    + " has no state field");
        }
        String releaseId = (String) execution.getVariable(ReleaseVariables.RELEASE_ID);
        Object text = detail == null ? null : detail.getValue(execution);
        states.enter(releaseId, ReleaseState.valueOf((String) state.getValue(execution)),
                text == null ? null : text.toString());
    }
}
