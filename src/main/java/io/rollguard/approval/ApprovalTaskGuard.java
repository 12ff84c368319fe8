package io.rollguard.approval;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.camunda.bpm.engine.impl.cmd.AbstractAddIdentityLinkCmd;
import org.camunda.bpm.engine.impl.cmd.AbstractPatchVariablesCmd;
import org.camunda.bpm.engine.impl.cmd.ClaimTaskCmd;
import org.camunda.bpm.engine.impl.cmd.CompleteTaskCmd;
import org.camunda.bpm.engine.impl.cmd.DelegateTaskCmd;
import org.camunda.bpm.engine.impl.cmd.HandleTaskBpmnErrorCmd;
import org.camunda.bpm.engine.impl.cmd.HandleTaskEscalationCmd;
import org.camunda.bpm.engine.impl.cmd.PatchTaskVariablesCmd;
import org.camunda.bpm.engine.impl.cmd.RemoveTaskVariablesCmd;
import org.camunda.bpm.engine.impl.cmd.SaveTaskCmd;
import org.camunda.bpm.engine.impl.cmd.SetTaskVariablesCmd;
import org.camunda.bpm.engine.impl.cmd.SubmitTaskFormCmd;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.persistence.entity.TaskEntity;
import org.camunda.bpm.engine.variable.value.TypedValue;
import org.springframework.stereotype.Component;

import io.rollguard.engine.CommandGuard;
import io.rollguard.engine.Commands;
import io.rollguard.engine.EngineRefusal;

/**
 * Four-eyes and the task forms' limits for every engine command on a task, before it runs:
 * <ul>
 * <li>on an approval, the requester (from {@code rg_release}) is never made its assignee, owner,
 * delegate, claimant or candidate, whoever asks; and the requester changes nothing on it at all;</li>
 * <li>on every task of our processes, the only variables anyone writes (set, patch, remove,
 * complete, resolve, submit the form, throw an error or escalation) are the decision and the
 * comment. Other names pass only where they change nothing (Tasklist submits a form's read-only
 * fields with the values it showed); any other write is refused and nothing is stored.</li>
 * </ul>
 * The approval task's own listeners hold the same requester rule, for ways in this does not know.
 */
@Component
class ApprovalTaskGuard implements CommandGuard {

    private final ReleaseRequesters requesters;

    ApprovalTaskGuard(ReleaseRequesters requesters) {
        this.requesters = requesters;
    }

    @Override
    public void check(Command<?> command, CommandContext context) {
        if (command instanceof AbstractAddIdentityLinkCmd) {
            // assign, set owner, add a candidate user or group, or any other user identity link
            involve(context, Commands.field(command, "taskId"), Commands.field(command, "userId"), "be added to");
        } else if (command instanceof ClaimTaskCmd) {
            involve(context, Commands.field(command, "taskId"), Commands.field(command, "userId"), "claim");
        } else if (command instanceof DelegateTaskCmd) {
            involve(context, Commands.field(command, "taskId"), Commands.field(command, "userId"), "be delegated");
        } else if (command instanceof SaveTaskCmd) {
            TaskEntity changed = Commands.field(command, "task");
            if (changed.getId() != null) {
                involve(context, changed.getId(), changed.getAssignee(), "be assigned");
                involve(context, changed.getId(), changed.getOwner(), "own");
            }
        } else if (command instanceof SetTaskVariablesCmd) {
            write(context, Commands.field(command, "entityId"), Commands.field(command, "variables"), List.of(),
                    Commands.<Boolean>field(command, "isLocal"));
        } else if (command instanceof PatchTaskVariablesCmd) {
            write(context, Commands.field(command, "entityId"), Commands.field(command, "variables"),
                    Commands.<Collection<String>>field(command, "deletions"), Commands.<Boolean>field(command, "isLocal"));
        } else if (command instanceof RemoveTaskVariablesCmd) {
            write(context, Commands.field(command, "entityId"), Map.of(),
                    Commands.<Collection<String>>field(command, "variableNames"), false);
        } else if (command instanceof CompleteTaskCmd) {
            // resolving a delegated task too
            write(context, Commands.field(command, "taskId"), Commands.field(command, "variables"), List.of(), false);
        } else if (command instanceof SubmitTaskFormCmd) {
            write(context, Commands.field(command, "taskId"), Commands.field(command, "properties"), List.of(), false);
        } else if (command instanceof HandleTaskBpmnErrorCmd || command instanceof HandleTaskEscalationCmd) {
            write(context, Commands.field(command, "taskId"), Commands.field(command, "variables"), List.of(), false);
        }
    }

    /** {@code userId} is to become assignee, owner, delegate or candidate of the task. */
    private void involve(CommandContext context, String taskId, String userId, String what) {
        TaskEntity task = task(context, taskId);
        if (task == null || !ApprovalTasks.isApproval(task)) {
            return;
        }
        String requester = requesters.requesterOf(task);
        refuseRequester(context, task, requester);
        if (userId != null && userId.equals(requester)) {
            throw EngineRefusal.forbidden("Four-eyes rule: " + userId + " requested this release and may not "
                    + what + " its approval task " + taskId);
        }
    }

    private void write(CommandContext context, String taskId, Map<String, ?> variables, Collection<String> removals,
            boolean local) {
        TaskEntity task = task(context, taskId);
        if (task == null || !ApprovalTasks.isProcessTask(task)) {
            return;
        }
        if (ApprovalTasks.isApproval(task)) {
            refuseRequester(context, task, requesters.requesterOf(task));
        }
        List<String> refused = new ArrayList<>();
        if (variables != null) {
            variables.forEach((name, value) -> {
                if (!ApprovalTasks.FORM_VARIABLES.contains(name) && !unchanged(task, name, plain(value), local)) {
                    refused.add(name);
                }
            });
        }
        if (removals != null) {
            removals.stream().filter(name -> !ApprovalTasks.FORM_VARIABLES.contains(name)).forEach(refused::add);
        }
        if (!refused.isEmpty()) {
            throw EngineRefusal.invalid("Task " + taskId + " takes only the variables " + ApprovalTasks.FORM_VARIABLES
                    + " of its form; refused: " + refused.stream().sorted().toList());
        }
    }

    /** The requester of a release changes nothing on its approvals, by any command. */
    private static void refuseRequester(CommandContext context, TaskEntity task, String requester) {
        String user = context.getAuthenticatedUserId();
        if (user != null && user.equals(requester)) {
            throw EngineRefusal.forbidden("Four-eyes rule: " + user + " requested this release and may not act on "
                    + "its approval task " + task.getId());
        }
    }

    /** Writing this would change nothing: the variable exists where it would be written, with this value. */
    private static boolean unchanged(TaskEntity task, String name, Object value, boolean local) {
        return local ? task.hasVariableLocal(name) && Objects.equals(value, task.getVariableLocal(name))
                : task.hasVariable(name) && Objects.equals(value, task.getVariable(name));
    }

    private static TaskEntity task(CommandContext context, String taskId) {
        return taskId == null ? null : context.getTaskManager().findTaskById(taskId);
    }

    private static Object plain(Object value) {
        return value instanceof TypedValue typed ? typed.getValue() : value;
    }
}
