package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;

import com.fasterxml.jackson.databind.JsonNode;
import org.awaitility.core.ConditionTimeoutException;

import io.rollguard.app.AppRepository;
import io.rollguard.routing.TrafficRouter;
import io.rollguard.routing.builtin.BuiltinRouterServer;
import io.rollguard.support.Api;
import io.rollguard.support.AppRegistrations;
import io.rollguard.support.DataPlaneStack;
import io.rollguard.support.ExpensesDatabase;
import io.rollguard.support.NodeRedSlots;
import io.rollguard.support.PostgresDatabase;
import io.rollguard.support.TrafficGenerator;

/**
 * Shared set-up of the end-to-end tests: Rollguard on a real PostgreSQL (profile postgres),
 * two real Node-RED slots, the built-in router on a free port, and the sample app registered
 * through the API by an admin.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0",
        "rollguard.sample-app.enabled=false",
        "rollguard.preflight.smoke-timeout=PT10S"})
@ActiveProfiles("postgres")
abstract class EndToEndTest {

    static final Path EXAMPLES = NodeRedSlots.PROJECT.resolve("examples/expenses");
    static NodeRedSlots slots;
    static DataPlaneStack stack;
    static ExpensesDatabase appDatabase;

    @LocalServerPort
    int port;
    @Autowired
    BuiltinRouterServer router;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    RuntimeService runtime;
    /** The router the app's registration chose (built-in or HAProxy), as the product drives it. */
    @Autowired
    TrafficRouter trafficRouter;
    @Autowired
    AppRepository apps;

    Api api;

    static void startInfrastructure(DynamicPropertyRegistry registry, String database) {
        appDatabase = ExpensesDatabase.create(database + "_app");
        slots = NodeRedSlots.start(database, appDatabase.slotEnvironment());
        PostgresDatabase.register(registry, database);
    }

    /** For the tests of the production data plane: HAProxy and Prometheus in front of the slots. */
    static void startInfrastructureWithDataPlane(DynamicPropertyRegistry registry, String database, String name) {
        startInfrastructure(registry, database);
        stack = DataPlaneStack.start(name, "expenses", slots);
    }

    @AfterAll
    static void stopSlots() {
        if (stack != null) {
            stack.close();
            stack = null;
        }
        if (slots != null) {
            slots.close();
        }
    }

    @BeforeEach
    void connect() {
        api = api("http://127.0.0.1:" + port);
    }

    /** How users call Rollguard: HTTP Basic with the local users; a subclass may use Keycloak tokens. */
    Api api(String baseUrl) {
        return new Api(baseUrl);
    }

    /**
     * Puts the world in a known state: no release in flight, both slots running {@code version},
     * all traffic on stable. Test fixture only; the product never edits its tables like this.
     */
    void baseline(String version) {
        noReleaseInFlight();
        jdbc.update("delete from rg_route");
        appDatabase.reset();
        slots.deploy(slots.stable(), EXAMPLES.resolve(version + "/flows.json"));
        slots.deploy(slots.canary(), EXAMPLES.resolve(version + "/flows.json"));
        Api.Response put = api.registerExpenses(slots, List.of("alice"), version);
        assertThat(put.status()).as(put.body()).isIn(200, 201);
        registerAppDatabase();
        // the router caches routes for two seconds; the app may just have been (re)registered
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> TrafficGenerator.hit(routerUrl("/version")).version(), version::equals);
    }

    /**
     * As {@link #baseline}, with the app on HAProxy + Prometheus ({@link #stack}): no release in
     * flight, both slots on {@code version}, all traffic on stable.
     */
    void baselineOnHaproxy(String version) {
        noReleaseInFlight();
        slots.deploy(slots.stable(), EXAMPLES.resolve(version + "/flows.json"));
        slots.deploy(slots.canary(), EXAMPLES.resolve(version + "/flows.json"));
        Api.Response put = api.putJson("admin", "/api/apps/expenses",
                stack.registration("\"alice\"", version));
        assertThat(put.status()).as(put.body()).isIn(200, 201);
        trafficRouter.setCanaryWeight(apps.find("expenses").orElseThrow(), 0);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> TrafficGenerator.hit(stack.trafficUrl("/version")).version(), version::equals);
    }

    /** The sample app's own database (its records), as an admin registers it. */
    void registerAppDatabase() {
        Api.Response db = api.putJson("admin", "/api/apps/expenses/database",
                AppRegistrations.database(appDatabase.jdbcUrl()));
        assertThat(db.status()).as(db.body()).isIn(200, 201);
    }

    /** Test fixture: ends every release still in flight, so the app is free for the next one. */
    void noReleaseInFlight() {
        // an instance may move on or end by itself while it is being deleted: try again until none is left
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            runtime.createProcessInstanceQuery().list().forEach(pi -> runtime.deleteProcessInstanceIfExists(
                    pi.getId(), "test baseline", true, true, true, false));
            return runtime.createProcessInstanceQuery().count() == 0;
        });
        jdbc.update("update rg_release set state = 'ABORTED' where state not in "
                + "('REJECTED','PREFLIGHT_FAILED','PROMOTED','ROLLED_BACK','ABORTED')");
    }

    String routerUrl(String path) {
        return "http://127.0.0.1:" + router.port() + "/expenses" + path;
    }

    JsonNode release(String id) {
        Api.Response r = api.get("alice", "/api/releases/" + id);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    JsonNode waitForState(String id, String state, Duration timeout) {
        try {
            return await().atMost(timeout).pollInterval(Duration.ofMillis(250))
                    .until(() -> release(id), r -> r.path("state").asText().equals(state));
        } catch (ConditionTimeoutException e) {
            JsonNode current = release(id);
            throw new AssertionError("release " + id + " did not reach " + state + " within " + timeout + "; it is "
                    + current.path("state").asText() + "\nhistory: " + current.path("history").toPrettyString()
                    + "\nincidents: " + api.get("admin", "/engine-rest/incident").body(), e);
        }
    }

    /** The open approval tasks of a release as Camunda's REST API shows them to this user. */
    List<JsonNode> tasks(String user, String processInstanceId) {
        Api.Response r = api.get(user, "/engine-rest/task?processInstanceId=" + processInstanceId);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<JsonNode> tasks = new java.util.ArrayList<>();
        r.json().forEach(tasks::add);
        return tasks;
    }

    JsonNode awaitTask(String user, String processInstanceId) {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> tasks(user, processInstanceId), tasks -> !tasks.isEmpty()).get(0);
    }

    /** alice submits a sample version and bob approves it; returns the release id. */
    String submitAndApprove(String version) {
        Api.Response submitted = api.submitExample("alice", version);
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        JsonNode task = awaitTask("bob", submitted.json().path("processInstanceId").asText());
        assertThat(complete("bob", task.path("id").asText(), "approve", "").status()).isEqualTo(204);
        return submitted.json().path("id").asText();
    }

    /** alice submits a descriptor with the flows of an example version, bob approves it; returns the release id. */
    String submitWithFlagsAndApprove(String descriptor, String flowsVersion) throws java.io.IOException {
        return submitAndApprove(descriptor, Map.of("flows.json",
                java.nio.file.Files.readAllBytes(EXAMPLES.resolve(flowsVersion + "/flows.json"))), "flags look right");
    }

    /** alice submits a flag-only example (no flows), bob approves it; returns the release id. */
    String submitFlagOnlyAndApprove(String version) throws java.io.IOException {
        return submitAndApprove(java.nio.file.Files.readString(EXAMPLES.resolve(version + "/release.yaml")), Map.of(),
                "flags only");
    }

    /** alice submits a descriptor and its files, bob approves it with {@code comment}; returns the release id. */
    String submitAndApprove(String descriptor, Map<String, byte[]> files, String comment) {
        Api.Response submitted = api.submit("alice", descriptor, files);
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        String pi = submitted.json().path("processInstanceId").asText();
        api.awaitFirstStep(pi);
        JsonNode task = awaitTask("bob", pi);
        assertThat(complete("bob", task.path("id").asText(), "approve", comment).status()).isEqualTo(204);
        return submitted.json().path("id").asText();
    }

    Api.Response complete(String user, String taskId, String decision, String comment) {
        return api.postJson(user, "/engine-rest/task/" + taskId + "/complete", """
                {"variables":{"decision":{"value":"%s"},"comment":{"value":"%s"}}}""".formatted(decision, comment));
    }

    /** What Tasklist shows a user: the tasks of the "My group tasks" filter, the only filter there is. */
    List<String> tasksInMyGroupTasksFilter(String user) {
        JsonNode filters = api.get(user, "/engine-rest/filter?resourceType=Task").json();
        assertThat(filters).as(user + " sees exactly one filter").hasSize(1);
        assertThat(filters.get(0).path("name").asText()).isEqualTo("My group tasks");
        Api.Response list = api.get(user, "/engine-rest/filter/" + filters.get(0).path("id").asText() + "/list");
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        return list.json().findValuesAsText("id");
    }

    /**
     * The environment of a slot of an app on the built-in flag store: its database, and the
     * OpenFeature SDK pointed at this Rollguard's OFREP endpoint with the app's evaluation key.
     */
    static Map<String, String> slotEnvironmentWithOfrep(int rollguardPort, String key) {
        Map<String, String> environment = new java.util.HashMap<>(appDatabase.slotEnvironment());
        environment.put("ROLLGUARD_FLAGS_PROVIDER", "ofrep");
        environment.put("ROLLGUARD_OFREP_URL", "http://127.0.0.1:" + rollguardPort);
        environment.put("ROLLGUARD_OFREP_KEY", key);
        return environment;
    }

    /**
     * The flag-only 1.10.1 (compact list 10 % -> 50 % -> 100 %) approved and promoted under steady
     * traffic through the built-in router: only stable served, both variants reached users. Returns the release id.
     */
    String compactListReachesEveryoneThroughStableOnly() throws Exception {
        try (TrafficGenerator traffic = new TrafficGenerator(routerUrl("/expenses"), 4, Duration.ofMillis(30), 200)) {
            String id = submitFlagOnlyAndApprove("1.10.1");
            JsonNode promoted = waitForState(id, "PROMOTED", Duration.ofSeconds(180));
            assertThat(promoted.path("state").asText()).isEqualTo("PROMOTED");
            assertThat(traffic.hits()).extracting(TrafficGenerator.Hit::slot).containsOnly("stable");
            assertThat(traffic.hits()).extracting(TrafficGenerator.Hit::variant)
                    .contains("expenses-list-style=classic", "expenses-list-style=compact");
            return id;
        }
    }

    /** Waits (at most 10 s) until the traffic has seen no experimental list for {@code quiet}. */
    static void awaitNoExperimentalListFor(TrafficGenerator traffic, Duration quiet) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> traffic.hits().stream()
                .filter(h -> h.variant().equals("expenses-list-style=experimental"))
                .noneMatch(h -> h.at().isAfter(Instant.now().minus(quiet))));
    }

    static boolean hasEvent(JsonNode release, String type, String detailContains) {
        for (JsonNode e : release.path("history")) {
            if (e.path("type").asText().equals(type) && e.path("detail").asText().contains(detailContains)) {
                return true;
            }
        }
        return false;
    }

    static Instant eventTime(JsonNode release, String type) {
        for (JsonNode e : release.path("history")) {
            if (e.path("type").asText().equals(type)) {
                return Instant.parse(e.path("at").asText());
            }
        }
        throw new AssertionError("no " + type + " event in " + release.path("history"));
    }
}
