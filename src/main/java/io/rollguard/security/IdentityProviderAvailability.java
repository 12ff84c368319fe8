package io.rollguard.security;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.web.filter.OncePerRequestFilter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Sending a browser to a Keycloak that is down leaves the user on the browser's own "cannot
 * connect" page with no idea whose fault it is. Before a login starts, Rollguard asks Keycloak's
 * discovery document (cached briefly, so a burst of logins costs one probe) and, if Keycloak does
 * not answer, shows a page of its own that says so, with 503 and Retry-After.
 */
final class IdentityProviderAvailability extends OncePerRequestFilter {

    static final String UNAVAILABLE_PAGE = "/signin/unavailable";
    static final String FAILED_PAGE = "/signin/failed";
    private static final Duration REMEMBER_UP = Duration.ofSeconds(10);

    private final URI discovery;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final Clock clock;
    private volatile Instant upUntil = Instant.MIN;

    IdentityProviderAvailability(KeycloakProperties keycloak, Clock clock) {
        this.discovery = URI.create(keycloak.serverRealmUrl() + "/.well-known/openid-configuration");
        this.clock = clock;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith(request.getContextPath() + "/oauth2/authorization/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (isUp()) {
            chain.doFilter(request, response);
        } else {
            request.getRequestDispatcher(UNAVAILABLE_PAGE).forward(request, response);
        }
    }

    boolean isUp() {
        Instant now = clock.instant();
        if (now.isBefore(upUntil)) {
            return true;
        }
        try {
            int status = http.send(HttpRequest.newBuilder(discovery).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status == 200) {
                upUntil = now.plus(REMEMBER_UP);
                return true;
            }
            return false;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The way back from Keycloak fails too when Keycloak goes down between the login page and the
     * code exchange, or when the user cancels: our page names which it was instead of Spring's
     * generic login error.
     */
    AuthenticationFailureHandler failureHandler() {
        return (request, response, exception) -> {
            String code = exception instanceof OAuth2AuthenticationException oauth
                    ? oauth.getError().getErrorCode() : "authentication_failed";
            String page = isUp() ? FAILED_PAGE : UNAVAILABLE_PAGE;
            request.setAttribute("reason", code);
            request.getRequestDispatcher(page).forward(request, response);
        };
    }
}
