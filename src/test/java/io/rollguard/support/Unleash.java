package io.rollguard.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real Unleash server 8 for one test class, started natively with the project's own
 * {@code stack/unleash/start.sh} on a free port and a fresh PostgreSQL database of its own, with the
 * dev tokens of {@code stack/unleash} (the admin token is the dev default Rollguard is given).
 * Fails loudly when it cannot start.
 */
public final class Unleash implements AutoCloseable {

    static final Path HOME = NodeRedSlots.PROJECT.resolve("stack/unleash");

    private final Path dir;
    private final int port = NodeRedSlots.freePort();

    private Unleash(String name) {
        this.dir = NodeRedSlots.PROJECT.resolve("target/unleash/" + name);
    }

    public static Unleash start(String name) {
        return start(name, java.util.Map.of());
    }

    /** As {@link #start(String)}, with Unleash's process given {@code environment} too (its rate limits, say). */
    public static Unleash start(String name, java.util.Map<String, String> environment) {
        Unleash unleash = new Unleash(name);
        String database = "unleash_" + name;
        PostgresDatabase.fresh(database);
        NodeRedSlots.run(environment, HOME.resolve("start.sh").toString(), unleash.dir.toString(), String.valueOf(unleash.port),
                "postgres://" + PostgresDatabase.USER + ":" + PostgresDatabase.PASSWORD + "@" + PostgresDatabase.HOST + "/"
                        + PostgresDatabase.PREFIX + database);
        return unleash;
    }

    /** The base URL an app registration names ({@code dataPlane.unleashUrl}). */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** What the app's unleash-client is pointed at (UNLEASH_URL). */
    public String clientApiUrl() {
        return url() + "/api";
    }

    public static String adminToken() {
        return read("dev-admin-token");
    }

    public static String clientToken() {
        return read("dev-client-token");
    }

    /** Unleash's own view of a feature in one environment, from its Admin API (not Rollguard's adapter). */
    public JsonNode environment(String feature, String environment) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url()
                    + "/api/admin/projects/default/features/" + feature)).header("Authorization", adminToken()).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new AssertionError("Unleash has no feature " + feature + ": HTTP " + r.statusCode() + " " + r.body());
            }
            for (JsonNode e : new ObjectMapper().readTree(r.body()).path("environments")) {
                if (e.path("name").asText().equals(environment)) {
                    return e;
                }
            }
            throw new AssertionError("feature " + feature + " has no environment " + environment + ": " + r.body());
        } catch (IOException e) {
            throw new IllegalStateException("Unleash at " + url() + " did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        NodeRedSlots.run(java.util.Map.of(), HOME.resolve("stop.sh").toString(), dir.toString());
    }

    private static String read(String file) {
        try {
            return Files.readString(HOME.resolve(file)).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read stack/unleash/" + file, e);
        }
    }
}
