package io.rollguard.portal;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

import io.rollguard.release.ReleaseFilter;
import io.rollguard.release.ReleaseService;
import io.rollguard.release.ReleaseState;
import io.rollguard.security.CurrentUser;
import io.rollguard.security.Permissions;
import io.rollguard.web.PortalPage;

/** The start page: what needs my attention. */
@Controller
class HomeController implements PortalPage {

    private final ReleaseService releases;
    private final Permissions permissions;

    HomeController(ReleaseService releases, Permissions permissions) {
        this.releases = releases;
        this.permissions = permissions;
    }

    @GetMapping("/")
    String home(Model model) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || auth instanceof AnonymousAuthenticationToken) {
            // "/" is open so health checks and bookmarks work; signing in starts from a protected page
            return "redirect:/releases";
        }
        CurrentUser user = CurrentUser.get();
        if (permissions.canSubmitAny(user)) {
            model.addAttribute("mine", releases.search(user,
                    new ReleaseFilter(null, null, user.id(), null, null, true), 0, 50));
        }
        if (permissions.canDecideHolds(user)) {
            model.addAttribute("held", releases.search(user,
                    new ReleaseFilter(null, ReleaseState.ON_HOLD, null, null, null, false), 0, 50));
            // a rollback whose verification found differences waits for them (a repair task in Tasklist)
            model.addAttribute("rollingBack", releases.search(user,
                    new ReleaseFilter(null, ReleaseState.ROLLING_BACK, null, null, null, false), 0, 50));
        }
        model.addAttribute("recent", releases.search(user, ReleaseFilter.none(), 0, 10));
        return "home";
    }
}
