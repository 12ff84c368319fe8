package io.rollguard.platform.nodered;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.rollguard.app.App;
import io.rollguard.app.SlotName;
import io.rollguard.platform.FlowsHash;
import io.rollguard.platform.SlotEnvironment;
import io.rollguard.platform.SlotEnvironment.Secret;
import io.rollguard.platform.TargetPlatform.SlotContent;
import io.rollguard.support.NodeRedSlots;

/**
 * The managed environment on real Node-RED 4.1 slots: what flows see with {@code env.get}, what the
 * Admin API answers, and what {@code read} gives back.
 */
@ExtendWith(OutputCaptureExtension.class)
class NodeRedManagedEnvironmentTest {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SECRET_ONE = "s3cret-value-one-" + System.nanoTime();
    static final String SECRET_TWO = "s3cret-value-two-" + System.nanoTime();

    /** An app whose GET /app/env answers what its flows see of the environment. */
    static final String FLOWS = """
            [{"id":"t1","type":"tab","label":"env probe"},
             {"id":"in","type":"http in","z":"t1","url":"/env","method":"get","wires":[["fn"]]},
             {"id":"fn","type":"function","z":"t1","outputs":1,"wires":[["out"]],
              "func":"msg.payload = {url: env.get('RATES_URL') ?? null, timeout: env.get('RATES_TIMEOUT') ?? null, key: env.get('RATES_KEY') ?? null, own: env.get('APP_OWN') ?? null, version: 'probe'}; return msg;"},
             {"id":"out","type":"http response","z":"t1","statusCode":"200","wires":[]}]""";
    /** The same app, with its own global-config node and entry. */
    static final String FLOWS_WITH_OWN_GLOBAL_CONFIG = FLOWS.substring(0, FLOWS.lastIndexOf(']')) + """
            ,{"id":"gc-app","type":"global-config","env":[{"name":"APP_OWN","value":"the app's own","type":"str"}],"modules":{}}]""";

    static final SlotEnvironment FIRST = new SlotEnvironment(
            Map.of("RATES_URL", "https://rates.example/v1", "RATES_TIMEOUT", "PT2S"),
            Map.of("RATES_KEY", new Secret("rates-api-key@1", SECRET_ONE)));

    static NodeRedSlots slots;
    static App app;
    final NodeRedTargetPlatform platform = new NodeRedTargetPlatform(Duration.ofSeconds(2), Duration.ofSeconds(10));

    @BeforeAll
    static void startSlots() {
        slots = NodeRedSlots.start("rollguard_managed_env", Map.of());
        app = new App("expenses", Set.of("alice"),
                new App.Slot(slots.stable().baseUrl() + "/admin", slots.stable().baseUrl() + "/app"),
                new App.Slot(slots.canary().baseUrl() + "/admin", slots.canary().baseUrl() + "/app"),
                new App.AdminTokens(slots.stableToken(), slots.canaryToken()), "expenses", "1.0.0");
    }

    @AfterAll
    static void stopSlots() {
        slots.close();
    }

    @Test
    void flowsSeeTheManagedEnvironmentAndReadingBackGivesTheArtifactAndSecretReferencesOnly(CapturedOutput output)
            throws Exception {
        // given a canary without a managed environment
        platform.deploy(app, SlotName.CANARY, FLOWS, SlotEnvironment.EMPTY);

        // when
        boolean changed = platform.deploy(app, SlotName.CANARY, FLOWS, FIRST);

        // then the flows see the values and the secret
        assertThat(changed).isTrue();
        assertThat(sees(SlotName.CANARY, "https://rates.example/v1")).isEqualTo(Map.of("url", "https://rates.example/v1",
                "timeout", "PT2S", "key", SECRET_ONE, "version", "probe"));
        // and read gives back the artifact (same hash) and the secret's reference, never its value
        SlotContent content = platform.read(app, SlotName.CANARY);
        assertThat(content.hash()).isEqualTo(FlowsHash.canonical(FLOWS));
        assertThat(content.environment()).isEqualTo(FIRST.withoutSecretValues());
        assertThat(content.environment().secrets().get("RATES_KEY")).isEqualTo(new Secret("rates-api-key@1", null));
        assertThat(content.toString()).doesNotContain(SECRET_ONE);
        // the Admin API answers the entry and the bookkeeping, but no secret value
        String raw = adminFlows(slots.canary());
        assertThat(raw).contains("\"RATES_KEY\"", "rates-api-key@1", ManagedEnvironment.NODE_ID).doesNotContain(SECRET_ONE);
        // nor does the slot's log or ours
        assertThat(Files.readString(slots.canary().userDir().resolve("node-red.log"))).doesNotContain(SECRET_ONE);
        assertThat(output.getAll()).contains("Deployed flows").doesNotContain(SECRET_ONE);

        // and deploying the same again changes nothing, with the secret's value or with its reference only
        assertThat(platform.deploy(app, SlotName.CANARY, FLOWS, FIRST)).isFalse();
        assertThat(platform.deploy(app, SlotName.CANARY, FLOWS, FIRST.withoutSecretValues())).isFalse();
    }

    @Test
    void changedValueNewSecretVersionAndRemovedEntryShowInReadBackAndInTheFlowsAndRestoringGivesTheFormerSlotBack()
            throws Exception {
        // given
        platform.deploy(app, SlotName.CANARY, FLOWS, FIRST);
        SlotContent before = platform.read(app, SlotName.CANARY);
        SlotEnvironment next = new SlotEnvironment(Map.of("RATES_URL", "https://rates.example/v2"),
                Map.of("RATES_KEY", new Secret("rates-api-key@2", SECRET_TWO)));

        // when a value changes, the secret gets a new version and RATES_TIMEOUT is no longer managed
        assertThat(platform.deploy(app, SlotName.CANARY, FLOWS, next)).isTrue();

        // then
        assertThat(sees(SlotName.CANARY, "https://rates.example/v2")).isEqualTo(Map.of("url", "https://rates.example/v2",
                "key", SECRET_TWO, "version", "probe"));
        SlotContent after = platform.read(app, SlotName.CANARY);
        assertThat(after.environment()).isEqualTo(next.withoutSecretValues());
        assertThat(after.hash()).isEqualTo(FlowsHash.canonical(FLOWS));
        assertThat(adminFlows(slots.canary())).doesNotContain(SECRET_TWO).doesNotContain("\"name\":\"RATES_TIMEOUT\"");

        // when the former flows and environment are restored (as a compensation does, with the former secret's value)
        assertThat(platform.deploy(app, SlotName.CANARY, before.flowsJson(), FIRST)).isTrue();

        // then the slot is exactly as before
        assertThat(platform.read(app, SlotName.CANARY)).isEqualTo(before);
        assertThat(sees(SlotName.CANARY, "https://rates.example/v1")).containsEntry("key", SECRET_ONE)
                .containsEntry("timeout", "PT2S");
    }

    @Test
    void deployingFlowsAloneKeepsTheSlotsManagedEnvironmentAndItsSecret() throws Exception {
        // given
        platform.deploy(app, SlotName.CANARY, FLOWS, FIRST);
        String otherFlows = FLOWS.replace("version: 'probe'", "version: 'probe-2'");

        // when
        assertThat(platform.deploy(app, SlotName.CANARY, otherFlows)).isTrue();

        // then
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> env(SlotName.CANARY), e -> "probe-2".equals(e.get("version")));
        assertThat(env(SlotName.CANARY)).containsEntry("key", SECRET_ONE).containsEntry("url", "https://rates.example/v1");
        assertThat(platform.read(app, SlotName.CANARY).environment()).isEqualTo(FIRST.withoutSecretValues());
        assertThat(platform.read(app, SlotName.CANARY).hash()).isEqualTo(FlowsHash.canonical(otherFlows));
    }

    @Test
    void anArtifactsOwnGlobalConfigEntriesStayBesideTheManagedOnesAndAfterThemWhenRemoved() throws Exception {
        // when
        platform.deploy(app, SlotName.STABLE, FLOWS_WITH_OWN_GLOBAL_CONFIG, FIRST);

        // then both are seen by the flows, and read gives back the artifact with its own entry only
        assertThat(sees(SlotName.STABLE, "https://rates.example/v1")).containsEntry("own", "the app's own")
                .containsEntry("key", SECRET_ONE);
        SlotContent content = platform.read(app, SlotName.STABLE);
        assertThat(content.hash()).isEqualTo(FlowsHash.canonical(FLOWS_WITH_OWN_GLOBAL_CONFIG));
        assertThat(content.flowsJson()).contains("\"name\":\"APP_OWN\"").doesNotContain("\"name\":\"RATES_URL\"");
        assertThat(content.environment()).isEqualTo(FIRST.withoutSecretValues());

        // when the managed environment is emptied
        assertThat(platform.deploy(app, SlotName.STABLE, FLOWS_WITH_OWN_GLOBAL_CONFIG, SlotEnvironment.EMPTY)).isTrue();

        // then the app's entry is still there and ours are gone
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> env(SlotName.STABLE), e -> e.get("url") == null);
        assertThat(env(SlotName.STABLE)).containsEntry("own", "the app's own").containsEntry("key", null);
        assertThat(platform.read(app, SlotName.STABLE).environment()).isEqualTo(SlotEnvironment.EMPTY);
        assertThat(adminFlows(slots.stable())).doesNotContain("rollguard");
    }

    @Test
    void aSecretVersionTheSlotDoesNotHoldIsRefusedWithoutItsValueAndTheSlotStaysAsItWas() {
        // given
        platform.deploy(app, SlotName.CANARY, FLOWS, FIRST);
        SlotContent before = platform.read(app, SlotName.CANARY);
        SlotEnvironment newVersionWithoutValue = new SlotEnvironment(FIRST.values(),
                Map.of("RATES_KEY", new Secret("rates-api-key@3", null)));

        // when, then
        assertThatThrownBy(() -> platform.deploy(app, SlotName.CANARY, FLOWS, newVersionWithoutValue))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RATES_KEY (rates-api-key@3)");
        assertThat(platform.read(app, SlotName.CANARY)).isEqualTo(before);
    }

    /** What the slot's flows see, once they see {@code url} (a deployment restarts the flows). */
    Map<String, Object> sees(SlotName slot, String url) throws IOException, InterruptedException {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> env(slot), e -> url.equals(e.get("url")));
        Map<String, Object> seen = new java.util.HashMap<>(env(slot));
        seen.values().removeIf(java.util.Objects::isNull);
        return seen;
    }

    Map<String, Object> env(SlotName slot) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(app.slot(slot).trafficUrl() + "/env"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return Map.of();
        }
        JsonNode body = JSON.readTree(response.body());
        Map<String, Object> seen = new java.util.HashMap<>();
        body.fields().forEachRemaining(f -> seen.put(f.getKey(), f.getValue().isNull() ? null : f.getValue().asText()));
        return seen;
    }

    static String adminFlows(NodeRedSlots.Slot slot) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(slot.baseUrl() + "/admin/flows"))
                .header("Authorization", "Bearer " + slot.token()).header("Node-RED-API-Version", "v2").build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
