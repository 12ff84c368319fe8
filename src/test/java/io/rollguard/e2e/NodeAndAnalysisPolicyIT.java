package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.rollguard.support.Api;
import io.rollguard.support.ExpensesUntilApproval;
import io.rollguard.support.NodeRedSlots;
import io.rollguard.support.PostgresDatabase;

/**
 * The admins' node policy and analysis floor at submission, through the real API: a refused node
 * and a loosened floor are 400 with what and where; only admins set the floor or deploy a node
 * policy, and a deployed one takes effect on the next submission.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false"})
@ActiveProfiles("postgres")
class NodeAndAnalysisPolicyIT {

    static final Path EXAMPLES = NodeRedSlots.PROJECT.resolve("examples/expenses");
    static final String FLOOR = """
            {"metrics":[{"query":"error-ratio","above":0.05}],"minSamples":5,"maxFirstStepWeight":20,"minSteps":2}""";

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresDatabase.register(registry, "rollguard_it_node_policy");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    RepositoryService repository;
    @Autowired
    RuntimeService runtime;
    @Autowired
    IdentityService identity;
    Api api;

    @BeforeEach
    void registerApp() {
        api = new Api("http://127.0.0.1:" + port);
        ExpensesUntilApproval.registered(api);
        // test fixture: the app takes one release at a time; the product never edits its tables like this
        jdbc.update("update rg_release set state = 'ABORTED' where state not in "
                + "('REJECTED','PREFLIGHT_FAILED','PROMOTED','ROLLED_BACK','ABORTED')");
        assertThat(api.putJson("admin", "/api/apps/expenses/analysis-floor", FLOOR).status()).isEqualTo(200);
    }

    static String descriptor() throws Exception {
        return Files.readString(EXAMPLES.resolve("1.1.0/release.yaml"));
    }

    static byte[] flowsWith(ObjectNode node) throws Exception {
        ArrayNode flows = (ArrayNode) new ObjectMapper().readTree(Files.readAllBytes(EXAMPLES.resolve("1.1.0/flows.json")));
        String tab = null;
        for (JsonNode n : flows) {
            if (n.path("type").asText().equals("tab")) {
                tab = n.path("id").asText();
                break;
            }
        }
        node.put("z", tab);
        flows.add(node);
        return new ObjectMapper().writeValueAsBytes(flows);
    }

    static ObjectNode node(String id, String type, String name) {
        ObjectNode node = new ObjectMapper().createObjectNode();
        return node.put("id", id).put("type", type).put("name", name).put("x", 100).put("y", 100);
    }

    @Test
    void anExecNodeIsRefusedAtSubmissionWithTheNodeNamed() throws Exception {
        ObjectNode exec = node("exec-node-1", "exec", "list files").put("command", "ls");
        int before = releases();
        Api.Response r = api.submit("alice", descriptor(), Map.of("flows.json", flowsWith(exec)));

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.header("Content-Type")).contains("application/problem+json");
        JsonNode violation = r.json().path("violations").get(0);
        assertThat(violation.path("path").asText()).isEqualTo("/artifact/file");
        assertThat(violation.path("message").asText()).contains("exec-node-1", "\"list files\"", "type exec", "tab \"",
                "operating system commands");
        assertThat(releases()).isEqualTo(before);
    }

    int releases() {
        return jdbc.queryForObject("select count(*) from rg_release", Integer.class);
    }

    @Test
    void aDescriptorThatLoosensTheFloorIsRefusedWithEachViolationByPath() throws Exception {
        String looser = descriptor().replace("above: 0.05", "above: 0.1").replace("weight: 20", "weight: 40")
                .replace("minSamples: 5", "minSamples: 1").replace("    - weight: 50\n      pause: 8s\n", "");
        Api.Response r = api.submit("alice", looser, Map.of("flows.json",
                Files.readAllBytes(EXAMPLES.resolve("1.1.0/flows.json"))));

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        Map<String, String> byPath = new LinkedHashMap<>();
        r.json().path("violations").forEach(v -> byPath.put(v.path("path").asText(), v.path("message").asText()));
        assertThat(byPath).containsExactlyInAnyOrderEntriesOf(Map.of(
                "/analysis/metrics/0/failIf/above", "0.1 is looser than the app's floor 0.05",
                "/analysis/metrics/1/minSamples", "1 is smaller than the app's floor 5",
                "/rollout/steps/0/weight", "40 is heavier than the app's floor 20",
                "/rollout/steps", "1 step is fewer than the app's floor 2"));
    }

    @Test
    void aSubmissionWithinTheFloorShowsItsPlanAndTheNodePolicyFindingsToTheApprovers() throws Exception {
        Api.Response r = api.submitExample("alice", "1.1.0");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String pi = r.json().path("processInstanceId").asText();

        JsonNode task = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> api.get("bob", "/engine-rest/task?processInstanceId=" + pi).json(), t -> t.size() > 0).get(0);
        JsonNode form = api.get("bob", "/engine-rest/task/" + task.path("id").asText() + "/form-variables").json();
        assertThat(form.path("effectivePlan").path("value").asText()).contains("step 1: 20 % of traffic for 8s",
                "error-rate (query error-ratio", "Meets the app's analysis floor");
        // no stable slot is registered: compared with nothing live, every node is new and decided
        assertThat(form.path("changeEvidence").path("value").asText()).contains("high-risk", "database client",
                "global.get(\"pg\")");
        assertThat(form.path("risk").path("value").asText()).isEqualTo("high");
    }

    /** Every role against the floor: readers of the app's releases read it, only admins set it. */
    @Test
    void onlyAdminsSetTheFloorWhileReadersOfTheAppsReleasesReadIt() {
        if (identity.createUserQuery().userId("rhea").count() == 0) {
            var rhea = identity.newUser("rhea");
            rhea.setPassword("rhea");
            identity.saveUser(rhea);
            identity.createMembership("rhea", "requester");
        }
        // alice owns the app; rhea is a requester who does not
        Map<String, Integer> reads = new LinkedHashMap<>();
        for (String user : List.of("alice", "rhea", "bob", "carol", "dave", "erin", "frank", "admin", "zoe", "ada")) {
            reads.put(user, api.get(user, "/api/apps/expenses/analysis-floor").status());
            Api.Response write = api.putJson(user, "/api/apps/expenses/analysis-floor",
                    "{\"minSamples\":7,\"minSteps\":2}");
            assertThat(write.status()).as(user + " sets the floor: " + write.body())
                    .isEqualTo(Set.of("admin", "ada").contains(user) ? 200 : 403);
        }
        assertThat(reads).containsEntry("alice", 200).containsEntry("rhea", 403).containsEntry("bob", 200)
                .containsEntry("carol", 200).containsEntry("dave", 200).containsEntry("erin", 200)
                .containsEntry("frank", 200).containsEntry("admin", 200).containsEntry("zoe", 200)
                .containsEntry("ada", 200);
        assertThat(api.get(null, "/api/apps/expenses/analysis-floor")
                .status()).as("anonymous").isEqualTo(401);
        assertThat(api.putJson(null, "/api/apps/expenses/analysis-floor",
                "{}").status()).as("anonymous sets").isIn(401, 403);

        JsonNode floor = api.get("alice", "/api/apps/expenses/analysis-floor").json();
        assertThat(floor.path("minSamples").asInt()).isEqualTo(7);
        Api.Response invalid = api.putJson("admin", "/api/apps/expenses/analysis-floor",
                "{\"metrics\":[{\"query\":\"\",\"above\":-1}],\"maxFirstStepWeight\":0}");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.body()).contains("/metrics/0/query", "/metrics/0/above", "/maxFirstStepWeight");
    }

    static String nodePolicy() throws Exception {
        return Files.readString(NodeRedSlots.PROJECT.resolve("bpmn/node-policy.dmn"));
    }

    Api.Response deploy(String user, String name, String content) {
        Map<String, byte[]> parts = new LinkedHashMap<>();
        parts.put("deployment-name", ("by " + user).getBytes(StandardCharsets.UTF_8));
        parts.put(name, content.getBytes(StandardCharsets.UTF_8));
        return api.postMultipart(user, "/engine-rest/deployment/create", parts);
    }

    int nodePolicyVersion() {
        return repository.createDecisionDefinitionQuery().decisionDefinitionKey("nodePolicy").latestVersion()
                .singleResult().getVersion();
    }

    @Test
    void anAdminDeploysAValidNodePolicyAndItTakesEffectWhileAnInvalidOneIsRefused() throws Exception {
        int version = nodePolicyVersion();
        // a stricter policy: the sample's comment nodes are refused too
        String stricter = nodePolicy().replace("<text>\"exec\"</text>", "<text>\"exec\",\"comment\"</text>");
        String invalid = nodePolicy().replace("<text>\"refuse\"</text>", "<text>\"allow\"</text>");
        try {
            for (String user : List.of("alice", "bob", "dave", "erin", "frank")) {
                assertThat(deploy(user, "node-policy.dmn", stricter).status()).as(user).isEqualTo(403);
            }
            Api.Response refused = deploy("admin", "node-policy.dmn", invalid);
            assertThat(refused.status()).as(refused.body()).isEqualTo(400);
            assertThat(refused.body()).contains("Not a valid node policy", "outcome '\\\"allow\\\"' is not one of");
            assertThat(nodePolicyVersion()).isEqualTo(version);

            // when an admin deploys the stricter one
            Api.Response deployed = deploy("admin", "node-policy.dmn", stricter);
            assertThat(deployed.status()).as(deployed.body()).isEqualTo(200);
            assertThat(nodePolicyVersion()).isEqualTo(version + 1);

            // then the next submission of the example, which has comment nodes, is refused naming them
            Api.Response r = api.submitExample("alice", "1.1.0");
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.body()).contains("type comment", "the node policy refuses");
        } finally {
            assertThat(deploy("admin", "node-policy.dmn", nodePolicy()).status()).isEqualTo(200);
        }
        assertThat(api.submitExample("alice", "1.1.0").status()).isEqualTo(201);
    }
}
