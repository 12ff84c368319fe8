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

    /** The shipped policy as it was before flags were an input, as admins may have deployed it. */
    static String withoutFlags() throws Exception {
        return shipped().replaceAll("(?s)\\s*<!--[^>]*-->\\s*<input id=\"Input_FlagChange\".*?</input>", "")
                .replaceAll("\\s*<inputEntry id=\"InputEntry_\\w+Flags\">.*?</inputEntry>", "");
    }

    @Test
    void aPolicyWrittenBeforeFlagsWereAnInputStaysValid() throws Exception {
        String policy = withoutFlags();

        assertThat(policy).doesNotContain("flagChange").contains("risk");
        assertThat(validator.problems(policy.getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void aRuleOnFlagChangesMayAskForMoreApprovalsButNeverDropASpecialist() throws Exception {
        String flagsAlsoNeedAnApprover = """
                <rule id="Rule_Flags">
                  <inputEntry id="InputEntry_FlagsSchema"><text>-</text></inputEntry>
                  <inputEntry id="InputEntry_FlagsIntegration"><text>-</text></inputEntry>
                  <inputEntry id="InputEntry_FlagsRisk"><text>-</text></inputEntry>
                  <inputEntry id="InputEntry_FlagsFlags"><text>true</text></inputEntry>
                  <outputEntry id="OutputEntry_Flags"><text>"approver"</text></outputEntry>
                </rule>
                </decisionTable>""";
        String policy = shipped().replace("</decisionTable>", flagsAlsoNeedAnApprover);
        assertThat(validator.problems(policy.getBytes(StandardCharsets.UTF_8))).isEmpty();

        // a schema change that also sets flags must still need schema approvers
        String dropsSchema = shipped().replace("<inputEntry id=\"InputEntry_SchemaFlags\"><text>-</text></inputEntry>",
                "<inputEntry id=\"InputEntry_SchemaFlags\"><text>false</text></inputEntry>");
        assertThat(validator.problems(dropsSchema.getBytes(StandardCharsets.UTF_8)))
                .contains("for schemaChange=true, integrationChange=false, risk=normal, flagChange=true schema approvers "
                        + "must approve: only they approve data model changes")
                .allMatch(p -> p.contains("flagChange=true"));
    }

    @Test
    void aPolicyThatForgetsASpecialistGroupIsRefused() throws Exception {
        String policy = withoutFlags().replace("<text>\"integration-approver\"</text>", "<text>\"approver\"</text>");

        assertThat(validator.problems(policy.getBytes(StandardCharsets.UTF_8)))
                .containsExactly("for schemaChange=false, integrationChange=true, risk=normal integration approvers must "
                        + "approve: only they approve integration changes",
                        "for schemaChange=false, integrationChange=true, risk=high integration approvers must "
                                + "approve: only they approve integration changes",
                        "for schemaChange=true, integrationChange=true, risk=normal integration approvers must "
                                + "approve: only they approve integration changes",
                        "for schemaChange=true, integrationChange=true, risk=high integration approvers must "
                                + "approve: only they approve integration changes");
    }

    /** The shipped policy as it was before the risk was an input, as admins may have deployed it. */
    static String withoutRisk() throws Exception {
        return withoutFlags().replaceAll("(?s)\\s*<!--[^>]*-->\\s*<input id=\"Input_Risk\".*?</input>", "")
                .replaceAll("\\s*<inputEntry id=\"InputEntry_\\w+Risk\">.*?</inputEntry>", "");
    }

    @Test
    void aPolicyWrittenBeforeTheRiskWasAnInputStaysValid() throws Exception {
        String policy = withoutRisk();

        assertThat(policy).doesNotContain("risk").contains("integrationChange");
        assertThat(validator.problems(policy.getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(validator.problems(policy.replace("<text>\"integration-approver\"</text>", "<text>\"approver\"</text>")
                .getBytes(StandardCharsets.UTF_8)))
                .containsExactly("for schemaChange=false, integrationChange=true integration approvers must approve: "
                        + "only they approve integration changes",
                        "for schemaChange=true, integrationChange=true integration approvers must approve: "
                                + "only they approve integration changes");
    }

    @Test
    void aRuleOnTheRiskMayAskForMoreApprovals() throws Exception {
        String highRiskAlsoNeedsAnApprover = """
                <rule id="Rule_HighRisk">
                  <inputEntry id="InputEntry_HighRiskSchema"><text>-</text></inputEntry>
                  <inputEntry id="InputEntry_HighRiskIntegration"><text>-</text></inputEntry>
                  <inputEntry id="InputEntry_HighRiskRisk"><text>"high"</text></inputEntry>
                  <outputEntry id="OutputEntry_HighRisk"><text>"approver"</text></outputEntry>
                </rule>
                </decisionTable>""";
        String policy = withoutFlags().replace("</decisionTable>", highRiskAlsoNeedsAnApprover);

        assertThat(validator.problems(policy.getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(validator.problems(policy.replace("<text>\"high\"</text>", "<text>\"severe\"</text>")
                .getBytes(StandardCharsets.UTF_8)))
                .containsExactly("rule Rule_HighRisk: input entry '\"severe\"' for risk is not \"high\", \"normal\", "
                        + "not(...), - or empty");
    }

    @Test
    void theRiskIsAStringAndEveryInputComesOnce() throws Exception {
        assertThat(validator.problems(withoutFlags().replace(
                "<inputExpression id=\"InputExpression_Risk\" typeRef=\"string\">",
                "<inputExpression id=\"InputExpression_Risk\" typeRef=\"boolean\">").getBytes(StandardCharsets.UTF_8)))
                .containsExactly("input risk must be of type string");
        assertThat(validator.problems(withoutFlags().replace("<text>risk</text>", "<text>schemaChange</text>")
                .getBytes(StandardCharsets.UTF_8)))
                .containsExactly("input schemaChange must be of type boolean",
                        "the inputs must be exactly [integrationChange, schemaChange] and optionally risk and "
                        + "flagChange, each once: the facts the lifecycle provides");
        assertThat(validator.problems(withoutFlags()
                .replaceAll("\\s*<inputEntry id=\"InputEntry_OrdinaryRisk\">.*?</inputEntry>", "")
                .getBytes(StandardCharsets.UTF_8)))
                .containsExactly("rule Rule_OrdinaryChange must have 3 input entries and one output entry");
    }
}
