package io.rollguard.changes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ArrayNode;

import io.rollguard.release.descriptor.ChangeClass;

class DerivedClassesTest {

    static final String TAB = FlowDiffTest.TAB;

    @Test
    void anAddedHttpRequestToANewHostIsEvidenceOfAnIntegrationChange() throws IOException {
        ArrayNode live = FlowDiffTest.flows("1.5.0");
        ArrayNode next = live.deepCopy();
        next.addObject().put("id", "rates1").put("type", "http request").put("z", TAB).put("name", "Get rates")
                .put("url", "https://api.rates.example/v1/latest");

        List<DerivedClasses.Evidence> evidence = DerivedClasses.of(FlowDiffTest.diff(live, next));

        assertThat(DerivedClasses.classes(evidence)).containsExactly(ChangeClass.INTEGRATION);
        assertThat(evidence).singleElement().satisfies(e -> {
            assertThat(e.node().id()).isEqualTo("rates1");
            assertThat(e.reason()).isEqualTo("adds http request to api.rates.example");
            assertThat(e.describe()).isEqualTo(
                    "integration: adds http request to api.rates.example (node 'Get rates' on 'expenses 1.5.0')");
        });
    }

    @Test
    void databaseAndBrokerNodesAndAnyLiteralHostAreEvidence() throws IOException {
        ArrayNode live = FlowDiffTest.flows("1.5.0");
        ArrayNode next = live.deepCopy();
        next.addObject().put("id", "pg").put("type", "postgreSQLConfig").put("name", "db");
        next.addObject().put("id", "k").put("type", "kafka-producer").put("z", TAB);
        next.addObject().put("id", "c").put("type", "change").put("z", TAB).put("targetUrl", "https://hooks.example.org/x");
        next.addObject().put("id", "m").put("type", "mqtt out").put("z", TAB).put("topic", "t");

        List<DerivedClasses.Evidence> evidence = DerivedClasses.of(FlowDiffTest.diff(live, next));

        assertThat(evidence).extracting(e -> e.node().id()).containsExactlyInAnyOrder("pg", "k", "c", "m");
        assertThat(evidence).filteredOn(e -> e.node().id().equals("c")).singleElement()
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

        assertThat(DerivedClasses.of(FlowDiffTest.diff(live, renamed))).isEmpty();
        assertThat(DerivedClasses.of(FlowDiffTest.diff(live, repointed))).singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("changes url of http request to api.rates.example"));
    }

    @Test
    void theSampleAppsOwnReleasesGiveNoEvidence() throws IOException {
        assertThat(DerivedClasses.of(FlowDiffTest.diff(FlowDiffTest.flows("1.0.0"), FlowDiffTest.flows("1.5.0")))).isEmpty();
        assertThat(DerivedClasses.of(FlowDiff.between(null, FlowDiffTest.flows("1.5.0").toString()))).isEmpty();
    }
}
