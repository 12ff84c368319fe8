package io.rollguard.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A small HTTP client for Rollguard's API and Camunda's REST API, as a given user. */
public final class Api {

    public record Response(int status, String body, Map<String, String> headers) {
        public JsonNode json() {
            try {
                return new ObjectMapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (HTTP " + status + "): " + body, e);
            }
        }

        public String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final Function<String, String> authorization;

    /** As local users of the embedded default: HTTP Basic, password = user name. */
    public Api(String base) {
        this(base, user -> "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + user).getBytes(StandardCharsets.UTF_8)));
    }

    /** With an Authorization header value per user, e.g. Keycloak bearer tokens. */
    public Api(String base, Function<String, String> authorization) {
        this.base = base;
        this.authorization = authorization;
    }

    public Response get(String user, String path) {
        return send(request(user, path).GET());
    }

    /** A GET with explicit credentials, e.g. a wrong password. */
    public Response getWithPassword(String user, String password, String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .GET());
    }

    public Response delete(String user, String path) {
        return send(request(user, path).DELETE());
    }

    public Response post(String user, String path) {
        return send(request(user, path).POST(HttpRequest.BodyPublishers.noBody()));
    }

    public Response postJson(String user, String path, String json) {
        return send(request(user, path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response putJson(String user, String path, String json) {
        return send(request(user, path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** Submits a release as multipart: the descriptor part plus the named file parts. */
    public Response submit(String user, String descriptor, Map<String, byte[]> files) {
        Map<String, byte[]> parts = new LinkedHashMap<>();
        if (descriptor != null) {
            parts.put("descriptor", descriptor.getBytes(StandardCharsets.UTF_8));
        }
        parts.putAll(files);
        return postMultipart(user, "/api/releases", parts);
    }

    /** A multipart POST, one file part per entry (the part's name is its file name). */
    public Response postMultipart(String user, String path, Map<String, byte[]> parts) {
        String boundary = "rollguard-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> part : parts.entrySet()) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part.getKey()
                    + "\"; filename=\"" + part.getKey() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            body.writeBytes(part.getValue());
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(request(user, path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    /** Registers (or re-registers) the sample app {@code expenses} on these slots, as admin. */
    public Response registerExpenses(NodeRedSlots slots, java.util.List<String> owners, String currentVersion) {
        return registerExpenses(slots, owners, currentVersion, null);
    }

    /** As above, with the registration's {@code dataPlane} object when not null. */
    public Response registerExpenses(NodeRedSlots slots, java.util.List<String> owners, String currentVersion,
            String dataPlane) {
        String ownersJson = owners.stream().map(o -> "\"" + o + "\"").collect(java.util.stream.Collectors.joining(","));
        return putJson("admin", "/api/apps/expenses", """
                {"owners":[%s],
                 "stable":{"adminUrl":"%s/admin","trafficUrl":"%s/app"},
                 "canary":{"adminUrl":"%s/admin","trafficUrl":"%s/app"},
                 "stableAdminToken":"%s","canaryAdminToken":"%s","route":"expenses"%s%s}"""
                .formatted(ownersJson, slots.stable().baseUrl(), slots.stable().baseUrl(), slots.canary().baseUrl(),
                        slots.canary().baseUrl(), slots.stableToken(), slots.canaryToken(),
                        currentVersion == null ? "" : ",\"currentVersion\":\"" + currentVersion + "\"",
                        dataPlane == null ? "" : ",\"dataPlane\":" + dataPlane));
    }

    /** Submits one of the sample app's versions exactly as shipped in examples/expenses/. */
    public Response submitExample(String user, String version) {
        Path dir = NodeRedSlots.PROJECT.resolve("examples/expenses/" + version);
        try {
            return submit(user, Files.readString(dir.resolve("release.yaml")),
                    Map.of("flows.json", Files.readAllBytes(dir.resolve("flows.json"))));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits until a release's lifecycle has passed its first step ({@code ServiceTask_ValidateDescriptor}),
     * which runs as a job after the submission has answered (it reads the stable slot): then the classes,
     * risk and evidence are set and, unless a data model change is proven reversible first, the approval
     * tasks exist. As admin, who reads every instance and job in Cockpit; fails at once with the job's
     * error when it has no retries left.
     */
    public void awaitFirstStep(String processInstanceId) {
        String step = "processInstanceId=" + processInstanceId + "&activityId=ServiceTask_ValidateDescriptor";
        Awaitility.await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (JsonNode job : readable("/engine-rest/job?" + step)) {
                if (job.path("retries").asInt() == 0) {
                    throw new AssertionError("the first step of " + processInstanceId + " failed: "
                            + job.path("exceptionMessage").asText());
                }
            }
            return !readable("/engine-rest/history/activity-instance?finished=true&" + step).isEmpty();
        });
    }

    private JsonNode readable(String path) {
        Response r = get("admin", path);
        if (r.status() != 200) {
            throw new AssertionError(path + ": HTTP " + r.status() + " " + r.body());
        }
        return r.json();
    }

    private HttpRequest.Builder request(String user, String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (user != null) {
            builder.header("Authorization", authorization.apply(user));
        }
        return builder;
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Map<String, String> headers = new LinkedHashMap<>();
            response.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
            return new Response(response.statusCode(), response.body(), headers);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
