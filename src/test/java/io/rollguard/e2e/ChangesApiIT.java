package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import io.rollguard.support.Api;

/**
 * What a release changes against the stable slot of real Node-RED: the diff as JSON for whoever may
 * read the release, an undeclared integration found in the flows and routed to integration
 * approvers, and DDL in a function node refused at submission.
 */
class ChangesApiIT extends EndToEndTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TAB = "e5a1000000000001";

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        startInfrastructure(registry, "rollguard_it_changes");
    }

    /** 1.2.0 as shipped, with an http request to a host nothing live talks to, not declared anywhere. */
    Api.Response submitWithUndeclaredRatesCall() throws Exception {
        return submitWithUndeclaredRatesCall("1.2.0");
    }

    /** The flows of {@code flowsOf} plus that rates call, as release 1.2.0. */
    Api.Response submitWithUndeclaredRatesCall(String flowsOf) throws Exception {
        ArrayNode flows = (ArrayNode) JSON.readTree(Files.readString(EXAMPLES.resolve(flowsOf + "/flows.json")));
        flows.addObject().put("id", "rates0000000001").put("type", "http request").put("z", TAB)
                .put("name", "Get rates").put("method", "GET").put("url", "https://api.rates.example/v1/latest")
                .put("x", 600).put("y", 400).putArray("wires").addArray();
        return api.submit("alice", Files.readString(EXAMPLES.resolve("1.2.0/release.yaml")),
                Map.of("flows.json", JSON.writeValueAsBytes(flows)));
    }

    @Test
    void anUndeclaredHttpRequestToANewHostIsAnIntegrationChangeThatWaitsForAnIntegrationApprover() throws Exception {
        // given stable runs 1.1.0
        baseline("1.1.0");

        // when alice submits flows that add an http request to a new host, with no integrations section
        Api.Response submitted = submitWithUndeclaredRatesCall();

        // then the release is an integration change, says why, and only an integration approver has a task
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        String id = submitted.json().path("id").asText();
        String pi = submitted.json().path("processInstanceId").asText();
        JsonNode task = awaitTask("dave", pi);
        JsonNode release = release(id);
        assertThat(release.path("changeClasses").toString()).contains("integration").doesNotContain("ordinary");
        assertThat(hasEvent(release, "CHANGES_DERIVED",
                "integration: adds http request to api.rates.example (node 'Get rates' on 'expenses 1.2.0')")).isTrue();
        assertThat(tasks("bob", pi)).isEmpty();
        JsonNode variables = api.get("dave", "/engine-rest/task/" + task.path("id").asText() + "/variables").json();
        assertThat(variables.path("changeEvidence").path("value").asText()).contains("adds http request to api.rates.example");
        assertThat(variables.path("diffSummary").path("value").asText())
                .contains("Flows compared with the stable slot").contains("Outgoing hosts: + api.rates.example");
        assertThat(variables.path("integrationChange").path("value").asBoolean()).isTrue();
    }

    @Test
    void theChangesAreReadByWhoeverMayReadTheReleaseAndShowTheDiffAgainstStable() throws Exception {
        // given stable runs 1.1.0 and alice's release adds a rates call
        baseline("1.1.0");
        Api.Response submitted = submitWithUndeclaredRatesCall();
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        String path = "/api/releases/" + submitted.json().path("id").asText() + "/changes";

        // then every role that reads the release reads its changes
        for (String user : List.of("alice", "bob", "carol", "dave", "erin", "frank", "admin", "zoe", "ada")) {
            assertThat(api.get(user, path).status()).as(user).isEqualTo(200);
        }
        assertThat(api.get(null, path).status()).as("anonymous").isEqualTo(401);
        assertThat(api.get("alice", "/api/releases/no-such-release/changes").status()).isEqualTo(404);

        // and the diff is against the stable slot, with the new node, its host and no secret
        JsonNode changes = api.get("erin", path).json();
        assertThat(changes.path("live").path("source").asText()).isEqualTo("stable");
        assertThat(changes.path("live").path("hash").asText()).hasSize(64);
        assertThat(changes.path("newHash").asText()).hasSize(64).isNotEqualTo(changes.path("live").path("hash").asText());
        assertThat(changes.path("hosts").path("added").findValuesAsText("host")).containsExactly("api.rates.example");
        assertThat(changes.path("classes").toString()).isEqualTo("[\"integration\"]");
        assertThat(changes.path("evidence").get(0).path("node").path("name").asText()).isEqualTo("Get rates");
        JsonNode tab = changes.path("containers").get(0);
        assertThat(tab.path("kind").asText()).isEqualTo("tab");
        assertThat(tab.path("added").findValuesAsText("id")).contains("rates0000000001");

        // and a requester who does not own the app may not read them
        Api.Response put = api.registerExpenses(slots, List.of("zoe"), "1.1.0");
        assertThat(put.status()).as(put.body()).isIn(200, 201);
        assertThat(api.get("alice", path).status()).as("alice, no longer an owner").isEqualTo(403);
        assertThat(api.get("zoe", path).status()).isEqualTo(200);
    }

    @Test
    void aChangedFunctionReadingTheDatabaseClientMakesTheReleaseHighRiskWithTheNodeNamed() throws Exception {
        // given stable runs 1.1.0, whose functions read the database client global.get("pg")
        baseline("1.1.0");

        // when alice submits 1.2.0, which changes the code of two of them (and adds the rates call)
        Api.Response submitted = submitWithUndeclaredRatesCall();

        // then the node policy's high-risk decisions on the changed functions make the release high risk
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        JsonNode task = awaitTask("dave", submitted.json().path("processInstanceId").asText());
        JsonNode variables = api.get("dave", "/engine-rest/task/" + task.path("id").asText() + "/variables").json();
        assertThat(variables.path("risk").path("value").asText()).isEqualTo("high");
        assertThat(variables.path("changeEvidence").path("value").asText())
                .contains("integration: adds http request to api.rates.example")
                .contains("high-risk: changes func of function (node 'list expenses' on 'expenses 1.2.0'): the code "
                        + "reads a database client")
                .contains("global.get(\"pg\")");
        JsonNode changes = api.get("erin", "/api/releases/" + submitted.json().path("id").asText() + "/changes").json();
        assertThat(changes.path("highRisk").findValuesAsText("reason")).contains("changes func of function");
        assertThat(changes.path("evidence").get(0).path("policy").asText()).contains("talks to the network");
    }

    @Test
    void theSameFunctionsAlreadyLiveAndUnchangedAreNoNewRisk() throws Exception {
        // given stable runs 1.1.0
        baseline("1.1.0");

        // when alice submits 1.1.0's flows unchanged but for the rates call
        Api.Response submitted = submitWithUndeclaredRatesCall("1.1.0");

        // then the functions reading the database client are live already: no decision on them, normal risk
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        JsonNode task = awaitTask("dave", submitted.json().path("processInstanceId").asText());
        JsonNode variables = api.get("dave", "/engine-rest/task/" + task.path("id").asText() + "/variables").json();
        assertThat(variables.path("risk").path("value").asText()).isEqualTo("normal");
        assertThat(variables.path("changeEvidence").path("value").asText())
                .contains("integration: adds http request to api.rates.example").doesNotContain("high-risk");
    }

    @Test
    void ddlInAFunctionNodeIsRefusedAtSubmissionWithTheNodeNamed() throws Exception {
        baseline("1.1.0");
        int before = jdbc.queryForObject("select count(*) from rg_release", Integer.class);
        ArrayNode flows = (ArrayNode) JSON.readTree(Files.readString(EXAMPLES.resolve("1.2.0/flows.json")));
        flows.addObject().put("id", "ddl000000000001").put("type", "function").put("z", TAB).put("name", "add column")
                .put("func", "await global.get('db').query('ALTER TABLE expense ADD COLUMN note text');\nreturn msg;");

        Api.Response r = api.submit("alice", Files.readString(EXAMPLES.resolve("1.2.0/release.yaml")),
                Map.of("flows.json", JSON.writeValueAsBytes(flows)));

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().path("violations").findValuesAsText("path")).containsExactly("/artifact/file");
        assertThat(r.json().path("violations").findValuesAsText("message")).singleElement().asString()
                .contains("node 'add column'").contains("ALTER TABLE expense ADD COLUMN note text")
                .contains("schema changes go through the descriptor's `schema` changelog");
        assertThat(jdbc.queryForObject("select count(*) from rg_release", Integer.class)).isEqualTo(before);
    }
}
