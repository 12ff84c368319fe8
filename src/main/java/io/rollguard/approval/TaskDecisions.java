package io.rollguard.approval;

import java.util.Set;

import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.impl.form.validator.FormFieldValidationException;

import io.rollguard.release.ReleaseVariables;

/**
 * What the "complete" listeners of every person's task (approval, analysis decision, restoration
 * repair) read from the completion: who is completing it, and what their form said. A decision
 * is a person's word: no authenticated user, no decision. Form input that is not one of the choices
 * is a {@link FormFieldValidationException}, which Tasklist and the REST API show as a 400.
 */
public final class TaskDecisions {

    private TaskDecisions() {
    }

    /** The authenticated user of the engine call; refused with {@code refusal} when there is none. */
    public static String identifiedUser(DelegateTask task, String refusal) {
        String user = Approvers.completingUser(task);
        if (user == null) {
            throw new ProcessEngineException(refusal);
        }
        return user;
    }

    /** The form's {@code decision}, which must be one of {@code choices}. */
    public static String decision(DelegateTask task, String first, String second) {
        String decision = (String) task.getVariable(ReleaseVariables.DECISION);
        if (!Set.of(first, second).contains(decision)) {
            throw new FormFieldValidationException(ReleaseVariables.DECISION,
                    "decision must be '" + first + "' or '" + second + "', was " + decision);
        }
        return decision;
    }

    /** The form's {@code comment}, or null when none was given. */
    public static String comment(DelegateTask task) {
        String comment = (String) task.getVariable(ReleaseVariables.COMMENT);
        return comment == null || comment.isBlank() ? null : comment;
    }

    /** The form's {@code comment}, stripped; refused when blank, saying {@code why} it is needed. */
    public static String requiredComment(DelegateTask task, String why) {
        String comment = comment(task);
        if (comment == null) {
            throw new FormFieldValidationException(ReleaseVariables.COMMENT, "comment is required: " + why);
        }
        return comment.strip();
    }

    /**
     * Removes the form's variables from the process instance once the decision is recorded: the
     * next task (a parallel approval, the next hold, the next repair) starts from an empty form
     * instead of inheriting this one. What the model routes on afterwards is a variable of its own.
     */
    public static void clearForm(DelegateTask task) {
        task.getExecution().getProcessInstance().removeVariable(ReleaseVariables.DECISION);
        task.getExecution().getProcessInstance().removeVariable(ReleaseVariables.COMMENT);
    }
}
