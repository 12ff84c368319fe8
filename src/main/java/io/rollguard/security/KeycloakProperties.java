package io.rollguard.security;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where tokens come from when Keycloak is the identity provider (profile {@code keycloak}).
 * Explicit endpoints, no discovery: Rollguard must start while Keycloak is down.
 */
@ConfigurationProperties("rollguard.keycloak")
record KeycloakProperties(boolean enabled, String issuer, String jwkSetUri, String audience, Duration clockSkew) {

    KeycloakProperties {
        clockSkew = clockSkew == null ? Duration.ofSeconds(30) : clockSkew;
        audience = audience == null ? "rollguard-api" : audience;
        if (enabled && (issuer == null || issuer.isBlank())) {
            throw new IllegalStateException("rollguard.keycloak.issuer must be set when Keycloak is enabled");
        }
        if (enabled && (jwkSetUri == null || jwkSetUri.isBlank())) {
            jwkSetUri = issuer + "/protocol/openid-connect/certs";
        }
    }
}
