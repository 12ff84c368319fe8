package io.rollguard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.repository.ProcessDefinition;
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

import io.rollguard.support.Api;
import io.rollguard.support.ExpensesUntilApproval;
import io.rollguard.support.NodeRedSlots;
import io.rollguard.support.PostgresDatabase;

/**
 * Only Rollguard's own process definitions run releases, and the one thing an admin deploys is an
 * approval policy Rollguard validates. Through Camunda's REST API as the real admin calls it (the
 * same API Cockpit's deployment uses).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false"})
@ActiveProfiles("postgres")
class ProcessDefinitionAttacksIT {

    static final String POLICY_FILE = "bpmn/approval-policy.dmn";

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresDatabase.register(registry, "rollguard_it_definitions");
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
    }

    static String file(String path) {
        try {
            return Files.readString(NodeRedSlots.PROJECT.resolve(path));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    Api.Response deploy(String user, Map<String, String> files) {
        Map<String, byte[]> parts = new LinkedHashMap<>();
        parts.put("deployment-name", ("by " + user).getBytes(StandardCharsets.UTF_8));
        files.forEach((name, content) -> parts.put(name, content.getBytes(StandardCharsets.UTF_8)));
        return api.postMultipart(user, "/engine-rest/deployment/create", parts);
    }

    long deployments() {
        return repository.createDeploymentQuery().count();
    }

    int policyVersion() {
        return repository.createDecisionDefinitionQuery().decisionDefinitionKey("approvalPolicy").latestVersion()
                .singleResult().getVersion();
    }

    record Submitted(String id, String processInstanceId) {
    }

    Submitted submit() {
        // test fixture: the app takes one release at a time; the product never edits its tables like this
        jdbc.update("update rg_release set state = 'ABORTED' where state not in "
                + "('REJECTED','PREFLIGHT_FAILED','PROMOTED','ROLLED_BACK','ABORTED')");
        Api.Response r = api.submitExample("alice", "1.1.0");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return new Submitted(r.json().path("id").asText(), r.json().path("processInstanceId").asText());
    }

    List<JsonNode> approvals(Submitted release, int count) {
        JsonNode tasks = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(
                () -> api.get("admin", "/engine-rest/history/task?processInstanceId=" + release.processInstanceId()
                        + "&unfinished=true").json(), t -> t.size() >= count);
        List<JsonNode> list = new java.util.ArrayList<>();
        tasks.forEach(list::add);
        return list;
    }

    static final String ADMIN_PROCESS = """
            <?xml version="1.0" encoding="UTF-8"?>
            <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                id="Definitions_Admin" targetNamespace="https://example.org">
              <process id="adminProcess" isExecutable="true" camunda:historyTimeToLive="P1D">
                <startEvent id="StartEvent_Go" />
                <serviceTask id="ServiceTask_ReadSecrets" camunda:expression="${releaseRepository.find('x')}" />
                <endEvent id="EndEvent_Done" />
                <sequenceFlow id="SequenceFlow_1" sourceRef="StartEvent_Go" targetRef="ServiceTask_ReadSecrets" />
                <sequenceFlow id="SequenceFlow_2" sourceRef="ServiceTask_ReadSecrets" targetRef="EndEvent_Done" />
              </process>
            </definitions>
            """;

    @Test
    void adminCannotDeployAProcessOrForm() {
        long before = deployments();
        String rollguards = repository.createProcessDefinitionQuery().processDefinitionKey("releaseLifecycle")
                .latestVersion().singleResult().getDeploymentId();

        // a process running any expression, a form, a script, a policy smuggled beside a process, a redeployment
        for (String user : List.of("admin", "ada")) {
            for (Map<String, String> files : List.of(
                    Map.of("admin.bpmn", ADMIN_PROCESS),
                    Map.of("admin.form", "{\"id\":\"Form_Admin\",\"type\":\"default\",\"components\":[]}"),
                    Map.of("admin.js", "java.lang.System.exit(1)"),
                    Map.of("approval-policy.dmn", file(POLICY_FILE), "admin.bpmn", ADMIN_PROCESS),
                    Map.of("release-preflight.bpmn", file("bpmn/release-preflight.bpmn")))) {
                Api.Response deployed = deploy(user, files);
                assertThat(deployed.status()).as(user + " deploys " + files.keySet() + ": " + deployed.body())
                        .isEqualTo(403);
                assertThat(deployed.body()).contains("Only a new approval policy may be deployed");
            }
            Api.Response redeploy = api.postJson(user, "/engine-rest/deployment/" + rollguards + "/redeploy", "{}");
            assertThat(redeploy.status()).as(redeploy.body()).isEqualTo(403);
        }
        assertThat(deployments()).isEqualTo(before);
        assertThat(repository.createProcessDefinitionQuery().processDefinitionKey("adminProcess").count()).isZero();
    }

    @Test
    void adminCannotReplaceReleaseLifecycle() {
        // given a copy of the lifecycle with a step of the admin's
        String copy = file("bpmn/release-lifecycle.bpmn").replace("name=\"Release lifecycle\"",
                "name=\"Release lifecycle (admin's)\"");
        Api.Response deployed = deploy("ada", Map.of("release-lifecycle.bpmn", copy));
        assertThat(deployed.status()).as(deployed.body()).isEqualTo(403);
        String rollguards = repository.createProcessDefinitionQuery().processDefinitionKey("releaseLifecycle")
                .latestVersion().singleResult().getId();

        // and even where such a copy is the latest version after all (deployed past the guard, e.g. before it)
        String adminsCopy = repository.createDeployment().name("an admin's copy")
                .addString("release-lifecycle.bpmn", copy).deployWithResult().getDeployedProcessDefinitions().get(0)
                .getId();
        assertThat(repository.createProcessDefinitionQuery().processDefinitionKey("releaseLifecycle").latestVersion()
                .singleResult().getId()).isEqualTo(adminsCopy);

        // when a requester submits a release
        Submitted release = submit();

        // then it runs Rollguard's own definition, not the latest one
        ProcessDefinition running = repository.getProcessDefinition(runtime.createProcessInstanceQuery()
                .processInstanceId(release.processInstanceId()).singleResult().getProcessDefinitionId());
        assertThat(running.getId()).isEqualTo(rollguards).isNotEqualTo(adminsCopy);
        assertThat(running.getName()).isEqualTo("Release lifecycle");
    }

    @Test
    void approvalPolicyDmnWithExpressionsIsRefused() {
        String policy = file(POLICY_FILE);
        String ordinaryRule = policy.substring(policy.indexOf("<rule id=\"Rule_OrdinaryChange\">"),
                policy.indexOf("<rule id=\"Rule_SchemaChange\">"));
        Map<String, String> attacks = new LinkedHashMap<>();
        attacks.put("a JUEL output calling a bean", policy.replace(
                "<outputEntry id=\"OutputEntry_Approver\"><text>\"approver\"</text>",
                "<outputEntry id=\"OutputEntry_Approver\" expressionLanguage=\"juel\">"
                        + "<text>${releaseRepository.find('x').toString()}</text>"));
        attacks.put("a JUEL input expression", policy.replace("<inputExpression id=\"InputExpression_SchemaChange\"",
                "<inputExpression id=\"InputExpression_SchemaChange\" expressionLanguage=\"juel\""));
        attacks.put("a FEEL expression instead of a literal", policy.replace("<text>\"approver\"</text>",
                "<text>if schemaChange then \"approver\" else \"approver\"</text>"));
        attacks.put("an input the lifecycle does not provide", policy.replace("<text>integrationChange</text>",
                "<text>requester</text>"));
        attacks.put("another decision beside it", policy.replace("<dmndi:DMNDI>",
                "<decision id=\"helper\"><literalExpression><text>1</text></literalExpression></decision><dmndi:DMNDI>"));
        attacks.put("a decision replacing something else", policy.replace("id=\"approvalPolicy\"", "id=\"releaseLifecycle\"")
                .replace("dmnElementRef=\"approvalPolicy\"", "dmnElementRef=\"releaseLifecycle\""));
        attacks.put("no approver for ordinary changes", policy.replace(ordinaryRule, ""));
        attacks.put("ordinary approvers for a schema change", policy.replace("<text>\"schema-approver\"</text>",
                "<text>\"approver\"</text>"));
        attacks.put("a group that is not an approver group", policy.replace("<text>\"approver\"</text>",
                "<text>\"requester\"</text>"));
        attacks.put("a DTD with an external entity", policy.replace("<definitions ",
                "<!DOCTYPE definitions [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]>\n<definitions ")
                .replace("An ordinary change: any approver", "&secret;"));
        int version = policyVersion();
        long before = deployments();
        for (Map.Entry<String, String> attack : attacks.entrySet()) {
            Api.Response deployed = deploy("admin", Map.of("approval-policy.dmn", attack.getValue()));
            assertThat(deployed.status()).as(attack.getKey() + ": " + deployed.body()).isEqualTo(400);
            assertThat(deployed.body()).as(attack.getKey()).contains("Not a valid approval policy")
                    .doesNotContain("root:");
        }
        assertThat(policyVersion()).isEqualTo(version);
        assertThat(deployments()).isEqualTo(before);
    }

    /** Ordinary changes need an approver and a schema approver: a stricter policy an admin may deploy. */
    static String twoGroupPolicy() {
        return file(POLICY_FILE).replace("</decisionTable>", """
                <rule id="Rule_OrdinaryAlsoSchema">
                  <inputEntry id="InputEntry_AlsoSchema"><text>false</text></inputEntry>
                  <inputEntry id="InputEntry_AlsoIntegration"><text>-</text></inputEntry>
                  <inputEntry id="InputEntry_AlsoRisk"><text>-</text></inputEntry>
                  <inputEntry id="InputEntry_AlsoFlags"><text>-</text></inputEntry>
                  <outputEntry id="OutputEntry_AlsoSchemaApprover"><text>"schema-approver"</text></outputEntry>
                </rule>
                </decisionTable>""");
    }

    void restorePolicy() {
        Api.Response restored = deploy("admin", Map.of("approval-policy.dmn", file(POLICY_FILE)));
        assertThat(restored.status()).as(restored.body()).isEqualTo(200);
    }

    @Test
    void validApprovalPolicyDmnIsAccepted() {
        int version = policyVersion();
        try {
            // when an admin deploys a stricter policy
            Api.Response deployed = deploy("admin", Map.of("approval-policy.dmn", twoGroupPolicy()));
            assertThat(deployed.status()).as(deployed.body()).isEqualTo(200);
            assertThat(policyVersion()).isEqualTo(version + 1);

            // then the next release is approved by both groups
            Submitted release = submit();
            List<JsonNode> approvals = approvals(release, 2);
            assertThat(approvals).extracting(t -> t.path("name").asText())
                    .containsExactlyInAnyOrder("Approve expenses 1.1.0 as approver",
                            "Approve expenses 1.1.0 as schema-approver");
        } finally {
            restorePolicy();
        }
    }

    /**
     * A policy that asks two groups asks two people: one person in both groups approves once. An
     * approval of someone outside the task's group counts for nothing.
     */
    @Test
    void oneApproverCannotApproveAsTwoGroups() {
        if (identity.createUserQuery().userId("yves").count() == 0) {
            var yves = identity.newUser("yves");
            yves.setPassword("yves");
            identity.saveUser(yves);
            identity.createMembership("yves", "approver");
            identity.createMembership("yves", "schema-approver");
        }
        try {
            assertThat(deploy("admin", Map.of("approval-policy.dmn", twoGroupPolicy())).status()).isEqualTo(200);
            Submitted release = submit();
            Map<String, String> byGroup = new LinkedHashMap<>();
            for (JsonNode task : approvals(release, 2)) {
                byGroup.put(task.path("name").asText().replaceAll(".* as ", ""), task.path("id").asText());
            }
            // yves approves as an approver
            assertThat(complete("yves", byGroup.get("approver")).status()).isEqualTo(204);

            // when yves approves again, now as a schema approver; bob, made candidate, approves as one too
            Api.Response again = complete("yves", byGroup.get("schema-approver"));
            assertThat(api.postJson("carol", "/engine-rest/task/" + byGroup.get("schema-approver") + "/identity-links",
                    "{\"userId\":\"bob\",\"type\":\"candidate\"}").status()).isEqualTo(204);
            Api.Response outsider = complete("bob", byGroup.get("schema-approver"));

            // then both are refused, and carol's approval is what it needs
            assertThat(again.status()).as(again.body()).isEqualTo(403);
            assertThat(again.body()).contains("already decided");
            assertThat(outsider.status()).as(outsider.body()).isEqualTo(403);
            assertThat(outsider.body()).contains("not in group schema-approver");
            assertThat(complete("carol", byGroup.get("schema-approver")).status()).isEqualTo(204);
        } finally {
            restorePolicy();
        }
    }

    Api.Response complete(String user, String taskId) {
        return api.postJson(user, "/engine-rest/task/" + taskId + "/complete",
                "{\"variables\":{\"decision\":{\"value\":\"approve\"},\"comment\":{\"value\":\"by " + user + "\"}}}");
    }
}
