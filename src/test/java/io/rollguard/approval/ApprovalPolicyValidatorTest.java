package io.rollguard.approval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.camunda.bpm.dmn.engine.DmnEngineConfiguration;
import org.junit.jupiter.api.Test;

/** The policy Rollguard ships passes its own validation; what fails says why, and fast. */
class ApprovalPolicyValidatorTest {

    final ApprovalPolicyValidator validator = new ApprovalPolicyValidator(
            DmnEngineConfiguration.createDefaultDmnEngineConfiguration().buildEngine());

    static String shipped() throws Exception {
        return Files.readString(Path.of("bpmn/approval-policy.dmn"));
    }

    @Test
    void theShippedPolicyIsValid() throws Exception {
        assertThat(validator.problems(shipped().getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void everyProblemIsNamed() throws Exception {
        String policy = shipped()
                .replace("<text>\"integration-approver\"</text>", "<text>\"approver\"</text>")
                .replace("<inputExpression id=\"InputExpression_SchemaChange\"",
                        "<inputExpression id=\"InputExpression_SchemaChange\" expressionLanguage=\"juel\"");

        assertThat(validator.problems(policy.getBytes(StandardCharsets.UTF_8)))
                .anySatisfy(p -> assertThat(p).contains("expression language 'juel'"));
    }

    @Test
    void aPolicyThatForgetsASpecialistGroupIsRefused() throws Exception {
        String policy = shipped().replace("<text>\"integration-approver\"</text>", "<text>\"approver\"</text>");

        assertThat(validator.problems(policy.getBytes(StandardCharsets.UTF_8)))
                .containsExactly("for schemaChange=false, integrationChange=true integration approvers must approve: "
                        + "only they approve integration changes",
                        "for schemaChange=true, integrationChange=true integration approvers must approve: "
                                + "only they approve integration changes");
    }
}
