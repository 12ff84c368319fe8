package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.rollguard.support.Api;
import io.rollguard.support.PostgresDatabase;

/** Keycloak unreachable: Rollguard still starts and says clearly that it cannot check credentials. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false",
        // nothing listens on port 9 of the loopback interface
        "rollguard.keycloak.issuer=http://127.0.0.1:9/realms/rollguard"})
@ActiveProfiles({"postgres", "keycloak"})
class KeycloakDownIT {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresDatabase.register(registry, "rollguard_it_keycloak_down");
    }

    @LocalServerPort
    int port;

    @Test
    void rollguardStartsAndAnswersServiceUnavailableForTokensItCannotCheck() throws Exception {
        String header = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}");
        String claims = b64("{\"iss\":\"http://127.0.0.1:9/realms/rollguard\",\"aud\":\"rollguard-api\","
                + "\"preferred_username\":\"alice\",\"exp\":" + (System.currentTimeMillis() / 1000 + 300) + "}");
        String token = header + "." + claims + "." + b64("signature");
        Api api = new Api("http://127.0.0.1:" + port, user -> "Bearer " + token);

        assertThat(new Api("http://127.0.0.1:" + port).get(null, "/actuator/health").status()).isEqualTo(200);
        for (String path : new String[] {"/api/releases", "/engine-rest/task"}) {
            Api.Response r = api.get("alice", path);
            assertThat(r.status()).as(path).isEqualTo(503);
            assertThat(r.json().path("title").asText()).isEqualTo("Identity provider unavailable");
            assertThat(r.header("Retry-After")).isEqualTo("30");
        }
        // a token that is not even a JWT is still the caller's problem
        assertThat(new Api("http://127.0.0.1:" + port, user -> "Bearer garbage").get("x", "/api/releases").status())
                .isEqualTo(401);
    }

    @Test
    void aBrowserSentToLogInGetsOurPageSayingKeycloakIsUnreachable() throws Exception {
        HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .cookieHandler(new java.net.CookieManager()).build();

        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/camunda/app/tasklist/default/")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(page.statusCode()).isEqualTo(503);
        assertThat(page.uri().getPath()).isEqualTo("/oauth2/authorization/keycloak");
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.headers().firstValue("Retry-After")).contains("30");
        assertThat(page.body()).contains("Sign-in is unavailable right now", "Keycloak").doesNotContain("Exception");
    }

    @Test
    void aBrokenWayBackFromKeycloakGetsOurPageNotAStackTrace() throws Exception {
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + port + "/login/oauth2/code/keycloak?code=stolen&state=unknown")).build(),
                HttpResponse.BodyHandlers.ofString());
        // Keycloak is down as well, so the page says that rather than blaming the user
        assertThat(page.statusCode()).isEqualTo(503);
        assertThat(page.body()).contains("Sign-in is unavailable right now");
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes());
    }
}
