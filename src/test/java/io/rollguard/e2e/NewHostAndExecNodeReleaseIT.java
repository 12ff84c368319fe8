package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.support.Api;
import io.rollguard.support.TrafficGenerator;

/**
 * The sample app's 1.8.0 and 1.9.0 exactly as shipped, on real Node-RED slots: an outgoing call to
 * a new host that the descriptor does not declare is an integration change only an integration
 * approver approves; an exec node never gets past submission.
 */
class NewHostAndExecNodeReleaseIT extends EndToEndTest {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        startInfrastructure(registry, "rollguard_it_new_host");
    }

    @Test
    void anUndeclaredCallToTheLedgerIsAnIntegrationChangeThatOnlyAnIntegrationApproverApprovesBeforeItIsPromoted()
            throws Exception {
        // given stable runs 1.0.0 and users are calling the app
        baseline("1.0.0");
        try (TrafficGenerator traffic = new TrafficGenerator(routerUrl("/expenses"), 4, Duration.ofMillis(40))) {
            // when alice submits 1.8.0, whose export posts to the partner's ledger (no integrations section)
            Api.Response submitted = api.submitExample("alice", "1.8.0");
            assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
            String id = submitted.json().path("id").asText();
            String pi = submitted.json().path("processInstanceId").asText();
            // the diff against the stable slot is the lifecycle's first step, a job after the submission answered
            api.awaitFirstStep(pi);

            // then the flows make it an integration change, and the approvers read which node calls where
            JsonNode release = release(id);
            assertThat(release.path("changeClasses").toString()).contains("integration").doesNotContain("ordinary");
            assertThat(hasEvent(release, "CHANGES_DERIVED",
                    "integration: adds http request to ledger.partner.example (node 'Post to ledger' on 'expenses 1.8.0')"))
                    .as(release.path("history").toPrettyString()).isTrue();
            JsonNode task = awaitTask("dave", pi);
            String taskId = task.path("id").asText();
            assertThat(task.path("taskDefinitionKey").asText()).isEqualTo("UserTask_ApproveChange");
            JsonNode form = api.get("dave", "/engine-rest/task/" + taskId + "/form-variables").json();
            assertThat(form.path("changeEvidence").path("value").asText())
                    .contains("integration: adds http request to ledger.partner.example", "'Post to ledger'");
            assertThat(form.path("integrationChange").path("value").asBoolean()).isTrue();
            JsonNode changes = api.get("dave", "/api/releases/" + id + "/changes").json();
            assertThat(changes.path("hosts").path("added").findValuesAsText("host")).contains("ledger.partner.example");

            // an ordinary approver neither sees nor completes the integration approval
            assertThat(tasks("bob", pi)).isEmpty();
            Api.Response byBob = complete("bob", taskId, "approve", "not my call");
            assertThat(byBob.status()).as(byBob.body()).isEqualTo(403);
            assertThat(tasks("dave", pi)).extracting(t -> t.path("id").asText()).containsExactly(taskId);

            // dave may, and it is the only approval the policy asks for
            assertThat(complete("dave", taskId, "approve", "the ledger is our partner's").status()).isEqualTo(204);
            JsonNode promoted = waitForState(id, "PROMOTED", Duration.ofSeconds(150));
            assertThat(hasEvent(promoted, "APPROVED", "integration-approver")).as(promoted.path("history").toPrettyString())
                    .isTrue();
            assertThat(promoted.path("history")).filteredOn(e -> e.path("type").asText().equals("APPROVED"))
                    .extracting(e -> e.path("actor").asText()).containsExactly("dave");
            assertThat(traffic.hits()).anyMatch(h -> h.slot().equals("canary") && h.version().equals("1.8.0"));
        }

        // stable serves 1.8.0 (its export is never called: the ledger is not there)
        assertThat(slots.version(slots.stable())).isEqualTo("1.8.0");
        assertThat(apps.find("expenses").orElseThrow().currentVersion()).isEqualTo("1.8.0");
        assertThat(TrafficGenerator.hit(routerUrl("/version")).version()).isEqualTo("1.8.0");
    }

    @Test
    void theBackupVersionsExecNodeIsRefusedAtSubmissionNamingItAndNothingIsStored() {
        // given
        baseline("1.0.0");
        int releasesBefore = releases();
        long instancesBefore = runtime.createProcessInstanceQuery().count();

        // when alice submits 1.9.0, whose /backup runs pg_dump through an exec node
        Api.Response refused = api.submitExample("alice", "1.9.0");

        // then the node policy refuses it, naming the node where it is, and nothing is stored or started
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.header("Content-Type")).contains("application/problem+json");
        JsonNode violation = refused.json().path("violations").get(0);
        assertThat(violation.path("path").asText()).isEqualTo("/artifact/file");
        assertThat(violation.path("message").asText()).contains("e5a10a0000000002", "\"pg_dump\"", "type exec",
                "tab \"expenses 1.9.0\"", "operating system commands");
        assertThat(releases()).isEqualTo(releasesBefore);
        assertThat(runtime.createProcessInstanceQuery().count()).isEqualTo(instancesBefore);
        assertThat(api.get("alice", "/api/releases?app=expenses").body()).doesNotContain("1.9.0");
        // the slots never saw it
        assertThat(slots.version(slots.canary())).isEqualTo("1.0.0");
    }

    int releases() {
        return jdbc.queryForObject("select count(*) from rg_release", Integer.class);
    }
}
