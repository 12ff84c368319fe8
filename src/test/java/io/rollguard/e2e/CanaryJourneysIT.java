package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.support.Api;
import io.rollguard.support.ExpensesUntilApproval;

/** A descriptor's journeys in preflight, against the sample app's real endpoints on a real Node-RED canary slot. */
class CanaryJourneysIT extends EndToEndTest {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        startInfrastructure(registry, "rollguard_it_journeys");
    }

    private static final String GOOD_JOURNEYS = """
            journeys:
              - name: read the version
                steps:
                  - path: /version
                    assert:
                      - {pointer: /app, equals: expenses}
                      - {pointer: /version, equals: 1.1.0}
              - name: create an expense
                steps:
                  - method: POST
                    path: /expenses
                    body: {description: journey lunch, amount: 12.5, category: food}
                    expectStatus: 201
                    assert:
                      - {pointer: /description, equals: journey lunch}
                      - {pointer: /category, equals: food}
                    capture: {category: /category}
                  - method: POST
                    path: /expenses
                    body: {description: "second, also ${category}", amount: 3, category: "${category}"}
                    expectStatus: 201
                    assert: [{pointer: /description, equals: "second, also food"}]
                  - path: /expenses
                    assert: [{pointer: /0/description, exists: true}]
            """;

    private static final String WRONG_STATUS_JOURNEY = """
            journeys:
              - name: create and read an expense
                steps:
                  - path: /health
                  - method: POST
                    path: /expenses
                    body: {description: never mind, amount: 1}
                    expectStatus: 200
            """;

    @Test
    void journeysThatAnswerAsExpectedPassThePreflightAndTheCanaryTakesTraffic() {
        // given
        baseline("1.0.0");

        // when
        String id = submitWithJourneysAndApprove(ExpensesUntilApproval.descriptor() + GOOD_JOURNEYS);

        // then each journey is a passed preflight line, and the first traffic shift follows them
        JsonNode release = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> release(id), r -> hasEvent(r, "TRAFFIC_SHIFTED", "20 %"));
        assertThat(hasEvent(release, "PREFLIGHT_CHECK", "PASSED journey 'read the version' (1 step)")).isTrue();
        assertThat(hasEvent(release, "PREFLIGHT_CHECK", "PASSED journey 'create an expense' (3 steps)")).isTrue();
        assertThat(eventTime(release, "TRAFFIC_SHIFTED")).isAfterOrEqualTo(eventTime(release, "PREFLIGHT_CHECK"));
        assertThat(api.post("alice", "/api/releases/" + id + "/abort").status()).isEqualTo(200);
        waitForState(id, "ABORTED", Duration.ofSeconds(60));
    }

    @Test
    void aJourneyWithAWrongExpectedStatusEndsThePreflightFailedNamingTheStepBeforeAnyTraffic() {
        // given
        baseline("1.0.0");

        // when
        String id = submitWithJourneysAndApprove(ExpensesUntilApproval.descriptor() + WRONG_STATUS_JOURNEY);

        // then
        JsonNode failed = waitForState(id, "PREFLIGHT_FAILED", Duration.ofSeconds(90));
        assertThat(hasEvent(failed, "PREFLIGHT_CHECK", "PASSED smoke request GET /health -> 200")).isTrue();
        assertThat(hasEvent(failed, "PREFLIGHT_CHECK",
                "FAILED journey 'create and read an expense' (2 steps): step 2 POST /expenses: expected 200, got 201, answered {"))
                .as(failed.path("history").toPrettyString()).isTrue();
        assertThat(hasEvent(failed, "TRAFFIC_SHIFTED", "")).isFalse();
        // nothing reached users: the canary slot runs what it ran before
        assertThat(slots.version(slots.canary())).isEqualTo("1.0.0");
    }

    private String submitWithJourneysAndApprove(String descriptor) {
        Api.Response submitted = api.submit("alice", descriptor, ExpensesUntilApproval.flows());
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        JsonNode task = awaitTask("bob", submitted.json().path("processInstanceId").asText());
        assertThat(complete("bob", task.path("id").asText(), "approve", "").status()).isEqualTo(204);
        return submitted.json().path("id").asText();
    }
}
