package io.rollguard.changes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.rollguard.changes.FlowDiff.NodeChange;
import io.rollguard.changes.FlowDiff.PropertyChange;
import io.rollguard.changes.FlowDiff.Result;

/** The diff on the sample app's recorded flows, and on copies edited the way a developer would. */
class FlowDiffTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path EXAMPLES = Path.of("examples/expenses");
    static final String TAB = "e5a1000000000001";

    static ArrayNode flows(String version) throws IOException {
        return (ArrayNode) JSON.readTree(Files.readString(EXAMPLES.resolve(version).resolve("flows.json")));
    }

    static ObjectNode node(ArrayNode flows, String id) {
        for (JsonNode n : flows) {
            if (n.path("id").asText().equals(id)) {
                return (ObjectNode) n;
            }
        }
        throw new AssertionError("no node " + id);
    }

    static Result diff(ArrayNode live, ArrayNode next) {
        return FlowDiff.between(live.toString(), next.toString());
    }

    static List<NodeChange> changed(Result r) {
        return r.changedNodes();
    }

    @Test
    void nodesMovedOnTheCanvasAndReorderedArraysAreNoChange() throws IOException {
        // given 1.5.0 with every node moved, the nodes shuffled, the keys of each node reversed and wire targets swapped
        ArrayNode live = flows("1.5.0");
        ArrayNode next = JSON.createArrayNode();
        List<JsonNode> nodes = new ArrayList<>();
        live.forEach(nodes::add);
        Collections.reverse(nodes);
        for (JsonNode n : nodes) {
            ObjectNode copy = JSON.createObjectNode();
            List<String> keys = new ArrayList<>();
            n.fieldNames().forEachRemaining(keys::add);
            Collections.reverse(keys);
            keys.forEach(k -> copy.set(k, n.get(k).deepCopy()));
            if (copy.has("x")) {
                copy.put("x", copy.path("x").asInt() + 140).put("y", copy.path("y").asInt() - 20).put("l", false);
            }
            next.add(copy);
        }
        ObjectNode in = node(next, "e5a1010000000001");
        ((ArrayNode) in.withArray("wires").get(0)).add("e5a1050000000002");
        ObjectNode liveIn = node(live, "e5a1010000000001");
        ((ArrayNode) liveIn.withArray("wires").get(0)).insert(0, "e5a1050000000002");

        // when
        Result r = diff(live, next);

        // then nothing changed
        assertThat(r.isEmpty()).as(r.toString()).isTrue();
        assertThat(r.containers()).isEmpty();
        assertThat(r.liveNodes()).isEqualTo(r.newNodes()).isEqualTo(live.size());
    }

    @Test
    void aRenamedNodeIsAChange() throws IOException {
        ArrayNode live = flows("1.5.0");
        ArrayNode next = live.deepCopy();
        node(next, "e5a1030000000002").put("name", "app version");

        Result r = diff(live, next);

        assertThat(r.containers()).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo("tab");
            assertThat(c.status()).isEqualTo("changed");
        });
        NodeChange change = changed(r).get(0);
        assertThat(change.node().id()).isEqualTo("e5a1030000000002");
        assertThat(change.node().name()).isEqualTo("app version");
        assertThat(change.properties()).singleElement().satisfies(p -> {
            assertThat(p.name()).isEqualTo("name");
            assertThat(p.before().asText()).isEqualTo("version");
            assertThat(p.after().asText()).isEqualTo("app version");
        });
    }

    @Test
    void aOneCharacterCodeEditIsALineDiff() throws IOException {
        ArrayNode live = flows("1.5.0");
        ArrayNode next = live.deepCopy();
        ObjectNode health = node(next, "e5a1040000000002");
        health.put("func", health.path("func").asText().replace("msg.payload = { status: \"UP\" }", "msg.payload = { status: \"Up\" }"));

        Result r = diff(live, next);

        PropertyChange func = changed(r).get(0).properties().get(0);
        assertThat(func.name()).isEqualTo("func");
        assertThat(func.before()).isNull();
        assertThat(func.lines()).first().asString().startsWith("@@ -");
        assertThat(func.lines()).contains("-msg.payload = { status: \"UP\" };", "+msg.payload = { status: \"Up\" };");
        assertThat(func.lines()).filteredOn(l -> l.startsWith("+") || l.startsWith("-")).hasSize(2);
    }

    @Test
    void aRewiredNodeIsAChangeOfItsWires() throws IOException {
        ArrayNode live = flows("1.5.0");
        ArrayNode next = live.deepCopy();
        ObjectNode in = node(next, "e5a1030000000001");
        ((ArrayNode) in.get("wires").get(0)).removeAll().add("e5a1040000000002");

        Result r = diff(live, next);

        assertThat(changed(r)).singleElement().satisfies(c -> {
            assertThat(c.node().id()).isEqualTo("e5a1030000000001");
            assertThat(c.propertyNames()).containsExactly("wires");
        });
    }

    @Test
    void aNewHttpRequestToANewHostIsAnAddedNodeAndAnAddedHost() throws IOException {
        ArrayNode live = flows("1.5.0");
        ArrayNode next = live.deepCopy();
        next.addObject().put("id", "rates1").put("type", "http request").put("z", TAB).put("name", "Get rates")
                .put("method", "GET").put("url", "https://user:pw@API.Rates.example:8443/v1/latest?base=EUR")
                .put("x", 500).put("y", 400).putArray("wires").addArray();

        Result r = diff(live, next);

        FlowDiff.Container tab = r.containers().get(0);
        assertThat(tab.label()).isEqualTo("expenses 1.5.0");
        assertThat(tab.added()).singleElement().satisfies(a -> {
            assertThat(a.node().type()).isEqualTo("http request");
            assertThat(a.node().hosts()).containsExactly("api.rates.example");
            assertThat(a.node().container()).isEqualTo("expenses 1.5.0");
        });
        assertThat(r.hosts().added()).singleElement().satisfies(h -> {
            assertThat(h.host()).isEqualTo("api.rates.example");
            assertThat(h.property()).isEqualTo("url");
        });
        assertThat(r.hosts().removed()).isEmpty();
    }

    @Test
    void aUrlBuiltAtRunTimeIsDynamicNotAHost() throws IOException {
        ArrayNode live = flows("1.5.0");
        ArrayNode next = live.deepCopy();
        next.addObject().put("id", "r1").put("type", "http request").put("z", TAB).put("url", "${RATES_URL}/latest");
        next.addObject().put("id", "r2").put("type", "http request").put("z", TAB).put("url", "");
        next.addObject().put("id", "r3").put("type", "http request").put("z", TAB).put("url", "https://{{host}}/x");

        Result r = diff(live, next);

        assertThat(r.hosts().added()).isEmpty();
        assertThat(r.hosts().dynamic()).extracting(h -> h.node().id()).containsExactly("r1", "r2", "r3");
    }

    @Test
    void endpointsAddedRemovedAndChangedAreListed() throws IOException {
        ArrayNode live = flows("1.5.0");
        ArrayNode next = live.deepCopy();
        node(next, "e5a1040000000001").put("url", "/healthz");
        next.addObject().put("id", "new-in").put("type", "http in").put("z", TAB).put("method", "delete")
                .put("url", "/app/expenses/:id");
        for (int i = 0; i < next.size(); i++) {
            if (next.get(i).path("id").asText().equals("e5a1030000000001")) {
                next.remove(i);
                break;
            }
        }

        Result r = diff(live, next);

        assertThat(r.endpoints().added()).extracting(FlowDiff.Endpoint::key).containsExactly("DELETE /app/expenses/:id");
        assertThat(r.endpoints().removed()).extracting(FlowDiff.Endpoint::key).containsExactly("GET /version");
        assertThat(r.endpoints().changed()).singleElement().satisfies(c -> {
            assertThat(c.before().key()).isEqualTo("GET /health");
            assertThat(c.after().key()).isEqualTo("GET /healthz");
        });
    }

    @Test
    void configNodesAreListedApartAndCredentialsNeverShow() throws IOException {
        ArrayNode live = flows("1.5.0");
        live.addObject().put("id", "broker").put("type", "mqtt-broker").put("name", "plant").put("broker", "mqtt.plant.example")
                .put("password", "hunter2").putObject("credentials").put("user", "u").put("password", "hunter2");
        ArrayNode next = live.deepCopy();
        ObjectNode broker = node(next, "broker");
        broker.put("broker", "mqtts://ops:s3cr3t@mqtt2.plant.example").put("password", "correct horse");
        broker.putObject("credentials").put("user", "u").put("password", "battery staple");
        broker.putArray("env").addObject().put("name", "API_TOKEN").put("value", "tok-123").put("type", "str");
        next.addObject().put("id", "pg").put("type", "postgreSQLConfig").put("host", "db.internal.example")
                .put("apiKey", "k-999");

        Result r = diff(live, next);

        assertThat(r.containers()).isEmpty();
        assertThat(r.configNodes().added()).extracting(c -> c.node().id()).containsExactly("pg");
        NodeChange changed = r.configNodes().changed().get(0);
        assertThat(changed.node().container()).isNull();
        assertThat(changed.propertyNames()).contains("broker", "credentials", "password", "env");
        assertThat(changed.properties()).filteredOn(p -> p.name().equals("password") || p.name().equals("credentials"))
                .allSatisfy(p -> {
                    assertThat(p.secret()).isTrue();
                    assertThat(p.before()).isNull();
                    assertThat(p.after()).isNull();
                });
        String all = JSON.writeValueAsString(r);
        assertThat(all).doesNotContain("hunter2", "correct horse", "battery staple", "s3cr3t", "tok-123", "k-999")
                .contains("mqtts://***@mqtt2.plant.example");
        assertThat(r.hosts().added()).extracting(FlowDiff.HostUse::host)
                .containsExactly("mqtt2.plant.example", "db.internal.example");
        assertThat(r.hosts().removed()).extracting(FlowDiff.HostUse::host).containsExactly("mqtt.plant.example");
    }

    @Test
    void againstNothingLiveEveryNodeIsAddedWithItsCode() throws IOException {
        ArrayNode next = flows("1.0.0");

        Result r = FlowDiff.between(null, next.toString());

        FlowDiff.Container tab = r.containers().get(0);
        assertThat(tab.status()).isEqualTo("added");
        assertThat(tab.added()).isNotEmpty();
        assertThat(tab.added()).filteredOn(a -> a.node().type().equals("function"))
                .allSatisfy(a -> assertThat(a.properties()).extracting(PropertyChange::name).contains("func"));
        assertThat(r.endpoints().added()).isNotEmpty();
    }

    @Test
    void aRealReleaseShowsItsChangedCode() throws IOException {
        // 1.4.0 -> 1.5.0 as shipped: only the code of the functions differs
        Result r = diff(flows("1.4.0"), flows("1.5.0"));

        assertThat(r.containers()).isNotEmpty();
        assertThat(r.changedNodes()).isNotEmpty().allSatisfy(c -> assertThat(c.properties()).isNotEmpty());
    }
}
