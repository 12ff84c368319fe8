package io.rollguard.support;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The real Keycloak server the test command starts ({@code stack/keycloak/start.sh}, realm
 * {@code rollguard} on localhost:8180). Tokens come from its token endpoint; a missing server
 * fails the test with a clear message.
 */
public final class Keycloak {

    public static final String BASE = System.getenv().getOrDefault("ROLLGUARD_TEST_KEYCLOAK", "http://localhost:8180");
    public static final String ISSUER = BASE + "/realms/rollguard";
    static final String TOKEN = ISSUER + "/protocol/openid-connect/token";

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    /** Tokens are reused while they have a minute left: a whole test run outlives Keycloak's 5 minutes. */
    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();
    private static final Duration REUSE_MARGIN = Duration.ofSeconds(60);

    private Keycloak() {
    }

    public static void requireRunning() {
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(
                    URI.create(ISSUER + "/.well-known/openid-configuration")).build(), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("Keycloak realm rollguard answers HTTP " + r.statusCode());
            }
        } catch (IOException e) {
            throw new IllegalStateException("Keycloak is not running on " + BASE
                    + ": start it with stack/keycloak/start.sh (./rollguard test does)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An access token for a user of the realm (password = user name there), via the test-only client. */
    public static String userToken(String user) {
        return CACHE.compute("user:" + user, (key, cached) -> cached != null && !expiresSoon(cached) ? cached
                : freshUserToken("rollguard-test", null, user));
    }

    private static boolean expiresSoon(String token) {
        try {
            JsonNode claims = new ObjectMapper().readTree(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]));
            return java.time.Instant.ofEpochSecond(claims.path("exp").asLong()).minus(REUSE_MARGIN)
                    .isBefore(java.time.Instant.now());
        } catch (IOException e) {
            throw new IllegalStateException("not a JWT from Keycloak: " + token, e);
        }
    }

    public static String freshUserToken(String clientId, String clientSecret, String user) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", clientId);
        if (clientSecret != null) {
            form.put("client_secret", clientSecret);
        }
        form.put("username", user);
        form.put("password", user);
        form.put("scope", "openid");
        return token(form);
    }

    public static String clientToken(String clientId, String clientSecret) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("client_id", clientId);
        form.put("client_secret", clientSecret);
        return token(form);
    }

    private static String token(Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(TOKEN))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("token request " + form.get("grant_type") + " for "
                        + form.getOrDefault("username", form.get("client_id")) + " failed: " + r.body());
            }
            JsonNode json = new ObjectMapper().readTree(r.body());
            return json.path("access_token").asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
