package io.rollguard.platform.nodered;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.rollguard.app.App;
import io.rollguard.app.SlotName;
import io.rollguard.platform.FlowsHash;
import io.rollguard.platform.SlotEnvironment;
import io.rollguard.platform.TargetPlatform;
import io.rollguard.platform.TargetPlatformException;

/**
 * Node-RED 4.1 Admin API (v2): {@code GET /flows} answers {flows, rev}; {@code POST /flows}
 * with the rev we read replaces all flows, and answers 409 if someone deployed in between.
 * Rollguard's managed environment lives in the flows' global-config node ({@link ManagedEnvironment});
 * what {@code read} answers and what {@code deploy} compares are the app's flows without it.
 */
@Component
class NodeRedTargetPlatform implements TargetPlatform {

    private static final Logger log = LoggerFactory.getLogger(NodeRedTargetPlatform.class);

    private final HttpClient http;
    private final Duration requestTimeout;
    private final ObjectMapper json = new ObjectMapper();

    NodeRedTargetPlatform(@Value("${rollguard.target.node-red.connect-timeout:PT2S}") Duration connectTimeout,
            @Value("${rollguard.target.node-red.request-timeout:PT10S}") Duration requestTimeout) {
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).version(HttpClient.Version.HTTP_1_1).build();
        this.requestTimeout = requestTimeout;
    }

    @Override
    public SlotContent read(App app, SlotName slot) {
        ManagedEnvironment.Split split = ManagedEnvironment.split(readFlows(app, slot).path("flows").toString());
        return new SlotContent(split.flowsJson(), FlowsHash.canonical(split.flowsJson()), split.environment());
    }

    @Override
    public boolean deploy(App app, SlotName slot, String flowsJson, SlotEnvironment environment) {
        String wanted = FlowsHash.canonical(flowsJson);
        for (int attempt = 1; attempt <= 3; attempt++) {
            JsonNode current = readFlows(app, slot);
            ManagedEnvironment.Split now = ManagedEnvironment.split(current.path("flows").toString());
            if (FlowsHash.canonical(now.flowsJson()).equals(wanted) && now.environment().sameAs(environment)) {
                return attempt > 1;
            }
            Map<String, Object> body = Map.of("flows", ManagedEnvironment.merge(flowsJson, environment, now),
                    "rev", current.path("rev").asText());
            HttpResponse<String> response = send(app, slot, HttpRequest.newBuilder(adminUri(app, slot, "/flows"))
                    .header("Content-Type", "application/json")
                    .header("Node-RED-Deployment-Type", "full")
                    .POST(HttpRequest.BodyPublishers.ofString(write(body))));
            if (response.statusCode() == 200 || response.statusCode() == 204) {
                verify(app, slot, wanted, environment);
                log.info("Deployed flows {} with {} managed entries to {} slot of {}", wanted.substring(0, 12),
                        environment.values().size() + environment.secrets().size(), slot.id(), app.key());
                return true;
            }
            if (response.statusCode() != 409) {
                throw new TargetPlatformException("Node-RED " + slot.id() + " slot of " + app.key()
                        + " refused the deployment: HTTP " + response.statusCode() + " "
                        + abbreviate(withoutSecretValues(response.body(), environment)));
            }
            // someone deployed between our read and our write: read again and retry
        }
        throw new TargetPlatformException("Node-RED " + slot.id() + " slot of " + app.key()
                + " kept answering 409 (concurrent deployments); gave up after 3 attempts");
    }

    /** A deployment counts once the slot reads back what was asked for, flows and managed environment. */
    private void verify(App app, SlotName slot, String wantedHash, SlotEnvironment wanted) {
        SlotContent after = read(app, slot);
        if (!after.hash().equals(wantedHash)) {
            throw new TargetPlatformException("Node-RED " + slot.id() + " slot of " + app.key() + " runs flows "
                    + after.hash().substring(0, 12) + " after the deployment of " + wantedHash.substring(0, 12));
        }
        String difference = ManagedEnvironment.difference(wanted, after.environment());
        if (difference != null) {
            throw new TargetPlatformException("Node-RED " + slot.id() + " slot of " + app.key()
                    + " did not keep the managed environment: " + difference);
        }
    }

    @Override
    public SmokeResult smoke(App app, SlotName slot, String path) {
        long start = System.nanoTime();
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(app.slot(slot).trafficUrl() + path))
                    .timeout(requestTimeout).GET().build(), HttpResponse.BodyHandlers.discarding());
            return new SmokeResult(response.statusCode(), (System.nanoTime() - start) / 1_000_000, null);
        } catch (IOException e) {
            return new SmokeResult(0, (System.nanoTime() - start) / 1_000_000, describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SmokeResult(0, 0, "interrupted");
        }
    }

    @Override
    public HttpAnswer exchange(App app, SlotName slot, String method, String path, Map<String, String> headers,
            String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.slot(slot).trafficUrl() + path))
                .timeout(requestTimeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::setHeader);
        try {
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                // an answer is read only as far as a report and JSON assertions need it
                byte[] bytes = in.readNBytes(MAX_ANSWER_BYTES);
                return new HttpAnswer(response.statusCode(), new String(bytes, StandardCharsets.UTF_8), null);
            }
        } catch (IOException e) {
            return new HttpAnswer(0, null, describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new HttpAnswer(0, null, "interrupted");
        }
    }

    private JsonNode readFlows(App app, SlotName slot) {
        HttpResponse<String> response = send(app, slot, HttpRequest.newBuilder(adminUri(app, slot, "/flows")).GET());
        if (response.statusCode() != 200) {
            throw new TargetPlatformException("Node-RED " + slot.id() + " slot of " + app.key()
                    + " answered HTTP " + response.statusCode() + " to reading its flows"
                    + (response.statusCode() == 401 ? " (admin token rejected)" : ""));
        }
        try {
            JsonNode body = json.readTree(response.body());
            if (!body.path("flows").isArray()) {
                throw new TargetPlatformException("Node-RED " + slot.id() + " slot of " + app.key()
                        + " answered without a flows array; is it Node-RED 4 with API v2?");
            }
            return body;
        } catch (IOException e) {
            throw new TargetPlatformException("Node-RED " + slot.id() + " slot of " + app.key()
                    + " answered unreadable JSON", e);
        }
    }

    private HttpResponse<String> send(App app, SlotName slot, HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(requestTimeout)
                    .header("Authorization", "Bearer " + app.adminTokens().of(slot))
                    .header("Node-RED-API-Version", "v2")
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TargetPlatformException("Node-RED " + slot.id() + " slot of " + app.key() + " at "
                    + app.slot(slot).adminUrl() + " is unreachable: " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TargetPlatformException("Interrupted while talking to Node-RED", e);
        }
    }

    private static URI adminUri(App app, SlotName slot, String path) {
        return URI.create(app.slot(slot).adminUrl() + path);
    }

    private String write(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** Whatever a slot answers, a secret value that went into it is not repeated in a message. */
    private static String withoutSecretValues(String text, SlotEnvironment environment) {
        String result = text == null ? "" : text;
        for (SlotEnvironment.Secret secret : environment.secrets().values()) {
            if (secret.value() != null && !secret.value().isEmpty()) {
                result = result.replace(secret.value(), "***");
            }
        }
        return result;
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
