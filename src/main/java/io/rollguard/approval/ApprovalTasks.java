package io.rollguard.approval;

import java.util.Set;

import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.camunda.bpm.engine.impl.persistence.entity.TaskEntity;

import io.rollguard.release.ReleaseVariables;

/** Which tasks are approvals, and what their forms may write. */
final class ApprovalTasks {

    static final String APPROVE_CHANGE = "UserTask_ApproveChange";
    /** The only variables our task forms set (approval, analysis decision, restoration repair). */
    static final Set<String> FORM_VARIABLES = Set.of(ReleaseVariables.DECISION, ReleaseVariables.COMMENT);

    private ApprovalTasks() {
    }

    static boolean isApproval(TaskEntity task) {
        ExecutionEntity execution = task.getExecution();
        return APPROVE_CHANGE.equals(task.getTaskDefinitionKey()) && execution != null
                && ReleaseVariables.PROCESS_LIFECYCLE.equals(execution.getProcessDefinition().getKey());
    }

    /** A task of one of our processes (every process task: only Rollguard's processes are deployed). */
    static boolean isProcessTask(TaskEntity task) {
        return task.getExecution() != null;
    }
}
