package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.variable.Variables;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.app.SlotName;
import io.rollguard.support.Api;
import io.rollguard.support.TrafficGenerator;
import io.rollguard.platform.TargetPlatform;

/** The whole lifecycle with real Node-RED slots, real traffic through the built-in router and PostgreSQL. */
class ReleaseLifecycleIT extends EndToEndTest {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        startInfrastructure(registry, "rollguard_it_lifecycle");
    }

    @Autowired
    TargetPlatform target;
    @Autowired
    TaskService taskService;
    @Autowired
    IdentityService identityService;
    @Autowired
    ProcessEngineConfigurationImpl engineConfiguration;

    @Test
    void goodVersionIsApprovedPromotedStepByStepAndServedByStable() throws Exception {
        // given
        baseline("1.0.0");
        try (TrafficGenerator traffic = new TrafficGenerator(routerUrl("/expenses"), 4, Duration.ofMillis(40))) {
            // when
            Api.Response submitted = api.submitExample("alice", "1.1.0");

            // then
            assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
            String id = submitted.json().path("id").asText();
            assertThat(submitted.header("Location")).isEqualTo("/api/releases/" + id);
            assertThat(submitted.json().path("state").asText()).isEqualTo("AWAITING_APPROVAL");
            String pi = submitted.json().path("processInstanceId").asText();

            JsonNode task = awaitTask("bob", pi);
            assertThat(task.path("taskDefinitionKey").asText()).isEqualTo("UserTask_ApproveChange");
            assertThat(complete("bob", task.path("id").asText(), "approve", "looks fine").status()).isEqualTo(204);

            JsonNode promoted = waitForState(id, "PROMOTED", Duration.ofSeconds(120));
            assertThat(hasEvent(promoted, "APPROVED", "approver")).isTrue();
            assertThat(hasEvent(promoted, "TRAFFIC_SHIFTED", "20 %")).isTrue();
            assertThat(hasEvent(promoted, "TRAFFIC_SHIFTED", "50 %")).isTrue();
            assertThat(promoted.path("currentWeight").asInt()).isZero();
            // the canary really took user traffic while it was being judged
            assertThat(traffic.hits()).anyMatch(h -> h.slot().equals("canary") && h.version().equals("1.1.0"));
        }
        assertThat(slots.version(slots.stable())).isEqualTo("1.1.0");
        assertThat(apps.find("expenses").orElseThrow().currentVersion()).isEqualTo("1.1.0");
        for (int i = 0; i < 30; i++) {
            TrafficGenerator.Hit hit = TrafficGenerator.hit(routerUrl("/expenses"));
            assertThat(hit.status()).isEqualTo(200);
            assertThat(hit.slot()).isEqualTo("stable");
            assertThat(hit.version()).isEqualTo("1.1.0");
        }
    }

    @Test
    void releaseManagerRollsBackAPromotedReleaseToThePreviousVersion() {
        // given 1.1.0 promoted over 1.0.0
        baseline("1.0.0");
        String id;
        try (TrafficGenerator traffic = new TrafficGenerator(routerUrl("/expenses"), 4, Duration.ofMillis(40))) {
            id = submitAndApprove("1.1.0");
            waitForState(id, "PROMOTED", Duration.ofSeconds(120));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }

        // while the next release of the app is in flight, nobody rolls back under its feet
        Api.Response next = api.submitExample("alice", "1.2.0");
        assertThat(next.status()).as(next.body()).isEqualTo(201);
        Api.Response blocked = api.post("frank", "/api/releases/" + id + "/rollback");
        assertThat(blocked.status()).as(blocked.body()).isEqualTo(409);
        assertThat(blocked.json().path("detail").asText()).contains(next.json().path("id").asText())
                .contains("roll back after it has ended");
        api.awaitFirstStep(next.json().path("processInstanceId").asText());
        assertThat(api.post("alice", "/api/releases/" + next.json().path("id").asText() + "/abort").status())
                .isEqualTo(200);
        waitForState(next.json().path("id").asText(), "ABORTED", Duration.ofSeconds(30));

        // when: the requester may not, a release manager may
        assertThat(api.post("alice", "/api/releases/" + id + "/rollback").status()).isEqualTo(403);
        Api.Response rollback = api.post("frank", "/api/releases/" + id + "/rollback");

        // then
        assertThat(rollback.status()).as(rollback.body()).isEqualTo(200);
        JsonNode rolledBack = waitForState(id, "ROLLED_BACK", Duration.ofSeconds(60));
        assertThat(hasEvent(rolledBack, "PREVIOUS_VERSION_RESTORED", "1.0.0")).isTrue();
        assertThat(hasEvent(rolledBack, "RESTORATION_VERIFIED", "")).isTrue();
        assertThat(slots.version(slots.stable())).isEqualTo("1.0.0");
        assertThat(apps.find("expenses").orElseThrow().currentVersion()).isEqualTo("1.0.0");
        for (int i = 0; i < 20; i++) {
            assertThat(TrafficGenerator.hit(routerUrl("/expenses")).version()).isEqualTo("1.0.0");
        }
        assertThat(api.post("frank", "/api/releases/" + id + "/rollback").status()).isEqualTo(409);
    }

    @Test
    void badVersionFailsItsFirstCanaryStepAndIsRolledBackAutomatically() throws Exception {
        // given
        baseline("1.1.0");
        String canaryBefore = target.read(apps.find("expenses").orElseThrow(), SlotName.CANARY).hash();
        JsonNode rolledBack;
        List<TrafficGenerator.Hit> hits;
        try (TrafficGenerator traffic = new TrafficGenerator(routerUrl("/expenses"), 4, Duration.ofMillis(40))) {
            // when
            String id = submitAndApprove("1.2.0");

            // then
            rolledBack = waitForState(id, "ROLLED_BACK", Duration.ofSeconds(90));
            hits = traffic.hits();
        }
        assertThat(hasEvent(rolledBack, "ANALYSIS", "\"verdict\":\"FAILED\"")).isTrue();
        assertThat(hasEvent(rolledBack, "RESTORATION_VERIFIED", "")).isTrue();
        assertThat(rolledBack.path("currentStep").asInt()).as("failed at its first step").isEqualTo(1);
        assertThat(hasEvent(rolledBack, "TRAFFIC_SHIFTED", "50 %")).isFalse();

        Instant badServed = hits.stream().filter(h -> "1.2.0".equals(h.version())).map(TrafficGenerator.Hit::at)
                .min(Instant::compareTo).orElseThrow(() -> new AssertionError("1.2.0 never received traffic"));
        Instant restored = eventTime(rolledBack, "TRAFFIC_RESTORED");
        Duration timeToRollback = Duration.between(badServed, restored);
        System.out.printf("MEASURE time from bad version receiving traffic to 100%% on stable: %d ms%n",
                timeToRollback.toMillis());
        assertThat(timeToRollback).isLessThan(Duration.ofSeconds(15));

        assertThat(target.read(apps.find("expenses").orElseThrow(), SlotName.CANARY).hash()).isEqualTo(canaryBefore);
        assertThat(slots.version(slots.canary())).isEqualTo("1.1.0");
        for (int i = 0; i < 50; i++) {
            TrafficGenerator.Hit hit = TrafficGenerator.hit(routerUrl("/expenses"));
            assertThat(hit.status()).isEqualTo(200);
            assertThat(hit.version()).isEqualTo("1.1.0");
        }
        assertThat(apps.find("expenses").orElseThrow().currentVersion()).isEqualTo("1.1.0");
    }

    @Test
    void abortInTheMiddleOfACanaryRestoresSlotsAndTraffic() throws Exception {
        // given
        baseline("1.1.0");
        String canaryBefore = target.read(apps.find("expenses").orElseThrow(), SlotName.CANARY).hash();
        try (TrafficGenerator traffic = new TrafficGenerator(routerUrl("/expenses"), 4, Duration.ofMillis(40))) {
            String id = submitAndApprove("1.2.0");
            waitForState(id, "ROLLING_OUT", Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> traffic.hits().stream().anyMatch(h -> "1.2.0".equals(h.version())));

            // when someone else tries, then the requester aborts
            assertThat(api.post("bob", "/api/releases/" + id + "/abort").status()).isEqualTo(403);
            Api.Response abort = api.post("alice", "/api/releases/" + id + "/abort");

            // then
            assertThat(abort.status()).as(abort.body()).isEqualTo(200);
            JsonNode aborted = waitForState(id, "ABORTED", Duration.ofSeconds(30));
            assertThat(hasEvent(aborted, "TRAFFIC_RESTORED", "")).isTrue();
            assertThat(hasEvent(aborted, "CANARY_RESTORED", "")).isTrue();
            assertThat(hasEvent(aborted, "RESTORATION_VERIFIED", "")).isTrue();
            assertThat(api.post("alice", "/api/releases/" + id + "/abort").status()).isEqualTo(409);
        }
        assertThat(target.read(apps.find("expenses").orElseThrow(), SlotName.CANARY).hash()).isEqualTo(canaryBefore);
        for (int i = 0; i < 30; i++) {
            assertThat(TrafficGenerator.hit(routerUrl("/expenses")).version()).isEqualTo("1.1.0");
        }
    }

    @Test
    void requesterCannotCompleteTheApprovalOfTheirOwnReleaseWhateverTheirGroups() {
        // given a requester who is also an approver
        baseline("1.0.0");
        if (identityService.createUserQuery().userId("zoe").count() == 0) {
            var zoe = identityService.newUser("zoe");
            zoe.setPassword("zoe");
            identityService.saveUser(zoe);
            identityService.createMembership("zoe", "requester");
            identityService.createMembership("zoe", "approver");
        }
        api.registerExpenses(slots, List.of("alice", "zoe"), null);
        Api.Response submitted = api.submitExample("zoe", "1.1.0");
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        String id = submitted.json().path("id").asText();
        String pi = submitted.json().path("processInstanceId").asText();
        JsonNode task = awaitTask("bob", pi);
        String taskId = task.path("id").asText();

        // then: Tasklist/REST do not even show zoe the task, completing it is refused with 403
        assertThat(tasks("zoe", pi)).isEmpty();
        assertThat(tasksInMyGroupTasksFilter("zoe")).doesNotContain(taskId);
        assertThat(tasksInMyGroupTasksFilter("bob")).contains(taskId);
        assertThat(tasksInMyGroupTasksFilter("dave")).as("not an approver").doesNotContain(taskId);
        Api.Response viaRest = complete("zoe", taskId, "approve", "mine");
        assertThat(viaRest.status()).isEqualTo(403);
        // the Java API refuses too: by authorization, and by the listener even where authorization
        // checks are switched off (an embedding application), leaving the task untouched
        identityService.setAuthenticatedUserId("zoe");
        try {
            assertThatThrownBy(() -> taskService.complete(taskId, Variables.putValue("decision", "approve")))
                    .isInstanceOf(AuthorizationException.class);
            engineConfiguration.setAuthorizationEnabled(false);
            assertThatThrownBy(() -> taskService.complete(taskId, Variables.putValue("decision", "approve")))
                    .hasMessageContaining("Four-eyes");
        } finally {
            engineConfiguration.setAuthorizationEnabled(true);
            identityService.clearAuthentication();
        }
        assertThat(taskService.createTaskQuery().taskId(taskId).count()).isEqualTo(1);
        assertThat(release(id).path("state").asText()).isEqualTo("AWAITING_APPROVAL");

        // an anonymous Java API completion is refused as well
        assertThatThrownBy(() -> taskService.complete(taskId, Variables.putValue("decision", "approve")))
                .hasMessageContaining("identified user");

        // a rejection ends the release
        assertThat(complete("bob", taskId, "reject", "no tests attached").status()).isEqualTo(204);
        JsonNode rejected = waitForState(id, "REJECTED", Duration.ofSeconds(10));
        assertThat(hasEvent(rejected, "REJECTED", "no tests attached")).isTrue();
    }

    @Test
    void withoutTrafficTheAnalysisIsInconclusiveAndAReleaseManagerDecides() {
        // given: nobody uses the app, so the canary gets no samples at all
        baseline("1.0.0");
        Api.Response submitted = api.submitExample("alice", "1.1.0");
        String id = submitted.json().path("id").asText();
        String pi = submitted.json().path("processInstanceId").asText();
        complete("bob", awaitTask("bob", pi).path("id").asText(), "approve", "");

        // when
        JsonNode held = waitForState(id, "ON_HOLD", Duration.ofSeconds(60));

        // then: thin data never passes; only a release manager may decide
        assertThat(hasEvent(held, "ANALYSIS", "\"verdict\":\"INCONCLUSIVE\"")).isTrue();
        assertThat(tasks("bob", pi)).isEmpty();
        JsonNode decision = awaitTask("frank", pi);
        assertThat(decision.path("taskDefinitionKey").asText()).isEqualTo("UserTask_DecideAnalysis");
        assertThat(complete("frank", decision.path("id").asText(), "rollback", "no traffic to judge").status())
                .isEqualTo(204);
        JsonNode rolledBack = waitForState(id, "ROLLED_BACK", Duration.ofSeconds(60));
        assertThat(hasEvent(rolledBack, "ANALYSIS_DECIDED", "rollback: no traffic to judge")).isTrue();
        assertThat(slots.version(slots.canary())).isEqualTo("1.0.0");
    }
}
