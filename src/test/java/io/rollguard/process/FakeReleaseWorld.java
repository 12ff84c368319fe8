package io.rollguard.process;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.delegate.Expression;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.camunda.bpm.engine.test.mock.Mocks;

import io.rollguard.release.ReleaseVariables;

/**
 * Stand-ins for every bean the BPMN files name, registered with {@link Mocks} so the
 * {@code MockExpressionManager} of {@code rollguard-process-test.cfg.xml} resolves them.
 * <p>
 * The fakes set the variables the real delegates set and write what they did into
 * {@link #journal}: the steps that change the world (deploy, shift traffic, promote, restore)
 * and the undo/verify steps, in the order the engine called them. Tests assert on that order.
 */
public final class FakeReleaseWorld {

    /** World-changing, undo and verification steps, in call order. */
    public final List<String> journal = new ArrayList<>();
    /** States entered through {@code ${setReleaseStateListener}} (the state field of each), in order. */
    public final RecordingReleaseStates releaseStates = new RecordingReleaseStates();
    /** Approval/analysis decisions recorded by the task listeners, e.g. {@code "bob approve as approver"}. */
    public final List<String> decisions = new ArrayList<>();
    /** Task ids the four-eyes listener was called for, with the requester it shut out. */
    public final Map<String, String> fourEyesRevocations = new LinkedHashMap<>();
    /**
     * Stands in for {@code rg_release}: the requester of each release, by release id (the business
     * key). Like the real listeners, the fakes read the requester here, never from a variable.
     */
    public final Map<String, String> requesters = new HashMap<>(Map.of("rel-1", "alice"));
    /** Step index seen by each call of the analysis, in order. */
    public final List<Integer> analysedSteps = new ArrayList<>();

    /** Verdicts the analysis returns, one per call; {@code passed} once the queue is empty. */
    public final Deque<String> verdicts = new ArrayDeque<>();
    /** Preflight checks (bean names) that throw {@code PreflightCheckFailed}, with their problem. */
    public final Map<String, String> failingChecks = new HashMap<>();
    /** How many more calls of the restoration check find a difference. */
    public int restorationMismatches;
    /** How many more calls of the restoration check cannot be made at all (a slot unreachable). */
    public int restorationCheckFailures;
    /** Stands in for RaiseRestorationIncidentListener: raises the same custom incident. */
    public final IncidentRaiser restorationIncident = new IncidentRaiser();

    /** What the descriptor of the release under test says; read by the validate fake. */
    public boolean schemaChange;
    public boolean integrationChange;
    /** The release sets feature flags (its flag steps and their compensation leave journal lines). */
    public boolean flags;
    /** The app's flag store refuses the flag step (the real delegate has restored what it wrote). */
    public boolean flagStepRefused;
    /** The release has no new version: its steps raise its flags' exposure only. */
    public boolean flagOnly;
    /** Destructive changes of the release's changelog, as the real validate delegate finds them; null for none. */
    public String destructiveChanges;
    /** When set, the first step fails with this message (say the release's stored descriptor is gone). */
    public String validateFailure;
    public int stepCount = 2;
    public String onFailure = "rollback";
    public String stepPause = "PT8S";

    public FakeReleaseWorld register() {
        Mocks.register("setReleaseStateListener", releaseStates);
        Mocks.register("validateDescriptorDelegate", (JavaDelegate) this::validateDescriptor);
        Mocks.register("fourEyesListener", (TaskListener) this::fourEyes);
        Mocks.register("recordApprovalListener", (TaskListener) this::recordApproval);
        Mocks.register("recordAnalysisDecisionListener", (TaskListener) this::recordAnalysisDecision);

        Mocks.register("checkDescriptorAgainstAppDelegate", check("checkDescriptorAgainstAppDelegate",
                "descriptor matches app"));
        Mocks.register("recordSlotStateDelegate", check("recordSlotStateDelegate",
                "both slots reachable and recorded"));
        Mocks.register("probeChangedIntegrationsDelegate", (JavaDelegate) e -> {
            if (integrationChange) {
                check("probeChangedIntegrationsDelegate",
                        "integration rates probe GET http://127.0.0.1:1882/app/rates/v2/health").execute(e);
            }
        });
        Mocks.register("smokeTestCanaryDelegate", check("smokeTestCanaryDelegate",
                "smoke request GET /health -> 200"));
        Mocks.register("runJourneysDelegate", check("runJourneysDelegate",
                "before promotion: journey 'create and read an expense' (3 steps)", ReleaseVariables.JOURNEY_FAILED));

        // like the real delegates, the migration steps do nothing for a release without a schema change
        Mocks.register("proveMigrationReversibleDelegate", (JavaDelegate) e -> {
            if (schemaChange) {
                String problem = failingChecks.get("proveMigrationReversibleDelegate");
                e.setVariable(ReleaseVariables.REVERSIBILITY_REPORT, problem == null ? "PASSED in 42 ms" : "FAILED: " + problem);
                check("proveMigrationReversibleDelegate", "migration reversible on a scratch copy").execute(e);
            }
        });
        Mocks.register("applyMigrationDelegate", (JavaDelegate) e -> {
            if (schemaChange) {
                journal.add("applyMigration");
            }
        });
        Mocks.register("rollBackMigrationDelegate", (JavaDelegate) e -> {
            if (schemaChange) {
                journal.add("rollBackMigration");
            }
        });
        Mocks.register("deployCanaryDelegate", (JavaDelegate) e -> journal.add("deployCanary"));
        Mocks.register("restoreCanarySlotDelegate", (JavaDelegate) e -> journal.add("restoreCanarySlot"));
        Mocks.register("shiftTrafficDelegate", (JavaDelegate) this::shiftTraffic);
        Mocks.register("restoreStableTrafficDelegate", (JavaDelegate) e -> journal.add("restoreStableTraffic"));
        // a release without flags passes its flag steps without a journal line, so the journals of
        // the other tests read as before
        Mocks.register("setFlagsDelegate", (JavaDelegate) e -> {
            e.setVariable(ReleaseVariables.STEP_PAUSE, stepPause);
            if (flagStepRefused) {
                journal.add("setFlags refused");
                throw new org.camunda.bpm.engine.delegate.BpmnError(ReleaseVariables.FLAG_STEP_FAILED,
                        "flag step 1 was refused by the app's flag store: fake refusal");
            }
            if (flags) {
                journal.add("setFlags step " + e.getVariable(ReleaseVariables.STEP_INDEX));
            }
        });
        Mocks.register("restoreFlagsDelegate", (JavaDelegate) e -> {
            if (flags) {
                journal.add("restoreFlags");
            }
        });
        Mocks.register("analyzeCanaryDelegate", (JavaDelegate) this::analyzeCanary);
        Mocks.register("promoteReleaseDelegate", (JavaDelegate) e -> journal.add("promote"));
        Mocks.register("restorePreviousVersionDelegate", (JavaDelegate) e -> journal.add("restorePreviousVersion"));
        Mocks.register("verifyRestorationDelegate", (JavaDelegate) this::verifyRestoration);
        Mocks.register("raiseRestorationIncidentListener", restorationIncident);
        Mocks.register("recordRestorationRepairListener", (TaskListener) this::recordRestorationRepair);
        return this;
    }

    /** Variables a release has when ReleaseService starts the lifecycle. */
    public static Map<String, Object> submittedRelease() {
        Map<String, Object> variables = new HashMap<>();
        variables.put(ReleaseVariables.RELEASE_ID, "rel-1");
        variables.put(ReleaseVariables.APP, "expenses");
        variables.put(ReleaseVariables.VERSION, "1.1.0");
        variables.put(ReleaseVariables.REQUESTER, "alice");
        return variables;
    }

    private void validateDescriptor(DelegateExecution execution) {
        if (validateFailure != null) {
            throw new IllegalStateException(validateFailure);
        }
        List<String> classes = new ArrayList<>();
        if (schemaChange) {
            classes.add("schema");
        }
        if (integrationChange) {
            classes.add("integration");
        }
        if (classes.isEmpty()) {
            classes.add("ordinary");
        }
        execution.setVariable(ReleaseVariables.SCHEMA_CHANGE, schemaChange);
        execution.setVariable(ReleaseVariables.FLAG_CHANGE, flags);
        execution.setVariable(ReleaseVariables.FLAG_ONLY, flagOnly);
        execution.setVariable(ReleaseVariables.INTEGRATION_CHANGE, integrationChange);
        execution.setVariable(ReleaseVariables.CHANGE_CLASSES, String.join(", ", classes));
        execution.setVariable(ReleaseVariables.DIFF_SUMMARY, "flows: 2 changed");
        execution.setVariable(ReleaseVariables.STEP_COUNT, stepCount);
        execution.setVariable(ReleaseVariables.STEP_INDEX, 0);
        execution.setVariable(ReleaseVariables.ON_FAILURE, onFailure);
        execution.setVariable(ReleaseVariables.REJECTED, false);
        execution.setVariable(ReleaseVariables.RISK, destructiveChanges == null ? "normal" : "high");
        execution.setVariable(ReleaseVariables.DESTRUCTIVE_CHANGES, destructiveChanges);
    }

    private void fourEyes(DelegateTask task) {
        String requester = requesterOf(task);
        if (TaskListener.EVENTNAME_CREATE.equals(task.getEventName())) {
            fourEyesRevocations.put(task.getId(), requester);
        }
        if (requester.equals(task.getAssignee()) || requester.equals(task.getOwner())) {
            throw new ProcessEngineException("Four-eyes rule: " + requester + " requested this release");
        }
    }

    private String requesterOf(DelegateTask task) {
        String requester = requesters.get(task.getExecution().getProcessBusinessKey());
        if (requester == null) {
            throw new ProcessEngineException("Task " + task.getId() + " belongs to no release");
        }
        return requester;
    }

    /** Same rules as the real RecordApprovalListener: identified, not the requester, a valid decision. */
    private void recordApproval(DelegateTask task) {
        String approver = completingUser(task);
        if (approver == null) {
            throw new ProcessEngineException("An approval must be completed by an identified user");
        }
        if (approver.equals(requesterOf(task))) {
            throw new ProcessEngineException("Four-eyes rule: " + approver + " requested this release");
        }
        String decision = (String) task.getVariable(ReleaseVariables.DECISION);
        if (!"approve".equals(decision) && !"reject".equals(decision)) {
            throw new ProcessEngineException("decision must be 'approve' or 'reject', was " + decision);
        }
        decisions.add(approver + " " + decision + " as " + task.getVariable(ReleaseVariables.APPROVER_GROUP));
        if ("reject".equals(decision)) {
            task.getExecution().getProcessInstance().setVariable(ReleaseVariables.REJECTED, true);
        }
        clearForm(task);
    }

    /** What TaskDecisions.clearForm does once a decision is recorded. */
    private static void clearForm(DelegateTask task) {
        task.getExecution().getProcessInstance().removeVariable(ReleaseVariables.DECISION);
        task.getExecution().getProcessInstance().removeVariable(ReleaseVariables.COMMENT);
    }

    private void recordAnalysisDecision(DelegateTask task) {
        String user = completingUser(task);
        if (user == null) {
            throw new ProcessEngineException("An analysis decision must be made by an identified user");
        }
        String decision = (String) task.getVariable(ReleaseVariables.DECISION);
        if (!"continue".equals(decision) && !"rollback".equals(decision)) {
            throw new ProcessEngineException("decision must be 'continue' or 'rollback', was " + decision);
        }
        decisions.add(user + " " + decision);
        task.getExecution().getProcessInstance().setVariable(ReleaseVariables.ANALYSIS_DECISION, decision);
        clearForm(task);
    }

    private static String completingUser(DelegateTask task) {
        Authentication auth = task.getProcessEngineServices().getIdentityService().getCurrentAuthentication();
        return auth == null ? null : auth.getUserId();
    }

    /** A preflight check as PreflightChecks and PreflightReport write it: a report line, and the BPMN error on failure. */
    private JavaDelegate check(String bean, String name) {
        return check(bean, name, ReleaseVariables.PREFLIGHT_CHECK_FAILED);
    }

    private JavaDelegate check(String bean, String name, String errorCode) {
        return execution -> {
            String problem = failingChecks.get(bean);
            String line = (problem == null ? "PASSED " : "FAILED ") + name + (problem == null ? "" : ": " + problem);
            String report = (String) execution.getVariable(ReleaseVariables.PREFLIGHT_REPORT);
            execution.setVariable(ReleaseVariables.PREFLIGHT_REPORT, report == null ? line : report + "\n" + line);
            if (problem != null) {
                throw new BpmnError(errorCode, name + ": " + problem);
            }
        };
    }

    private void shiftTraffic(DelegateExecution execution) {
        int step = ((Number) execution.getVariable(ReleaseVariables.STEP_INDEX)).intValue();
        journal.add("shiftTraffic step " + step);
        execution.setVariable(ReleaseVariables.STEP_PAUSE, stepPause);
        execution.setVariable(ReleaseVariables.STEP_STARTED_AT, new Date());
    }

    private void analyzeCanary(DelegateExecution execution) {
        analysedSteps.add(((Number) execution.getVariable(ReleaseVariables.STEP_INDEX)).intValue());
        String verdict = verdicts.isEmpty() ? "passed" : verdicts.poll();
        execution.setVariable(ReleaseVariables.VERDICT, verdict);
        execution.setVariable(ReleaseVariables.VERDICT_REASON, "fake analysis: " + verdict);
    }

    private void verifyRestoration(DelegateExecution execution) {
        if (restorationCheckFailures > 0) {
            restorationCheckFailures--;
            throw new IllegalStateException("Cannot read the canary slot: connection refused");
        }
        if (restorationMismatches > 0) {
            restorationMismatches--;
            journal.add("verifyRestoration found differences");
            execution.setVariable(ReleaseVariables.RESTORATION_DIFFERENCES, "canary slot runs 1.1.0, was 1.0.0");
            throw new BpmnError(ReleaseVariables.RESTORATION_MISMATCH, "Restoration is incomplete: canary slot still runs 1.1.0");
        }
        journal.add("verifyRestoration"
                + (Boolean.TRUE.equals(execution.getVariable(ReleaseVariables.AFTER_PROMOTION)) ? " after promotion" : ""));
    }

    /** Same rules as the real listener: an identified user who says what they did; closes the incident. */
    private void recordRestorationRepair(DelegateTask task) {
        String user = completingUser(task);
        if (user == null) {
            throw new ProcessEngineException("A repair must be reported by an identified user");
        }
        String comment = (String) task.getVariable(ReleaseVariables.COMMENT);
        if (comment == null || comment.isBlank()) {
            throw new ProcessEngineException("comment is required: say what you did to repair the restoration");
        }
        decisions.add(user + " repaired: " + comment);
        var runtime = task.getProcessEngineServices().getRuntimeService();
        runtime.createIncidentQuery().processInstanceId(task.getProcessInstanceId())
                .incidentType(ReleaseVariables.INCIDENT_RESTORATION_MISMATCH).list()
                .forEach(i -> runtime.resolveIncident(i.getId()));
        clearForm(task);
    }

    public static final class IncidentRaiser implements ExecutionListener {
        @Override
        public void notify(DelegateExecution execution) {
            execution.createIncident(ReleaseVariables.INCIDENT_RESTORATION_MISMATCH,
                    (String) execution.getVariable(ReleaseVariables.RELEASE_ID),
                    "Restoration differs from the state before the release: "
                            + execution.getVariable(ReleaseVariables.RESTORATION_DIFFERENCES));
        }
    }

    /**
     * Stands in for SetReleaseStateListener: the engine injects the listener's fields into it, as into
     * the real one, and it records the states (and the details of the STATE entries) in order.
     */
    public static final class RecordingReleaseStates implements ExecutionListener {
        private final List<String> entered = new ArrayList<>();
        private final List<String> details = new ArrayList<>();
        private Expression state;
        private Expression detail;

        @Override
        public void notify(DelegateExecution execution) {
            if (execution.getVariable(ReleaseVariables.RELEASE_ID) == null) {
                throw new IllegalStateException("setReleaseStateListener called without a releaseId in scope");
            }
            String name = (String) state.getValue(execution);
            entered.add(name);
            Object text = detail == null ? null : detail.getValue(execution);
            details.add(name + (text == null ? "" : ": " + text));
            // the engine sets only the fields a listener declares: forget this one's for the next
            state = null;
            detail = null;
        }

        public List<String> entered() {
            return entered;
        }

        /** The STATE history entries the states would write, e.g. {@code "PROMOTED: 1.1.0 is stable"}. */
        public List<String> details() {
            return details;
        }
    }
}
