package io.rollguard.portal;

import java.util.TreeSet;

import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

import io.rollguard.security.CurrentUser;
import io.rollguard.security.Permissions;
import io.rollguard.web.PortalPage;

/** What the shared layout shows about the signed-in user: name, roles and the links they may use. */
@ControllerAdvice(assignableTypes = PortalPage.class)
class PortalModel {

    record Portal(String userId, String roles, boolean canSubmit, boolean canAudit, boolean seesAllReleases) {
    }

    private final Permissions permissions;

    PortalModel(Permissions permissions) {
        this.permissions = permissions;
    }

    @ModelAttribute
    void portal(Model model) {
        CurrentUser user = CurrentUser.get();
        model.addAttribute("portal", new Portal(user.id(), String.join(", ", new TreeSet<>(user.groups())),
                permissions.canSubmitAny(user), permissions.canAudit(user), permissions.canReadAllReleases(user)));
    }
}
