package io.rollguard.audit;

import java.io.IOException;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

import io.rollguard.release.ReleaseService;
import io.rollguard.security.CurrentUser;
import io.rollguard.security.Permissions;
import io.rollguard.refusal.Refusal;
import io.rollguard.web.PageProblems;
import io.rollguard.web.PortalPage;
import jakarta.servlet.http.HttpServletResponse;

/** Auditor pages: verify the trail, download it, read one release's timeline. They change nothing. */
@Controller
class AuditPages implements PortalPage {

    private final AuditTrail trail;
    private final AuditController api;
    private final ReleaseTimeline timeline;
    private final ReleaseService releases;
    private final Permissions permissions;

    AuditPages(AuditTrail trail, AuditController api, ReleaseTimeline timeline, ReleaseService releases,
            Permissions permissions) {
        this.trail = trail;
        this.api = api;
        this.timeline = timeline;
        this.releases = releases;
        this.permissions = permissions;
    }

    @ExceptionHandler(Refusal.class)
    String problem(Refusal problem, HttpServletResponse response, Model model) {
        return PageProblems.render(problem, response, model);
    }

    @GetMapping("/audit")
    String audit(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(required = false) String verify, Model model) {
        requireAuditor();
        model.addAttribute("from", from);
        model.addAttribute("to", to);
        if (verify != null) {
            AuditPeriod period = AuditPeriod.parse(from, to);
            model.addAttribute("result", trail.verify(period.from(), period.to()));
        }
        return "audit/verify";
    }

    /** The same download as the API, for a signed-in browser. */
    @GetMapping("/audit/export")
    void export(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(defaultValue = "csv") String format, HttpServletResponse response) throws IOException {
        api.export(from, to, format, response);
    }

    @GetMapping("/audit/releases/{id}")
    String timeline(@PathVariable String id, Model model) {
        requireAuditor();
        model.addAttribute("release", releases.read(CurrentUser.get(), id));
        model.addAttribute("items", timeline.of(id));
        return "audit/timeline";
    }

    private void requireAuditor() {
        if (!permissions.canAudit(CurrentUser.get())) {
            throw Refusal.forbidden("Only auditors and admins may read the audit trail");
        }
    }
}
