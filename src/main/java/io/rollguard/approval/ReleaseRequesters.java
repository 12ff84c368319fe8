package io.rollguard.approval;

import org.camunda.bpm.engine.delegate.DelegateTask;
import org.springframework.stereotype.Component;

import io.rollguard.engine.EngineRefusal;
import io.rollguard.release.Release;
import io.rollguard.release.ReleaseRepository;

/**
 * Who asked for the release an approval task belongs to, as Rollguard stored it in
 * {@code rg_release} at submission — never a process or task variable, which callers of the
 * engine's API could write. The task's process instance leads to the release: its business key is
 * the release id, and the release names that process instance (set in the transaction that
 * started it, so only the starting transaction sees it still empty).
 */
@Component
class ReleaseRequesters {

    private final ReleaseRepository releases;

    ReleaseRequesters(ReleaseRepository releases) {
        this.releases = releases;
    }

    String requesterOf(DelegateTask task) {
        return releaseOf(task).requester();
    }

    Release releaseOf(DelegateTask task) {
        String processInstanceId = task.getProcessInstanceId();
        String releaseId = task.getExecution() == null ? null : task.getExecution().getProcessBusinessKey();
        Release release = releaseId == null ? null : releases.find(releaseId).orElse(null);
        if (release == null || release.processInstanceId() != null
                && !release.processInstanceId().equals(processInstanceId)) {
            // fail closed: an approval nobody can trace to its release is no approval
            throw EngineRefusal.forbidden("Task " + task.getId() + " belongs to no release of Rollguard's");
        }
        return release;
    }
}
