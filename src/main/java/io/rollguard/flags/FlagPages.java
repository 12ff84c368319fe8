package io.rollguard.flags;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import io.rollguard.app.App;
import io.rollguard.app.AppRepository;
import io.rollguard.refusal.Refusal;
import io.rollguard.security.CurrentUser;
import io.rollguard.security.Permissions;
import io.rollguard.web.PageProblems;
import io.rollguard.web.PortalPage;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The portal's flag page of an app (its flags now and their history, for whoever reads its
 * releases) and the kill switch form a release manager uses from a release page.
 */
@Controller
class FlagPages implements PortalPage {

    static final java.util.regex.Pattern RELEASE_ID = java.util.regex.Pattern.compile("^[0-9a-f-]{36}$");

    private final AppRepository apps;
    private final Permissions permissions;
    private final FlagService flags;
    private final KillSwitch killSwitch;

    FlagPages(AppRepository apps, Permissions permissions, FlagService flags, KillSwitch killSwitch) {
        this.apps = apps;
        this.permissions = permissions;
        this.flags = flags;
        this.killSwitch = killSwitch;
    }

    @ExceptionHandler(Refusal.class)
    String problem(Refusal problem, HttpServletResponse response, Model model) {
        return PageProblems.render(problem, response, model);
    }

    @GetMapping("/apps/{key}/flags")
    String show(@PathVariable String key, Model model) {
        CurrentUser user = CurrentUser.get();
        App app = apps.find(key).orElseThrow(() -> Refusal.notFound("App '" + key + "'"));
        if (!permissions.canRead(user, app)) {
            throw Refusal.forbidden("You may not read the flags of app '" + key + "'");
        }
        model.addAttribute("appKey", app.key());
        model.addAttribute("flags", flags.flags(app).stream().map(FlagController.FlagView::of).toList());
        model.addAttribute("history", flags.history(app.key(), 200));
        model.addAttribute("canKillFlags", permissions.canKillFlags(user));
        return "flags/show";
    }

    /** The kill switch from a release page (or this app's flag page): back there with what happened. */
    @PostMapping("/apps/{key}/flags/{flag}/kill")
    String kill(@PathVariable String key, @PathVariable String flag, @RequestParam(required = false) String reason,
            @RequestParam(required = false) String release, RedirectAttributes redirect) {
        KillSwitch.Killed killed = killSwitch.kill(CurrentUser.get(), key, flag, reason);
        redirect.addFlashAttribute("notice", killed.detail() + ".");
        // only a release id goes into the redirect, never a URL the form was given
        return release != null && RELEASE_ID.matcher(release).matches() ? "redirect:/releases/" + release
                : "redirect:/apps/" + killed.app() + "/flags";
    }
}
