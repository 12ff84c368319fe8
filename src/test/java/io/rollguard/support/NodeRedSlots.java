package io.rollguard.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Two real Node-RED 4.1 slots (stable and canary) started with the project's own
 * {@code stack/node-red/start-slot.sh}, each with its own Admin API token (the dev-only
 * {@code dev-token-stable} and {@code dev-token-canary}, or NODE_RED_STABLE_ADMIN_TOKEN and
 * NODE_RED_CANARY_ADMIN_TOKEN). Fails loudly when Node-RED is not installed: the test
 * command installs it, a test never skips for lack of it.
 */
public final class NodeRedSlots implements AutoCloseable {

    public static final Path PROJECT = Path.of("").toAbsolutePath();
    public static final Path STACK = PROJECT.resolve("stack/node-red");

    private final Slot stable;
    private final Slot canary;

    public record Slot(String name, int port, Path userDir, String token) {
        public String baseUrl() {
            return "http://127.0.0.1:" + port;
        }

        @Override
        public String toString() {
            return "Slot[" + name + ", " + baseUrl() + "]";
        }
    }

    private NodeRedSlots(Slot stable, Slot canary) {
        this.stable = stable;
        this.canary = canary;
    }

    /** Slots whose Node-RED processes get {@code environment} too (the app's APP_DATABASE_URL). */
    public static NodeRedSlots start(String prefix, Map<String, String> environment) {
        if (!Files.exists(STACK.resolve("node_modules/node-red/red.js")) || !Files.exists(STACK.resolve("node_modules/pg"))) {
            throw new IllegalStateException("Node-RED is not installed in " + STACK
                    + ": run ./rollguard test (it runs npm ci there) before the tests");
        }
        Slot stable = startSlot(prefix + "-stable", readToken("stable"), environment);
        Slot canary = startSlot(prefix + "-canary", readToken("canary"), environment);
        return new NodeRedSlots(stable, canary);
    }

    public Slot stable() {
        return stable;
    }

    public Slot canary() {
        return canary;
    }

    public String stableToken() {
        return stable.token();
    }

    public String canaryToken() {
        return canary.token();
    }

    /** Replaces a slot's flows directly through the Admin API (test set-up, not the product path). */
    public void deploy(Slot slot, Path flowsFile) {
        try {
            String flows = Files.readString(flowsFile);
            HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest
                    .newBuilder(URI.create(slot.baseUrl() + "/admin/flows"))
                    .header("Authorization", "Bearer " + slot.token())
                    .header("Node-RED-API-Version", "v2")
                    .header("Node-RED-Deployment-Type", "full")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"flows\":" + flows + "}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("deploying " + flowsFile + " to " + slot.name() + " failed: HTTP "
                        + response.statusCode() + " " + response.body());
            }
            waitForVersionEndpoint(slot);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What the slot's app says it is, asked directly (not through the router). */
    public String version(Slot slot) {
        try {
            HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest
                    .newBuilder(URI.create(slot.baseUrl() + "/app/version")).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body().replaceAll(".*\"version\"\\s*:\\s*\"([^\"]+)\".*", "$1")
                    : "HTTP " + response.statusCode();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private void waitForVersionEndpoint(Slot slot) {
        await("slot " + slot.name() + " answers /app/version after deployment")
                .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> version(slot), v -> !v.startsWith("HTTP") && !v.contains("Exception"));
    }

    @Override
    public void close() {
        for (Slot slot : new Slot[] {stable, canary}) {
            run(STACK.resolve("stop-slot.sh").toString(), slot.userDir().toString());
        }
    }

    private static Slot startSlot(String name, String token, Map<String, String> environment) {
        int port = freePort();
        Path userDir = PROJECT.resolve("target/node-red/" + name + "-" + port);
        Map<String, String> withToken = new java.util.HashMap<>(environment);
        withToken.put("NODE_RED_ADMIN_TOKEN", token);
        run(withToken, STACK.resolve("start-slot.sh").toString(), name, String.valueOf(port), userDir.toString());
        return new Slot(name, port, userDir, token);
    }

    private static String readToken(String slot) {
        String variable = "NODE_RED_" + slot.toUpperCase(java.util.Locale.ROOT) + "_ADMIN_TOKEN";
        String env = System.getenv(variable);
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return Files.readString(STACK.resolve("dev-token-" + slot), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new IllegalStateException("no " + variable + " and no stack/node-red/dev-token-" + slot, e);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void run(String... command) {
        run(Map.of(), command);
    }

    /** Runs a stack script to its end (at most 180 s); its output goes into the failure when it fails. */
    static void run(Map<String, String> environment, String... command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(environment);
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(180, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + " could not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
