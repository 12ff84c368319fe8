package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.rollguard.support.Api;
import io.rollguard.support.AppRegistrations;
import io.rollguard.support.ExpensesUntilApproval;
import io.rollguard.support.PostgresDatabase;
import io.rollguard.support.SilentServer;

/**
 * A stable slot that accepts connections and never answers. The lifecycle reads it in its first
 * step, a job after the submission has answered: the requester's request and the app's lock never
 * wait for it, other apps' releases go on, and once the Node-RED client gives up the release is
 * compared with nothing live (every node added) and its approvers are told why.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false"})
@ActiveProfiles("postgres")
class HangingStableSlotIT {

    /** Far below the Node-RED client's 2 s connect and 10 s request timeouts. */
    static final long QUICK_MILLIS = 1000;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresDatabase.register(registry, "rollguard_it_hanging_stable");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    RuntimeService runtime;
    @Autowired
    TaskService taskService;
    Api api;
    SilentServer hangingStable;

    @BeforeEach
    void twoApps() {
        api = new Api("http://127.0.0.1:" + port);
        ExpensesUntilApproval.fresh(api, jdbc);
        Api.Response payroll = api.putJson("admin", "/api/apps/payroll",
                AppRegistrations.withoutSlots("payroll", "1.0.0", List.of("alice"), null));
        assertThat(payroll.status()).as(payroll.body()).isIn(200, 201);
        hangingStable = SilentServer.start();
    }

    @AfterEach
    void stopHanging() {
        hangingStable.close();
    }

    Api.Response submitPayroll() {
        return api.submit("alice", ExpensesUntilApproval.descriptor().replace("app: expenses", "app: payroll"),
                ExpensesUntilApproval.flows());
    }

    long openTasks(String processInstanceId) {
        return taskService.createTaskQuery().processInstanceId(processInstanceId).count();
    }

    @Test
    void submissionAnswersAtOnceWhileTheStableSlotHangsAndTheReleaseIsComparedWithNothingLive() {
        // given the whole submission path has run once (class loading is not what this measures)
        Api.Response warmUp = submitPayroll();
        assertThat(warmUp.status()).as(warmUp.body()).isEqualTo(201);
        api.awaitFirstStep(warmUp.json().path("processInstanceId").asText());
        ExpensesUntilApproval.nothingAwaitingApproval(jdbc);
        // and expenses' stable slot accepts connections but never answers
        Api.Response put = api.putJson("admin", "/api/apps/expenses",
                AppRegistrations.withStableAdminAt(hangingStable.baseUrl() + "/admin", "1.0.0"));
        assertThat(put.status()).as(put.body()).isIn(200, 201);

        // when alice submits expenses 1.1.0, and then payroll 1.1.0 while expenses' slot still hangs
        long start = System.nanoTime();
        Api.Response expenses = api.submitExample("alice", "1.1.0");
        long expensesMillis = (System.nanoTime() - start) / 1_000_000;
        start = System.nanoTime();
        Api.Response payroll = submitPayroll();
        long payrollMillis = (System.nanoTime() - start) / 1_000_000;

        // then both answer at once, neither waiting for the slot nor for the other's lock
        assertThat(expenses.status()).as(expenses.body()).isEqualTo(201);
        assertThat(payroll.status()).as(payroll.body()).isEqualTo(201);
        assertThat(expensesMillis).as("expenses submission, ms").isLessThan(QUICK_MILLIS);
        assertThat(payrollMillis).as("payroll submission, ms").isLessThan(QUICK_MILLIS);
        String expensesPi = expenses.json().path("processInstanceId").asText();
        String payrollPi = payroll.json().path("processInstanceId").asText();

        // and payroll's approval task exists while expenses' first step still waits for the slot
        api.awaitFirstStep(payrollPi);
        assertThat(openTasks(payrollPi)).isEqualTo(1);
        assertThat(hangingStable.accepted()).as("connections to the hanging slot").isPositive();
        assertThat(openTasks(expensesPi)).as("expenses' tasks while its slot hangs").isZero();

        // when the Node-RED client gives up on the slot
        api.awaitFirstStep(expensesPi);

        // then expenses waits for approval, compared with nothing live: every node added, so its
        // functions' database client is high risk, and the summary says the slot could not be read and why
        assertThat(openTasks(expensesPi)).isEqualTo(1);
        String summary = (String) runtime.getVariable(expensesPi, "diffSummary");
        assertThat(summary).contains("Flows compared with nothing live: the stable slot could not be read (")
                .contains(hangingStable.baseUrl()).contains("compared with nothing live, so every node counts as added")
                .doesNotContain("not-a-real-token");
        assertThat(runtime.getVariable(expensesPi, "risk")).isEqualTo("high");
        assertThat((String) runtime.getVariable(expensesPi, "changeEvidence")).contains("high-risk: adds function");
        // and the release's history has why it is high risk
        String history = api.get("alice", "/api/releases/" + expenses.json().path("id").asText()).json()
                .path("history").toString();
        assertThat(history).contains("HIGH_RISK", "high-risk: adds function");
    }

    @Test
    void anAbortWhileTheFirstStepWaitsForTheSlotIsRefusedWithAReasonAndTheReleaseGoesOn() {
        // given expenses' stable slot hangs and alice's release waits in its first step
        Api.Response put = api.putJson("admin", "/api/apps/expenses",
                AppRegistrations.withStableAdminAt(hangingStable.baseUrl() + "/admin", "1.0.0"));
        assertThat(put.status()).as(put.body()).isIn(200, 201);
        Api.Response expenses = api.submitExample("alice", "1.1.0");
        assertThat(expenses.status()).as(expenses.body()).isEqualTo(201);
        String id = expenses.json().path("id").asText();

        // when she aborts it before the step has compared the flows
        Api.Response abort = api.post("alice", "/api/releases/" + id + "/abort");

        // then she is told to try again (there is nothing to catch an abort until the step ends), not a 500
        assertThat(abort.status()).as(abort.body()).isEqualTo(409);
        assertThat(abort.json().path("detail").asText()).contains("between two steps", "try again");

        // and once the step has run, the release waits for approval and the abort is taken
        api.awaitFirstStep(expenses.json().path("processInstanceId").asText());
        Api.Response again = api.post("alice", "/api/releases/" + id + "/abort");
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().path("state").asText()).isEqualTo("ABORTED");
    }
}
