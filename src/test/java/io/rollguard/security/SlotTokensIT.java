package io.rollguard.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.rollguard.support.Api;
import io.rollguard.support.NodeRedSlots;
import io.rollguard.support.PostgresDatabase;

/**
 * The canary slot runs the requester's new flows before anyone judged them live. Whatever those
 * flows can reach in their slot must not let them replace what stable runs: each slot has its own
 * Admin API token, the flows cannot read even their own slot's token, and the registry refuses one
 * token for both slots.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false"})
@ActiveProfiles("postgres")
class SlotTokensIT {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static NodeRedSlots slots;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        slots = NodeRedSlots.start("rollguard_it_slot_tokens", Map.of());
        PostgresDatabase.register(registry, "rollguard_it_slot_tokens");
    }

    @AfterAll
    static void stopSlots() {
        slots.close();
    }

    @LocalServerPort
    int port;

    @Test
    void canarySlotTokenCannotRedeployStable() throws Exception {
        // the canary's token opens the canary's Admin API only
        assertThat(admin("GET", slots.canary(), slots.canaryToken(), null)).isEqualTo(200);
        assertThat(admin("GET", slots.stable(), slots.canaryToken(), null)).isEqualTo(401);
        assertThat(admin("POST", slots.stable(), slots.canaryToken(), "{\"flows\":[]}")).isEqualTo(401);
        assertThat(admin("GET", slots.stable(), slots.stableToken(), null)).isEqualTo(200);

        // flows in the canary slot that look for a token in their environment find none
        slots.deploy(slots.canary(), writeFlows("""
                [{"id":"t1","type":"tab","label":"probe"},
                 {"id":"in","type":"http in","z":"t1","url":"/version","method":"get","wires":[["fn"]]},
                 {"id":"fn","type":"function","z":"t1","func":"msg.payload = {version: 'probe', token: env.get('NODE_RED_ADMIN_TOKEN') || null}; return msg;","outputs":1,"wires":[["out"]]},
                 {"id":"out","type":"http response","z":"t1","statusCode":"200","wires":[]}]"""));
        HttpResponse<String> probe = HTTP.send(HttpRequest.newBuilder(URI.create(slots.canary().baseUrl() + "/app/version"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(probe.body()).contains("\"token\":null").doesNotContain(slots.canaryToken());

        // and the registry refuses one token for both slots, or the old single token field
        Api api = new Api("http://127.0.0.1:" + port);
        Api.Response same = api.putJson("admin", "/api/apps/expenses", registration(
                "\"stableAdminToken\":\"%1$s\",\"canaryAdminToken\":\"%1$s\"".formatted(slots.stableToken())));
        assertThat(same.status()).as(same.body()).isEqualTo(400);
        assertThat(same.json().path("violations").findValuesAsText("path")).contains("/canaryAdminToken");
        Api.Response single = api.putJson("admin", "/api/apps/expenses", registration(
                "\"adminToken\":\"%s\"".formatted(slots.stableToken())));
        assertThat(single.status()).as(single.body()).isEqualTo(400);
        assertThat(single.json().path("violations").findValuesAsText("path")).contains("/adminToken",
                "/stableAdminToken", "/canaryAdminToken");
        assertThat(api.get("admin", "/api/apps/expenses").status()).isEqualTo(404);
    }

    String registration(String tokens) {
        return """
                {"owners":["alice"],
                 "stable":{"adminUrl":"%1$s/admin","trafficUrl":"%1$s/app"},
                 "canary":{"adminUrl":"%2$s/admin","trafficUrl":"%2$s/app"},
                 %3$s,"route":"expenses"}""".formatted(slots.stable().baseUrl(), slots.canary().baseUrl(), tokens);
    }

    static java.nio.file.Path writeFlows(String flows) throws Exception {
        java.nio.file.Path file = Files.createTempFile("probe-flows", ".json");
        Files.writeString(file, flows);
        return file;
    }

    static int admin(String method, NodeRedSlots.Slot slot, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(slot.baseUrl() + "/admin/flows"))
                .header("Authorization", "Bearer " + token).header("Node-RED-API-Version", "v2")
                .header("Node-RED-Deployment-Type", "full").header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
