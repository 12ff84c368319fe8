package io.rollguard.release;

import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import io.rollguard.app.App;
import io.rollguard.app.AppRepository;
import io.rollguard.release.history.ReleaseEvent;
import io.rollguard.security.CurrentUser;
import io.rollguard.security.Permissions;
import io.rollguard.refusal.Refusal;
import io.rollguard.web.PageProblems;
import io.rollguard.web.PortalPage;
import jakarta.servlet.http.HttpServletResponse;

/** The portal's release pages: list, one release (live), submit, abort and roll back with a confirmation step. */
@Controller
class ReleasePages implements PortalPage {

    static final int PAGE_SIZE = 25;

    private final ReleaseService releases;
    private final AppRepository apps;
    private final Permissions permissions;
    private final io.rollguard.release.descriptor.DescriptorParser descriptors;

    ReleasePages(ReleaseService releases, AppRepository apps, Permissions permissions,
            io.rollguard.release.descriptor.DescriptorParser descriptors) {
        this.descriptors = descriptors;
        this.releases = releases;
        this.apps = apps;
        this.permissions = permissions;
    }

    @ExceptionHandler(Refusal.class)
    String problem(Refusal problem, HttpServletResponse response, Model model) {
        return PageProblems.render(problem, response, model);
    }

    @GetMapping("/releases")
    String list(@RequestParam(required = false) String app, @RequestParam(required = false) String state,
            @RequestParam(required = false) String requester, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(defaultValue = "0") int page, Model model) {
        ReleaseFilter filter = filter(app, state, requester, from, to);
        CurrentUser user = CurrentUser.get();
        model.addAttribute("result", releases.search(user, filter, page, PAGE_SIZE));
        model.addAttribute("filter", filter);
        model.addAttribute("states", ReleaseState.values());
        model.addAttribute("apps", apps.findAll().stream().filter(a -> permissions.canRead(user, a)).map(App::key).toList());
        return "releases/list";
    }

    /** Shared with the API: blank means "any", a malformed value is a 400 naming the parameter. */
    static ReleaseFilter filter(String app, String state, String requester, String from, String to) {
        List<Refusal.Violation> violations = new ArrayList<>();
        ReleaseState s = null;
        if (state != null && !state.isBlank()) {
            try {
                s = ReleaseState.valueOf(state);
            } catch (IllegalArgumentException e) {
                violations.add(new Refusal.Violation("state", "'" + state + "' is not a release state"));
            }
        }
        LocalDate f = date("from", from, violations);
        LocalDate t = date("to", to, violations);
        if (!violations.isEmpty()) {
            throw Refusal.invalid("The filter is invalid", violations);
        }
        return new ReleaseFilter(blankToNull(app), s, blankToNull(requester), f, t, false);
    }

    private static LocalDate date(String name, String value, List<Refusal.Violation> violations) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            violations.add(new Refusal.Violation(name, "'" + value + "' is not a date like 2026-11-27"));
            return null;
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    @GetMapping("/releases/{id}")
    String show(@PathVariable String id, Model model) {
        live(id, model);
        return "releases/show";
    }

    /** The part of the release page that changes; the page swaps it in when the status says so. */
    @GetMapping("/releases/{id}/live")
    String liveFragment(@PathVariable String id, Model model) {
        live(id, model);
        return "releases/show :: live";
    }

    /** Cheap change detection for the polling page: the version changes with every new event or step. */
    @GetMapping(value = "/releases/{id}/status", produces = "application/json")
    @ResponseBody
    Map<String, Object> status(@PathVariable String id) {
        Release release = releases.read(CurrentUser.get(), id);
        int events = releases.history(id).size();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("state", release.state());
        status.put("currentStep", release.currentStep());
        status.put("currentWeight", release.currentWeight());
        status.put("version", version(release, events));
        return status;
    }

    private static String version(Release release, int events) {
        return release.state() + "/" + release.currentStep() + "/" + release.currentWeight() + "/" + events;
    }

    private void live(String id, Model model) {
        CurrentUser user = CurrentUser.get();
        Release release = releases.read(user, id);
        App app = apps.find(release.appKey()).orElseThrow();
        List<ReleaseEvent> history = releases.history(id);
        model.addAttribute("release", release);
        model.addAttribute("details", ReleaseDetails.of(history));
        model.addAttribute("version", version(release, history.size()));
        model.addAttribute("canAbort", permissions.canAbort(user, app, release.requester()) && release.state().isAbortable());
        model.addAttribute("canRollBack", permissions.canRollBackPromoted(user) && release.state() == ReleaseState.PROMOTED
                && release.version().equals(app.currentVersion()));
        model.addAttribute("canAudit", permissions.canAudit(user));
        // the kill switch sits beside the release that set the flags: one action, with a reason
        var parsed = descriptors.parse(release.descriptorYaml());
        model.addAttribute("flagKeys", parsed.isValid()
                ? parsed.descriptor().flags().stream().map(f -> f.key()).toList() : List.of());
        model.addAttribute("canKillFlags", permissions.canKillFlags(user));
    }

    @GetMapping("/releases/{id}/abort")
    String confirmAbort(@PathVariable String id, Model model) {
        return confirm(id, "abort", model);
    }

    @GetMapping("/releases/{id}/rollback")
    String confirmRollback(@PathVariable String id, Model model) {
        return confirm(id, "rollback", model);
    }

    private String confirm(String id, String action, Model model) {
        live(id, model);
        boolean allowed = (Boolean) model.getAttribute(action.equals("abort") ? "canAbort" : "canRollBack");
        if (!allowed) {
            throw Refusal.forbidden(action.equals("abort")
                    ? "Only its requester may abort this release, and only before promotion"
                    : "Only a release manager may roll back a promoted release that is still live");
        }
        model.addAttribute("action", action);
        return "releases/confirm";
    }

    @PostMapping("/releases/{id}/abort")
    String abort(@PathVariable String id, RedirectAttributes redirect) {
        releases.abort(CurrentUser.get(), id);
        redirect.addFlashAttribute("notice", "Abort requested: every completed step is being undone.");
        return "redirect:/releases/" + id;
    }

    @PostMapping("/releases/{id}/rollback")
    String rollback(@PathVariable String id, RedirectAttributes redirect) {
        releases.rollBackPromoted(CurrentUser.get(), id);
        redirect.addFlashAttribute("notice", "Rollback started: the previous version is being restored.");
        return "redirect:/releases/" + id;
    }

    @GetMapping("/releases/new")
    String submitForm(Model model) {
        requireRequester();
        return submitPage(model, CurrentUser.get(), null, "", Map.of());
    }

    /** Auditors, approvers and release managers submit nothing: refused before the descriptor is even read. */
    private void requireRequester() {
        if (!permissions.canSubmitAny(CurrentUser.get())) {
            throw Refusal.forbidden("Only requesters submit releases");
        }
    }

    /** Files are keyed by their own names, which is how the descriptor refers to them. */
    @PostMapping("/releases")
    String submit(@RequestParam(required = false) String app, @RequestParam(required = false) String descriptor,
            @RequestParam(required = false) MultipartFile descriptorFile,
            @RequestParam(required = false) List<MultipartFile> files, Model model, HttpServletResponse response,
            RedirectAttributes redirect) throws IOException {
        requireRequester();
        CurrentUser user = CurrentUser.get();
        ReleaseUpload upload = ReleaseUpload.ofForm(descriptor, descriptorFile, files);
        String yaml = upload.descriptor();
        try {
            if (app == null || app.isBlank()) {
                throw Refusal.invalid("Choose the app to release",
                        List.of(new Refusal.Violation("app", "choose one of your apps")));
            }
            Release release = releases.submit(user, yaml, upload.files(), app);
            redirect.addFlashAttribute("notice", "Release " + release.version() + " of " + release.appKey()
                    + " submitted; it now waits for approval.");
            return "redirect:/releases/" + release.id();
        } catch (Refusal problem) {
            response.setStatus(problem.kind() == Refusal.Kind.FORBIDDEN ? 403 : 400);
            model.addAttribute("problem", problem);
            return submitPage(model, user, app, yaml, byField(problem));
        }
    }

    private String submitPage(Model model, CurrentUser user, String app, String descriptor,
            Map<String, List<String>> errors) {
        model.addAttribute("ownApps", apps.findAll().stream().filter(a -> permissions.canSubmit(user, a))
                .map(App::key).toList());
        model.addAttribute("app", app);
        model.addAttribute("descriptor", descriptor);
        model.addAttribute("errors", errors);
        return "releases/new";
    }

    /**
     * Which form field a violation belongs to: the app choice, the uploaded files (what the
     * descriptor says about its files), or the descriptor itself (everything else, by path).
     */
    static Map<String, List<String>> byField(Refusal problem) {
        Map<String, List<String>> errors = new LinkedHashMap<>();
        List<Refusal.Violation> violations = problem.violations().isEmpty()
                ? List.of(new Refusal.Violation("", problem.getMessage())) : problem.violations();
        for (Refusal.Violation v : violations) {
            String field = v.path().equals("app") || v.path().equals("/app") ? "app"
                    : v.path().equals("/artifact/file") || v.path().equals("/schema/changelog") ? "files"
                    : "descriptor";
            String text = field.equals("app") || v.path().isEmpty() || v.path().equals("descriptor") ? v.message()
                    : v.path() + ": " + v.message();
            errors.computeIfAbsent(field, k -> new ArrayList<>()).add(text);
        }
        return errors;
    }
}
