package io.rollguard.security;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where tokens come from when Keycloak is the identity provider (profile {@code keycloak}).
 * Explicit endpoints, no discovery: Rollguard must start while Keycloak is down.
 */
@ConfigurationProperties("rollguard.keycloak")
record KeycloakProperties(boolean enabled, String issuer, String jwkSetUri, String audience, Duration clockSkew,
        String webClientId, String webClientSecret, String camundaClientId, String camundaClientSecret) {

    KeycloakProperties {
        clockSkew = clockSkew == null ? Duration.ofSeconds(30) : clockSkew;
        audience = audience == null ? "rollguard-api" : audience;
        webClientId = webClientId == null ? "rollguard-web" : webClientId;
        camundaClientId = camundaClientId == null ? "rollguard-camunda" : camundaClientId;
        if (enabled && (issuer == null || issuer.isBlank())) {
            throw new IllegalStateException("rollguard.keycloak.issuer must be set when Keycloak is enabled");
        }
        if (enabled && (jwkSetUri == null || jwkSetUri.isBlank())) {
            jwkSetUri = issuer + "/protocol/openid-connect/certs";
        }
    }

    /** {@code http://host/realms/x} becomes {@code http://host/admin/realms/x}, Keycloak's admin REST base. */
    String adminUrl() {
        int realms = issuer.indexOf("/realms/");
        return issuer.substring(0, realms) + "/admin" + issuer.substring(realms);
    }

    String endpoint(String path) {
        return issuer + "/protocol/openid-connect/" + path;
    }
}
