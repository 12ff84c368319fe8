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
import io.rollguard.platform.TargetPlatform;
import io.rollguard.platform.TargetPlatformException;

/**
 * Node-RED 4.1 Admin API (v2): {@code GET /flows} answers {flows, rev}; {@code POST /flows}
 * with the rev we read replaces all flows, and answers 409 if someone deployed in between.
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
        JsonNode body = readFlows(app, slot);
        String flows = body.path("flows").toString();
        return new SlotContent(flows, FlowsHash.canonical(flows));
    }

    @Override
    public boolean deploy(App app, SlotName slot, String flowsJson) {
        String wanted = FlowsHash.canonical(flowsJson);
        for (int attempt = 1; attempt <= 3; attempt++) {
            JsonNode current = readFlows(app, slot);
            if (FlowsHash.canonical(current.path("flows").toString()).equals(wanted)) {
                return attempt > 1;
            }
            Map<String, Object> body = Map.of("flows", FlowsHash.parse(flowsJson), "rev", current.path("rev").asText());
            HttpResponse<String> response = send(app, slot, HttpRequest.newBuilder(adminUri(app, slot, "/flows"))
                    .header("Content-Type", "application/json")
                    .header("Node-RED-Deployment-Type", "full")
                    .POST(HttpRequest.BodyPublishers.ofString(write(body))));
            if (response.statusCode() == 200 || response.statusCode() == 204) {
                log.info("Deployed flows {} to {} slot of {}", wanted.substring(0, 12), slot.id(), app.key());
                return true;
            }
            if (response.statusCode() != 409) {
                throw new TargetPlatformException("Node-RED " + slot.id() + " slot of " + app.key()
                        + " refused the deployment: HTTP " + response.statusCode() + " " + abbreviate(response.body()));
            }
            // someone deployed between our read and our write: read again and retry
        }
        throw new TargetPlatformException("Node-RED " + slot.id() + " slot of " + app.key()
                + " kept answering 409 (concurrent deployments); gave up after 3 attempts");
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

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
