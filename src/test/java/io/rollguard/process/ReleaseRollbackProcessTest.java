package io.rollguard.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.withVariables;

import java.time.Instant;
import java.util.Date;
import java.util.Map;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.ProcessInstance;
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
 * Rolling back a promoted release ({@code releaseRollback}). The called restoration runs for real
 * but is excluded from this class's coverage figure (it has its own test class).
 */
@Deployment(resources = {"bpmn/release-rollback.bpmn", "bpmn/release-restoration.bpmn", "forms/repair-restoration.form"})
class ReleaseRollbackProcessTest extends ProcessTestSupport {

    @RegisterExtension
    static ProcessEngineCoverageExtension extension = ProcessDriver.coverage()
            .excludeProcessDefinitionKeys(ReleaseVariables.PROCESS_RESTORATION)
            .build();

    @Override
    protected ProcessEngineCoverageExtension extension() {
        return extension;
    }

    @Test
    void rollbackRestoresThePreviousVersionThenItsDataChangeThenVerifiesBoth() {
        // given a rollback requested for a promoted release that changed the data model and set flags
        world.schemaChange = true;
        world.flags = true;
        ProcessInstance pi = startRollback();
        assertThat(world.releaseStates.entered()).containsExactly("ROLLING_BACK");

        // when its jobs run
        driver.executeJob("StartEvent_RollbackRequested");
        assertThat(pi).isWaitingAt("ServiceTask_RestoreFlags");
        driver.executeJob("ServiceTask_RestoreFlags");
        assertThat(pi).isWaitingAt("ServiceTask_RestorePreviousVersion");
        driver.executeJob("ServiceTask_RestorePreviousVersion");
        assertThat(pi).isWaitingAt("ServiceTask_RollBackMigration");
        driver.executeJob("ServiceTask_RollBackMigration");
        assertThat(pi).isWaitingAt("CallActivity_VerifyRestoration");
        assertThat(driver.calledRestoration(pi)).isWaitingAt("ServiceTask_VerifyRestoration");
        driver.executeJob("ServiceTask_VerifyRestoration");

        // then the flags go back first (the quickest way to take the new behaviour away), the app next
        // (it still runs on the new data model's superset), the data model after it, and the
        // verification knows users kept working while the release was live
        assertThat(pi).isEnded().hasPassedInOrder("ServiceTask_RestoreFlags", "ServiceTask_RestorePreviousVersion",
                "ServiceTask_RollBackMigration", "CallActivity_VerifyRestoration", "EndEvent_ReleaseRolledBack");
        assertThat(world.journal).containsExactly("restoreFlags", "restorePreviousVersion", "rollBackMigration",
                "verifyRestoration after promotion");
        assertThat(world.releaseStates.entered()).containsExactly("ROLLING_BACK", "ROLLED_BACK");
    }

    @Test
    void rollbackThatDiffersGoesToTheReleaseManagerWithAnIncidentAndIsVerifiedAgain() {
        // given a rollback whose restoration check finds a difference once
        world.restorationMismatches = 1;
        ProcessInstance pi = startRollback();
        driver.executeJob("StartEvent_RollbackRequested");
        driver.executeJob("ServiceTask_RestoreFlags");
        driver.executeJob("ServiceTask_RestorePreviousVersion");
        driver.executeJob("ServiceTask_RollBackMigration");

        // when the verification finds it
        driver.executeJob("ServiceTask_VerifyRestoration");

        // then the release manager has a repair task, an incident is open, the rollback has not ended
        assertThat(pi).isWaitingAt("CallActivity_VerifyRestoration").isNotEnded();
        assertThat(driver.calledRestoration(pi)).isWaitingAt("UserTask_RepairRestoration");
        assertThat(world.releaseStates.entered()).containsExactly("ROLLING_BACK");
        var task = driver.tasks(pi).get(0);
        assertThat(task).hasCandidateGroup("release-manager");
        var runtime = extension.getProcessEngine().getRuntimeService();
        assertThat(runtime.createIncidentQuery().processInstanceId(pi.getId())
                .incidentType(ReleaseVariables.INCIDENT_RESTORATION_MISMATCH).count()).isEqualTo(1);

        // when they report the repair without saying what they did, it is refused; then with it
        assertThatThrownBy(() -> driver.complete(task, "frank", withVariables("comment", "")))
                .hasMessageContaining("comment is required");
        driver.complete(task, "frank", withVariables("comment", "redeployed the stable slot"));
        driver.executeJob("ServiceTask_VerifyRestoration");

        // then the incident is resolved and the rollback is verified
        assertThat(pi).isEnded().hasPassed("CallActivity_VerifyRestoration", "EndEvent_ReleaseRolledBack");
        assertThat(runtime.createIncidentQuery().processInstanceId(pi.getId()).count()).isZero();
        assertThat(world.decisions).containsExactly("frank repaired: redeployed the stable slot");
    }

    private ProcessInstance startRollback() {
        // what ReleaseService.rollBackPromoted starts
        return extension.getProcessEngine().getRuntimeService().startProcessInstanceByKey(
                ReleaseVariables.PROCESS_ROLLBACK, "rel-1",
                Map.of(ReleaseVariables.RELEASE_ID, "rel-1", ReleaseVariables.APP, "expenses",
                        ReleaseVariables.VERSION, "1.1.0", ReleaseVariables.AFTER_PROMOTION, true));
    }
}
