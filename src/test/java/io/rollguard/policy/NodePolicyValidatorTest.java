package io.rollguard.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.camunda.bpm.dmn.engine.DmnEngineConfiguration;
import org.junit.jupiter.api.Test;

/** The node policy Rollguard ships passes its own validation; a malicious or malformed one is refused, saying why. */
class NodePolicyValidatorTest {

    final NodePolicyValidator validator = new NodePolicyValidator(
            DmnEngineConfiguration.createDefaultDmnEngineConfiguration().buildEngine());

    static String shipped() throws Exception {
        return Files.readString(Path.of("bpmn/node-policy.dmn"));
    }

    java.util.List<String> problems(String policy) {
        return validator.problems(policy.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theShippedPolicyIsValid() throws Exception {
        assertThat(problems(shipped())).isEmpty();
    }

    @Test
    void aStricterPolicyIsValid() throws Exception {
        String stricter = shipped().replace("<text>\"exec\"</text>", "<text>\"exec\",\"file\"</text>");
        assertThat(problems(stricter)).isEmpty();
    }

    @Test
    void aWrongDecisionIdIsRefused() throws Exception {
        assertThat(problems(shipped().replace("id=\"nodePolicy\"", "id=\"approvalPolicy\"")))
                .containsExactly("the policy must be exactly one decision with id 'nodePolicy'");
    }

    @Test
    void anotherDecisionBesideItIsRefused() throws Exception {
        assertThat(problems(shipped().replace("<dmndi:DMNDI>",
                "<decision id=\"helper\"><literalExpression><text>1</text></literalExpression></decision><dmndi:DMNDI>")))
                .contains("the policy must be exactly one decision with id 'nodePolicy'");
    }

    @Test
    void juelIsRefused() throws Exception {
        String juel = shipped().replace("<outputEntry id=\"OutputEntry_ExecReason\">",
                "<outputEntry id=\"OutputEntry_ExecReason\" expressionLanguage=\"juel\">")
                .replace("\"exec nodes run operating system commands; Rollguard never ships them\"",
                        "${releaseRepository.find('x')}");
        assertThat(problems(juel)).anySatisfy(p -> assertThat(p).contains("expression language 'juel'"))
                .anySatisfy(p -> assertThat(p).contains("reason '${releaseRepository.find('x')}' is not a string literal"));
    }

    @Test
    void aScriptOrFeelExpressionInAnEntryIsRefused() throws Exception {
        assertThat(problems(shipped().replace("<inputEntry id=\"InputEntry_ExecNetwork\"><text>-</text>",
                "<inputEntry id=\"InputEntry_ExecNetwork\" expressionLanguage=\"javascript\"><text>java.lang.Runtime</text>")))
                .anySatisfy(p -> assertThat(p).contains("expression language 'javascript'"))
                .anySatisfy(p -> assertThat(p).contains("input entry 'java.lang.Runtime' for talksToNetwork"));
        assertThat(problems(shipped().replace("<text>\"exec\"</text>", "<text>starts with(nodeType, \"ex\")</text>")))
                .anySatisfy(p -> assertThat(p).contains("input entry 'starts with(nodeType, \"ex\")' for nodeType"));
    }

    @Test
    void aDtdIsRefused() throws Exception {
        String dtd = shipped().replace("<definitions ",
                "<!DOCTYPE definitions [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]>\n<definitions ")
                .replace("An exec node runs operating system commands in the slot", "&secret;");
        assertThat(problems(dtd)).singleElement().satisfies(p -> assertThat(p).startsWith("not well-formed XML without a DTD"));
    }

    @Test
    void anUnknownOutcomeIsRefused() throws Exception {
        assertThat(problems(shipped().replace("<text>\"integration\"</text>", "<text>\"allow\"</text>")))
                .anySatisfy(p -> assertThat(p).contains("outcome '\"allow\"' is not one of"));
    }

    @Test
    void anInputOrOutputRollguardDoesNotProvideIsRefused() throws Exception {
        assertThat(problems(shipped().replace("<text>readsAdminToken</text>", "<text>requester</text>")))
                .anySatisfy(p -> assertThat(p).contains("input expression 'requester' is not one of the node's facts"));
        assertThat(problems(shipped().replace("name=\"reason\"", "name=\"group\"")))
                .anySatisfy(p -> assertThat(p).contains("output 'group' must be 'outcome' or 'reason'"));
    }

    @Test
    void aPolicyThatNoLongerRefusesExecIsRefused() throws Exception {
        assertThat(problems(shipped().replace("<text>\"refuse\"</text>", "<text>\"high-risk\"</text>")))
                .containsExactly("an exec node must be refused; this policy gives [high-risk]");
    }

    @Test
    void aPolicyThatLetsNetworkNodesPassIsRefused() throws Exception {
        assertThat(problems(shipped().replace("<text>\"integration\"</text>", "<text>\"high-risk\"</text>")))
                .containsExactly("a node that talks to the network must be refused or need integration approvers; "
                        + "this policy gives [high-risk]");
    }
}
