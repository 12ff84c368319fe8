package io.rollguard.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.springframework.stereotype.Component;

/**
 * The whole story of one release on one page: every audit entry, and every activity its process
 * instances (lifecycle, preflight, rollback) went through according to Camunda's history.
 */
@Component
public class ReleaseTimeline {

    /** One line; {@code auditId} is set for audit entries, {@code processInstanceId} for process activities. */
    public record Item(Instant at, String source, String what, String who, String detail, Long auditId,
            String processInstanceId) {
    }

    private final AuditTrail trail;
    private final HistoryService history;

    ReleaseTimeline(AuditTrail trail, HistoryService history) {
        this.trail = trail;
        this.history = history;
    }

    public List<Item> of(String releaseId) {
        List<Item> items = new ArrayList<>();
        for (AuditEntry e : trail.ofRelease(releaseId)) {
            items.add(new Item(e.at(), "audit", e.type(), e.actor(), e.detail(), e.id(), null));
        }
        for (HistoricProcessInstance pi : processInstances(releaseId)) {
            for (HistoricActivityInstance a : history.createHistoricActivityInstanceQuery()
                    .processInstanceId(pi.getId()).list()) {
                if (a.getActivityType().equals("multiInstanceBody")) {
                    continue; // its one inner activity per approver group is listed anyway
                }
                // names with expressions (Approve ${app} ...) are templates in history; the id says more
                String name = a.getActivityName() != null && !a.getActivityName().contains("${") ? a.getActivityName()
                        : a.getActivityId();
                String outcome = a.getEndTime() == null ? "active" : a.isCanceled() ? "canceled" : "completed";
                items.add(new Item(a.getStartTime().toInstant(), "process " + pi.getProcessDefinitionKey(),
                        a.getActivityType() + ": " + name, a.getAssignee(), outcome, null, pi.getId()));
            }
        }
        items.sort(Comparator.comparing(Item::at).thenComparing(i -> i.auditId() == null ? 1 : 0));
        return items;
    }

    /** The release's lifecycle instance and any instance started for it later carry its id as business key. */
    List<HistoricProcessInstance> processInstances(String releaseId) {
        List<HistoricProcessInstance> all = new ArrayList<>(history.createHistoricProcessInstanceQuery()
                .processInstanceBusinessKey(releaseId).list());
        // called activities (preflight) run under their own instance, linked by the super process instance
        for (HistoricProcessInstance parent : List.copyOf(all)) {
            all.addAll(history.createHistoricProcessInstanceQuery().superProcessInstanceId(parent.getId()).list());
        }
        return all.stream().distinct().toList();
    }
}
