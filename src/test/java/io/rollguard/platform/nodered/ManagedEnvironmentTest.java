package io.rollguard.platform.nodered;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import io.rollguard.platform.FlowsHash;
import io.rollguard.platform.SlotEnvironment;
import io.rollguard.platform.SlotEnvironment.Secret;

/** How Rollguard's entries go into a global-config node and come out of it again. */
class ManagedEnvironmentTest {

    static final String PLAIN = """
            [{"id":"t1","type":"tab","label":"app"},
             {"id":"fn","type":"function","z":"t1","func":"return msg;","outputs":1,"wires":[]}]""";
    static final String WITH_OWN_GLOBAL_CONFIG = """
            [{"id":"t1","type":"tab","label":"app"},
             {"id":"gc1","type":"global-config","env":[{"name":"APP_OWN","value":"mine","type":"str"},
                                                       {"name":"APP_TOKEN","value":"","type":"cred"}],"modules":{}},
             {"id":"fn","type":"function","z":"t1","func":"return msg;","outputs":1,"wires":[]}]""";

    static final SlotEnvironment WANTED = new SlotEnvironment(Map.of("RATES_URL", "https://rates.example", "RATES_TIMEOUT", "PT2S"),
            Map.of("RATES_KEY", new Secret("rates-api-key@1", "v4lue-one")));
    static final ManagedEnvironment.Split NOTHING_HELD = ManagedEnvironment.split(PLAIN);

    @Test
    void flowsWithoutGlobalConfigGetRollguardsNodeWithEntriesBookkeepingAndTheSecretAsCredential() {
        ArrayNode posted = ManagedEnvironment.merge(PLAIN, WANTED, NOTHING_HELD);

        JsonNode node = byId(posted, ManagedEnvironment.NODE_ID);
        assertThat(node.path("type").asText()).isEqualTo("global-config");
        assertThat(node.path("env").toString()).isEqualTo("[{\"name\":\"RATES_TIMEOUT\",\"value\":\"PT2S\",\"type\":\"str\"},"
                + "{\"name\":\"RATES_URL\",\"value\":\"https://rates.example\",\"type\":\"str\"},"
                + "{\"name\":\"RATES_KEY\",\"value\":\"\",\"type\":\"cred\"}]");
        assertThat(node.path("rollguard").toString())
                .isEqualTo("{\"managed\":[\"RATES_KEY\",\"RATES_TIMEOUT\",\"RATES_URL\"],\"secrets\":{\"RATES_KEY\":\"rates-api-key@1\"}}");
        assertThat(node.path("credentials").toString()).isEqualTo("{\"map\":{\"RATES_KEY\":\"v4lue-one\"}}");
    }

    @Test
    void splittingWhatTheSlotStoredGivesBackTheArtifactAndTheEnvironmentWithReferencesOnly() {
        String stored = storedBySlot(ManagedEnvironment.merge(PLAIN, WANTED, NOTHING_HELD));

        ManagedEnvironment.Split split = ManagedEnvironment.split(stored);

        assertThat(FlowsHash.canonical(split.flowsJson())).isEqualTo(FlowsHash.canonical(PLAIN));
        assertThat(split.flowsJson()).doesNotContain(ManagedEnvironment.NODE_ID);
        assertThat(split.environment()).isEqualTo(WANTED.withoutSecretValues());
        assertThat(split.environment().secrets().get("RATES_KEY").value()).isNull();
        assertThat(split.globalConfigId()).isEqualTo(ManagedEnvironment.NODE_ID);
    }

    @Test
    void theAppsOwnGlobalConfigEntriesStayAndOurSecretGoesIntoItsCredentials() {
        ManagedEnvironment.Split heldBefore = ManagedEnvironment.split(WITH_OWN_GLOBAL_CONFIG);

        ArrayNode posted = ManagedEnvironment.merge(WITH_OWN_GLOBAL_CONFIG, WANTED, heldBefore);

        JsonNode node = byId(posted, "gc1");
        assertThat(posted.findValues("type").stream().filter(t -> t.asText().equals("global-config"))).hasSize(1);
        assertThat(node.path("env").get(0).path("name").asText()).isEqualTo("APP_OWN");
        assertThat(node.path("env").get(1).path("name").asText()).isEqualTo("APP_TOKEN");
        assertThat(node.path("modules").isObject()).isTrue();
        // never the placeholder for the app's own secret: Node-RED would store it as the value where it holds none
        assertThat(node.path("credentials").toString()).isEqualTo("{\"map\":{\"RATES_KEY\":\"v4lue-one\"}}");

        ManagedEnvironment.Split split = ManagedEnvironment.split(storedBySlot(posted));
        assertThat(FlowsHash.canonical(split.flowsJson())).isEqualTo(FlowsHash.canonical(WITH_OWN_GLOBAL_CONFIG));
        assertThat(split.environment()).isEqualTo(WANTED.withoutSecretValues());
        assertThat(split.globalConfigId()).isEqualTo("gc1");
    }

    @Test
    void credentialsTheArtifactCarriesItselfAreSentBesideOurs() {
        String inline = WITH_OWN_GLOBAL_CONFIG.replace("\"modules\":{}", "\"modules\":{},\"credentials\":{\"map\":{\"APP_TOKEN\":\"app-value\"}}");

        JsonNode node = byId(ManagedEnvironment.merge(inline, WANTED, ManagedEnvironment.split(inline)), "gc1");

        assertThat(node.path("credentials").toString())
                .isEqualTo("{\"map\":{\"APP_TOKEN\":\"app-value\",\"RATES_KEY\":\"v4lue-one\"}}");
    }

    @Test
    void anArtifactsGlobalConfigWithoutEnvGetsNoneBackWhenSplit() {
        String noEnv = """
                [{"id":"gc1","type":"global-config","modules":{"node-red-contrib-x":"1.0.0"}}]""";

        ManagedEnvironment.Split split = ManagedEnvironment.split(storedBySlot(
                ManagedEnvironment.merge(noEnv, WANTED, ManagedEnvironment.split(noEnv))));

        assertThat(FlowsHash.canonical(split.flowsJson())).isEqualTo(FlowsHash.canonical(noEnv));
        assertThat(split.environment()).isEqualTo(WANTED.withoutSecretValues());
    }

    @Test
    void aSecretTheSlotHoldsUnderTheSameReferenceNeedsNoValueAndNoCredentialsAreSent() {
        ManagedEnvironment.Split held = ManagedEnvironment.split(storedBySlot(ManagedEnvironment.merge(PLAIN, WANTED, NOTHING_HELD)));
        SlotEnvironment changedValueOnly = new SlotEnvironment(Map.of("RATES_URL", "https://rates2.example"),
                Map.of("RATES_KEY", new Secret("rates-api-key@1", null)));

        JsonNode node = byId(ManagedEnvironment.merge(PLAIN, changedValueOnly, held), ManagedEnvironment.NODE_ID);

        // without a credentials property Node-RED keeps the node's credential store as it is
        assertThat(node.has("credentials")).isFalse();
        assertThat(node.path("rollguard").path("managed").toString()).isEqualTo("[\"RATES_KEY\",\"RATES_URL\"]");
    }

    @Test
    void removingAManagedSecretSendsACredentialMapWithoutIt() {
        ManagedEnvironment.Split held = ManagedEnvironment.split(storedBySlot(ManagedEnvironment.merge(PLAIN, WANTED, NOTHING_HELD)));
        SlotEnvironment withoutSecret = new SlotEnvironment(Map.of("RATES_URL", "https://rates.example"), Map.of());

        JsonNode node = byId(ManagedEnvironment.merge(PLAIN, withoutSecret, held), ManagedEnvironment.NODE_ID);

        assertThat(node.path("credentials").toString()).isEqualTo("{\"map\":{}}");
        assertThat(node.path("env").toString()).doesNotContain("RATES_KEY");
    }

    @Test
    void aNewSecretVersionWithoutItsValueIsRefusedNamingItsReferenceOnly() {
        ManagedEnvironment.Split held = ManagedEnvironment.split(storedBySlot(ManagedEnvironment.merge(PLAIN, WANTED, NOTHING_HELD)));
        SlotEnvironment newVersion = new SlotEnvironment(Map.of(), Map.of("RATES_KEY", new Secret("rates-api-key@2", null)));

        assertThatThrownBy(() -> ManagedEnvironment.merge(PLAIN, newVersion, held))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("secret RATES_KEY (rates-api-key@2) needs its value: the slot does not hold it");
    }

    @Test
    void aSecretHeldByAnotherGlobalConfigNodeNeedsItsValueAgain() {
        ManagedEnvironment.Split heldByRollguardsNode = ManagedEnvironment.split(
                storedBySlot(ManagedEnvironment.merge(PLAIN, WANTED, NOTHING_HELD)));

        // the artifact brings its own global-config node: Node-RED drops the credentials of the node that goes away
        assertThatThrownBy(() -> ManagedEnvironment.merge(WITH_OWN_GLOBAL_CONFIG, WANTED.withoutSecretValues(), heldByRollguardsNode))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RATES_KEY (rates-api-key@1) needs its value");
    }

    @Test
    void flowsThatDefineAManagedEntryThemselvesOrCarryRollguardsBookkeepingAreRefused() {
        SlotEnvironment managesAppOwn = new SlotEnvironment(Map.of("APP_OWN", "ours"), Map.of());
        assertThatThrownBy(() -> ManagedEnvironment.merge(WITH_OWN_GLOBAL_CONFIG, managesAppOwn, NOTHING_HELD))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("defines APP_OWN itself");

        String forged = """
                [{"id":"gc1","type":"global-config","env":[{"name":"RATES_URL","value":"https://evil","type":"str"}],
                  "rollguard":{"managed":["RATES_URL"],"secrets":{}}}]""";
        assertThatThrownBy(() -> ManagedEnvironment.merge(forged, SlotEnvironment.EMPTY, NOTHING_HELD))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved for Rollguard's own bookkeeping");

        String reservedId = "[{\"id\":\"rollguard-global-config\",\"type\":\"global-config\",\"env\":[]}]";
        assertThatThrownBy(() -> ManagedEnvironment.merge(reservedId, WANTED, NOTHING_HELD))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is reserved for Rollguard");

        String tabShadows = "[{\"id\":\"t1\",\"type\":\"tab\",\"env\":[{\"name\":\"APP_OWN\",\"value\":\"theirs\",\"type\":\"str\"}]}]";
        assertThatThrownBy(() -> ManagedEnvironment.merge(tabShadows, managesAppOwn, NOTHING_HELD))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("env of tab node t1 sets APP_OWN");

        String two = "[{\"id\":\"a\",\"type\":\"global-config\"},{\"id\":\"b\",\"type\":\"global-config\"}]";
        assertThatThrownBy(() -> ManagedEnvironment.merge(two, WANTED, NOTHING_HELD))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 global-config nodes");
    }

    @Test
    void anEmptyEnvironmentLeavesFlowsWithoutGlobalConfigAsTheyAre() {
        ArrayNode posted = ManagedEnvironment.merge(PLAIN, SlotEnvironment.EMPTY, NOTHING_HELD);

        assertThat(posted).isEqualTo(FlowsHash.parse(PLAIN));
        assertThat(ManagedEnvironment.split(PLAIN).flowsJson()).isEqualTo(PLAIN);
        assertThat(ManagedEnvironment.split(PLAIN).environment()).isEqualTo(SlotEnvironment.EMPTY);
    }

    @Test
    void theDifferenceNamesAPlainValueWithItsValuesAndASecretOnlyByReference() {
        SlotEnvironment actual = new SlotEnvironment(Map.of("RATES_URL", "https://rates.example", "RATES_TIMEOUT", "PT5S"),
                Map.of("RATES_KEY", new Secret("rates-api-key@1", null)));

        assertThat(ManagedEnvironment.difference(WANTED, actual)).isEqualTo("entry RATES_TIMEOUT is 'PT5S' instead of 'PT2S'");

        SlotEnvironment wantedV2 = new SlotEnvironment(WANTED.values(), Map.of("RATES_KEY", new Secret("rates-api-key@2", "v4lue-two")));
        assertThat(ManagedEnvironment.difference(wantedV2, WANTED.withoutSecretValues()))
                .isEqualTo("secret RATES_KEY holds reference rates-api-key@1 instead of reference rates-api-key@2");
        assertThat(ManagedEnvironment.difference(WANTED, WANTED.withoutSecretValues())).isNull();
    }

    /** As Node-RED stores and answers posted flows: credentials taken out of every node. */
    static String storedBySlot(ArrayNode posted) {
        ArrayNode stored = posted.deepCopy();
        stored.forEach(n -> ((com.fasterxml.jackson.databind.node.ObjectNode) n).remove("credentials"));
        return stored.toString();
    }

    static JsonNode byId(ArrayNode flows, String id) {
        for (JsonNode n : flows) {
            if (n.path("id").asText().equals(id)) {
                return n;
            }
        }
        throw new AssertionError("no node " + id + " in " + flows);
    }
}
