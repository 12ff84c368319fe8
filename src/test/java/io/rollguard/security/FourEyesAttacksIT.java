package io.rollguard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.task.IdentityLink;
import org.camunda.bpm.engine.task.Task;
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
import io.rollguard.support.AppRegistrations;
import io.rollguard.support.PostgresDatabase;

/**
 * Four-eyes against the people it holds back, on the real engine and its REST API as the real
 * users call it (HTTP Basic, local users): approvers who hand the requester their own approval,
 * and anyone who writes variables on an approval task. The requester is who Rollguard stored at
 * submission; none of these ways makes them the one who approves. The slots are unreachable: a
 * release stops at preflight, after the approvals these tests are about.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false"})
@ActiveProfiles("postgres")
class FourEyesAttacksIT {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresDatabase.register(registry, "rollguard_it_foureyes");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TaskService taskService;
    @Autowired
    RuntimeService runtime;
    Api api;

    record Submitted(String id, String processInstanceId, String taskId) {
    }

    @BeforeEach
    void registerApp() {
        api = new Api("http://127.0.0.1:" + port);
        Api.Response r = api.putJson("admin", "/api/apps/expenses",
                AppRegistrations.withoutSlots("expenses", "1.0.0", List.of("alice", "zoe", "ada"), null));
        assertThat(r.status()).as(r.body()).isIn(200, 201);
    }

    /** {@code requester} submits expenses 1.1.0 (an ordinary change); returns it with its approval task. */
    Submitted submit(String requester) {
        // test fixture: the app takes one release at a time; the product never edits its tables like this
        jdbc.update("update rg_release set state = 'ABORTED' where state not in "
                + "('REJECTED','PREFLIGHT_FAILED','PROMOTED','ROLLED_BACK','ABORTED')");
        Api.Response r = api.submitExample(requester, "1.1.0");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String pi = r.json().path("processInstanceId").asText();
        JsonNode tasks = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> api.get("bob", "/engine-rest/task?processInstanceId=" + pi).json(), t -> t.size() > 0);
        return new Submitted(r.json().path("id").asText(), pi, tasks.get(0).path("id").asText());
    }

    Api.Response complete(String user, String taskId) {
        return api.postJson(user, "/engine-rest/task/" + taskId + "/complete",
                "{\"variables\":{\"decision\":{\"value\":\"approve\"},\"comment\":{\"value\":\"by " + user + "\"}}}");
    }

    /** The requester cannot complete, the release still waits, and nobody approved it. */
    void stillAwaitingApproval(Submitted release, String requester) {
        Api.Response completed = complete(requester, release.taskId());
        assertThat(completed.status()).as(completed.body()).isEqualTo(403);
        JsonNode after = api.get(requester, "/api/releases/" + release.id()).json();
        assertThat(after.path("state").asText()).isEqualTo("AWAITING_APPROVAL");
        assertThat(after.path("history").toString()).doesNotContain("APPROVED");
        assertThat(taskService.createTaskQuery().taskId(release.taskId()).count()).isEqualTo(1);
    }

    static void refused(Api.Response response, int status, String why) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).contains(why).doesNotContain("Exception while invoking");
    }

    @Test
    void requesterAssignedToOwnApprovalCannotComplete() {
        // given alice's release waits for bob's group
        Submitted release = submit("alice");
        String task = "/engine-rest/task/" + release.taskId();

        // when bob, an approver, hands alice her own approval: by assignment, by claiming for her,
        // by updating the task, and Rollguard code through the Java API
        refused(api.postJson("bob", task + "/assignee", "{\"userId\":\"alice\"}"), 403, "Four-eyes");
        refused(api.postJson("bob", task + "/claim", "{\"userId\":\"alice\"}"), 403, "Four-eyes");
        JsonNode dto = api.get("bob", task).json();
        refused(api.putJson("bob", task, "{\"name\":" + dto.path("name") + ",\"assignee\":\"alice\",\"priority\":50}"),
                403, "Four-eyes");
        assertThatThrownBy(() -> taskService.setAssignee(release.taskId(), "alice"))
                .isInstanceOf(ProcessEngineException.class).hasMessageContaining("Four-eyes");

        // then she is not its assignee and cannot complete it
        assertThat(taskService.createTaskQuery().taskId(release.taskId()).singleResult().getAssignee()).isNull();
        stillAwaitingApproval(release, "alice");
        // while bob, who may, assigns it to himself and approves
        assertThat(api.postJson("bob", task + "/assignee", "{\"userId\":\"bob\"}").status()).isEqualTo(204);
        assertThat(complete("bob", release.taskId()).status()).isEqualTo(204);
    }

    @Test
    void requesterDelegatedOwnApprovalCannotComplete() {
        // given bob has claimed alice's approval
        Submitted release = submit("alice");
        String task = "/engine-rest/task/" + release.taskId();
        assertThat(api.postJson("bob", task + "/claim", "{\"userId\":\"bob\"}").status()).isEqualTo(204);

        // when he delegates it to alice, over REST and through the Java API
        refused(api.postJson("bob", task + "/delegate", "{\"userId\":\"alice\"}"), 403, "Four-eyes");
        assertThatThrownBy(() -> taskService.delegateTask(release.taskId(), "alice"))
                .isInstanceOf(ProcessEngineException.class).hasMessageContaining("Four-eyes");

        // then the task stays bob's; alice neither resolves it with her decision nor completes it
        Task stored = taskService.createTaskQuery().taskId(release.taskId()).singleResult();
        assertThat(stored.getAssignee()).isEqualTo("bob");
        assertThat(stored.getDelegationState()).isNull();
        assertThat(api.postJson("alice", task + "/resolve",
                "{\"variables\":{\"decision\":{\"value\":\"approve\"}}}").status()).isEqualTo(403);
        stillAwaitingApproval(release, "alice");
    }

    @Test
    void requesterAddedAsCandidateIsRefused() {
        // given zoe (requester and approver) asked for a release
        Submitted release = submit("zoe");
        String task = "/engine-rest/task/" + release.taskId();

        // when bob makes her a candidate user or the owner of her own approval, over REST and Java
        refused(api.postJson("bob", task + "/identity-links", "{\"userId\":\"zoe\",\"type\":\"candidate\"}"), 403,
                "Four-eyes");
        refused(api.postJson("bob", task + "/identity-links", "{\"userId\":\"zoe\",\"type\":\"owner\"}"), 403,
                "Four-eyes");
        refused(api.postJson("bob", task + "/identity-links", "{\"userId\":\"zoe\",\"type\":\"assignee\"}"), 403,
                "Four-eyes");
        JsonNode dto = api.get("bob", task).json();
        refused(api.putJson("bob", task, "{\"name\":" + dto.path("name") + ",\"owner\":\"zoe\",\"priority\":50}"),
                403, "Four-eyes");
        assertThatThrownBy(() -> taskService.addCandidateUser(release.taskId(), "zoe"))
                .isInstanceOf(ProcessEngineException.class).hasMessageContaining("Four-eyes");
        assertThatThrownBy(() -> taskService.setOwner(release.taskId(), "zoe"))
                .isInstanceOf(ProcessEngineException.class).hasMessageContaining("Four-eyes");

        // then no identity link names her, she sees nothing in Tasklist's filter and cannot complete
        assertThat(taskService.getIdentityLinksForTask(release.taskId())).extracting(IdentityLink::getUserId)
                .doesNotContain("zoe");
        assertThat(api.get("zoe", "/engine-rest/task?processInstanceId=" + release.processInstanceId()).json())
                .isEmpty();
        stillAwaitingApproval(release, "zoe");
        // adding another approver as candidate still works
        assertThat(api.postJson("bob", task + "/identity-links", "{\"userId\":\"ada\",\"type\":\"candidate\"}")
                .status()).isEqualTo(204);
    }

    @Test
    void requesterVariableOverwriteDoesNotUnlockFourEyes() {
        // given zoe, who is also an approver, asked for a release
        Submitted release = submit("zoe");
        String task = "/engine-rest/task/" + release.taskId();

        // when an approver rewrites "requester" on the task and, through it, on the process
        refused(api.putJson("bob", task + "/localVariables/requester", "{\"value\":\"bob\",\"type\":\"String\"}"), 400,
                "refused: [requester]");
        refused(api.putJson("bob", task + "/variables/requester", "{\"value\":\"bob\",\"type\":\"String\"}"), 400,
                "refused: [requester]");
        refused(api.postJson("bob", task + "/variables", "{\"modifications\":{\"requester\":{\"value\":\"bob\"}}}"), 400,
                "refused: [requester]");
        refused(api.delete("bob", task + "/variables/requester"), 400, "refused: [requester]");
        // nor an admin, who has no right on the task at all
        assertThat(api.putJson("admin", task + "/variables/requester", "{\"value\":\"admin\"}").status())
                .isIn(400, 403, 404);
        assertThat(runtime.getVariable(release.processInstanceId(), "requester")).isEqualTo("zoe");

        // and even where the variable was rewritten after all (here by Java code, the one way left)
        runtime.setVariable(release.processInstanceId(), "requester", "bob");

        // then zoe still cannot approve her release, and bob still may
        stillAwaitingApproval(release, "zoe");
        Api.Response byBob = complete("bob", release.taskId());
        assertThat(byBob.status()).as(byBob.body()).isEqualTo(204);
        JsonNode history = api.get("zoe", "/api/releases/" + release.id()).json().path("history");
        assertThat(history.toString()).contains("\"type\":\"APPROVED\"").contains("\"actor\":\"bob\"");
    }

    @Test
    void approvalTaskVariablesAreLimitedToDecisionAndComment() {
        // given alice's release waits for approval
        Submitted release = submit("alice");
        String task = "/engine-rest/task/" + release.taskId();
        Map<String, Object> before = runtime.getVariables(release.processInstanceId());

        // when bob writes anything but the decision and the comment, by every way the task offers
        refused(api.putJson("bob", task + "/variables/approverGroup", "{\"value\":\"approver\",\"type\":\"String\"}"
                .replace("approver\"", "integration-approver\"")), 400, "refused: [approverGroup]");
        refused(api.putJson("bob", task + "/localVariables/note", "{\"value\":\"x\",\"type\":\"String\"}"), 400,
                "refused: [note]");
        refused(api.postJson("bob", task + "/localVariables",
                "{\"modifications\":{\"comment\":{\"value\":\"fine\"},\"rejected\":{\"value\":false}}}"), 400,
                "refused: [rejected]");
        refused(api.postJson("bob", task + "/variables", "{\"deletions\":[\"changeClasses\"]}"), 400,
                "refused: [changeClasses]");
        refused(api.postJson("bob", task + "/complete", """
                {"variables":{"decision":{"value":"approve"},"requiredGroups":{"value":"[]"}}}"""), 400,
                "refused: [requiredGroups]");
        refused(api.postJson("bob", task + "/submit-form", """
                {"variables":{"decision":{"value":"approve"},"schemaChange":{"value":true,"type":"Boolean"}}}"""), 400,
                "refused: [schemaChange]");
        // a read-only field sent back with the value it holds changes nothing (Tasklist does that); the risk is
        // whatever the node policy and the changelog made it, so the echo carries the task's own value
        refused(api.postJson("bob", task + "/resolve", """
                {"variables":{"decision":{"value":"approve"},"risk":{"value":"%s"},"version":{"value":"9.9.9"}}}"""
                .formatted(before.get("risk"))), 400, "refused: [version]");

        // then nothing changed: the task is still open and every variable as it was
        assertThat(taskService.createTaskQuery().taskId(release.taskId()).count()).isEqualTo(1);
        assertThat(taskService.getVariablesLocal(release.taskId())).doesNotContainKeys("note", "comment", "rejected");
        assertThat(runtime.getVariables(release.processInstanceId())).isEqualTo(before);

        // while the form's own fields pass, and read-only fields sent back unchanged (as Tasklist does) too
        assertThat(api.postJson("bob", task + "/localVariables",
                "{\"modifications\":{\"comment\":{\"value\":\"looks fine\"}}}").status()).isEqualTo(204);
        Api.Response submitted = api.postJson("bob", task + "/submit-form", """
                {"variables":{"decision":{"value":"approve"},"comment":{"value":"fine"},"app":{"value":"expenses"},
                 "version":{"value":"1.1.0"}}}""");
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(204);
    }
}
