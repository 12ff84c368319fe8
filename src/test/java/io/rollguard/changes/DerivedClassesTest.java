package io.rollguard.changes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.node.ArrayNode;

import io.rollguard.policy.NodePolicy;
import io.rollguard.process.ProcessDriver;
import io.rollguard.release.descriptor.ChangeClass;

/** The shipped node policy's decisions on what a diff adds and changes: the classes and the risk. */
@Deployment(resources = "bpmn/node-policy.dmn")
class DerivedClassesTest {

    static final String TAB = FlowDiffTest.TAB;
    static final String NETWORK = "the node talks to the network: integration approvers approve it";

    @RegisterExtension
    static ProcessEngineExtension extension = ProcessEngineExtension.builder()
            .configurationResource(ProcessDriver.CONFIG)
            .build();

    DerivedClasses.Derived derived(ArrayNode live, ArrayNode next) {
        return DerivedClasses.of(FlowDiffTest.diff(live, next), next,
                new NodePolicy(extension.getDecisionService())::decide);
    }

    @Test
    void anAddedHttpRequestToANewHostIsEvidenceOfAnIntegrationChange() throws IOException {
        ArrayNode live = FlowDiffTest.flows("1.5.0");
        ArrayNode next = live.deepCopy();
        next.addObject().put("id", "rates1").put("type", "http request").put("z", TAB).put("name", "Get rates")
                .put("url", "https://api.rates.example/v1/latest");

        DerivedClasses.Derived derived = derived(live, next);

        assertThat(derived.classes()).containsExactly(ChangeClass.INTEGRATION);
        assertThat(derived.evidence()).singleElement().satisfies(e -> {
            assertThat(e.node().id()).isEqualTo("rates1");
            assertThat(e.reason()).isEqualTo("adds http request to api.rates.example");
            assertThat(e.policyReason()).isEqualTo(NETWORK);
            assertThat(e.describe()).isEqualTo("integration: adds http request to api.rates.example "
                    + "(node 'Get rates' on 'expenses 1.5.0'): " + NETWORK);
        });
        assertThat(derived.highRisk()).isEmpty();
    }

    @Test
    void databaseAndBrokerNodesAndAnyLiteralHostAreEvidence() throws IOException {
        ArrayNode live = FlowDiffTest.flows("1.5.0");
        ArrayNode next = live.deepCopy();
        next.addObject().put("id", "pg").put("type", "postgreSQLConfig").put("name", "db");
        next.addObject().put("id", "k").put("type", "kafka-producer").put("z", TAB);
        next.addObject().put("id", "c").put("type", "change").put("z", TAB).put("targetUrl", "https://hooks.example.org/x");
        next.addObject().put("id", "m").put("type", "mqtt out").put("z", TAB).put("topic", "t");

        DerivedClasses.Derived derived = derived(live, next);

        assertThat(derived.evidence()).extracting(e -> e.node().id()).containsExactlyInAnyOrder("pg", "k", "c", "m");
        assertThat(derived.evidence()).filteredOn(e -> e.node().id().equals("c")).singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("adds change to hooks.example.org"));
    }

    @Test
    void aChangedUrlIsEvidenceButARenameOrAMoveIsNot() throws IOException {
        ArrayNode live = FlowDiffTest.flows("1.5.0");
        live.addObject().put("id", "rates1").put("type", "http request").put("z", TAB).put("name", "Get rates")
                .put("url", "https://api.rates.example/v1/latest").put("x", 1).put("y", 2);
        ArrayNode renamed = live.deepCopy();
        FlowDiffTest.node(renamed, "rates1").put("name", "Fetch rates").put("x", 300);
        ArrayNode repointed = live.deepCopy();
        FlowDiffTest.node(repointed, "rates1").put("url", "https://api.rates.example/v2/latest");

        assertThat(derived(live, renamed).evidence()).isEmpty();
        assertThat(derived(live, repointed).evidence()).singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("changes url of http request to api.rates.example"));
    }

    @Test
    void anIntegrationNodeOnlyMovedOnTheCanvasDerivesNothing() throws IOException {
        ArrayNode live = FlowDiffTest.flows("1.5.0");
        live.addObject().put("id", "rates1").put("type", "http request").put("z", TAB).put("name", "Get rates")
                .put("url", "https://api.rates.example/v1/latest").put("x", 1).put("y", 2);
        ArrayNode moved = live.deepCopy();
        FlowDiffTest.node(moved, "rates1").put("x", 420).put("y", 260);

        DerivedClasses.Derived derived = derived(live, moved);

        assertThat(derived.evidence()).isEmpty();
        assertThat(derived.highRisk()).isEmpty();
        assertThat(derived.classes()).isEmpty();
    }

    @Test
    void aChangedFunctionUsingChildProcessMakesTheReleaseHighRisk() throws IOException {
        ArrayNode live = FlowDiffTest.flows("1.5.0");
        live.addObject().put("id", "f1").put("type", "function").put("z", TAB).put("name", "Format")
                .put("func", "return msg;");
        ArrayNode next = live.deepCopy();
        FlowDiffTest.node(next, "f1").put("func", "const cp = require('child_process');\nreturn msg;");

        DerivedClasses.Derived derived = derived(live, next);

        assertThat(derived.classes()).isEmpty();
        assertThat(derived.highRisk()).isNotEmpty().allSatisfy(h -> {
            assertThat(h.node().id()).isEqualTo("f1");
            assertThat(h.reason()).isEqualTo("changes func of function");
        });
        assertThat(derived.findings()).anySatisfy(line -> assertThat(line)
                .startsWith("high-risk: changes func of function (node 'Format' on 'expenses 1.5.0'): the code uses "
                        + "child_process")
                .contains("func names child_process (line 1)"));
    }

    @Test
    void aFunctionUsingChildProcessAlreadyLiveAndUnchangedIsNoNewRisk() throws IOException {
        ArrayNode live = FlowDiffTest.flows("1.5.0");
        live.addObject().put("id", "f1").put("type", "function").put("z", TAB).put("name", "Format")
                .put("func", "const cp = require('child_process');\nreturn msg;");
        ArrayNode next = live.deepCopy();
        FlowDiffTest.node(next, "f1").put("name", "Format the answer").put("info", "renamed only");
        next.addObject().put("id", "f2").put("type", "function").put("z", TAB).put("func", "return msg;");

        DerivedClasses.Derived derived = derived(live, next);

        assertThat(derived.highRisk()).isEmpty();
        assertThat(derived.findings()).isEmpty();
    }

    @Test
    void theSampleAppsOwnReleasesGiveNoClassEvidence() throws IOException {
        assertThat(derived(FlowDiffTest.flows("1.0.0"), FlowDiffTest.flows("1.5.0")).evidence()).isEmpty();
        ArrayNode all = FlowDiffTest.flows("1.5.0");
        DerivedClasses.Derived againstNothing = DerivedClasses.of(FlowDiff.between(null, all.toString()), all,
                new NodePolicy(extension.getDecisionService())::decide);
        assertThat(againstNothing.evidence()).isEmpty();
        // compared with nothing live every node is new: the sample's database client is high risk, as at submission
        assertThat(againstNothing.highRisk()).isNotEmpty()
                .allSatisfy(h -> assertThat(h.policyReason()).contains("database client"));
    }
}
