package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.support.Api;
import io.rollguard.support.Keycloak;
import io.rollguard.support.TcpProxy;
import io.rollguard.support.TrafficGenerator;

/**
 * Keycloak goes away in the middle of a release: Rollguard reaches the real Keycloak through a link
 * the test cuts once the people have done their part (requested, approved). Nothing after that
 * needs a person, so the release must go on to promotion, while a browser that wants to log in is
 * told that sign-in is unavailable.
 */
@ActiveProfiles("keycloak")
class KeycloakOutageIT extends EndToEndTest {

    static TcpProxy keycloakLink;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        Keycloak.requireRunning();
        URI keycloak = URI.create(Keycloak.BASE);
        keycloakLink = TcpProxy.to(keycloak.getHost(), keycloak.getPort());
        startInfrastructure(registry, "rollguard_it_keycloak_outage");
        registry.add("rollguard.keycloak.issuer", () -> Keycloak.ISSUER);
        registry.add("rollguard.keycloak.backchannel-url", () -> keycloakLink.url());
    }

    @AfterAll
    static void closeLink() {
        keycloakLink.close();
    }

    @Override
    Api api(String baseUrl) {
        return new Api(baseUrl, user -> "Bearer " + Keycloak.userToken(user));
    }

    @Test
    void aReleaseWhoseNextStepsNeedNoPersonRunsOnToPromotionWhileKeycloakIsUnreachable() throws Exception {
        // given 1.1.0 requested by alice and approved by bob while Keycloak answers
        baseline("1.0.0");
        String id;
        try (TrafficGenerator traffic = new TrafficGenerator(routerUrl("/expenses"), 4, Duration.ofMillis(40))) {
            id = submitAndApprove("1.1.0");

            // when Keycloak becomes unreachable for Rollguard
            keycloakLink.cut();

            // then a browser that wants to log in gets our page, not a connection error
            HttpResponse<String> login = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/oauth2/authorization/keycloak")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).isEqualTo(503);
            assertThat(login.body()).contains("Sign-in is unavailable right now");

            // and the rollout goes on by itself (status reads still work: the keys are cached)
            JsonNode promoted = waitForState(id, "PROMOTED", Duration.ofSeconds(120));
            assertThat(hasEvent(promoted, "STATE", "PROMOTED: 1.1.0 is stable")).isTrue();
        }
        assertThat(keycloakLink.isCut()).isTrue();
        assertThat(slots.version(slots.stable())).isEqualTo("1.1.0");
    }
}
