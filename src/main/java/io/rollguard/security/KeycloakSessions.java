package io.rollguard.security;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import org.camunda.bpm.webapp.impl.security.filter.util.CsrfConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.security.web.authentication.logout.LogoutHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * Ends the Keycloak session when someone logs out of Camunda's webapps. Their logout is an XHR
 * POST, so the browser cannot be sent through Keycloak's end-session page; instead Rollguard
 * ends the Keycloak session itself (OIDC logout with the session's refresh token, authenticated
 * as the confidential web client). Without it the next visit would sign the user straight back in.
 */
final class KeycloakSessions implements LogoutHandler {

    private static final Logger log = LoggerFactory.getLogger(KeycloakSessions.class);

    private final KeycloakProperties keycloak;
    private final OAuth2AuthorizedClientRepository authorizedClients;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();

    KeycloakSessions(KeycloakProperties keycloak, OAuth2AuthorizedClientRepository authorizedClients) {
        this.keycloak = keycloak;
        this.authorizedClients = authorizedClients;
    }

    /**
     * Tasklist, Cockpit and Admin log out with {@code POST /camunda/api/admin/auth/user/{engine}/logout},
     * carrying Camunda's CSRF token. The chain of the webapps leaves CSRF to Camunda, so the token is
     * checked here: a forged cross-site POST does not match and goes on to Camunda, which refuses it.
     */
    static RequestMatcher camundaWebappLogout() {
        RequestMatcher path = PathPatternRequestMatcher.withDefaults()
                .matcher(HttpMethod.POST, "/camunda/api/admin/auth/user/{engine}/logout");
        return request -> path.matches(request) && carriesCamundaCsrfToken(request);
    }

    private static boolean carriesCamundaCsrfToken(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        Object expected = session == null ? null : session.getAttribute(CsrfConstants.CSRF_TOKEN_SESSION_ATTR_NAME);
        return expected != null && expected.equals(request.getHeader(CsrfConstants.CSRF_TOKEN_HEADER_NAME));
    }

    /** Runs before the HTTP session is invalidated: the refresh token lives in it. */
    @Override
    public void logout(HttpServletRequest request, HttpServletResponse response, Authentication authentication) {
        if (authentication == null) {
            return;
        }
        OAuth2AuthorizedClient client =
                authorizedClients.loadAuthorizedClient(KeycloakWebSso.REGISTRATION, authentication, request);
        if (client == null || client.getRefreshToken() == null) {
            log.warn("no refresh token for {}; their Keycloak session ends only when it expires", authentication.getName());
            return;
        }
        Map<String, String> form = Map.of(
                "client_id", keycloak.webClientId(),
                "client_secret", keycloak.webClientSecret(),
                "refresh_token", client.getRefreshToken().getTokenValue());
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(keycloak.serverEndpoint("logout")))
                    .timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() / 100 != 2) {
                log.warn("Keycloak refused to end the session of {}: HTTP {} {}", authentication.getName(),
                        answer.statusCode(), answer.body());
            }
        } catch (java.io.IOException e) {
            // the local session ends anyway; Keycloak's ends when it expires
            log.warn("Keycloak unreachable while ending the session of {}: {}", authentication.getName(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
