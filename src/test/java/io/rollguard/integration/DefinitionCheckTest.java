package io.rollguard.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.rollguard.refusal.Refusal.Violation;

class DefinitionCheckTest {

    static final String RATES_URL = "http://127.0.0.1:1882/app/rates/v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    static ObjectNode rates() {
        return (ObjectNode) SampleIntegrationRegistration.definition(RATES_URL);
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Map<String, String> violations(JsonNode body, Map<String, IntegrationDefinition> others) {
        DefinitionCheck.Checked checked = DefinitionCheck.check(body, others);
        assertThat(checked.definition() == null).isEqualTo(!checked.violations().isEmpty());
        return checked.violations().stream().collect(java.util.stream.Collectors.toMap(Violation::path,
                Violation::message, (a, b) -> a + " | " + b));
    }

    @Test
    void theSampleRatesDefinitionIsValidAndKeepsItsSettingsInOrder() {
        DefinitionCheck.Checked checked = DefinitionCheck.check(rates(), Map.of());

        assertThat(checked.violations()).isEmpty();
        assertThat(checked.definition().settings()).containsOnlyKeys("baseUrl", "timeoutMs", "apiVersion", "apiKey");
        assertThat(checked.definition().settings().keySet()).containsExactly("baseUrl", "timeoutMs", "apiVersion", "apiKey");
        assertThat(checked.definition().settings().get("baseUrl").hosts()).containsExactly("127.0.0.1:1882");
        assertThat(checked.definition().probe().headers()).containsEntry("X-Api-Key", "${apiKey}");
    }

    @Test
    void onlyHttpIsAKindForNow() {
        ObjectNode body = rates().put("kind", "grpc");

        assertThat(violations(body, Map.of())).containsOnlyKeys("/kind").extractingByKey("/kind").asString()
                .contains("http (the only kind");
    }

    @Test
    void anEnvironmentNameOfAnotherIntegrationIsRefusedNamingIt() {
        IntegrationDefinition rates = DefinitionCheck.check(rates(), Map.of()).definition();
        ObjectNode other = rates();
        ((ObjectNode) other.path("settings").path("timeoutMs")).put("env", "PAYMENTS_TIMEOUT_MS");
        ((ObjectNode) other.path("settings").path("apiVersion")).put("env", "PAYMENTS_API_VERSION");
        ((ObjectNode) other.path("settings").path("apiKey")).put("env", "PAYMENTS_API_KEY");

        Map<String, String> violations = violations(other, Map.of("rates", rates));

        assertThat(violations).containsOnlyKeys("/settings/baseUrl/env");
        assertThat(violations.get("/settings/baseUrl/env")).contains("RATES_BASE_URL").contains("integration 'rates'");
    }

    @Test
    void twoSettingsOfOneIntegrationCannotShareAnEnvironmentName() {
        ObjectNode body = rates();
        ((ObjectNode) body.path("settings").path("apiVersion")).put("env", "RATES_TIMEOUT_MS");

        assertThat(violations(body, Map.of())).containsKey("/settings/apiVersion/env");
    }

    @Test
    void namesTypesAndEnvironmentNamesAreChecked() {
        JsonNode body = json("""
                {"kind":"http","settings":{
                   "1bad":{"type":"string","env":"A"},
                   "colour":{"type":"enum","env":"COLOUR"},
                   "lower":{"type":"string","env":"lower_case"}},
                 "probe":{"url":"nowhere","path":"/h"}}""");

        assertThat(violations(body, Map.of())).containsKeys("/settings/1bad", "/settings/colour/type",
                "/settings/lower/env", "/probe/url");
    }

    @Test
    void aUrlSettingNeedsItsAllowedHostsAndADefaultAmongThem() {
        ObjectNode noHosts = rates();
        ((ObjectNode) noHosts.path("settings").path("baseUrl")).remove("hosts");
        ObjectNode badHost = rates();
        ((ObjectNode) badHost.path("settings").path("baseUrl")).putArray("hosts").add("127.0.0.1");
        ObjectNode elsewhere = rates();
        ((ObjectNode) elsewhere.path("settings").path("baseUrl")).put("default", "http://10.0.0.1:1882/rates");

        assertThat(violations(noHosts, Map.of())).containsKey("/settings/baseUrl/hosts");
        assertThat(violations(badHost, Map.of())).containsKey("/settings/baseUrl/hosts/0");
        assertThat(violations(elsewhere, Map.of()).get("/settings/baseUrl/default")).contains("10.0.0.1:1882");
    }

    @Test
    void aSecretSettingHasNoDefaultValueAndTheRefusalNeverRepeatsIt() {
        ObjectNode body = rates();
        ((ObjectNode) body.path("settings").path("apiKey")).put("default", "sk-live-very-secret");

        Map<String, String> violations = violations(body, Map.of());

        assertThat(violations).containsOnlyKeys("/settings/apiKey/default");
        assertThat(violations.toString()).doesNotContain("sk-live-very-secret").contains("defaultRef");
    }

    @Test
    void optionsOfOtherTypesAndUnknownFieldsAreRefused() {
        ObjectNode body = rates();
        ((ObjectNode) body.path("settings").path("apiVersion")).put("min", 1);
        ((ObjectNode) body.path("settings").path("baseUrl")).putArray("host").add("127.0.0.1:1882");
        body.put("owner", "me");

        assertThat(violations(body, Map.of())).containsKeys("/settings/apiVersion/min", "/settings/baseUrl/host", "/owner");
    }

    @Test
    void moreThanThirtySettingsAreRefused() {
        ObjectNode body = rates();
        ObjectNode settings = (ObjectNode) body.path("settings");
        for (int i = 0; i < 27; i++) {
            settings.putObject("extra" + i).put("type", "string").put("env", "EXTRA_" + i);
        }

        assertThat(violations(body, Map.of())).containsKey("/settings");
    }

    @Test
    void theProbeIsCheckedFieldByField() {
        JsonNode body = json("""
                {"kind":"http","settings":{
                   "baseUrl":{"type":"url","env":"BASE_URL","hosts":["127.0.0.1:1882"]},
                   "token":{"type":"secret","env":"TOKEN"}},
                 "probe":{"url":"baseUrl","method":"DELETE","path":"health","expectStatus":42,
                          "headers":{"Host":"evil","X-Token":"Bearer ${token}","X-Other":"${nothing}","X-Ok":"${token}"},
                          "expect":[{"pointer":"status","equals":"UP"},{"pointer":"/status","equals":{"a":1}}]}}""");

        assertThat(violations(body, Map.of())).containsOnlyKeys("/probe/method", "/probe/path", "/probe/expectStatus",
                "/probe/headers/Host", "/probe/headers/X-Token", "/probe/headers/X-Other", "/probe/expect/0",
                "/probe/expect/1");
    }

    @Test
    void aBodyThatIsNoObjectIsRefused() {
        assertThat(violations(json("[1]"), Map.of())).containsOnlyKeys("/");
    }
}
