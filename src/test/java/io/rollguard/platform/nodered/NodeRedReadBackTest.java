package io.rollguard.platform.nodered;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.rollguard.app.App;
import io.rollguard.app.SlotName;
import io.rollguard.platform.SlotEnvironment;
import io.rollguard.platform.SlotEnvironment.Secret;
import io.rollguard.platform.TargetPlatformException;

/**
 * A slot that accepts a deployment but does not keep what it was given, played by a local HTTP
 * server that answers the Admin API with flows of its own choosing.
 */
class NodeRedReadBackTest {

    static final String SECRET = "t0p-secret-value";
    static final String APP = "[{\"id\":\"t1\",\"type\":\"tab\",\"label\":\"app\"}]";

    private HttpServer server;
    private final List<String> posted = new CopyOnWriteArrayList<>();
    private volatile String answeredFlows = APP;
    private volatile int postStatus = 200;
    private volatile boolean echoPostedBody;
    private final NodeRedTargetPlatform platform = new NodeRedTargetPlatform(Duration.ofSeconds(2), Duration.ofSeconds(2));
    private App app;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/canary-admin/flows", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = 200;
            String answer = "{\"flows\":" + answeredFlows + ",\"rev\":\"r1\"}";
            if (exchange.getRequestMethod().equals("POST")) {
                posted.add(body);
                status = postStatus;
                // a slot that quotes what it was sent, from the credentials on
                answer = echoPostedBody ? "{\"code\":\"unexpected_error\",\"message\":\"rejected "
                        + body.substring(body.indexOf("\"credentials\"")).replace("\"", "'") + "\"}" : "{\"rev\":\"r2\"}";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        app = new App("expenses", Set.of("alice"), new App.Slot(base + "/stable-admin", base + "/stable"),
                new App.Slot(base + "/canary-admin", base + "/canary"), new App.AdminTokens("s", "c"), "expenses", "1.0.0");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aPlainValueTheSlotDoesNotKeepFailsTheDeploymentNamingTheEntryAndBothValues() {
        // the slot keeps answering an older value of RATES_URL, whatever it is sent
        answeredFlows = managed("{\"name\":\"RATES_URL\",\"value\":\"https://old.example\",\"type\":\"str\"}",
                "[\"RATES_URL\"]", "{}");
        SlotEnvironment wanted = new SlotEnvironment(Map.of("RATES_URL", "https://new.example"), Map.of());

        assertThatThrownBy(() -> platform.deploy(app, SlotName.CANARY, APP, wanted))
                .isInstanceOf(TargetPlatformException.class)
                .hasMessage("Node-RED canary slot of expenses did not keep the managed environment: "
                        + "entry RATES_URL is 'https://old.example' instead of 'https://new.example'");
        assertThat(posted).hasSize(1);
        assertThat(posted.get(0)).contains("https://new.example");
    }

    @Test
    void aSecretTheSlotDoesNotKeepIsNamedByItsReferencesNeverByItsValue() {
        answeredFlows = managed("{\"name\":\"RATES_KEY\",\"value\":\"\",\"type\":\"cred\"}", "[\"RATES_KEY\"]",
                "{\"RATES_KEY\":\"rates-api-key@1\"}");
        SlotEnvironment wanted = new SlotEnvironment(Map.of(), Map.of("RATES_KEY", new Secret("rates-api-key@2", SECRET)));

        assertThatThrownBy(() -> platform.deploy(app, SlotName.CANARY, APP, wanted))
                .isInstanceOf(TargetPlatformException.class)
                .hasMessageEndingWith("secret RATES_KEY holds reference rates-api-key@1 instead of reference rates-api-key@2")
                .message().doesNotContain(SECRET);
        // the value went to the slot once, as the credential of the global-config node only
        assertThat(posted).singleElement().asString()
                .contains("\"credentials\":{\"map\":{\"RATES_KEY\":\"" + SECRET + "\"}}");
    }

    @Test
    void flowsTheSlotRewritesFailTheDeploymentByTheirHash() {
        answeredFlows = "[{\"id\":\"t1\",\"type\":\"tab\",\"label\":\"rewritten\"}]";

        assertThatThrownBy(() -> platform.deploy(app, SlotName.CANARY, APP, SlotEnvironment.EMPTY))
                .isInstanceOf(TargetPlatformException.class).hasMessageContaining("runs flows");
    }

    @Test
    void aRefusalThatEchoesTheDeploymentDoesNotRepeatTheSecretValue() {
        postStatus = 400;
        echoPostedBody = true;
        SlotEnvironment wanted = new SlotEnvironment(Map.of(), Map.of("RATES_KEY", new Secret("rates-api-key@2", SECRET)));

        assertThatThrownBy(() -> platform.deploy(app, SlotName.CANARY, APP, wanted))
                .isInstanceOf(TargetPlatformException.class).hasMessageContaining("HTTP 400")
                // the echoed credential is there, masked, rather than cut off with the rest of a long answer
                .hasMessageContaining("'RATES_KEY':'***'")
                .message().doesNotContain(SECRET);
    }

    static String managed(String entry, String names, String references) {
        return "[{\"id\":\"t1\",\"type\":\"tab\",\"label\":\"app\"},{\"id\":\"" + ManagedEnvironment.NODE_ID
                + "\",\"type\":\"global-config\",\"env\":[" + entry + "],\"rollguard\":{\"managed\":" + names
                + ",\"secrets\":" + references + "}}]";
    }
}
