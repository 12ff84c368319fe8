package io.rollguard.process;

import static org.assertj.core.api.Assertions.assertThat;
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

/** The preflight ({@code releasePreflight}) on its own, started as the lifecycle's call activity starts it. */
@Deployment(resources = "bpmn/release-preflight.bpmn")
class ReleasePreflightProcessTest extends ProcessTestSupport {

    @RegisterExtension
    static ProcessEngineCoverageExtension extension = ProcessDriver.coverage().build();

    @Override
    protected ProcessEngineCoverageExtension extension() {
        return extension;
    }

    @Test
    void everyCheckPassingDeploysTheCanaryAndReportsEachCheck() {
        // given a preflight where every check passes
        // when it runs
        ProcessInstance pi = startPreflight();
        driver.executeJob("ServiceTask_RecordSlotState");
        driver.executeJob("ServiceTask_DeployToCanarySlot");
        driver.executeJob("ServiceTask_SmokeTestCanary");

        // then it ends passed, the canary runs the new version, and the report lists every check
        assertThat(pi).isEnded().hasPassedInOrder("ServiceTask_CheckDescriptorAgainstApp", "ServiceTask_RecordSlotState",
                "ServiceTask_DeployToCanarySlot", "ServiceTask_SmokeTestCanary", "EndEvent_PreflightPassed");
        assertThat(pi).hasNotPassed("StartEvent_CheckFailed", "ServiceTask_RestoreCanaryAfterFailedCheck");
        assertThat(driver.historicVariable(pi, ReleaseVariables.PREFLIGHT_PASSED)).isEqualTo(true);
        assertThat((String) driver.historicVariable(pi, ReleaseVariables.PREFLIGHT_REPORT)).isEqualTo("""
                PASSED descriptor matches app
                PASSED both slots reachable and recorded
                PASSED smoke request GET /health -> 200""");
        assertThat(world.journal).containsExactly("deployCanary");
    }

    @Test
    void failedDescriptorCheckStopsAtOnceAndStillRestoresTheCanarySlot() {
        // given a descriptor the app does not match (the check runs in the starting transaction)
        world.failingChecks.put("checkDescriptorAgainstAppDelegate", "feature flags cannot be set yet");

        // when the preflight starts
        ProcessInstance pi = startPreflight();

        // then no other check runs: the error event subprocess restores the canary slot
        assertThat(pi).isWaitingAt("ServiceTask_RestoreCanaryAfterFailedCheck");
        driver.executeJob("ServiceTask_RestoreCanaryAfterFailedCheck");
        assertThat(pi).isEnded().hasPassed("StartEvent_CheckFailed", "EndEvent_PreflightFailed");
        assertThat(pi).hasNotPassed("ServiceTask_RecordSlotState", "ServiceTask_DeployToCanarySlot");
        assertThat(driver.historicVariable(pi, ReleaseVariables.PREFLIGHT_PASSED)).isEqualTo(false);
        assertThat(driver.historicVariable(pi, "preflightFailure"))
                .isEqualTo("descriptor matches app: feature flags cannot be set yet");
        assertThat(world.journal).containsExactly("restoreCanarySlot");
    }

    @Test
    void unreachableSlotFailsThePreflightBeforeAnythingIsDeployed() {
        // given a slot that cannot be reached
        world.failingChecks.put("recordSlotStateDelegate", "canary slot did not answer");
        ProcessInstance pi = startPreflight();

        // when the slot state is recorded
        driver.executeJob("ServiceTask_RecordSlotState");
        driver.executeJob("ServiceTask_RestoreCanaryAfterFailedCheck");

        // then the preflight fails without a deployment
        assertThat(pi).isEnded().hasPassed("EndEvent_PreflightFailed").hasNotPassed("ServiceTask_DeployToCanarySlot");
        assertThat(driver.historicVariable(pi, ReleaseVariables.PREFLIGHT_PASSED)).isEqualTo(false);
        assertThat(world.journal).containsExactly("restoreCanarySlot");
    }

    @Test
    void failedSmokeTestRestoresTheDeployedCanarySlot() {
        // given a canary that answers the smoke request with an error
        world.failingChecks.put("smokeTestCanaryDelegate", "GET /health answered HTTP 500, expected 200");
        ProcessInstance pi = startPreflight();

        // when the smoke test runs after the deployment
        driver.executeJob("ServiceTask_RecordSlotState");
        driver.executeJob("ServiceTask_DeployToCanarySlot");
        driver.executeJob("ServiceTask_SmokeTestCanary");

        // then the smoke-test failure is caught by the event subprocess, which restores the slot
        assertThat(pi).isWaitingAt("ServiceTask_RestoreCanaryAfterFailedCheck").hasNotPassed("EndEvent_PreflightPassed");
        driver.executeJob("ServiceTask_RestoreCanaryAfterFailedCheck");
        assertThat(pi).isEnded().hasPassed("ServiceTask_RestoreCanaryAfterFailedCheck", "EndEvent_PreflightFailed");
        assertThat(world.journal).containsExactly("deployCanary", "restoreCanarySlot");
        assertThat((String) driver.historicVariable(pi, ReleaseVariables.PREFLIGHT_REPORT))
                .endsWith("FAILED smoke request GET /health -> 200: GET /health answered HTTP 500, expected 200");
    }

    @Test
    void failedIntegrationProbeRestoresTheCanaryBeforeAnySmokeRequest() {
        // given a release that changes an integration whose probe fails with the canary's settings
        world.integrationChange = true;
        world.failingChecks.put("probeChangedIntegrationsDelegate", "answered HTTP 401, expected 200: {\"error\":\"unauthorized\"}");
        ProcessInstance pi = startPreflight();

        // when the canary is deployed (the probe runs right after the deployment, in the same job)
        driver.executeJob("ServiceTask_RecordSlotState");
        driver.executeJob("ServiceTask_DeployToCanarySlot");

        // then the smoke request never runs, the canary slot is restored and the report names the probe
        assertThat(pi).isWaitingAt("ServiceTask_RestoreCanaryAfterFailedCheck").hasNotPassed("ServiceTask_SmokeTestCanary");
        driver.executeJob("ServiceTask_RestoreCanaryAfterFailedCheck");
        assertThat(pi).isEnded().hasPassed("ServiceTask_ProbeChangedIntegrations", "EndEvent_PreflightFailed");
        assertThat(world.journal).containsExactly("deployCanary", "restoreCanarySlot");
        assertThat((String) driver.historicVariable(pi, ReleaseVariables.PREFLIGHT_REPORT)).endsWith(
                "FAILED integration rates probe GET http://127.0.0.1:1882/app/rates/v2/health: answered HTTP 401, expected 200: {\"error\":\"unauthorized\"}");
    }

    @Test
    void passingIntegrationProbeIsReportedBeforeTheSmokeRequest() {
        // given a release that changes an integration whose probe passes
        world.integrationChange = true;
        ProcessInstance pi = startPreflight();

        // when the preflight runs
        driver.executeJob("ServiceTask_RecordSlotState");
        driver.executeJob("ServiceTask_DeployToCanarySlot");
        driver.executeJob("ServiceTask_SmokeTestCanary");

        // then the probe ran between the deployment and the smoke request
        assertThat(pi).isEnded().hasPassedInOrder("ServiceTask_DeployToCanarySlot", "ServiceTask_ProbeChangedIntegrations",
                "ServiceTask_SmokeTestCanary", "EndEvent_PreflightPassed");
        assertThat((String) driver.historicVariable(pi, ReleaseVariables.PREFLIGHT_REPORT)).contains("""
                PASSED integration rates probe GET http://127.0.0.1:1882/app/rates/v2/health
                PASSED smoke request GET /health -> 200""");
    }

    @Test
    void flagOnlyReleaseHasNothingNewToTryAfterItsChecksAndSlotRecord() {
        // given a release that changes flags only
        ProcessInstance pi = startPreflight(true);

        // when its checks run
        driver.executeJob("ServiceTask_RecordSlotState");

        // then the slots are recorded (the restoration compares with them) but nothing is deployed or smoke tested
        assertThat(pi).isEnded().hasPassed("ServiceTask_CheckDescriptorAgainstApp", "ServiceTask_RecordSlotState",
                "Gateway_NewVersionToTry", "EndEvent_PreflightPassed");
        assertThat(pi).hasNotPassed("ServiceTask_DeployToCanarySlot", "ServiceTask_SmokeTestCanary");
        assertThat(world.journal).doesNotContain("deployCanary");
    }

    private ProcessInstance startPreflight() {
        return startPreflight(false);
    }

    private ProcessInstance startPreflight(boolean flagOnly) {
        return extension.getProcessEngine().getRuntimeService().startProcessInstanceByKey("releasePreflight", "rel-1",
                Map.of(ReleaseVariables.RELEASE_ID, "rel-1", ReleaseVariables.FLAG_ONLY, flagOnly));
    }
}
