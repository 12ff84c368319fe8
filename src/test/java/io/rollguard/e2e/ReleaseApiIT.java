package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static io.rollguard.support.ExpensesUntilApproval.flows;
import static io.rollguard.support.ExpensesUntilApproval.descriptor;

import java.util.List;
import java.util.Map;

import org.camunda.bpm.engine.IdentityService;
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
import io.rollguard.support.AppRegistrations;
import io.rollguard.support.PostgresDatabase;

/**
 * The API's refusals of bad input, on a real PostgreSQL (who may do what is the matrix of
 * {@link LocalUsersAuthorizationMatrixIT}). No Node-RED is needed: nothing here gets past approval.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false"})
@ActiveProfiles("postgres")
class ReleaseApiIT {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresDatabase.register(registry, "rollguard_it_api");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    IdentityService identityService;
    Api api;

    @BeforeEach
    void registerApp() {
        api = new Api("http://127.0.0.1:" + port);
        ExpensesUntilApproval.fresh(api, jdbc);
    }

    int storedReleases() {
        return jdbc.queryForObject("select count(*) from rg_release", Integer.class);
    }

    @Test
    void malformedDescriptorIsRefusedWithEveryViolationByPathAndNothingStored() throws Exception {
        int before = storedReleases();
        String broken = descriptor().replace("weight: 20", "weight: 200").replace("onFailure: rollback", "onFailure: pray")
                .replace("  type: node-red-flows\n", "");

        Api.Response r = api.submit("alice", broken, flows());

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("Content-Type")).contains("application/problem+json");
        JsonNode body = r.json();
        assertThat(body.path("status").asInt()).isEqualTo(400);
        List<String> paths = body.path("violations").findValuesAsText("path");
        assertThat(paths).contains("/rollout/steps/0/weight", "/rollout/onFailure", "/artifact/type");
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("at io.rollguard");
        assertThat(storedReleases()).isEqualTo(before);
    }

    @Test
    void descriptorThatIsNotYamlIsRefusedWithItsPosition() {
        Api.Response r = api.submit("alice", "app: [unclosed\nversion: 1", Map.of());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("violations").get(0).path("message").asText()).contains("not valid YAML", "line");
    }

    @Test
    void missingFilePartIsNamed() throws Exception {
        int before = storedReleases();
        Api.Response r = api.submit("alice", descriptor(), Map.of());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("violations").get(0).path("path").asText()).isEqualTo("/artifact/file");
        assertThat(storedReleases()).isEqualTo(before);
    }

    @Test
    void missingDescriptorPartIsNamed() throws Exception {
        Api.Response r = api.submit("alice", null, flows());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("violations").get(0).path("path").asText()).isEqualTo("descriptor");
    }

    @Test
    void flowsThatAreNotNodeRedFlowsAreRefused() throws Exception {
        Api.Response r = api.submit("alice", descriptor(), Map.of("flows.json", "{\"not\":\"an array\"}".getBytes()));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("violations").get(0).path("message").asText()).contains("JSON array");
    }

    @Test
    void unknownAppIsNotFound() throws Exception {
        Api.Response r = api.submit("alice", descriptor().replace("app: expenses", "app: payroll"), flows());
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().path("detail").asText()).contains("payroll");
    }

    @Test
    void versionThatIsNotNewerIsAConflict() throws Exception {
        api.putJson("admin", "/api/apps/expenses", AppRegistrations.withoutSlots("1.1.0"));
        int before = storedReleases();
        Api.Response r = api.submit("alice", descriptor(), flows());
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().path("violations").get(0).path("path").asText()).isEqualTo("/version");
        assertThat(storedReleases()).isEqualTo(before);
    }

    @Test
    void secondReleaseOfTheSameAppWhileOneIsInFlightIsAConflict() throws Exception {
        assertThat(api.submit("alice", descriptor(), flows()).status()).isEqualTo(201);
        Api.Response second = api.submit("alice", descriptor().replace("version: 1.1.0", "version: 1.1.1"), flows());
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.json().path("detail").asText()).contains("one release per app");
    }

    @Test
    void anonymousCallsAreUnauthorizedWithAProblemBody() {
        for (String path : List.of("/api/releases", "/api/apps/expenses")) {
            Api.Response r = api.get(null, path);
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.json().path("title").asText()).isEqualTo("Unauthorized");
        }
        assertThat(api.get(null, "/engine-rest/task").status()).isEqualTo(401);
    }

    @Test
    void wrongPasswordOnCamundaRestIsUnauthorizedNotAServerError() {
        // a user of its own: Camunda delays the next login of a user after a wrong password
        if (identityService.createUserQuery().userId("mallory").count() == 0) {
            var mallory = identityService.newUser("mallory");
            mallory.setPassword("mallory");
            identityService.saveUser(mallory);
        }
        assertThat(api.getWithPassword("mallory", "wrong", "/engine-rest/task").status()).isEqualTo(401);
        assertThat(api.getWithPassword("mallory", "wrong", "/api/releases").status()).isEqualTo(401);
        assertThat(api.getWithPassword("nobody", "x", "/engine-rest/task").status()).isEqualTo(401);
    }

    @Test
    void theAdminApiTokenOfAnAppIsNeverShown() {
        Api.Response read = api.get("admin", "/api/apps/expenses");
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body()).doesNotContain("not-a-real-token").contains("\"adminTokenSet\":true");
        assertThat(api.get("admin", "/api/apps").body()).doesNotContain("not-a-real-token");
    }

    @Test
    void rollingBackAReleaseThatWasNeverPromotedIsAConflictAndAnUnknownReleaseIsNotFound() throws Exception {
        String id = api.submit("alice", descriptor(), flows()).json().path("id").asText();
        Api.Response rollback = api.post("frank", "/api/releases/" + id + "/rollback");
        assertThat(rollback.status()).isEqualTo(409);
        assertThat(rollback.header("Content-Type")).contains("application/problem+json");
        assertThat(api.get("alice", "/api/releases/does-not-exist").status()).isEqualTo(404);
        assertThat(api.post("alice", "/api/releases/" + id + "/abort").status()).isEqualTo(200);
    }

    @Test
    void invalidAppRegistrationListsItsViolations() {
        Api.Response r = api.putJson("admin", "/api/apps/expenses", """
                {"owners":[],"stable":{"adminUrl":"ftp://x","trafficUrl":"http://ok"},"adminToken":"","route":"Bad Route"}""");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("violations").findValuesAsText("path"))
                .contains("/owners", "/stable/adminUrl", "/canary", "/adminToken", "/route");
    }

    @Test
    void camundasInitialSetupCannotBeUsedToCreateAnAdministrator() {
        Api.Response r = api.postJson(null, "/camunda/api/admin/setup/default/user/create", """
                {"profile":{"id":"intruder","firstName":"I","lastName":"N"},"credentials":{"password":"intruder"}}""");
        assertThat(r.status()).isEqualTo(403);
        assertThat(identityService.createUserQuery().userId("intruder").count()).isZero();
        // and the webapps do not even offer it: someone is Camunda administrator already
        assertThat(identityService.createUserQuery().memberOfGroup("camunda-admin").count()).isPositive();
        assertThat(identityService.createUserQuery().memberOfGroup("camunda-admin").userId("admin").count())
                .as("our admins stay subject to authorizations").isZero();
    }
}
