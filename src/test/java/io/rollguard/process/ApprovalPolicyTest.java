package io.rollguard.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.camunda.bpm.dmn.engine.DmnDecisionResult;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.variable.Variables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The approval policy ({@code approvalPolicy}, hit policy COLLECT) for every change class and risk. */
@Deployment(resources = "bpmn/approval-policy.dmn")
class ApprovalPolicyTest {

    @RegisterExtension
    static ProcessEngineExtension extension = ProcessEngineExtension.builder()
            .configurationResource(ProcessDriver.CONFIG)
            .build();

    @Test
    void ordinaryChangeNeedsAnyApprover() {
        assertThat(requiredGroups(false, false)).containsExactly("approver");
    }

    @Test
    void schemaChangeNeedsOnlyASchemaApprover() {
        assertThat(requiredGroups(true, false)).containsExactly("schema-approver");
    }

    @Test
    void integrationChangeNeedsOnlyAnIntegrationApprover() {
        assertThat(requiredGroups(false, true)).containsExactly("integration-approver");
    }

    @Test
    void schemaAndIntegrationChangeNeedsBothSpecialistsButNoOrdinaryApprover() {
        assertThat(requiredGroups(true, true)).containsExactlyInAnyOrder("schema-approver", "integration-approver");
    }

    @Test
    void flagChangeIsAnOrdinaryChangeByDefault() {
        assertThat(requiredGroups(false, false, "normal", true)).containsExactly("approver");
        assertThat(requiredGroups(true, false, "normal", true)).containsExactly("schema-approver");
    }

    @Test
    void theShippedPolicyReceivesTheRiskButAsksNoOtherApproverForAHighRiskRelease() {
        for (boolean schema : List.of(false, true)) {
            for (boolean integration : List.of(false, true)) {
                assertThat(requiredGroups(schema, integration, "high")).as("schema %s, integration %s", schema, integration)
                        .containsExactlyInAnyOrderElementsOf(requiredGroups(schema, integration, "normal"));
            }
        }
    }

    private List<String> requiredGroups(boolean schemaChange, boolean integrationChange) {
        return requiredGroups(schemaChange, integrationChange, "normal");
    }

    private List<String> requiredGroups(boolean schemaChange, boolean integrationChange, String risk) {
        return requiredGroups(schemaChange, integrationChange, risk, false);
    }

    private List<String> requiredGroups(boolean schemaChange, boolean integrationChange, String risk,
            boolean flagChange) {
        // given the change classes and the risk the lifecycle's first step derived
        // when the policy is evaluated as the business rule task evaluates it
        DmnDecisionResult result = extension.getDecisionService().evaluateDecisionByKey("approvalPolicy")
                .variables(Variables.createVariables()
                        .putValue("schemaChange", schemaChange)
                        .putValue("integrationChange", integrationChange)
                        .putValue("risk", risk)
                        .putValue("flagChange", flagChange))
                .evaluate();
        // then (mapDecisionResult="collectEntries") one group per matching rule
        return result.collectEntries("group");
    }
}
