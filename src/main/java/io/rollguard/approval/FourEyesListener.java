package io.rollguard.approval;

import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.Permissions;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.authorization.TaskPermissions;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.task.IdentityLink;
import org.springframework.stereotype.Component;

import io.rollguard.engine.EngineRefusal;

/**
 * Four-eyes, part one. When an approval task is created, the requester (as stored in
 * {@code rg_release}) loses every right on it: a user-level REVOKE beats the grants their groups get
 * as candidates, so Tasklist hides the task from them and Camunda's REST API answers 403 with the
 * task untouched. On {@code assignment} and {@code update} the task must not have been given to the
 * requester after all (as assignee, owner or candidate user): {@link ApprovalTaskGuard} refuses the
 * commands it knows beforehand with a clean 403, this refuses whatever way in is left.
 */
@Component("fourEyesListener")
class FourEyesListener implements TaskListener {

    private final ReleaseRequesters requesters;

    FourEyesListener(ReleaseRequesters requesters) {
        this.requesters = requesters;
    }

    @Override
    public void notify(DelegateTask task) {
        String requester = requesters.requesterOf(task);
        if (EVENTNAME_CREATE.equals(task.getEventName())) {
            revoke(task, requester);
        }
        if (requester.equals(task.getAssignee()) || requester.equals(task.getOwner())) {
            throw refusal(task, requester);
        }
        for (IdentityLink candidate : task.getCandidates()) {
            if (requester.equals(candidate.getUserId())) {
                throw refusal(task, requester);
            }
        }
    }

    private static EngineRefusal.Forbidden refusal(DelegateTask task, String requester) {
        return EngineRefusal.forbidden("Four-eyes rule: " + requester + " requested this release; its approval task "
                + task.getId() + " is never theirs");
    }

    private static void revoke(DelegateTask task, String requester) {
        AuthorizationService authorizations = task.getProcessEngineServices().getAuthorizationService();
        Context.getCommandContext().runWithoutAuthorization(() -> {
            Authorization revoke = authorizations.createNewAuthorization(Authorization.AUTH_TYPE_REVOKE);
            revoke.setUserId(requester);
            revoke.setResource(Resources.TASK);
            revoke.setResourceId(task.getId());
            revoke.removePermission(Permissions.READ);
            revoke.removePermission(Permissions.UPDATE);
            revoke.removePermission(TaskPermissions.TASK_WORK);
            revoke.removePermission(TaskPermissions.TASK_ASSIGN);
            revoke.removePermission(TaskPermissions.UPDATE_VARIABLE);
            authorizations.saveAuthorization(revoke);
            return null;
        });
    }
}
