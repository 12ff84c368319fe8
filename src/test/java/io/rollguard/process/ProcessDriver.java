package io.rollguard.process;

import java.util.Date;
import java.util.List;
import java.util.Map;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.camunda.community.process_test_coverage.junit5.common.ProcessEngineCoverageExtensionBuilder;
import org.camunda.community.process_test_coverage.junit5.platform7.ProcessEngineCoverageExtension;

import io.rollguard.release.ReleaseVariables;

/**
 * Drives the engine of a unit process test: the job executor is off, so every asynchronous
 * continuation and timer is executed here, one job at a time, by the activity it belongs to.
 */
public final class ProcessDriver {

    /** Engine configuration for unit process tests (not camunda.cfg.xml, see the file). */
    public static final String CONFIG = "rollguard-process-test.cfg.xml";
    /** Every test class must cover at least this share of its process's flow nodes and sequence flows. */
    public static final double CLASS_COVERAGE = 0.9;

    private final ProcessEngine engine;

    public ProcessDriver(ProcessEngine engine) {
        this.engine = engine;
    }

    /** A coverage extension on the shared test engine that fails the class below {@link #CLASS_COVERAGE}. */
    public static ProcessEngineCoverageExtensionBuilder<ProcessEngineCoverageExtension> coverage() {
        return ProcessEngineCoverageExtension.builder(CONFIG).assertClassCoverageAtLeast(CLASS_COVERAGE);
    }

    /**
     * Executes the one job waiting before/at {@code activityId}. The clock moves one second first,
     * so activities completed by different jobs never share a timestamp (see {@link #tick()}).
     */
    public void executeJob(String activityId) {
        Job job = job(activityId);
        tick();
        engine.getManagementService().executeJob(job.getId());
    }

    public Job job(String activityId) {
        List<Job> jobs = engine.getManagementService().createJobQuery().activityId(activityId).list();
        if (jobs.size() != 1) {
            throw new AssertionError("expected one job at " + activityId + " but found " + jobs.size()
                    + "; all jobs: " + engine.getManagementService().createJobQuery().list().stream()
                            .map(j -> j.getProcessDefinitionKey() + ":" + j.getFailedActivityId() + "/" + j.getId())
                            .toList());
        }
        return jobs.get(0);
    }

    /**
     * Moves the engine clock on by a second. Camunda runs compensation handlers in reverse order
     * of the creation time of their compensation subscriptions; with real jobs those are written
     * in different transactions, here they would often share a millisecond.
     */
    public static void tick() {
        ClockUtil.setCurrentTime(new Date(ClockUtil.getCurrentTime().getTime() + 1000));
    }

    /**
     * The open tasks of a release: of its instance and of the processes it called (the repair task
     * lives in {@code releaseRestoration}'s instance), which carry the release id as business key too.
     */
    public List<Task> tasks(ProcessInstance pi) {
        return engine.getTaskService().createTaskQuery().processInstanceBusinessKey(pi.getBusinessKey())
                .orderByTaskName().asc().list();
    }

    public Task taskForGroup(ProcessInstance pi, String group) {
        return engine.getTaskService().createTaskQuery().processInstanceBusinessKey(pi.getBusinessKey())
                .taskCandidateGroup(group).singleResult();
    }

    /** Completes a task as {@code user}, as Tasklist or the REST API would: with an authenticated user. */
    public void complete(Task task, String user, Map<String, Object> variables) {
        engine.getIdentityService().setAuthenticatedUserId(user);
        try {
            engine.getTaskService().complete(task.getId(), variables);
        } finally {
            engine.getIdentityService().clearAuthentication();
        }
    }

    /** What ReleaseService.abort does. */
    public void abort(ProcessInstance pi) {
        engine.getRuntimeService().createMessageCorrelation(ReleaseVariables.MESSAGE_ABORT)
                .processInstanceId(pi.getId())
                .correlateWithResult();
    }

    public Object historicVariable(ProcessInstance pi, String name) {
        HistoricVariableInstance variable = engine.getHistoryService().createHistoricVariableInstanceQuery()
                .processInstanceId(pi.getId()).variableName(name).singleResult();
        return variable == null ? null : variable.getValue();
    }

    public ProcessInstance calledPreflight(ProcessInstance lifecycle) {
        return called(lifecycle, "releasePreflight");
    }

    /** The running {@code releaseRestoration} called by the lifecycle or the rollback; null when there is none. */
    public ProcessInstance calledRestoration(ProcessInstance caller) {
        return called(caller, ReleaseVariables.PROCESS_RESTORATION);
    }

    private ProcessInstance called(ProcessInstance caller, String key) {
        return engine.getRuntimeService().createProcessInstanceQuery().superProcessInstanceId(caller.getId())
                .processDefinitionKey(key).singleResult();
    }

    /**
     * The open incident of a release's instance, followed to its cause: the engine repeats an
     * incident of a called process on the call activity (so Cockpit shows it on the release), with a
     * link to the incident where it happened. Null when none is open.
     */
    public Incident openIncident(ProcessInstance pi) {
        Incident incident = engine.getRuntimeService().createIncidentQuery().processInstanceId(pi.getId())
                .singleResult();
        if (incident == null || incident.getRootCauseIncidentId() == null
                || incident.getRootCauseIncidentId().equals(incident.getId())) {
            return incident;
        }
        return engine.getRuntimeService().createIncidentQuery().incidentId(incident.getRootCauseIncidentId())
                .singleResult();
    }
}
