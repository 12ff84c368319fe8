package io.rollguard.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.rollguard.app.AppDatabases;
import io.rollguard.app.AppRepository;
import io.rollguard.app.SecretsAtRest;
import io.rollguard.app.SlotName;
import io.rollguard.support.Api;
import io.rollguard.support.AppRegistrations;
import io.rollguard.support.ExpensesDatabase;
import io.rollguard.support.NodeRedSlots;
import io.rollguard.support.PostgresDatabase;
import io.rollguard.platform.TargetPlatform;

/**
 * Someone who reads Rollguard's database (a backup, a replica, a support dump) must not find the
 * keys to the apps' Node-RED Admin APIs or the apps' database passwords in it. Tokens and
 * passwords are sealed with the key from the environment; rows stored in plaintext before are
 * sealed at start, and the app still deploys with what is stored.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false"})
@ActiveProfiles("postgres")
class SecretsAtRestIT {

    static ExpensesDatabase appDatabase;
    static NodeRedSlots slots;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        appDatabase = ExpensesDatabase.create("rollguard_it_secrets_at_rest_app");
        slots = NodeRedSlots.start("rollguard_it_secrets_at_rest", appDatabase.slotEnvironment());
        PostgresDatabase.register(registry, "rollguard_it_secrets_at_rest");
    }

    @AfterAll
    static void stopSlots() {
        slots.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    AppRepository apps;
    @Autowired
    AppDatabases databases;
    @Autowired
    TargetPlatform target;
    @Autowired
    SecretsAtRest secretsAtRest;

    @Test
    void secretsAreEncryptedAtRest() throws Exception {
        // given an app and its database registered by an admin
        Api api = new Api("http://127.0.0.1:" + port);
        Api.Response app = api.registerExpenses(slots, List.of("alice"), "1.0.0");
        assertThat(app.status()).as(app.body()).isIn(200, 201);
        Api.Response db = api.putJson("admin", "/api/apps/expenses/database",
                AppRegistrations.database(appDatabase.jdbcUrl()));
        assertThat(db.status()).as(db.body()).isIn(200, 201);

        // then the raw columns hold no token and no password
        assertSealed(raw());

        // and the app still deploys into both slots with what is stored, and its database password opens
        deployBothSlots("1.1.0");
        assertThat(databases.find("expenses").orElseThrow().password()).isEqualTo(PostgresDatabase.APP_PASSWORD);

        // given rows stored in plaintext, as before encryption at rest
        jdbc.update("update rg_app set admin_token = ?, canary_admin_token = ? where app_key = 'expenses'",
                slots.stableToken(), slots.canaryToken());
        jdbc.update("update rg_app_database set password = ? where app_key = 'expenses'", PostgresDatabase.APP_PASSWORD);

        // when Rollguard starts (its start-up step seals what is plaintext)
        assertThat(secretsAtRest.sealAll()).isEqualTo(3);

        // then they are sealed too, sealed once only, and still work
        assertSealed(raw());
        assertThat(secretsAtRest.sealAll()).isZero();
        deployBothSlots("1.0.0");

        // and a sealed value copied into another column does not open there
        jdbc.update("update rg_app set canary_admin_token = admin_token where app_key = 'expenses'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> apps.find("expenses"))
                .hasMessageContaining("does not decrypt").hasMessageNotContaining(slots.stableToken());
    }

    Map<String, Object> raw() {
        Map<String, Object> row = new java.util.HashMap<>(jdbc.queryForMap(
                "select admin_token, canary_admin_token from rg_app where app_key = 'expenses'"));
        row.put("password", jdbc.queryForObject("select password from rg_app_database where app_key = 'expenses'",
                String.class));
        return row;
    }

    void assertSealed(Map<String, Object> raw) {
        assertThat(raw.values()).allSatisfy(v -> assertThat((String) v).startsWith("{aes-gcm:"));
        assertThat(raw.toString()).doesNotContain(slots.stableToken()).doesNotContain(slots.canaryToken())
                .doesNotContain("password=" + PostgresDatabase.APP_PASSWORD + ",");
        assertThat(raw.get("password")).isNotEqualTo(PostgresDatabase.APP_PASSWORD);
    }

    void deployBothSlots(String version) throws Exception {
        String flows = Files.readString(NodeRedSlots.PROJECT.resolve("examples/expenses/" + version + "/flows.json"));
        var app = apps.find("expenses").orElseThrow();
        target.deploy(app, SlotName.STABLE, flows);
        target.deploy(app, SlotName.CANARY, flows);
        assertThat(target.read(app, SlotName.STABLE)).isNotNull();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> slots.version(slots.canary()).equals(version) && slots.version(slots.stable()).equals(version));
    }
}
