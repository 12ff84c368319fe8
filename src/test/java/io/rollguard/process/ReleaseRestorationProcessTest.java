package io.rollguard.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.withVariables;

import java.util.Map;

import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.community.process_test_coverage.junit5.platform7.ProcessEngineCoverageExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.rollguard.release.ReleaseVariables;

/**
 * Verifying a restoration ({@code releaseRestoration}), the loop the lifecycle and the rollback
 * both call once every step is undone: verified, or a release manager repairs what differs and it
 * is verified again; a check that cannot be made ends in an incident on the verification.
 */
@Deployment(resources = {"bpmn/release-restoration.bpmn", "forms/repair-restoration.form"})
class ReleaseRestorationProcessTest extends ProcessTestSupport {

    @RegisterExtension
    static ProcessEngineCoverageExtension extension = ProcessDriver.coverage().build();

    @Override
    protected ProcessEngineCoverageExtension extension() {
        return extension;
    }

    @Test
    void restorationThatMatchesIsVerifiedWithoutAskingAnyone() {
        // given a restoration to verify after the steps of a rollout were undone
        ProcessInstance pi = startRestoration(false);
        assertThat(pi).isWaitingAt("ServiceTask_VerifyRestoration");

        // when the verification finds the world as before
        driver.executeJob("ServiceTask_VerifyRestoration");

        // then it ends verified; no task, no incident, no state of its own (the caller sets the final one)
        assertThat(pi).isEnded().hasPassedInOrder("ServiceTask_VerifyRestoration", "EndEvent_RestorationVerified")
                .hasNotPassed("UserTask_RepairRestoration");
        assertThat(world.journal).containsExactly("verifyRestoration");
        assertThat(world.releaseStates.entered()).isEmpty();
    }

    @Test
    void restorationThatDiffersIsRepairedByAReleaseManagerAndVerifiedAgain() {
        // given a restoration after a promotion whose check finds a difference once
        world.restorationMismatches = 1;
        ProcessInstance pi = startRestoration(true);

        // when the verification finds it
        driver.executeJob("ServiceTask_VerifyRestoration");

        // then a release manager has a task naming the release and the difference, with an incident open
        assertThat(pi).isWaitingAt("UserTask_RepairRestoration").hasPassed("BoundaryEvent_RestorationMismatch");
        Task task = driver.tasks(pi).get(0);
        assertThat(task).hasCandidateGroup("release-manager").hasName("Repair the restoration of expenses 1.1.0");
        assertThat(extension.getProcessEngine().getTaskService().getVariables(task.getId()))
                .containsEntry(ReleaseVariables.RESTORATION_DIFFERENCES, "canary slot runs 1.1.0, was 1.0.0");
        Incident incident = driver.openIncident(pi);
        assertThat(incident.getIncidentType()).isEqualTo(ReleaseVariables.INCIDENT_RESTORATION_MISMATCH);
        assertThat(incident.getActivityId()).isEqualTo("UserTask_RepairRestoration");

        // when a repair is reported without an identified user it is refused; then by frank, saying what he did
        assertThatThrownBy(() -> extension.getProcessEngine().getTaskService()
                .complete(task.getId(), withVariables("comment", "redeployed")))
                .hasMessageContaining("identified user");
        driver.complete(task, "frank", withVariables("comment", "redeployed 1.0.0 to the canary slot"));

        // then the incident is resolved, the form starts empty next time, and the verification runs again
        assertThat(driver.openIncident(pi)).isNull();
        assertThat(pi).isWaitingAt("ServiceTask_VerifyRestoration");
        assertThat(extension.getProcessEngine().getRuntimeService().getVariables(pi.getId()))
                .doesNotContainKey(ReleaseVariables.COMMENT);
        driver.executeJob("ServiceTask_VerifyRestoration");
        assertThat(pi).isEnded().hasPassed("EndEvent_RestorationVerified");
        assertThat(world.decisions).containsExactly("frank repaired: redeployed 1.0.0 to the canary slot");
        assertThat(world.journal).containsExactly("verifyRestoration found differences",
                "verifyRestoration after promotion");
    }

    @Test
    void restorationThatCannotBeCheckedEndsInAnIncidentOnTheVerificationAndNoTask() {
        // given a restoration whose slots cannot be read
        world.restorationCheckFailures = Integer.MAX_VALUE;
        ProcessInstance pi = startRestoration(false);

        // when every retry fails
        for (int attempt = 0; attempt < 3; attempt++) {
            assertThatThrownBy(() -> driver.executeJob("ServiceTask_VerifyRestoration"))
                    .hasMessageContaining("connection refused");
        }

        // then the verification keeps an incident, nobody is asked to repair anything, nothing ends
        assertThat(driver.job("ServiceTask_VerifyRestoration").getRetries()).isZero();
        assertThat(driver.openIncident(pi).getActivityId()).isEqualTo("ServiceTask_VerifyRestoration");
        assertThat(pi).isWaitingAt("ServiceTask_VerifyRestoration").isNotEnded();
        assertThat(driver.tasks(pi)).isEmpty();
    }

    /** What the call activities of the lifecycle and the rollback pass in. */
    private ProcessInstance startRestoration(boolean afterPromotion) {
        return extension.getProcessEngine().getRuntimeService().startProcessInstanceByKey(
                ReleaseVariables.PROCESS_RESTORATION, "rel-1",
                Map.of(ReleaseVariables.RELEASE_ID, "rel-1", ReleaseVariables.APP, "expenses",
                        ReleaseVariables.VERSION, "1.1.0", ReleaseVariables.AFTER_PROMOTION, afterPromotion));
    }
}
