package io.rollguard.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.jdbc.JdbcTest;
import org.springframework.context.annotation.Import;

import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.integration.IntegrationSettings.SettingChange;
import io.rollguard.integration.IntegrationSettings.SettingsChange;
import io.rollguard.platform.SlotEnvironment;
import io.rollguard.refusal.Refusal.Violation;
import io.rollguard.secrets.SecretCipher;

/** The registry's answers on the real tables (Liquibase on the embedded database) with real sealing. */
@JdbcTest
@Import({ IntegrationRegistry.class, SecretCipher.class, IntegrationProbe.class, RegisteredIntegrationSettings.class })
class RegisteredIntegrationSettingsTest {

    static final String APP = "expenses";
    static final String KEY_V1 = "rates-key-one-0f3a9";
    static final String KEY_V2 = "rates-key-two-77c1e";

    @Autowired
    IntegrationRegistry registry;
    @Autowired
    RegisteredIntegrationSettings settings;

    @BeforeEach
    void ratesIsRegisteredWithTwoVersionsOfItsKey() {
        registry.save(APP, "rates", DefinitionCheck.check(DefinitionCheckTest.rates(), Map.of()).definition(), "admin");
        registry.addSecretVersion(APP, "rates-api-key", KEY_V1, "admin");
        registry.addSecretVersion(APP, "rates-api-key", KEY_V2, "admin");
    }

    static SettingsChange rates(String settingsJson) {
        return new SettingsChange("rates", DefinitionCheckTest.json(settingsJson));
    }

    private Map<String, String> check(SettingsChange... changes) {
        return settings.check(APP, List.of(changes)).stream()
                .collect(Collectors.toMap(Violation::path, Violation::message, (a, b) -> a + " | " + b));
    }

    @Test
    void aValidChangeOfEverySettingTypeHasNoViolation() {
        assertThat(check(rates("""
                {"baseUrl":"http://127.0.0.1:1882/app/rates/v2","timeoutMs":3000,"apiVersion":"2",
                 "apiKey":{"secretRef":"rates-api-key"}}"""))).isEmpty();
    }

    @Test
    void anUnknownIntegrationIsRefusedNamingTheRegisteredOnes() {
        Map<String, String> v = check(new SettingsChange("payments", DefinitionCheckTest.json("{\"url\":\"x\"}")));

        assertThat(v).containsOnlyKeys("/integrations/0/name");
        assertThat(v.get("/integrations/0/name")).contains("'payments'").contains("[rates]");
    }

    @Test
    void theSameIntegrationTwiceIsRefused() {
        Map<String, String> v = check(rates("{\"timeoutMs\":3000}"), rates("{\"apiVersion\":\"2\"}"));

        assertThat(v).containsOnlyKeys("/integrations/1/name");
        assertThat(v.get("/integrations/1/name")).contains("/integrations/0");
    }

    @Test
    void anUnknownSettingAndAnEmptyOrMissingSettingsObjectAreRefused() {
        assertThat(check(rates("{\"retries\":3}"))).containsOnlyKeys("/integrations/0/settings/retries");
        assertThat(check(rates("{}"))).containsOnlyKeys("/integrations/0/settings");
        assertThat(check(new SettingsChange("rates", null))).containsOnlyKeys("/integrations/0/settings");
    }

    @Test
    void integersAreOfTheirTypeAndWithinMinAndMax() {
        assertThat(check(rates("{\"timeoutMs\":\"3000\"}"))).containsEntry("/integrations/0/settings/timeoutMs",
                "must be an integer");
        assertThat(check(rates("{\"timeoutMs\":2.5}"))).containsEntry("/integrations/0/settings/timeoutMs",
                "must be an integer");
        assertThat(check(rates("{\"timeoutMs\":99}"))).containsEntry("/integrations/0/settings/timeoutMs",
                "must be at least 100");
        assertThat(check(rates("{\"timeoutMs\":30001}"))).containsEntry("/integrations/0/settings/timeoutMs",
                "must be at most 30000");
    }

    @Test
    void stringsMatchTheirPatternAreBoundedAndHaveNoControlCharacters() {
        assertThat(check(rates("{\"apiVersion\":\"v2\"}")).get("/integrations/0/settings/apiVersion")).contains("pattern");
        assertThat(check(rates("{\"apiVersion\":2}")).get("/integrations/0/settings/apiVersion")).isEqualTo("must be a string");
        assertThat(check(rates("{\"apiVersion\":\"1\\n2\"}")).get("/integrations/0/settings/apiVersion"))
                .contains("control characters");
        assertThat(check(rates("{\"apiVersion\":\"" + "1".repeat(501) + "\"}")).get("/integrations/0/settings/apiVersion"))
                .contains("at most 500");
    }

    @Test
    void aUrlIsHttpWithoutCredentialsQueryOrFragmentOnAnAllowedHost() {
        String path = "/integrations/0/settings/baseUrl";
        assertThat(check(rates("{\"baseUrl\":\"ftp://127.0.0.1:1882/rates\"}")).get(path)).contains("http or https");
        assertThat(check(rates("{\"baseUrl\":\"http://me:pw@127.0.0.1:1882/rates\"}")).get(path)).contains("credentials")
                .doesNotContain("pw");
        assertThat(check(rates("{\"baseUrl\":\"http://127.0.0.1:1882/rates?x=1\"}")).get(path)).contains("no query");
        assertThat(check(rates("{\"baseUrl\":\"http://127.0.0.1:1882/rates#top\"}")).get(path)).contains("no fragment");
        assertThat(check(rates("{\"baseUrl\":\"http://169.254.169.254/latest\"}")).get(path))
                .contains("169.254.169.254:80").contains("[127.0.0.1:1882]");
        assertThat(check(rates("{\"baseUrl\":\"https://127.0.0.1/rates\"}")).get(path)).contains("127.0.0.1:443");
        assertThat(check(rates("{\"baseUrl\":\"http://127.0.0.1:1883/rates\"}")).get(path)).contains("127.0.0.1:1883");
        assertThat(check(rates("{\"baseUrl\":3}")).get(path)).contains("http(s) URL");
    }

    @Test
    void aSecretGivenAsItselfIsRefusedWithoutRepeatingIt() {
        String secret = "sk-live-4f1c2e9a8b7d";
        List<String> attempts = List.of("\"" + secret + "\"", "{\"value\":\"" + secret + "\"}",
                "{\"secretRef\":\"rates-api-key\",\"value\":\"" + secret + "\"}", "[\"" + secret + "\"]");
        for (String attempt : attempts) {
            List<Violation> violations = settings.check(APP, List.of(rates("{\"apiKey\":" + attempt + "}")));

            assertThat(violations).as(attempt).extracting(Violation::path).containsExactly("/integrations/0/settings/apiKey");
            assertThat(violations.get(0).message()).as(attempt)
                    .isEqualTo("must be a secret reference {secretRef: name}, never the secret itself");
            assertThat(violations.toString()).as(attempt).doesNotContain(secret);
        }
    }

    @Test
    void aSecretReferenceNamesAnExistingAppSecretAndIsNotEchoed() {
        String secret = "hunter2hunter2";
        List<Violation> violations = settings.check(APP, List.of(rates("{\"apiKey\":{\"secretRef\":\"" + secret + "\"}}")));

        assertThat(violations).extracting(Violation::path).containsExactly("/integrations/0/settings/apiKey");
        assertThat(violations.get(0).message()).contains("names no secret").contains("rates-api-key")
                .doesNotContain(secret);
    }

    @Test
    void anEnvironmentEntryAnIntegrationManagesIsRefusedInTheFlowsGlobalConfig() {
        JsonNode flows = DefinitionCheckTest.json("""
                [{"id":"g1","type":"global-config","env":[{"name":"RATES_BASE_URL","value":"http://evil","type":"str"},
                                                           {"name":"OWN_SETTING","value":"x","type":"str"}]},
                 {"id":"t1","type":"tab","env":[{"name":"RATES_API_KEY","value":"x","type":"str"}]}]""");

        List<Violation> violations = settings.artifactRefusals(APP, flows);

        assertThat(violations).extracting(Violation::path).containsExactly("/artifact/file", "/artifact/file");
        assertThat(violations.get(0).message()).contains("RATES_BASE_URL").contains("integration 'rates'")
                .contains("integrations[]");
        // a tab's env wins over the global one for the nodes on the tab: the same setting, changed without approvers
        assertThat(violations.get(1).message()).contains("RATES_API_KEY").contains("tab node t1");
    }

    @Test
    void aManagedNameInTheEnvOfAGroupASubflowOrASubflowInstanceIsRefusedToo() {
        JsonNode flows = DefinitionCheckTest.json("""
                [{"id":"gr1","type":"group","z":"t1","env":[{"name":"RATES_BASE_URL","value":"https://evil.example","type":"str"}]},
                 {"id":"sf1","type":"subflow","name":"call rates","env":[{"name":"RATES_TIMEOUT_MS","value":"1","type":"num"}]},
                 {"id":"si1","type":"subflow:sf1","z":"t1","env":[{"name":"RATES_BASE_URL","value":"https://evil.example","type":"str"}]},
                 {"id":"t1","type":"tab","env":[{"name":"APP_NAME","value":"expenses","type":"str"}]}]""");

        assertThat(settings.artifactRefusals(APP, flows)).extracting(Violation::message)
                .hasSize(3).anySatisfy(m -> assertThat(m).contains("group node gr1"))
                .anySatisfy(m -> assertThat(m).contains("subflow node sf1").contains("RATES_TIMEOUT_MS"))
                .anySatisfy(m -> assertThat(m).contains("subflow:sf1 node si1"));
    }

    @Test
    void flowsThatCarryCredentialsTheReservedNodeIdOrTwoGlobalConfigsAreRefused() {
        JsonNode flows = DefinitionCheckTest.json("""
                [{"id":"m1","type":"mqtt-broker","broker":"mqtt.example","credentials":{"user":"u","password":"p"}},
                 {"id":"rollguard-global-config","type":"global-config","env":[]},
                 {"id":"g2","type":"global-config","env":"RATES_BASE_URL=x"}]""");

        assertThat(settings.artifactRefusals(APP, flows)).extracting(Violation::message)
                .anySatisfy(m -> assertThat(m).contains("mqtt-broker node m1 carries credentials").doesNotContain("\"p\""))
                .anySatisfy(m -> assertThat(m).contains("node id rollguard-global-config is reserved"))
                .anySatisfy(m -> assertThat(m).contains("global-config node g2 has an env that is not a list"))
                .anySatisfy(m -> assertThat(m).contains("2 global-config nodes"));
    }

    @Test
    void everyVersionOfEverySecretIsBlankedOutOfWhatACanaryAnsweredAlsoAsJsonEscapesIt() {
        registry.addSecretVersion(APP, "ledger-token", "tok\"en\\with-quote", "admin");
        String answered = "{\"v1\":\"" + KEY_V1 + "\",\"v2\":\"" + KEY_V2 + "\",\"t\":\"tok\\\"en\\\\with-quote\"} raw tok\"en\\with-quote";

        String shown = settings.redacted(APP, answered);

        assertThat(shown).doesNotContain(KEY_V1).doesNotContain(KEY_V2).doesNotContain("with-quote")
                .contains("[secret]");
        assertThat(settings.redacted(APP, "nothing secret here")).isEqualTo("nothing secret here");
    }

    @Test
    void theReservedRollguardPropertyOfTheGlobalConfigIsRefused() {
        JsonNode flows = DefinitionCheckTest.json("[{\"id\":\"g1\",\"type\":\"global-config\",\"env\":[],\"rollguard\":{}}]");

        assertThat(settings.artifactRefusals(APP, flows)).singleElement().extracting(Violation::message).asString()
                .contains("'rollguard'").contains("reserved");
        assertThat(settings.artifactRefusals(APP, DefinitionCheckTest.json("[{\"id\":\"g1\",\"type\":\"global-config\"}]")))
                .isEmpty();
    }

    @Test
    void theEffectiveEnvironmentIsTheBaseWithDefaultsForWhatItLacksAndTheChangesOnTop() {
        SlotEnvironment base = new SlotEnvironment(Map.of("RATES_TIMEOUT_MS", "2500", "OTHER", "kept"), Map.of());

        SlotEnvironment effective = settings.effective(APP, base, List.of(rates("{\"apiVersion\":\"2\"}")));

        assertThat(effective.values()).isEqualTo(Map.of("RATES_TIMEOUT_MS", "2500", "OTHER", "kept",
                "RATES_API_VERSION", "2", "RATES_BASE_URL", DefinitionCheckTest.RATES_URL));
        // the default secret is the latest version of its defaultRef, resolved for the slot
        assertThat(effective.secrets()).isEqualTo(Map.of("RATES_API_KEY", new SlotEnvironment.Secret("rates-api-key@2", KEY_V2)));
    }

    @Test
    void aChangedSecretResolvesToItsLatestVersionAndIntegersAndUrlsBecomeStrings() {
        SlotEnvironment base = new SlotEnvironment(Map.of(),
                Map.of("RATES_API_KEY", new SlotEnvironment.Secret("rates-api-key@1", null)));
        registry.addSecretVersion(APP, "rates-api-key", "rates-key-three", "admin");

        SlotEnvironment effective = settings.effective(APP, base, List.of(rates("""
                {"timeoutMs":3000,"baseUrl":"http://127.0.0.1:1882/app/rates/v2","apiKey":{"secretRef":"rates-api-key"}}""")));

        assertThat(effective.values()).containsEntry("RATES_TIMEOUT_MS", "3000")
                .containsEntry("RATES_BASE_URL", "http://127.0.0.1:1882/app/rates/v2");
        assertThat(effective.secrets().get("RATES_API_KEY")).isEqualTo(new SlotEnvironment.Secret("rates-api-key@3", "rates-key-three"));
        // unchanged, the base's version stays: what stable runs is not replaced by a newer key behind the approvers' back
        assertThat(settings.effective(APP, base, List.of(rates("{\"timeoutMs\":3000}"))).secrets().get("RATES_API_KEY"))
                .isEqualTo(new SlotEnvironment.Secret("rates-api-key@1", KEY_V1));
    }

    @Test
    void aSecretReferenceResolvesToExactlyItsVersion() {
        SlotEnvironment readBack = new SlotEnvironment(Map.of("RATES_TIMEOUT_MS", "2000"),
                Map.of("RATES_API_KEY", new SlotEnvironment.Secret("rates-api-key@1", null)));

        SlotEnvironment resolved = settings.withSecretValues(APP, readBack);

        assertThat(resolved.secrets().get("RATES_API_KEY").value()).isEqualTo(KEY_V1);
        assertThat(resolved.values()).isEqualTo(readBack.values());
        assertThat(resolved.sameAs(readBack)).isTrue();
    }

    @Test
    void anUnknownSecretReferenceFailsNamingTheReferenceOnly() {
        SlotEnvironment unknownVersion = new SlotEnvironment(Map.of(),
                Map.of("RATES_API_KEY", new SlotEnvironment.Secret("rates-api-key@9", null),
                        "OTHER_KEY", new SlotEnvironment.Secret("rates-api-key@1", null)));

        assertThatThrownBy(() -> settings.withSecretValues(APP, unknownVersion)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("rates-api-key@9").message().doesNotContain(KEY_V1).doesNotContain(KEY_V2);
        assertThatThrownBy(() -> settings.withSecretValues(APP, new SlotEnvironment(Map.of(),
                Map.of("RATES_API_KEY", new SlotEnvironment.Secret("no-such-key@1", null)))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no-such-key@1");
    }

    @Test
    void describingAChangeShowsLiveAndReleaseValuesAndSecretsAsReferencesOnly() {
        SlotEnvironment live = new SlotEnvironment(Map.of("RATES_TIMEOUT_MS", "2000"),
                Map.of("RATES_API_KEY", new SlotEnvironment.Secret("rates-api-key@1", KEY_V1)));

        List<SettingChange> described = settings.describe(APP, live, List.of(rates("""
                {"timeoutMs":3000,"apiVersion":"2","apiKey":{"secretRef":"rates-api-key"}}""")));

        assertThat(described).containsExactly(
                new SettingChange("rates", "timeoutMs", "RATES_TIMEOUT_MS", "2000", "3000", false),
                new SettingChange("rates", "apiVersion", "RATES_API_VERSION", null, "2", false),
                new SettingChange("rates", "apiKey", "RATES_API_KEY", "secret rates-api-key (version 1)",
                        "secret rates-api-key (version 2)", true));
        assertThat(described.toString()).doesNotContain(KEY_V1).doesNotContain(KEY_V2);
    }

    @Test
    void secretsAreStoredSealedAndEachVersionOpensOnlyInItsOwnRow() {
        assertThat(registry.latestSecret(APP, "rates-api-key")).get().extracting(IntegrationRegistry.SecretVersion::version)
                .isEqualTo(2);
        assertThat(registry.secretValue(APP, "rates-api-key", 1)).contains(KEY_V1);
        assertThat(registry.secretValue(APP, "rates-api-key", 3)).isEmpty();
    }
}
