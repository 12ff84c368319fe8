package io.rollguard.approval;

import java.util.List;

import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.identity.Authentication;

/** Who is completing a task: the authenticated user of the current engine call. */
public final class Approvers {

    private Approvers() {
    }

    public static String completingUser(DelegateTask task) {
        Authentication auth = task.getProcessEngineServices().getIdentityService().getCurrentAuthentication();
        return auth == null ? null : auth.getUserId();
    }

    /**
     * Whether {@code user} is in {@code group}: the groups of the engine call's authentication where
     * the caller's identity handed them over (REST, Tasklist), otherwise the identity service's.
     */
    static boolean isMember(DelegateTask task, String user, String group) {
        Authentication auth = task.getProcessEngineServices().getIdentityService().getCurrentAuthentication();
        List<String> groups = auth == null || !user.equals(auth.getUserId()) ? null : auth.getGroupIds();
        if (groups != null) {
            return groups.contains(group);
        }
        // the approver may not read users themselves: this question is Rollguard's, not theirs
        return Context.getCommandContext().runWithoutAuthorization(() -> task.getProcessEngineServices()
                .getIdentityService().createUserQuery().userId(user).memberOfGroup(group).count() > 0);
    }
}
