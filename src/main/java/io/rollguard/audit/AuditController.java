package io.rollguard.audit;

import java.io.IOException;
import java.util.List;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.rollguard.security.CurrentUser;
import io.rollguard.security.Permissions;
import io.rollguard.refusal.Refusal;
import jakarta.servlet.http.HttpServletResponse;

/** The trail for auditors and admins: check the chain, take a copy. */
@RestController
@RequestMapping("/api/audit")
class AuditController {

    private final AuditTrail trail;
    private final AuditExport export;
    private final Permissions permissions;
    private final ReleaseTimeline timeline;

    AuditController(AuditTrail trail, AuditExport export, Permissions permissions, ReleaseTimeline timeline) {
        this.trail = trail;
        this.export = export;
        this.permissions = permissions;
        this.timeline = timeline;
    }

    @GetMapping("/verify")
    AuditVerification verify(@RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        requireAuditor();
        AuditPeriod period = AuditPeriod.parse(from, to);
        return trail.verify(period.from(), period.to());
    }

    /** CSV (default) or JSON, as a download named after the period. */
    @GetMapping("/export")
    void export(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(defaultValue = "csv") String format, HttpServletResponse response) throws IOException {
        requireAuditor();
        AuditPeriod period = AuditPeriod.parse(from, to);
        if (!format.equals("csv") && !format.equals("json")) {
            throw Refusal.invalid("Unknown export format",
                    List.of(new Refusal.Violation("format", "must be csv or json")));
        }
        response.setContentType(format.equals("csv") ? "text/csv;charset=UTF-8" : MediaType.APPLICATION_JSON_VALUE);
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"rollguard-audit-"
                + (from == null ? "start" : from.replace(':', '-')) + "_" + (to == null ? "now" : to.replace(':', '-'))
                + "." + format + "\"");
        if (format.equals("csv")) {
            export.csv(period.from(), period.to(), response.getOutputStream());
        } else {
            export.json(period.from(), period.to(), response.getOutputStream());
        }
    }

    @GetMapping("/releases/{id}")
    List<AuditEntry> ofRelease(@PathVariable String id) {
        requireAuditor();
        return trail.ofRelease(id);
    }

    /** What the auditor's timeline page shows: audit entries and process activities in time order. */
    @GetMapping("/releases/{id}/timeline")
    List<ReleaseTimeline.Item> timeline(@PathVariable String id) {
        requireAuditor();
        return timeline.of(id);
    }

    private void requireAuditor() {
        if (!permissions.canAudit(CurrentUser.get())) {
            throw Refusal.forbidden("Only auditors and admins may read the audit trail");
        }
    }
}
