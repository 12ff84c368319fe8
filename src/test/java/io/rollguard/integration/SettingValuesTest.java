package io.rollguard.integration;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.TextNode;

class SettingValuesTest {

    private static IntegrationDefinition.Setting stringWithPattern(String pattern) {
        return new IntegrationDefinition.Setting("string", "RATES_API_VERSION", null, null, null, pattern, null, null);
    }

    @Test
    void aValueMatchingTheAdminsPatternPasses() {
        assertThat(SettingValues.problem(stringWithPattern("^[0-9]{1,3}$"), TextNode.valueOf("2"))).isNull();
    }

    @Test
    void aValueNotMatchingTheAdminsPatternNamesThePattern() {
        assertThat(SettingValues.problem(stringWithPattern("^[0-9]{1,3}$"), TextNode.valueOf("v2")))
                .isEqualTo("must match the pattern ^[0-9]{1,3}$");
    }

    @Test
    void aPatternThatBacktracksWithoutEndIsCutOffInsteadOfHoldingTheSubmission() {
        // twelve greedy (.*a) groups against a's that fail at the end try every way to split them:
        // about 5 s for these 31 characters on Java 17 without a limit, growing fast with each one
        String value = "a".repeat(30) + "!";
        long start = System.nanoTime();

        String problem = SettingValues.problem(stringWithPattern("^(.*a){12}$"), TextNode.valueOf(value));

        assertThat(problem).startsWith("could not be checked against the pattern ^(.*a){12}$ in time");
        assertThat((System.nanoTime() - start) / 1_000_000).as("milliseconds spent").isLessThan(1_000);
    }
}
