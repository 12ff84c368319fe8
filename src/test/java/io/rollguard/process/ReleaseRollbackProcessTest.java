package io.rollguard.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

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

/** Rolling back a promoted release ({@code releaseRollback}). */
@Deployment(resources = "bpmn/release-rollback.bpmn")
class ReleaseRollbackProcessTest extends ProcessTestSupport {

    @RegisterExtension
    static ProcessEngineCoverageExtension extension = ProcessDriver.coverage().build();

    @Override
    protected ProcessEngineCoverageExtension extension() {
        return extension;
    }

    @Test
    void rollbackRestoresThePreviousVersionThenVerifiesIt() {
        // given a rollback requested for a promoted release
        ProcessInstance pi = startRollback();
        assertThat(world.releaseStates.entered()).containsExactly("ROLLING_BACK");

        // when its jobs run
        driver.executeJob("StartEvent_RollbackRequested");
        assertThat(pi).isWaitingAt("ServiceTask_RestorePreviousVersion");
        driver.executeJob("ServiceTask_RestorePreviousVersion");
        assertThat(pi).isWaitingAt("ServiceTask_VerifyRollback");
        driver.executeJob("ServiceTask_VerifyRollback");

        // then the previous version is restored before the restoration is verified, and it ends
        assertThat(pi).isEnded().hasPassedInOrder("ServiceTask_RestorePreviousVersion", "ServiceTask_VerifyRollback",
                "EndEvent_ReleaseRolledBack");
        assertThat(world.journal).containsExactly("restorePreviousVersion", "verifyRestoration ROLLED_BACK");
    }

    @Test
    void rollbackThatCannotBeVerifiedStaysAtVerificationWithAnIncident() {
        // given a rollback whose restoration check keeps finding a difference
        world.restorationMismatches = 3;
        ProcessInstance pi = startRollback();
        driver.executeJob("StartEvent_RollbackRequested");
        driver.executeJob("ServiceTask_RestorePreviousVersion");

        // when the verification fails on every retry
        for (int attempt = 0; attempt < 3; attempt++) {
            assertThatThrownBy(() -> driver.executeJob("ServiceTask_VerifyRollback"))
                    .hasMessageContaining("Restoration is incomplete");
        }

        // then the rollback stays at the verification with an incident and does not end
        assertThat(pi).isWaitingAt("ServiceTask_VerifyRollback").isNotEnded();
        assertThat(driver.job("ServiceTask_VerifyRollback").getRetries()).isZero();
        assertThat(extension.getProcessEngine().getRuntimeService().createIncidentQuery()
                .processInstanceId(pi.getId()).activityId("ServiceTask_VerifyRollback").count()).isEqualTo(1);
        assertThat(world.journal).containsExactly("restorePreviousVersion");
    }

    private ProcessInstance startRollback() {
        // what ReleaseService.rollBackPromoted starts
        return extension.getProcessEngine().getRuntimeService().startProcessInstanceByKey(
                ReleaseVariables.PROCESS_ROLLBACK, "rel-1",
                Map.of(ReleaseVariables.RELEASE_ID, "rel-1", ReleaseVariables.APP, "expenses",
                        ReleaseVariables.VERSION, "1.1.0", ReleaseVariables.FINAL_STATE, "ROLLED_BACK"));
    }
}
