package io.rollguard.security;

import org.springframework.stereotype.Component;

/**
 * Every permission decision of our own API in one place. Camunda's side (who may work on which
 * task) is expressed as Camunda authorizations, see {@link CamundaAuthorizations}.
 */
@Component
public class Permissions {

    public boolean canManageApps(CurrentUser user) {
        return user.isIn(Roles.ADMIN);
    }

    /** The analysis floor holds the owners to a minimum: they never set it themselves. */
    public boolean canSetAnalysisFloor(CurrentUser user) {
        return user.isIn(Roles.ADMIN);
    }

    /** Only a requester who owns the app may ask for a release of it. */
    public boolean canSubmit(CurrentUser user, Owned app) {
        return user.isIn(Roles.REQUESTER) && app.isOwnedBy(user.id());
    }

    /** Whether to offer the submit page at all; which apps they may release is {@link #canSubmit}. */
    public boolean canSubmitAny(CurrentUser user) {
        return user.isIn(Roles.REQUESTER);
    }

    public boolean canAbort(CurrentUser user, Owned app, String requester) {
        return canSubmit(user, app) && user.id().equals(requester);
    }

    public boolean canRollBackPromoted(CurrentUser user) {
        return user.isIn(Roles.RELEASE_MANAGER);
    }

    /** The kill switch: a release manager turns a flag off at once, outside any release. */
    public boolean canKillFlags(CurrentUser user) {
        return user.isIn(Roles.RELEASE_MANAGER);
    }

    /** The audit trail is for the people who review releases, not for those who make them. */
    public boolean canAudit(CurrentUser user) {
        return user.isIn(Roles.AUDITOR) || user.isIn(Roles.ADMIN);
    }

    /** Owners follow their apps' releases; the people who judge or audit releases see all of them. */
    public boolean canRead(CurrentUser user, Owned app) {
        return app.isOwnedBy(user.id()) || canReadAllReleases(user);
    }

    public boolean canReadAllReleases(CurrentUser user) {
        return user.isIn(Roles.AUDITOR) || user.isIn(Roles.ADMIN) || user.isIn(Roles.RELEASE_MANAGER)
                || user.isIn(Roles.APPROVER) || user.isIn(Roles.SCHEMA_APPROVER)
                || user.isIn(Roles.INTEGRATION_APPROVER);
    }

    /** Release managers decide held analyses, so their start page lists held releases. */
    public boolean canDecideHolds(CurrentUser user) {
        return user.isIn(Roles.RELEASE_MANAGER);
    }
}
