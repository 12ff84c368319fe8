package io.rollguard.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.withVariables;

import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.camunda.community.process_test_coverage.junit5.platform7.ProcessEngineCoverageExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.rollguard.release.ReleaseVariables;

/**
 * The release lifecycle ({@code releaseLifecycle}) on an in-memory engine with fake delegates.
 * The called preflight and restoration run for real but are excluded from this class's coverage
 * figure, so the ≥ 90 % assertion is about the lifecycle alone (each has its own test class).
 */
@Deployment(resources = {
        "bpmn/release-lifecycle.bpmn", "bpmn/release-preflight.bpmn", "bpmn/release-restoration.bpmn",
        "bpmn/approval-policy.dmn",
        "forms/approve-change.form", "forms/decide-analysis.form", "forms/repair-restoration.form" })
class ReleaseLifecycleProcessTest extends ProcessTestSupport {

    @RegisterExtension
    static ProcessEngineCoverageExtension extension = ProcessDriver.coverage()
            .excludeProcessDefinitionKeys("releasePreflight", ReleaseVariables.PROCESS_RESTORATION)
            .build();

    private static final String APPROVER = "bob";
    private static final String RELEASE_MANAGER = "carol";

    @Override
    protected ProcessEngineCoverageExtension extension() {
        return extension;
    }

    // ---------------------------------------------------------------- first step

    @Test
    void submissionLeavesTheFirstStepToTheJobExecutorSoNoRequestWaitsForTheStableSlot() {
        // when a release is submitted (ReleaseService starts the instance in the submitting transaction)
        ProcessInstance pi = extension.getProcessEngine().getRuntimeService()
                .startProcessInstanceByKey(ReleaseVariables.PROCESS_LIFECYCLE, "rel-1", FakeReleaseWorld.submittedRelease());

        // then the instance waits before its first step as a job: nothing classified, nobody asked yet
        assertThat(pi).isWaitingAt("ServiceTask_ValidateDescriptor").hasNotPassed("ServiceTask_ValidateDescriptor");
        assertThat(pi).variables().doesNotContainKeys(ReleaseVariables.CHANGE_CLASSES, ReleaseVariables.RISK);
        assertThat(driver.tasks(pi)).isEmpty();

        // when the job executor runs it
        driver.executeJob("ServiceTask_ValidateDescriptor");

        // then the release is classified and its approver has a task
        assertThat(pi).hasPassed("ServiceTask_ValidateDescriptor").isWaitingAt("UserTask_ApproveChange");
        assertThat(pi).variables().containsEntry(ReleaseVariables.CHANGE_CLASSES, "ordinary");
        assertThat(driver.tasks(pi)).singleElement().satisfies(t -> assertThat(t).hasCandidateGroup("approver"));
    }

    @Test
    void aFirstStepThatKeepsFailingBecomesAnIncidentOnItWithItsReasonAndAsksNobody() {
        // given a release whose first step fails whatever is tried (an unreadable stable slot does not:
        // the release is then compared with nothing live)
        world.validateFailure = "release rel-1 has no stored descriptor";
        ProcessInstance pi = extension.getProcessEngine().getRuntimeService()
                .startProcessInstanceByKey(ReleaseVariables.PROCESS_LIFECYCLE, "rel-1", FakeReleaseWorld.submittedRelease());

        // when the job executor has tried it as often as the retry cycle allows (R3)
        for (int attempt = 0; attempt < 3; attempt++) {
            assertThatThrownBy(() -> driver.executeJob("ServiceTask_ValidateDescriptor"))
                    .hasMessageContaining("has no stored descriptor");
        }

        // then an incident on the step says why (Cockpit shows it on the release), and no approver has a task
        Incident incident = openIncident(pi);
        assertThat(incident).isNotNull();
        assertThat(incident.getActivityId()).isEqualTo("ServiceTask_ValidateDescriptor");
        assertThat(incident.getIncidentMessage()).isEqualTo("release rel-1 has no stored descriptor");
        assertThat(driver.tasks(pi)).isEmpty();
        assertThat(pi).isWaitingAt("ServiceTask_ValidateDescriptor");
    }

    // ---------------------------------------------------------------- approval

    @Test
    void ordinaryChangeNeedsOneApproverAndIsPromotedWhenEveryStepPasses() {
        // given an ordinary release with two rollout steps
        world.stepCount = 2;

        // when it is submitted
        ProcessInstance pi = submit();

        // then exactly one approval is asked of the group "approver", and the requester is shut out
        assertThat(pi).isWaitingAt("UserTask_ApproveChange");
        List<Task> tasks = driver.tasks(pi);
        assertThat(tasks).hasSize(1);
        assertThat(tasks.get(0)).hasCandidateGroup("approver").hasName("Approve expenses 1.1.0 as approver");
        assertThat(world.fourEyesRevocations).containsEntry(tasks.get(0).getId(), "alice");

        // when the approver approves and the preflight passes
        driver.complete(tasks.get(0), APPROVER, withVariables("decision", "approve"));
        assertThat(pi).isWaitingAt("CallActivity_Preflight");
        passPreflight(pi);

        // then the rollout starts at step 0 (its migration step finds nothing to apply) and every
        // step is shifted, paused for and analysed
        assertThat(pi).isWaitingAt("ServiceTask_ApplyMigration");
        driver.executeJob("ServiceTask_ApplyMigration");
        assertThat(pi).isWaitingAt("ServiceTask_DeployCanary");
        assertThat(pi).variables().containsEntry(ReleaseVariables.STEP_INDEX, 0);
        driver.executeJob("ServiceTask_DeployCanary");
        driver.executeJob("ServiceTask_ShiftTraffic");
        driver.executeJob("ServiceTask_SetFlags");
        Job pause = driver.job("IntermediateCatchEvent_StepPause");
        assertThat(pause.getDuedate()).isEqualTo(new Date(ClockUtil.getCurrentTime().getTime() + 8_000));
        driver.executeJob("IntermediateCatchEvent_StepPause");
        driver.executeJob("ServiceTask_AnalyzeCanary");

        // the first step passed: the loop is taken once, with the next step index
        assertThat(pi).isWaitingAt("ServiceTask_ShiftTraffic");
        assertThat(((Number) driver.historicVariable(pi, ReleaseVariables.STEP_INDEX)).intValue()).isEqualTo(1);
        runStepUntilVerdict();

        // the last step passed: the journeys run once more, and the release is promoted
        assertThat(pi).isWaitingAt("ServiceTask_RunJourneysBeforePromotion");
        driver.executeJob("ServiceTask_RunJourneysBeforePromotion");
        assertThat(pi).isWaitingAt("ServiceTask_PromoteRelease");
        driver.executeJob("ServiceTask_PromoteRelease");

        assertThat(pi).isEnded().hasPassed("EndEvent_RolloutCompleted", "EndEvent_ReleasePromoted");
        assertThat(pi).hasNotPassed("ServiceTask_RestoreCanarySlot", "ServiceTask_RestoreStableTraffic",
                "UserTask_DecideAnalysis", "CallActivity_VerifyRestoration");
        assertThat(world.analysedSteps).containsExactly(0, 1);
        assertThat(world.journal).containsExactly(
                "deployCanary", // preflight: new version on the canary slot, smoke-tested
                "deployCanary", // rollout
                "shiftTraffic step 0",
                "shiftTraffic step 1",
                "promote");
        assertThat(world.journal).noneMatch(call -> call.startsWith("restore"));
        assertThat(world.decisions).containsExactly("bob approve as approver");
        assertThat(world.releaseStates.entered()).containsExactly("PREFLIGHT", "ROLLING_OUT", "PROMOTED");
        assertThat(world.releaseStates.details()).last().isEqualTo("PROMOTED: 1.1.0 is stable");
    }

    @Test
    void schemaChangeNeedsASchemaApprover() {
        // given a release that changes the data model
        world.schemaChange = true;

        // when it is submitted
        ProcessInstance pi = submit();

        // then only a schema approver is asked
        List<Task> tasks = driver.tasks(pi);
        assertThat(tasks).hasSize(1);
        assertThat(tasks.get(0)).hasCandidateGroup("schema-approver");
        assertThat(pi).variables().containsEntry(ReleaseVariables.REQUIRED_GROUPS, List.of("schema-approver"));
    }

    @Test
    void integrationChangeNeedsAnIntegrationApprover() {
        // given a release that changes an external integration
        world.integrationChange = true;

        // when it is submitted
        ProcessInstance pi = submit();

        // then only an integration approver is asked
        List<Task> tasks = driver.tasks(pi);
        assertThat(tasks).hasSize(1);
        assertThat(tasks.get(0)).hasCandidateGroup("integration-approver");
    }

    @Test
    void schemaAndIntegrationChangeNeedsTwoParallelApprovalsBeforePreflight() {
        // given a release that changes the data model and an integration
        world.schemaChange = true;
        world.integrationChange = true;

        // when it is submitted
        ProcessInstance pi = submit();

        // then both specialist groups are asked at the same time, each with its own task
        List<Task> tasks = driver.tasks(pi);
        assertThat(tasks).hasSize(2);
        assertThat(driver.taskForGroup(pi, "schema-approver")).isNotNull();
        assertThat(driver.taskForGroup(pi, "integration-approver")).isNotNull();
        assertThat(driver.taskForGroup(pi, "approver")).isNull();
        assertThat(world.fourEyesRevocations).hasSize(2).containsValues("alice");

        // when only the first approves, the release keeps waiting for the second
        driver.complete(driver.taskForGroup(pi, "schema-approver"), APPROVER, withVariables("decision", "approve"));
        assertThat(pi).isWaitingAt("UserTask_ApproveChange").isNotWaitingAt("CallActivity_Preflight");
        assertThat(driver.tasks(pi)).hasSize(1);
        assertThat(pi).variables().doesNotContainKey(ReleaseVariables.DECISION);

        // when the second approves too, the preflight starts
        driver.complete(driver.taskForGroup(pi, "integration-approver"), "dave", withVariables("decision", "approve"));
        assertThat(pi).isWaitingAt("CallActivity_Preflight");
        assertThat(world.decisions).containsExactly("bob approve as schema-approver", "dave approve as integration-approver");
    }

    @Test
    void approvalWithoutAnIdentifiedUserIsRefusedAndTheTaskStays() {
        // given a release waiting for approval
        ProcessInstance pi = submit();
        Task task = driver.tasks(pi).get(0);

        // when the task is completed without an authenticated user, it fails
        assertThatThrownBy(() -> extension.getProcessEngine().getTaskService()
                .complete(task.getId(), withVariables("decision", "approve")))
                .isInstanceOf(ProcessEngineException.class)
                .hasMessageContaining("identified user");

        // then nothing moved
        assertThat(pi).isWaitingAt("UserTask_ApproveChange");
        assertThat(driver.tasks(pi)).extracting(Task::getId).containsExactly(task.getId());
    }

    @Test
    void rejectionEndsTheReleaseAsRejected() {
        // given an ordinary release waiting for approval
        ProcessInstance pi = submit();

        // when the approver rejects it
        driver.complete(driver.tasks(pi).get(0), APPROVER,
                withVariables("decision", "reject", "comment", "no changelog"));

        // then the release ends rejected and nothing was deployed
        assertThat(pi).isEnded().hasPassed("EndEvent_ReleaseRejected");
        assertThat(pi).hasNotPassed("CallActivity_Preflight");
        assertThat(world.releaseStates.entered()).containsExactly("REJECTED");
        assertThat(world.journal).isEmpty();
    }

    @Test
    void oneRejectionOfTwoRequiredApprovalsEndsTheReleaseWithoutTheOther() {
        // given a release that needs a schema and an integration approval
        world.schemaChange = true;
        world.integrationChange = true;
        ProcessInstance pi = submit();
        assertThat(driver.tasks(pi)).hasSize(2);

        // when the integration approver rejects it
        driver.complete(driver.taskForGroup(pi, "integration-approver"), APPROVER,
                withVariables("decision", "reject", "comment", "webhook URL points to production"));

        // then the release ends rejected and the schema approval is withdrawn unanswered
        assertThat(pi).isEnded().hasPassed("EndEvent_ReleaseRejected");
        assertThat(driver.tasks(pi)).isEmpty();
        assertThat(world.decisions).containsExactly("bob reject as integration-approver");
        assertThat(extension.getProcessEngine().getHistoryService().createHistoricTaskInstanceQuery()
                .processInstanceId(pi.getId()).taskDeleteReason("deleted").count()).isEqualTo(1);
    }

    @Test
    void abortDuringApprovalEndsTheReleaseWithoutTouchingAnySlot() {
        // given a release waiting for approval
        ProcessInstance pi = submit();

        // when the requester aborts it
        driver.abort(pi);

        // then it ends aborted; no approval remains open and nothing was deployed
        assertThat(pi).isEnded().hasPassed("BoundaryEvent_AbortDuringApproval", "EndEvent_AbortedDuringApproval");
        assertThat(driver.tasks(pi)).isEmpty();
        assertThat(world.releaseStates.entered()).containsExactly("ABORTED");
        assertThat(world.journal).isEmpty();
    }

    // ---------------------------------------------------------------- preflight

    @Test
    void failedPreflightEndsTheReleaseAsPreflightFailedAfterRestoringTheCanary() {
        // given an approved release whose canary does not answer the smoke request
        world.failingChecks.put("smokeTestCanaryDelegate", "GET /health answered HTTP 500, expected 200");
        ProcessInstance pi = submitAndApprove();

        // when the preflight runs
        driver.executeJob("ServiceTask_RecordSlotState");
        driver.executeJob("ServiceTask_DeployToCanarySlot");
        driver.executeJob("ServiceTask_SmokeTestCanary");
        driver.executeJob("ServiceTask_RestoreCanaryAfterFailedCheck");

        // then the release ends at "preflight failed" with the report of the preflight
        assertThat(pi).isEnded().hasPassed("EndEvent_PreflightFailed");
        assertThat(pi).hasNotPassed("SubProcess_Rollout");
        assertThat(driver.historicVariable(pi, ReleaseVariables.PREFLIGHT_PASSED)).isEqualTo(false);
        assertThat((String) driver.historicVariable(pi, ReleaseVariables.PREFLIGHT_REPORT))
                .contains("PASSED both slots reachable and recorded")
                .contains("FAILED smoke request GET /health -> 200: GET /health answered HTTP 500");
        assertThat(world.journal).containsExactly("deployCanary", "restoreCanarySlot");
        assertThat(world.releaseStates.entered()).containsExactly("PREFLIGHT", "PREFLIGHT_FAILED");
    }

    @Test
    void abortDuringPreflightCancelsItAndRestoresTheCanarySlot() {
        // given an approved release whose preflight has deployed the canary
        ProcessInstance pi = submitAndApprove();
        driver.executeJob("ServiceTask_RecordSlotState");
        driver.executeJob("ServiceTask_DeployToCanarySlot");
        ProcessInstance preflight = driver.calledPreflight(pi);
        assertThat(preflight).isWaitingAt("ServiceTask_SmokeTestCanary");

        // when the requester aborts
        driver.abort(pi);

        // then the preflight is cancelled and the canary slot is restored before the release ends
        assertThat(preflight).isEnded();
        assertThat(pi).isWaitingAt("ServiceTask_RestoreCanaryAfterAbort");
        driver.executeJob("ServiceTask_RestoreCanaryAfterAbort");
        assertThat(pi).isEnded().hasPassed("BoundaryEvent_AbortDuringPreflight", "EndEvent_AbortedDuringPreflight");
        assertThat(world.journal).containsExactly("deployCanary", "restoreCanarySlot");
        assertThat(world.releaseStates.entered()).containsExactly("PREFLIGHT", "ABORTED");
    }

    // ---------------------------------------------------------------- rollout

    @Test
    void failedFirstStepIsRolledBackInReverseOrderAndVerified() {
        // given a release with onFailure=rollback that is rolling out
        world.onFailure = "rollback";
        world.verdicts.add("failed");
        ProcessInstance pi = startRollout();

        // when the analysis of the first step fails
        driver.executeJob("ServiceTask_DeployCanary");
        runStepUntilVerdict();

        // then the completed steps are compensated, newest first: traffic back to stable, then the slot
        assertThat(pi).isWaitingAt("IntermediateThrowEvent_UndoFlags");
        driver.executeJob("IntermediateThrowEvent_UndoFlags");
        assertThat(pi).isWaitingAt("CallActivity_VerifyRestoration");
        assertThat(driver.calledRestoration(pi)).isWaitingAt("ServiceTask_VerifyRestoration");
        assertThat(driver.historicVariable(pi, ReleaseVariables.FINAL_STATE)).isEqualTo("ROLLED_BACK");
        driver.executeJob("ServiceTask_VerifyRestoration");

        assertThat(pi).isEnded().hasPassed("IntermediateThrowEvent_UndoTrafficShifts", "ServiceTask_RestoreStableTraffic",
                "ServiceTask_RestoreCanarySlot", "EndEvent_RolloutRolledBack", "BoundaryEvent_RolloutRolledBack",
                "EndEvent_ReleaseRolledBack");
        assertThat(pi).hasNotPassed("ServiceTask_PromoteRelease", "UserTask_DecideAnalysis");
        assertThat(world.journal).containsExactly(
                "deployCanary", // preflight
                "deployCanary",
                "shiftTraffic step 0",
                "restoreStableTraffic",
                "restoreCanarySlot",
                "verifyRestoration");
        assertThat(world.releaseStates.entered()).containsExactly("PREFLIGHT", "ROLLING_OUT", "ROLLING_BACK", "ROLLED_BACK");
    }

    @Test
    void releaseWithFlagsSetsThemAtEveryStepAfterItsTrafficShift() {
        // given a release with flags and two passing steps
        world.flags = true;
        world.verdicts.add("passed");
        world.verdicts.add("passed");
        ProcessInstance pi = startRollout();

        // when both steps run
        driver.executeJob("ServiceTask_DeployCanary");
        assertThat(pi).isWaitingAt("ServiceTask_ShiftTraffic");
        driver.executeJob("ServiceTask_ShiftTraffic");
        // the flag step is its own transaction: a store that is down retries it, not the traffic shift
        assertThat(pi).isWaitingAt("ServiceTask_SetFlags");
        driver.executeJob("ServiceTask_SetFlags");
        driver.executeJob("IntermediateCatchEvent_StepPause");
        driver.executeJob("ServiceTask_AnalyzeCanary");
        runStepUntilVerdict();

        // then each step's flags are set after its traffic, before its window, and never restored
        assertThat(world.journal).containsSubsequence("shiftTraffic step 0", "setFlags step 0",
                "shiftTraffic step 1", "setFlags step 1");
        assertThat(world.analysedSteps).containsExactly(0, 1);
        assertThat(world.journal).doesNotContain("restoreFlags");
    }

    @Test
    void failedStepOfAReleaseWithFlagsTurnsTheFlagsBackBeforeTrafficAndSlot() {
        // given a release with flags whose first step fails its analysis
        world.flags = true;
        world.onFailure = "rollback";
        world.verdicts.add("failed");
        ProcessInstance pi = startRollout();
        driver.executeJob("ServiceTask_DeployCanary");
        runStepUntilVerdict();

        // when the compensation runs
        assertThat(pi).isWaitingAt("IntermediateThrowEvent_UndoFlags");
        driver.executeJob("IntermediateThrowEvent_UndoFlags");
        driver.executeJob("ServiceTask_VerifyRestoration");

        // then the flags go back first (the quickest way to take the new behaviour away), then
        // traffic, then the slot
        assertThat(pi).isEnded().hasPassed("IntermediateThrowEvent_UndoFlags", "ServiceTask_RestoreFlags",
                "IntermediateThrowEvent_UndoTrafficShifts", "EndEvent_ReleaseRolledBack");
        assertThat(world.journal).containsSubsequence("setFlags step 0", "restoreFlags", "restoreStableTraffic",
                "restoreCanarySlot", "verifyRestoration");
    }

    @Test
    void flagStepRefusedByTheStoreUndoesTheRolloutLikeAFailedAnalysis() {
        // given a code release whose flag store refuses its first flag step
        world.flags = true;
        world.flagStepRefused = true;
        ProcessInstance pi = startRollout();
        driver.executeJob("ServiceTask_DeployCanary");
        driver.executeJob("ServiceTask_ShiftTraffic");

        // when the flag step runs
        driver.executeJob("ServiceTask_SetFlags");

        // then the traffic and the slot are undone too, the refusal is kept, and nothing is analysed
        assertThat(pi).isWaitingAt("IntermediateThrowEvent_UndoFlags");
        assertThat(pi).variables().containsEntry("flagStepFailure",
                "flag step 1 was refused by the app's flag store: fake refusal");
        driver.executeJob("IntermediateThrowEvent_UndoFlags");
        driver.executeJob("ServiceTask_VerifyRestoration");
        assertThat(pi).isEnded().hasPassed("BoundaryEvent_FlagStepFailed", "ServiceTask_RestoreStableTraffic",
                "ServiceTask_RestoreCanarySlot", "EndEvent_ReleaseRolledBack");
        assertThat(pi).hasNotPassed("ServiceTask_AnalyzeCanary", "ServiceTask_PromoteRelease");
        assertThat(world.journal).containsSubsequence("setFlags refused", "restoreStableTraffic", "restoreCanarySlot",
                "verifyRestoration");
    }

    @Test
    void flagOnlyReleaseRaisesExposureStepByStepWithoutDeployingOrShiftingTrafficAndIsPromoted() {
        // given a flag-only release (no new version) with two steps that pass
        world.flags = true;
        world.flagOnly = true;
        ProcessInstance pi = submitAndApprove();

        // when its preflight and rollout run
        driver.executeJob("ServiceTask_RecordSlotState");
        assertThat(driver.calledPreflight(pi)).isNull();
        driver.executeJob("ServiceTask_ApplyMigration");
        // the flag step comes straight after the (empty) migration step: nothing to deploy, no traffic to shift
        assertThat(pi).isWaitingAt("ServiceTask_SetFlags");
        driver.executeJob("ServiceTask_SetFlags");
        Job pause = driver.job("IntermediateCatchEvent_StepPause");
        assertThat(pause.getDuedate()).isEqualTo(new Date(ClockUtil.getCurrentTime().getTime() + 8_000));
        driver.executeJob("IntermediateCatchEvent_StepPause");
        driver.executeJob("ServiceTask_AnalyzeCanary");
        assertThat(pi).isWaitingAt("ServiceTask_SetFlags");
        driver.executeJob("ServiceTask_SetFlags");
        driver.executeJob("IntermediateCatchEvent_StepPause");
        driver.executeJob("ServiceTask_AnalyzeCanary");
        driver.executeJob("ServiceTask_PromoteRelease");

        // then each step only raised the flags, no canary was checked again, and the release is promoted
        assertThat(pi).isEnded().hasPassed("Gateway_NewVersion", "Gateway_TrafficToShift", "Gateway_CanaryToRecheck",
                "EndEvent_ReleasePromoted");
        assertThat(pi).hasNotPassed("ServiceTask_DeployCanary", "ServiceTask_ShiftTraffic",
                "ServiceTask_RunJourneysBeforePromotion", "ServiceTask_DeployToCanarySlot");
        assertThat(world.journal).containsExactly("setFlags step 0", "setFlags step 1", "promote");
        assertThat(world.analysedSteps).containsExactly(0, 1);
    }

    @Test
    void failedFlagOnlyReleaseIsUndoneByTurningItsFlagsBackWhileTheAppKeepsRunning() {
        // given a flag-only release whose first step fails its analysis
        world.flags = true;
        world.flagOnly = true;
        world.verdicts.add("failed");
        ProcessInstance pi = submitAndApprove();
        driver.executeJob("ServiceTask_RecordSlotState");
        driver.executeJob("ServiceTask_ApplyMigration");
        driver.executeJob("ServiceTask_SetFlags");
        driver.executeJob("IntermediateCatchEvent_StepPause");
        driver.executeJob("ServiceTask_AnalyzeCanary");

        // when the compensation runs
        assertThat(pi).isWaitingAt("IntermediateThrowEvent_UndoFlags");
        driver.executeJob("IntermediateThrowEvent_UndoFlags");
        driver.executeJob("ServiceTask_VerifyRestoration");

        // then the flags are the one thing undone: no slot or traffic was touched, so none is restored
        assertThat(pi).isEnded().hasPassed("ServiceTask_RestoreFlags", "EndEvent_ReleaseRolledBack");
        assertThat(world.journal).containsExactly("setFlags step 0", "restoreFlags", "verifyRestoration");
    }

    @Test
    void abortOfAReleaseWithFlagsTurnsTheFlagsBackFirst() {
        // given a release with flags waiting out its first step
        world.flags = true;
        ProcessInstance pi = startRollout();
        driver.executeJob("ServiceTask_DeployCanary");
        driver.executeJob("ServiceTask_ShiftTraffic");
        driver.executeJob("ServiceTask_SetFlags");

        // when the requester aborts
        driver.abort(pi);
        assertThat(pi).isWaitingAt("IntermediateThrowEvent_UndoFlagsOnAbort");
        driver.executeJob("IntermediateThrowEvent_UndoFlagsOnAbort");
        driver.executeJob("ServiceTask_VerifyRestoration");

        // then
        assertThat(pi).isEnded().hasPassed("IntermediateThrowEvent_UndoFlagsOnAbort", "ServiceTask_RestoreFlags",
                "EndEvent_AbortCompensated");
        assertThat(world.journal).containsSubsequence("setFlags step 0", "restoreFlags", "restoreStableTraffic",
                "restoreCanarySlot");
    }

    @Test
    void integrationChangeThatFailsItsAnalysisUndoesTheCanaryWithItsSettingsAfterItsProbePassed() {
        // given an integration change (its settings go into the canary with the new version) that is rolling out
        world.integrationChange = true;
        world.onFailure = "rollback";
        world.verdicts.add("failed");
        ProcessInstance pi = startRollout();

        // when the analysis of the first step fails
        driver.executeJob("ServiceTask_DeployCanary");
        runStepUntilVerdict();
        driver.executeJob("IntermediateThrowEvent_UndoFlags");
        driver.executeJob("ServiceTask_VerifyRestoration");

        // then the probe had run in preflight before any traffic, and the compensation restored the canary
        // slot (flows and settings) after the traffic, and the restoration was verified
        assertThat((String) driver.historicVariable(pi, ReleaseVariables.PREFLIGHT_REPORT))
                .contains("PASSED integration rates probe GET http://127.0.0.1:1882/app/rates/v2/health");
        assertThat(pi).isEnded().hasPassed("ServiceTask_RestoreCanarySlot", "EndEvent_ReleaseRolledBack");
        assertThat(world.journal).containsExactly("deployCanary", "deployCanary", "shiftTraffic step 0",
                "restoreStableTraffic", "restoreCanarySlot", "verifyRestoration");
        assertThat(world.releaseStates.entered()).containsExactly("PREFLIGHT", "ROLLING_OUT", "ROLLING_BACK", "ROLLED_BACK");
    }

    @Test
    void inconclusiveAnalysisAsksTheReleaseManagerAndContinuesOnTheirWord() {
        // given a rolling-out release whose first analysis is inconclusive
        world.verdicts.add("inconclusive");
        ProcessInstance pi = startRollout();
        driver.executeJob("ServiceTask_DeployCanary");
        runStepUntilVerdict();

        // then a release manager must decide, and the release is on hold meanwhile
        assertThat(pi).isWaitingAt("UserTask_DecideAnalysis");
        Task decide = driver.tasks(pi).get(0);
        assertThat(decide).hasCandidateGroup("release-manager").hasName("Decide on analysis of expenses 1.1.0");
        assertThat(world.releaseStates.entered()).endsWith("ON_HOLD");

        // when the release manager continues the rollout
        driver.complete(decide, RELEASE_MANAGER, withVariables("decision", "continue"));

        // then the next step runs, passes and the release is promoted
        assertThat(pi).isWaitingAt("ServiceTask_ShiftTraffic");
        runStepUntilVerdict();
        driver.executeJob("ServiceTask_RunJourneysBeforePromotion");
        driver.executeJob("ServiceTask_PromoteRelease");
        assertThat(pi).isEnded().hasPassed("UserTask_DecideAnalysis", "Gateway_Decision",
                "EndEvent_ReleasePromoted");
        assertThat(world.analysedSteps).containsExactly(0, 1);
        assertThat(world.decisions).endsWith("carol continue");
        assertThat(world.releaseStates.entered())
                .containsExactly("PREFLIGHT", "ROLLING_OUT", "ON_HOLD", "ROLLING_OUT", "PROMOTED");
        assertThat(world.journal).noneMatch(call -> call.startsWith("restore"));
    }

    @Test
    void inconclusiveLastStepRolledBackByTheReleaseManagerUndoesEveryStep() {
        // given a rolling-out release whose first step passes and whose second is inconclusive
        world.verdicts.add("passed");
        world.verdicts.add("inconclusive");
        ProcessInstance pi = startRollout();
        driver.executeJob("ServiceTask_DeployCanary");
        runStepUntilVerdict();
        runStepUntilVerdict();
        assertThat(pi).isWaitingAt("UserTask_DecideAnalysis");

        // when the release manager decides to roll back
        driver.complete(driver.tasks(pi).get(0), RELEASE_MANAGER, withVariables("decision", "rollback"));
        driver.executeJob("IntermediateThrowEvent_UndoFlags");
        driver.executeJob("ServiceTask_VerifyRestoration");

        // then every completed step is undone, newest first, and the release ends rolled back
        assertThat(world.releaseStates.entered())
                .containsExactly("PREFLIGHT", "ROLLING_OUT", "ON_HOLD", "ROLLING_BACK", "ROLLED_BACK");
        assertThat(pi).isEnded().hasPassed("Gateway_Decision", "IntermediateThrowEvent_UndoTrafficShifts", "EndEvent_ReleaseRolledBack");
        assertThat(driver.historicVariable(pi, ReleaseVariables.FINAL_STATE)).isEqualTo("ROLLED_BACK");
        assertThat(world.journal.subList(2, world.journal.size())).containsExactly(
                "shiftTraffic step 0",
                "shiftTraffic step 1",
                // one compensation per completed ShiftTraffic execution: the handler is idempotent
                "restoreStableTraffic",
                "restoreStableTraffic",
                "restoreCanarySlot",
                "verifyRestoration");
    }

    @Test
    void failedStepOfAReleaseSetToHoldWaitsForTheReleaseManager() {
        // given a release with onFailure=hold whose first analysis fails
        world.onFailure = "hold";
        world.verdicts.add("failed");
        ProcessInstance pi = startRollout();
        driver.executeJob("ServiceTask_DeployCanary");

        // when the analysis fails
        runStepUntilVerdict();

        // then nothing is undone yet: a release manager decides
        assertThat(pi).isWaitingAt("UserTask_DecideAnalysis");
        assertThat(pi).hasNotPassed("IntermediateThrowEvent_UndoTrafficShifts");
        assertThat(driver.tasks(pi).get(0)).hasCandidateGroup("release-manager");
        assertThat(world.journal).noneMatch(call -> call.startsWith("restore"));
    }

    @Test
    void abortDuringAStepPauseCompensatesThroughTheEventSubprocess() {
        // given a rolling-out release waiting out the pause of its first step
        ProcessInstance pi = startRollout();
        driver.executeJob("ServiceTask_DeployCanary");
        driver.executeJob("ServiceTask_ShiftTraffic");
        driver.executeJob("ServiceTask_SetFlags");
        assertThat(pi).isWaitingAt("IntermediateCatchEvent_StepPause");

        // when the requester aborts
        driver.abort(pi);

        // then the pause is cancelled and the completed steps are undone, newest first
        assertThat(pi).isWaitingAt("IntermediateThrowEvent_UndoFlagsOnAbort");
        assertThat(pi).isNotWaitingAt("IntermediateCatchEvent_StepPause");
        driver.executeJob("IntermediateThrowEvent_UndoFlagsOnAbort");
        assertThat(pi).isWaitingAt("CallActivity_VerifyRestoration");
        assertThat(driver.historicVariable(pi, ReleaseVariables.FINAL_STATE)).isEqualTo("ABORTED");
        driver.executeJob("ServiceTask_VerifyRestoration");

        assertThat(pi).isEnded().hasPassed("StartEvent_AbortRequested", "EndEvent_AbortCompensated",
                "BoundaryEvent_RolloutAborted", "EndEvent_ReleaseRolledBack");
        assertThat(pi).hasNotPassed("ServiceTask_AnalyzeCanary", "BoundaryEvent_RolloutRolledBack");
        assertThat(world.journal).containsExactly(
                "deployCanary", // preflight
                "deployCanary",
                "shiftTraffic step 0",
                "restoreStableTraffic",
                "restoreCanarySlot",
                "verifyRestoration");
        assertThat(world.releaseStates.entered()).containsExactly("PREFLIGHT", "ROLLING_OUT", "ROLLING_BACK", "ABORTED");
    }

    @Test
    void abortWhileOnHoldUndoesTheStepsWithoutResumingTheRollout() {
        // given a release on hold because its first analysis was inconclusive
        world.verdicts.add("inconclusive");
        ProcessInstance pi = startRollout();
        driver.executeJob("ServiceTask_DeployCanary");
        runStepUntilVerdict();
        assertThat(pi).isWaitingAt("UserTask_DecideAnalysis");

        // when the requester aborts instead of waiting for the release manager
        driver.abort(pi);

        // then the decision is withdrawn and the steps are undone; the release never claims to roll out again
        assertThat(driver.tasks(pi)).isEmpty();
        assertThat(world.releaseStates.entered()).containsExactly("PREFLIGHT", "ROLLING_OUT", "ON_HOLD");
        driver.executeJob("IntermediateThrowEvent_UndoFlagsOnAbort");
        driver.executeJob("ServiceTask_VerifyRestoration");
        assertThat(pi).isEnded().hasPassed("EndEvent_AbortCompensated", "EndEvent_ReleaseRolledBack")
                .hasNotPassed("Gateway_Decision");
        assertThat(world.journal.subList(3, world.journal.size()))
                .containsExactly("restoreStableTraffic", "restoreCanarySlot", "verifyRestoration");
        assertThat(world.releaseStates.entered())
                .containsExactly("PREFLIGHT", "ROLLING_OUT", "ON_HOLD", "ROLLING_BACK", "ABORTED");
    }

    @Test
    void restorationThatDiffersGoesToTheReleaseManagerWithAnIncidentUntilItIsVerified() {
        // given a release that was rolled back but whose canary slot still runs the new version, twice
        world.verdicts.add("failed");
        world.restorationMismatches = 2;
        ProcessInstance pi = startRollout();
        driver.executeJob("ServiceTask_DeployCanary");
        runStepUntilVerdict();
        driver.executeJob("IntermediateThrowEvent_UndoFlags");

        // when the verification finds the difference
        driver.executeJob("ServiceTask_VerifyRestoration");

        // then a release manager has a task naming it, an incident is open, and the release is not called rolled back
        assertThat(pi).isWaitingAt("CallActivity_VerifyRestoration").isNotEnded();
        assertThat(driver.calledRestoration(pi)).isWaitingAt("UserTask_RepairRestoration");
        Task task = driver.tasks(pi).get(0);
        assertThat(task).hasCandidateGroup("release-manager");
        assertThat(extension.getProcessEngine().getTaskService().getVariables(task.getId()))
                .containsEntry(ReleaseVariables.RESTORATION_DIFFERENCES, "canary slot runs 1.1.0, was 1.0.0");
        Incident incident = openIncident(pi);
        assertThat(incident.getIncidentType()).isEqualTo(ReleaseVariables.INCIDENT_RESTORATION_MISMATCH);
        assertThat(incident.getActivityId()).isEqualTo("UserTask_RepairRestoration");
        assertThat(incident.getIncidentMessage()).contains("canary slot runs 1.1.0, was 1.0.0");
        assertThat(world.releaseStates.entered()).last().isEqualTo("ROLLING_BACK");

        // when the release manager says what they repaired, the verification runs again and still differs
        assertThatThrownBy(() -> driver.complete(task, RELEASE_MANAGER, withVariables("comment", " ")))
                .hasMessageContaining("comment is required");
        driver.complete(task, RELEASE_MANAGER, withVariables("comment", "redeployed 1.0.0 to the canary slot"));
        assertThat(openIncident(pi)).isNull();
        driver.executeJob("ServiceTask_VerifyRestoration");

        // then a new task and a new incident; after the second repair the release is verified and ends
        assertThat(driver.calledRestoration(pi)).isWaitingAt("UserTask_RepairRestoration");
        assertThat(openIncident(pi)).isNotNull();
        driver.complete(driver.tasks(pi).get(0), RELEASE_MANAGER, withVariables("comment", "and restarted it"));
        driver.executeJob("ServiceTask_VerifyRestoration");
        assertThat(pi).isEnded().hasPassed("EndEvent_ReleaseRolledBack");
        assertThat(openIncident(pi)).isNull();
        assertThat(world.decisions).endsWith(RELEASE_MANAGER + " repaired: redeployed 1.0.0 to the canary slot",
                RELEASE_MANAGER + " repaired: and restarted it");
        assertThat(world.journal).endsWith("verifyRestoration found differences", "verifyRestoration found differences",
                "verifyRestoration");
        assertThat(world.releaseStates.entered()).last().isEqualTo("ROLLED_BACK");
    }

    @Test
    void restorationThatCannotBeCheckedIsRetriedAndThenRaisesAnIncidentOnTheVerification() {
        // given a rolled-back release whose slots cannot be read
        world.verdicts.add("failed");
        world.restorationCheckFailures = Integer.MAX_VALUE;
        ProcessInstance pi = startRollout();
        driver.executeJob("ServiceTask_DeployCanary");
        runStepUntilVerdict();
        driver.executeJob("IntermediateThrowEvent_UndoFlags");

        // when every retry fails
        for (int attempt = 0; attempt < 3; attempt++) {
            assertThatThrownBy(() -> driver.executeJob("ServiceTask_VerifyRestoration"))
                    .hasMessageContaining("connection refused");
        }

        // then the step keeps an incident (no repair task: nothing is known to differ) and nothing ends
        Job job = driver.job("ServiceTask_VerifyRestoration");
        assertThat(job.getRetries()).isZero();
        assertThat(openIncident(pi).getActivityId()).isEqualTo("ServiceTask_VerifyRestoration");
        assertThat(pi).isWaitingAt("CallActivity_VerifyRestoration");
        assertThat(driver.calledRestoration(pi)).isWaitingAt("ServiceTask_VerifyRestoration");
        assertThat(driver.tasks(pi)).isEmpty();
    }

    // ---------------------------------------------------------------- data model changes

    @Test
    void destructiveSchemaChangeIsShownAsHighRiskToTheSchemaApprover() {
        // given a release whose changelog drops a column
        world.schemaChange = true;
        world.destructiveChanges = "changeset drop-created-at drops column expense.created_at";

        // when it is submitted
        ProcessInstance pi = submit();

        // then the schema approver's task carries the risk and what would be destroyed
        Task task = driver.tasks(pi).get(0);
        assertThat(task).hasCandidateGroup("schema-approver");
        var taskVariables = extension.getProcessEngine().getTaskService().getVariables(task.getId());
        assertThat(taskVariables).containsEntry(ReleaseVariables.RISK, "high")
                .containsEntry(ReleaseVariables.DESTRUCTIVE_CHANGES, world.destructiveChanges);
    }

    @Test
    void migrationIsAppliedBeforeTheCanaryAndRolledBackLastWhenTheAnalysisFails() {
        // given a schema change whose first analysis fails
        world.schemaChange = true;
        world.verdicts.add("failed");
        ProcessInstance pi = submitAndApprove();
        passPreflight(pi);

        // when the rollout applies the migration, deploys, shifts and analyses
        assertThat(pi).isWaitingAt("ServiceTask_ApplyMigration");
        driver.executeJob("ServiceTask_ApplyMigration");
        driver.executeJob("ServiceTask_DeployCanary");
        runStepUntilVerdict();
        driver.executeJob("IntermediateThrowEvent_UndoFlags");
        driver.executeJob("ServiceTask_VerifyRestoration");

        // then everything is undone newest first: the data model last, after no slot runs the new version
        assertThat(pi).isEnded().hasPassed("ServiceTask_RollBackMigration", "IntermediateThrowEvent_UndoMigration",
                "EndEvent_ReleaseRolledBack");
        assertThat(world.journal).containsExactly(
                "deployCanary", // preflight
                "applyMigration",
                "deployCanary",
                "shiftTraffic step 0",
                "restoreStableTraffic",
                "restoreCanarySlot",
                "rollBackMigration",
                "verifyRestoration");
    }

    @Test
    void abortOfASchemaChangeRollsBackTheMigrationAfterTheSlots() {
        // given a schema change rolling out, waiting out its first step
        world.schemaChange = true;
        ProcessInstance pi = submitAndApprove();
        passPreflight(pi);
        driver.executeJob("ServiceTask_ApplyMigration");
        driver.executeJob("ServiceTask_DeployCanary");
        driver.executeJob("ServiceTask_ShiftTraffic");
        driver.executeJob("ServiceTask_SetFlags");

        // when the requester aborts
        driver.abort(pi);
        driver.executeJob("IntermediateThrowEvent_UndoFlagsOnAbort");
        driver.executeJob("ServiceTask_VerifyRestoration");

        // then the event subprocess undoes traffic, slot and migration, in that order
        assertThat(pi).isEnded().hasPassed("IntermediateThrowEvent_UndoMigrationOnAbort", "ServiceTask_RollBackMigration",
                "EndEvent_AbortCompensated");
        assertThat(world.journal.subList(1, world.journal.size())).containsExactly(
                "applyMigration", "deployCanary", "shiftTraffic step 0",
                "restoreStableTraffic", "restoreCanarySlot", "rollBackMigration", "verifyRestoration");
    }

    @Test
    void promotedSchemaChangeKeepsItsMigration() {
        // given a schema change whose every step passes
        world.schemaChange = true;
        ProcessInstance pi = submitAndApprove();
        passPreflight(pi);

        // when it rolls out
        driver.executeJob("ServiceTask_ApplyMigration");
        driver.executeJob("ServiceTask_DeployCanary");
        runStepUntilVerdict();
        runStepUntilVerdict();
        driver.executeJob("ServiceTask_RunJourneysBeforePromotion");
        driver.executeJob("ServiceTask_PromoteRelease");

        // then it is promoted and nothing is rolled back
        assertThat(pi).isEnded().hasPassed("EndEvent_ReleasePromoted").hasNotPassed("ServiceTask_RollBackMigration");
        assertThat(world.journal).contains("applyMigration").doesNotContain("rollBackMigration");
    }

    @Test
    void dataModelChangeIsProvenReversibleBeforeItsApproversDecideAndTheyGetTheReport() {
        // given a schema change
        world.schemaChange = true;

        // when it is submitted
        ProcessInstance pi = started();

        // then the dry run comes first, no approver has a task yet
        assertThat(pi).isWaitingAt("ServiceTask_ProveMigrationReversible");
        assertThat(driver.tasks(pi)).isEmpty();
        driver.executeJob("ServiceTask_ProveMigrationReversible");

        // and the schema approver's task carries its report
        Task task = driver.tasks(pi).get(0);
        assertThat(task).hasCandidateGroup("schema-approver");
        assertThat(extension.getProcessEngine().getTaskService().getVariables(task.getId()))
                .containsEntry(ReleaseVariables.REVERSIBILITY_REPORT, "PASSED in 42 ms");
        // and the preflight after approval does not prove it again, its report starts from the dry run
        driver.complete(task, APPROVER, withVariables("decision", "approve"));
        passPreflight(pi);
        assertThat((String) driver.historicVariable(pi, ReleaseVariables.PREFLIGHT_REPORT))
                .startsWith("PASSED migration reversible on a scratch copy\nPASSED descriptor matches app");
    }

    @Test
    void dataModelChangeThatIsNotReversibleFailsBeforeAnyoneIsAskedToApprove() {
        // given a schema change whose rollback loses data on the scratch copy
        world.schemaChange = true;
        world.failingChecks.put("proveMigrationReversibleDelegate", "table expense: row contents differ");
        ProcessInstance pi = started();

        // when the dry run runs
        driver.executeJob("ServiceTask_ProveMigrationReversible");

        // then the release ends as preflight failed, with no approval task ever created and nothing touched
        assertThat(pi).isEnded().hasPassed("BoundaryEvent_NotReversible", "EndEvent_NotReversible")
                .hasNotPassed("UserTask_ApproveChange", "CallActivity_Preflight");
        assertThat(world.releaseStates.entered()).containsExactly("PREFLIGHT_FAILED");
        assertThat((String) driver.historicVariable(pi, ReleaseVariables.PREFLIGHT_REPORT))
                .isEqualTo("FAILED migration reversible on a scratch copy: table expense: row contents differ");
        assertThat(world.journal).isEmpty();
    }

    @Test
    void abortDuringTheDryRunEndsTheReleaseBeforeApproval() {
        // given a schema change waiting for its dry run
        world.schemaChange = true;
        ProcessInstance pi = started();

        // when the requester aborts
        driver.abort(pi);

        // then it ends aborted and the dry run's job is gone
        assertThat(pi).isEnded().hasPassed("BoundaryEvent_AbortDuringDryRun", "EndEvent_AbortedDuringDryRun");
        assertThat(world.releaseStates.entered()).containsExactly("ABORTED");
        assertThat(extension.getProcessEngine().getManagementService().createJobQuery()
                .processInstanceId(pi.getId()).count()).isZero();
    }

    @Test
    void journeyThatFailsBeforePromotionUndoesEveryStepLikeAFailedAnalysis() {
        // given a release whose every step passed, and a journey that now fails on the canary
        world.stepCount = 1;
        world.failingChecks.put("runJourneysDelegate", "step 2 POST /expenses: expected 201, got 500");
        ProcessInstance pi = startRollout();
        driver.executeJob("ServiceTask_DeployCanary");
        runStepUntilVerdict();

        // when the journeys run again before promotion
        assertThat(pi).isWaitingAt("ServiceTask_RunJourneysBeforePromotion");
        driver.executeJob("ServiceTask_RunJourneysBeforePromotion");

        // then the rollout is compensated and verified as after a failed analysis, never promoted
        assertThat(pi).isWaitingAt("IntermediateThrowEvent_UndoFlags");
        driver.executeJob("IntermediateThrowEvent_UndoFlags");
        driver.executeJob("ServiceTask_VerifyRestoration");
        assertThat(pi).isEnded().hasPassed("BoundaryEvent_JourneyFailed", "ServiceTask_RestoreStableTraffic",
                "ServiceTask_RestoreCanarySlot", "EndEvent_RolloutRolledBack", "EndEvent_ReleaseRolledBack");
        assertThat(pi).hasNotPassed("ServiceTask_PromoteRelease", "EndEvent_RolloutCompleted");
        assertThat(driver.historicVariable(pi, "journeyFailure")).isEqualTo(
                "before promotion: journey 'create and read an expense' (3 steps): step 2 POST /expenses: expected 201, got 500");
        assertThat((String) driver.historicVariable(pi, ReleaseVariables.PREFLIGHT_REPORT)).endsWith(
                "FAILED before promotion: journey 'create and read an expense' (3 steps): step 2 POST /expenses: expected 201, got 500");
        assertThat(world.journal).containsExactly("deployCanary", "deployCanary", "shiftTraffic step 0",
                "restoreStableTraffic", "restoreCanarySlot", "verifyRestoration");
        assertThat(world.releaseStates.entered()).containsExactly("PREFLIGHT", "ROLLING_OUT", "ROLLING_BACK", "ROLLED_BACK");
    }

    // ---------------------------------------------------------------- helpers

    private Incident openIncident(ProcessInstance pi) {
        return driver.openIncident(pi);
    }

    private ProcessInstance submit() {
        ProcessInstance pi = started();
        if (world.schemaChange) {
            // a data model change is proven reversible first, so its approvers see the report
            assertThat(pi).isWaitingAt("ServiceTask_ProveMigrationReversible");
            driver.executeJob("ServiceTask_ProveMigrationReversible");
        }
        assertThat(pi).isWaitingAt("UserTask_ApproveChange");
        return pi;
    }

    /** Started as ReleaseService does, then its first step's job run (it reads the stable slot, so never in the submission). */
    private ProcessInstance started() {
        ProcessInstance pi = extension.getProcessEngine().getRuntimeService()
                .startProcessInstanceByKey(ReleaseVariables.PROCESS_LIFECYCLE, "rel-1", FakeReleaseWorld.submittedRelease());
        driver.executeJob("ServiceTask_ValidateDescriptor");
        return pi;
    }

    private ProcessInstance submitAndApprove() {
        ProcessInstance pi = submit();
        for (Task task : driver.tasks(pi)) {
            driver.complete(task, APPROVER, withVariables("decision", "approve"));
        }
        assertThat(pi).isWaitingAt("CallActivity_Preflight");
        return pi;
    }

    private void passPreflight(ProcessInstance pi) {
        driver.executeJob("ServiceTask_RecordSlotState");
        driver.executeJob("ServiceTask_DeployToCanarySlot");
        driver.executeJob("ServiceTask_SmokeTestCanary");
        assertThat(driver.calledPreflight(pi)).isNull();
    }

    private ProcessInstance startRollout() {
        ProcessInstance pi = submitAndApprove();
        passPreflight(pi);
        driver.executeJob("ServiceTask_ApplyMigration");
        assertThat(pi).isWaitingAt("ServiceTask_DeployCanary");
        return pi;
    }

    /** Shift traffic, let the step pause elapse, analyse. */
    private void runStepUntilVerdict() {
        driver.executeJob("ServiceTask_ShiftTraffic");
        driver.executeJob("ServiceTask_SetFlags");
        driver.executeJob("IntermediateCatchEvent_StepPause");
        driver.executeJob("ServiceTask_AnalyzeCanary");
    }
}
