package io.rollguard.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

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

import io.rollguard.app.AppRepository;
import io.rollguard.support.Api;
import io.rollguard.support.AppRegistrations;
import io.rollguard.support.NodeRedSlots;
import io.rollguard.support.PostgresDatabase;

/** The integration registry's API and what it refuses in a submitted release, on PostgreSQL with the real filter chains. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false"})
@ActiveProfiles("postgres")
class IntegrationRegistryIT {

    static final String RATES = "/api/apps/expenses/integrations/rates";
    static final String KEY = "/api/apps/expenses/secrets/rates-api-key";
    static final String SECRET_ONE = "rates-it-key-1-4b9d0e";
    static final String SECRET_TWO = "rates-it-key-2-c31f77";
    static final Path EXAMPLE = NodeRedSlots.PROJECT.resolve("examples/expenses/1.1.0");
    private static final ObjectMapper JSON = new ObjectMapper();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresDatabase.register(registry, "rollguard_it_integrations");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    AppRepository apps;
    @Autowired
    IntegrationRegistry registry;
    Api api;

    @BeforeEach
    void expensesWithoutIntegrations() {
        api = new Api("http://127.0.0.1:" + port);
        jdbc.update("delete from rg_integration");
        jdbc.update("delete from rg_app_secret");
        Api.Response r = api.putJson("admin", "/api/apps/expenses",
                AppRegistrations.withoutSlots("expenses", "1.0.0", List.of("alice"), null));
        assertThat(r.status()).as(r.body()).isIn(200, 201);
    }

    static String rates() {
        return SampleIntegrationRegistration.definition(DefinitionCheckTest.RATES_URL).toString();
    }

    @Test
    void anAdminRegistersReplacesAndDeletesAnIntegrationThatOwnersRead() {
        Api.Response created = api.putJson("admin", RATES, rates());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("updatedBy").asText()).isEqualTo("admin");
        assertThat(created.json().path("settings").path("baseUrl").path("hosts").toString()).isEqualTo("[\"127.0.0.1:1882\"]");

        ObjectNode changed = (ObjectNode) DefinitionCheckTest.json(rates());
        ((ObjectNode) changed.path("settings").path("timeoutMs")).put("max", 10000);
        Api.Response replaced = api.putJson("admin", RATES, changed.toString());
        assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);

        Api.Response list = api.get("alice", "/api/apps/expenses/integrations");
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        assertThat(list.json()).hasSize(1);
        assertThat(list.json().get(0).path("settings").path("timeoutMs").path("max").asInt()).isEqualTo(10000);
        assertThat(api.get("alice", RATES).json().path("probe").path("path").asText()).isEqualTo("/health");

        assertThat(api.delete("admin", RATES).status()).isEqualTo(204);
        assertThat(api.get("alice", RATES).status()).isEqualTo(404);
        assertThat(api.delete("admin", RATES).status()).isEqualTo(404);
    }

    @Test
    void aBadDefinitionIsRefusedNamingEachFieldAndNothingIsStored() {
        ObjectNode bad = (ObjectNode) DefinitionCheckTest.json(rates());
        bad.put("kind", "soap");
        ((ObjectNode) bad.path("settings").path("baseUrl")).remove("hosts");
        ((ObjectNode) bad.path("settings").path("apiKey")).put("default", SECRET_ONE);
        ((ObjectNode) bad.path("probe")).put("path", "health");

        Api.Response r = api.putJson("admin", RATES, bad.toString());

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().path("violations").toString()).contains("/kind", "/settings/baseUrl/hosts",
                "/settings/apiKey/default", "/probe/path").doesNotContain(SECRET_ONE);
        assertThat(r.body()).doesNotContain(SECRET_ONE);
        assertThat(api.putJson("admin", "/api/apps/expenses/integrations/Rates!", rates()).status()).isEqualTo(400);
        assertThat(api.putJson("admin", RATES, "not json").status()).isEqualTo(400);
        assertThat(api.putJson("admin", RATES, "[]").status()).isEqualTo(400);
        assertThat(api.get("admin", "/api/apps/expenses/integrations").json()).isEmpty();
        assertThat(api.putJson("admin", "/api/apps/nope/integrations/rates", rates()).status()).isEqualTo(404);
    }

    @Test
    void anEnvironmentNameTakenByAnotherIntegrationIsRefusedNamingIt() {
        assertThat(api.putJson("admin", RATES, rates()).status()).isEqualTo(201);

        Api.Response r = api.putJson("admin", "/api/apps/expenses/integrations/rates-backup", rates());

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().path("violations").toString()).contains("/settings/baseUrl/env", "integration 'rates'");
    }

    @Test
    void anAppHasAtMostTwentyIntegrations() {
        for (int i = 0; i < IntegrationController.MAX_INTEGRATIONS; i++) {
            String body = """
                    {"kind":"http","settings":{"url":{"type":"url","env":"I%d_URL","hosts":["127.0.0.1:9"]}},
                     "probe":{"url":"url","path":"/health"}}""".formatted(i);
            assertThat(api.putJson("admin", "/api/apps/expenses/integrations/i" + i, body).status()).as("i" + i).isEqualTo(201);
        }

        Api.Response oneMore = api.putJson("admin", RATES, rates());
        String replaced = """
                {"kind":"http","settings":{"url":{"type":"url","env":"I0_URL","hosts":["127.0.0.1:10"]}},
                 "probe":{"url":"url","path":"/ready"}}""";

        assertThat(oneMore.status()).as(oneMore.body()).isEqualTo(409);
        assertThat(oneMore.json().path("detail").asText()).contains("20 integrations");
        assertThat(api.putJson("admin", "/api/apps/expenses/integrations/i0", replaced).status()).isEqualTo(200);
    }

    @Test
    void eachSecretValueIsANewVersionAndNoAnswerEverHoldsAValue() {
        Api.Response first = api.putJson("admin", KEY, "{\"value\":\"" + SECRET_ONE + "\"}");
        Api.Response second = api.putJson("admin", KEY, "{\"value\":\"" + SECRET_TWO + "\"}");

        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(first.json().path("version").asInt()).isEqualTo(1);
        assertThat(second.status()).as(second.body()).isEqualTo(200);
        assertThat(second.json().path("version").asInt()).isEqualTo(2);
        assertThat(second.json().path("updatedBy").asText()).isEqualTo("admin");
        Api.Response list = api.get("admin", "/api/apps/expenses/secrets");
        assertThat(list.json()).hasSize(1);
        assertThat(list.json().get(0).path("version").asInt()).isEqualTo(2);
        assertThat(api.putJson("admin", RATES, rates()).status()).isEqualTo(201);
        for (Api.Response r : List.of(first, second, list, api.get("admin", RATES), api.get("alice", RATES))) {
            assertThat(r.body()).doesNotContain(SECRET_ONE).doesNotContain(SECRET_TWO);
        }
        // sealed at rest, and each version keeps its own value
        assertThat(jdbc.queryForList("select sealed_value from rg_app_secret", String.class))
                .allSatisfy(v -> assertThat(v).startsWith("{aes-gcm:").doesNotContain(SECRET_ONE).doesNotContain(SECRET_TWO));
        assertThat(registry.secretValue("expenses", "rates-api-key", 1)).contains(SECRET_ONE);
        assertThat(registry.secretValue("expenses", "rates-api-key", 2)).contains(SECRET_TWO);
    }

    @Test
    void aBadSecretIsRefusedWithoutRepeatingIt() {
        String withNewline = "abc\\ndef-" + SECRET_ONE;
        Api.Response control = api.putJson("admin", KEY, "{\"value\":\"" + withNewline + "\"}");
        Api.Response empty = api.putJson("admin", KEY, "{\"value\":\"\"}");
        Api.Response tooLong = api.putJson("admin", KEY, "{\"value\":\"" + "k".repeat(4097) + "\"}");
        Api.Response badName = api.putJson("admin", "/api/apps/expenses/secrets/Bad_Name", "{\"value\":\"" + SECRET_ONE + "\"}");

        for (Api.Response r : List.of(control, empty, tooLong)) {
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.json().path("violations").toString()).contains("/value");
        }
        assertThat(badName.status()).isEqualTo(400);
        assertThat(control.body() + badName.body()).doesNotContain(SECRET_ONE);
        assertThat(api.get("admin", "/api/apps/expenses/secrets").json()).isEmpty();
        assertThat(api.putJson("admin", KEY, "{\"value\":\"" + "k".repeat(4096) + "\"}").status()).isEqualTo(201);
    }

    @Test
    void theSampleAppsRatesIntegrationIsRegisteredOnceAndItsKeyOnlyWhileItHasNone() {
        SampleIntegrationRegistration sample = new SampleIntegrationRegistration(apps, registry, true, "expenses",
                DefinitionCheckTest.RATES_URL, SECRET_ONE);
        sample.run(null);
        assertThat(api.putJson("admin", KEY, "{\"value\":\"" + SECRET_TWO + "\"}").status()).isEqualTo(200);
        ObjectNode changed = (ObjectNode) DefinitionCheckTest.json(rates());
        ((ObjectNode) changed.path("settings").path("timeoutMs")).put("max", 9000);
        assertThat(api.putJson("admin", RATES, changed.toString()).status()).isEqualTo(200);

        sample.run(null);

        assertThat(registry.latestSecret("expenses", "rates-api-key")).get()
                .extracting(IntegrationRegistry.SecretVersion::version).isEqualTo(2);
        assertThat(registry.find("expenses", "rates").orElseThrow().definition().settings().get("timeoutMs").max())
                .isEqualTo(9000L);
        assertThat(registry.find("expenses", "rates").orElseThrow().definition().settings().get("baseUrl").defaultValue()
                .asText()).isEqualTo(DefinitionCheckTest.RATES_URL);
    }

    // --- submission ---------------------------------------------------------------------------

    private void ratesWithKey() {
        assertThat(api.putJson("admin", KEY, "{\"value\":\"" + SECRET_ONE + "\"}").status()).isEqualTo(201);
        assertThat(api.putJson("admin", RATES, rates()).status()).isEqualTo(201);
    }

    private Api.Response submit(String integrations, byte[] flows) throws IOException {
        String descriptor = Files.readString(EXAMPLE.resolve("release.yaml")) + integrations;
        return api.submit("alice", descriptor, Map.of("flows.json",
                flows == null ? Files.readAllBytes(EXAMPLE.resolve("flows.json")) : flows));
    }

    @Test
    void aReleaseNamingAnUnknownIntegrationIsRefused() throws IOException {
        ratesWithKey();

        Api.Response r = submit("integrations:\n  - name: payments\n    settings:\n      url: http://127.0.0.1:1882/pay\n", null);

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().path("violations").toString()).contains("/integrations/0/name", "'payments'");
    }

    @Test
    void aSecretTypedIntoTheDescriptorIsRefusedAndNeverRepeated() throws IOException {
        ratesWithKey();

        Api.Response r = submit("integrations:\n  - name: rates\n    settings:\n      apiKey: sk-live-typed-in-9d2e\n", null);

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().path("violations").toString()).contains("/integrations/0/settings/apiKey",
                "never the secret itself");
        assertThat(r.body()).doesNotContain("sk-live-typed-in-9d2e");
    }

    @Test
    void aBaseUrlOnAHostTheIntegrationDoesNotAllowIsRefused() throws IOException {
        ratesWithKey();

        Api.Response r = submit("integrations:\n  - name: rates\n    settings:\n      baseUrl: http://169.254.169.254/latest\n", null);

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().path("violations").toString()).contains("/integrations/0/settings/baseUrl", "169.254.169.254:80");
    }

    @Test
    void flowsThatSetAManagedEnvironmentEntryThemselvesAreRefused() throws IOException {
        ratesWithKey();
        ArrayNode flows = (ArrayNode) JSON.readTree(Files.readAllBytes(EXAMPLE.resolve("flows.json")));
        ObjectNode global = flows.addObject().put("id", "rollguard-it-global").put("type", "global-config");
        global.putArray("env").addObject().put("name", "RATES_BASE_URL").put("value", "http://10.0.0.9/").put("type", "str");

        Api.Response r = submit("", JSON.writeValueAsBytes(flows));

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        JsonNode violations = r.json().path("violations");
        assertThat(violations.toString()).contains("/artifact/file", "RATES_BASE_URL", "integration 'rates'");
    }

    @Test
    void aValidIntegrationChangeIsAccepted() throws IOException {
        ratesWithKey();

        Api.Response r = submit("""
                integrations:
                  - name: rates
                    settings:
                      baseUrl: http://127.0.0.1:1882/app/rates/v2
                      timeoutMs: 3000
                      apiKey: {secretRef: rates-api-key}
                """, null);

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(api.post("alice", "/api/releases/" + r.json().path("id").asText() + "/abort").status()).isIn(200, 409);
    }
}
