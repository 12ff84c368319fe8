package io.rollguard.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.rollguard.process.ProcessDriver;

/** The shipped node policy ({@code nodePolicy}), rule by rule, through the engine's decision service. */
@Deployment(resources = "bpmn/node-policy.dmn")
class NodePolicyTest {

    @RegisterExtension
    static ProcessEngineExtension extension = ProcessEngineExtension.builder()
            .configurationResource(ProcessDriver.CONFIG)
            .build();

    static List<NodeFacts> flows(String json) throws Exception {
        return NodeFacts.allOf(new ObjectMapper().readTree(json));
    }

    List<NodeDecision> decide(String json) throws Exception {
        return new NodePolicy(extension.getDecisionService()).decide(flows(json));
    }

    static String node(String type, String extra) {
        return "[{\"id\":\"t1\",\"type\":\"tab\",\"label\":\"Expenses API\"},"
                + "{\"id\":\"n1\",\"type\":\"" + type + "\",\"z\":\"t1\",\"name\":\"the node\"" + extra + "}]";
    }

    static String function(String code) {
        return node("function", ",\"func\":" + new ObjectMapper().valueToTree(code));
    }

    @Test
    void anExecNodeIsRefused() throws Exception {
        List<NodeDecision> decided = decide(node("exec", ",\"command\":\"rm\""));
        assertThat(decided).singleElement().satisfies(d -> {
            assertThat(d.outcome()).isEqualTo(NodeDecision.Outcome.REFUSE);
            assertThat(d.nodeId()).isEqualTo("n1");
            assertThat(d.tab()).isEqualTo("Expenses API");
            assertThat(d.describe()).startsWith("node n1 \"the node\" (type exec, tab \"Expenses API\"): refuse, exec nodes");
        });
    }

    @Test
    void functionCodeUsingChildProcessIsHighRisk() throws Exception {
        assertThat(decide(function("const cp = global.get('cp'); cp.child_process;")))
                .extracting(NodeDecision::outcome).contains(NodeDecision.Outcome.HIGH_RISK);
        assertThat(decide(function("x.child_process.exec('id')"))).extracting(NodeDecision::reason)
                .anySatisfy(r -> assertThat(r).contains("child_process").contains("line 1"));
    }

    @Test
    void functionCodeUsingProcessIsHighRisk() throws Exception {
        assertThat(decide(function("return process.env;"))).singleElement()
                .satisfies(d -> assertThat(d.reason()).startsWith("the code uses process"));
    }

    @Test
    void functionCodeUsingRequireIsHighRisk() throws Exception {
        assertThat(decide(function("const fs = require('fs');"))).singleElement()
                .satisfies(d -> assertThat(d.outcome()).isEqualTo(NodeDecision.Outcome.HIGH_RISK));
    }

    @Test
    void functionCodeReadingADatabaseClientIsHighRisk() throws Exception {
        assertThat(decide(function("const pg = global.get('pg');"))).singleElement()
                .satisfies(d -> assertThat(d.reason()).contains("database client").contains("global.get(\"pg\")"));
    }

    @Test
    void functionCodeReadingTheAdminTokenIsHighRisk() throws Exception {
        assertThat(decide(function("const t = global.get('adminToken');"))).singleElement()
                .satisfies(d -> assertThat(d.reason()).contains("token"));
    }

    @Test
    void networkNodesNeedIntegrationApprovers() throws Exception {
        for (String type : List.of("http request", "mqtt out", "tcp request", "udp out", "websocket-client", "e-mail",
                "mqtt-broker", "postgreSQLConfig")) {
            assertThat(decide(node(type, ""))).as(type).singleElement()
                    .satisfies(d -> assertThat(d.outcome()).isEqualTo(NodeDecision.Outcome.INTEGRATION));
        }
        assertThat(decide(node("some-contrib-node", ",\"host\":\"db.example.org\""))).singleElement()
                .satisfies(d -> assertThat(d.outcome()).isEqualTo(NodeDecision.Outcome.INTEGRATION));
    }

    /** The one list of network nodes: what the diff's integration class is derived from, too. */
    @Test
    void anyPropertyNamingALiteralHostOrUrlTalksToTheNetworkButAValueSetAtRunTimeDoesNot() throws Exception {
        for (String extra : List.of(",\"targetUrl\":\"https://hooks.example.org/x\"",
                ",\"endpointAddr\":\"db.example.org:5432\"", ",\"serviceUri\":\"//cdn.example.net/a\"")) {
            assertThat(decide(node("change", extra))).as(extra).singleElement()
                    .satisfies(d -> assertThat(d.outcome()).isEqualTo(NodeDecision.Outcome.INTEGRATION));
        }
        for (String type : List.of("sqlite", "influxdb out", "node-red-contrib-oracledb", "rabbitmq-out")) {
            assertThat(decide(node(type, ""))).as(type).singleElement()
                    .satisfies(d -> assertThat(d.outcome()).isEqualTo(NodeDecision.Outcome.INTEGRATION));
        }
        assertThat(decide(node("change", ",\"targetUrl\":\"msg.target\""))).isEmpty();
        assertThat(decide(node("change", ",\"serverName\":\"default\""))).isEmpty();
    }

    @Test
    void ordinaryNodesGetNoDecision() throws Exception {
        assertThat(decide(node("http in", ",\"url\":\"/expenses\",\"method\":\"get\""))).isEmpty();
        assertThat(decide(function("msg.payload = 1; return msg;"))).isEmpty();
        assertThat(decide(node("http response", ""))).isEmpty();
    }

    @Test
    void theSampleAppsFlowsAreHighRiskOnlyForTheirDatabaseClient() throws Exception {
        JsonNode flows = new ObjectMapper().readTree(java.nio.file.Files.readString(
                java.nio.file.Path.of("examples/expenses/1.1.0/flows.json")));
        List<NodeDecision> decided = new NodePolicy(extension.getDecisionService()).decide(NodeFacts.allOf(flows));
        assertThat(decided).isNotEmpty().allSatisfy(d -> {
            assertThat(d.outcome()).isEqualTo(NodeDecision.Outcome.HIGH_RISK);
            assertThat(d.reason()).contains("database client");
        });
    }
}
