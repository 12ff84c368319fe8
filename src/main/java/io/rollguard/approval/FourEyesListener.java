package io.rollguard.approval;

import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.Permissions;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.authorization.TaskPermissions;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.context.Context;
import org.springframework.stereotype.Component;

import io.rollguard.release.ReleaseVariables;

/**
 * Four-eyes, part one: when an approval task is created, the requester loses every right on
 * it. A user-level REVOKE beats the grants their groups get as candidates, so Tasklist hides
 * the task from them and Camunda's REST API answers 403 with the task untouched.
 */
@Component("fourEyesListener")
class FourEyesListener implements TaskListener {

    @Override
    public void notify(DelegateTask task) {
        String requester = (String) task.getVariable(ReleaseVariables.REQUESTER);
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
