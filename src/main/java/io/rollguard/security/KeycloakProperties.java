package io.rollguard.security;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where tokens come from when Keycloak is the identity provider (profile {@code keycloak}).
 * Explicit endpoints, no discovery: Rollguard must start while Keycloak is down.
 *
 * <p>The issuer is the address browsers use and tokens name; {@code backchannelUrl} (optional) is
 * where Rollguard itself reaches Keycloak (keys, token exchange, logout, identity queries), e.g. an
 * internal service address. Without it both are the same.
 */
@ConfigurationProperties("rollguard.keycloak")
record KeycloakProperties(boolean enabled, String issuer, String backchannelUrl, String jwkSetUri, String audience,
        Duration clockSkew, String webClientId, String webClientSecret, String camundaClientId,
        String camundaClientSecret) {

    KeycloakProperties {
        clockSkew = clockSkew == null ? Duration.ofSeconds(30) : clockSkew;
        audience = audience == null ? "rollguard-api" : audience;
        webClientId = webClientId == null ? "rollguard-web" : webClientId;
        camundaClientId = camundaClientId == null ? "rollguard-camunda" : camundaClientId;
        if (enabled && (issuer == null || issuer.isBlank())) {
            throw new IllegalStateException("rollguard.keycloak.issuer must be set when Keycloak is enabled");
        }
        if (enabled && (backchannelUrl == null || backchannelUrl.isBlank())) {
            backchannelUrl = issuer.substring(0, issuer.indexOf("/realms/"));
        }
        if (enabled && (jwkSetUri == null || jwkSetUri.isBlank())) {
            jwkSetUri = backchannelUrl + realmPath(issuer) + "/protocol/openid-connect/certs";
        }
    }

    private static String realmPath(String issuer) {
        int realms = issuer.indexOf("/realms/");
        if (realms < 0) {
            throw new IllegalStateException("rollguard.keycloak.issuer must end in /realms/<realm>: " + issuer);
        }
        return issuer.substring(realms);
    }

    /** The realm as Rollguard reaches it, e.g. {@code http://keycloak:8080/realms/rollguard}. */
    String serverRealmUrl() {
        return backchannelUrl + realmPath(issuer);
    }

    /** Keycloak's admin REST base of the realm, {@code http://host/admin/realms/x}. */
    String adminUrl() {
        return backchannelUrl + "/admin" + realmPath(issuer);
    }

    /** An OIDC endpoint a browser is sent to (login, end of session). */
    String browserEndpoint(String path) {
        return issuer + "/protocol/openid-connect/" + path;
    }

    /** An OIDC endpoint Rollguard calls itself (token exchange, user info, back-channel logout). */
    String serverEndpoint(String path) {
        return serverRealmUrl() + "/protocol/openid-connect/" + path;
    }
}
