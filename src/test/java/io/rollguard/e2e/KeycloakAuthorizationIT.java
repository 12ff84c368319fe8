package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
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
import io.rollguard.support.Keycloak;
import io.rollguard.support.NodeRedSlots;
import io.rollguard.support.PostgresDatabase;

/**
 * Bearer tokens from a real Keycloak 26.7 server: which tokens are accepted at all (the
 * role-by-action matrix is {@link KeycloakAuthorizationMatrixIT}), pipelines with client
 * credentials, and the way back from Keycloak's login page.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false"})
@ActiveProfiles({"postgres", "keycloak"})
class KeycloakAuthorizationIT {

    static final Path V110 = NodeRedSlots.PROJECT.resolve("examples/expenses/1.1.0");

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        PostgresDatabase.register(registry, "rollguard_it_keycloak");
        registry.add("rollguard.keycloak.issuer", () -> Keycloak.ISSUER);
        // the default 30 s tolerance would make the expiry test slow
        registry.add("rollguard.keycloak.clock-skew", () -> "PT1S");
    }

    @BeforeAll
    static void keycloakRuns() {
        Keycloak.requireRunning();
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    Api api;

    @BeforeEach
    void registerApp() {
        api = new Api("http://127.0.0.1:" + port, user -> "Bearer " + Keycloak.userToken(user));
        // test fixture: earlier tests' releases must not hold the app (one release per app at a time)
        jdbc.update("update rg_release set state = 'ABORTED' where state not in "
                + "('REJECTED','PREFLIGHT_FAILED','PROMOTED','ROLLED_BACK','ABORTED')");
        Api.Response r = api.putJson("admin", "/api/apps/expenses", AppRegistrations.withoutSlots("expenses", "1.0.0", List.of("alice", "zoe", "ada", "service-account-rollguard-pipeline"), null));
        assertThat(r.status()).as(r.body()).isIn(200, 201);
    }

    Api.Response submit(Api as, String user) throws Exception {
        return as.submit(user, Files.readString(V110.resolve("release.yaml")),
                Map.of("flows.json", Files.readAllBytes(V110.resolve("flows.json"))));
    }

    @Test
    void aPipelineSubmitsWithItsClientCredentials() throws Exception {
        String token = Keycloak.clientToken("rollguard-pipeline", pipelineSecret());
        Api pipeline = new Api("http://127.0.0.1:" + port, user -> "Bearer " + token);
        Api.Response r = submit(pipeline, "pipeline");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(api.get("erin", "/api/releases/" + r.json().path("id").asText()).json().path("requester").asText())
                .isEqualTo("service-account-rollguard-pipeline");
        api.awaitFirstStep(r.json().path("processInstanceId").asText());
        assertThat(pipeline.post("pipeline", "/api/releases/" + r.json().path("id").asText() + "/abort").status())
                .isEqualTo(200);
    }

    @Test
    void missingForgedOrForeignTokensAreUnauthorized() throws Exception {
        Api anonymous = new Api("http://127.0.0.1:" + port, user -> "Bearer not.a.jwt");
        assertThat(new Api("http://127.0.0.1:" + port).get(null, "/api/releases").status()).isEqualTo(401);
        assertThat(anonymous.get("x", "/api/releases").status()).isEqualTo(401);
        assertThat(anonymous.get("x", "/engine-rest/task").status()).isEqualTo(401);

        // same claims as alice's real token, signed with a key Keycloak never had
        String forged = forge(Keycloak.userToken("alice"));
        Api forger = new Api("http://127.0.0.1:" + port, user -> "Bearer " + forged);
        Api.Response r = forger.get("alice", "/api/releases");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(forger.get("alice", "/engine-rest/task").status()).isEqualTo(401);

        // a real token of the realm, but issued for another audience (Keycloak's admin-cli client)
        String foreign = Keycloak.freshUserToken("admin-cli", null, "admin");
        Api foreigner = new Api("http://127.0.0.1:" + port, user -> "Bearer " + foreign);
        assertThat(foreigner.get("admin", "/api/apps/expenses").status()).isEqualTo(401);
        // HTTP Basic is not accepted when Keycloak is the identity provider
        assertThat(new Api("http://127.0.0.1:" + port).get("admin", "/api/apps/expenses").status()).isEqualTo(401);
    }

    @Test
    void expiredTokensAreUnauthorized() throws Exception {
        String token = Keycloak.freshUserToken("rollguard-test-short-lived", null, "admin");
        Api holder = new Api("http://127.0.0.1:" + port, user -> "Bearer " + token);
        assertThat(holder.get("admin", "/api/apps/expenses").status()).isEqualTo(200);
        // 3 s lifetime + 1 s tolerance
        Api.Response expired = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500))
                .until(() -> holder.get("admin", "/api/apps/expenses"), r -> r.status() != 200);
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.json().path("title").asText()).isEqualTo("Unauthorized");
    }

    @Test
    void aValidTokenWithoutTheRightRoleIsForbiddenNotUnauthorized() {
        assertThat(api.get("erin", "/api/apps/expenses").status()).isEqualTo(403);
        assertThat(api.putJson("frank", "/api/apps/other", "{}").status()).isEqualTo(403);
    }

    @Test
    void aWayBackFromKeycloakThatDoesNotMatchALoginGetsOurPage() {
        Api.Response page = new Api("http://127.0.0.1:" + port).get(null, "/login/oauth2/code/keycloak?code=x&state=forged");
        assertThat(page.status()).isEqualTo(401);
        assertThat(page.body()).contains("Sign-in did not complete", "authorization_request_not_found");
    }

    private static String pipelineSecret() throws Exception {
        JsonNode realm = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(NodeRedSlots.PROJECT.resolve("stack/keycloak/realm-rollguard.json").toFile());
        for (JsonNode client : realm.path("clients")) {
            if (client.path("clientId").asText().equals("rollguard-pipeline")) {
                return client.path("secret").asText();
            }
        }
        throw new AssertionError("no rollguard-pipeline client in the realm file");
    }

    /** Re-signs a real token's header and claims with a fresh RSA key. */
    static String forge(String token) throws Exception {
        String[] parts = token.split("\\.");
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign((RSAPrivateKey) keys.getPrivate());
        signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        return parts[0] + "." + parts[1] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
    }
}
