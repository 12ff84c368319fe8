package io.rollguard.security;

import java.util.Collection;
import java.util.Map;

import org.camunda.bpm.extension.keycloak.plugin.KeycloakIdentityProviderPlugin;
import org.camunda.bpm.webapp.impl.security.auth.ContainerBasedAuthenticationFilter;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.client.web.HttpSessionOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/**
 * Single sign-on into Camunda Tasklist, Cockpit and Admin with Keycloak (profile keycloak):
 * Spring Security's OIDC login (authorization code with PKCE) establishes the session; Camunda's
 * container-based authentication filter then takes user and groups from it; the Keycloak
 * identity plugin lets Camunda list Keycloak's users and groups.
 */
@Configuration
@ConditionalOnProperty(name = "rollguard.keycloak.enabled", havingValue = "true")
class KeycloakWebSso {

    static final String REGISTRATION = "keycloak";

    private final KeycloakProperties keycloak;

    KeycloakWebSso(KeycloakProperties keycloak) {
        this.keycloak = keycloak;
    }

    /** Explicit endpoints instead of discovery, so Rollguard starts while Keycloak is down. */
    @Bean
    ClientRegistrationRepository clientRegistrations() {
        return new InMemoryClientRegistrationRepository(ClientRegistration.withRegistrationId(REGISTRATION)
                .clientId(keycloak.webClientId())
                .clientSecret(keycloak.webClientSecret())
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
                .scope("openid", "profile", "email")
                .issuerUri(keycloak.issuer())
                .authorizationUri(keycloak.browserEndpoint("auth"))
                .tokenUri(keycloak.serverEndpoint("token"))
                .jwkSetUri(keycloak.jwkSetUri())
                .userInfoUri(keycloak.serverEndpoint("userinfo"))
                .userNameAttributeName(BearerTokens.USER_CLAIM)
                .providerConfigurationMetadata(Map.of("end_session_endpoint", keycloak.browserEndpoint("logout")))
                .clientName("Keycloak")
                .build());
    }

    /**
     * Tokens of a browser session stay in that session (not in a node-wide map that only grows); the
     * logout reads the refresh token from here to end the Keycloak session.
     */
    @Bean
    OAuth2AuthorizedClientRepository sessionAuthorizedClients() {
        return new HttpSessionOAuth2AuthorizedClientRepository();
    }

    /** The realm roles in the ID token become the same authorities as for tokens and local users. */
    @Bean
    OAuth2UserService<OidcUserRequest, OidcUser> oidcUserService() {
        OidcUserService delegate = new OidcUserService();
        return request -> {
            OidcUser user = delegate.loadUser(request);
            Collection<GrantedAuthority> authorities =
                    BearerTokens.authorities(request.getIdToken().getClaimAsStringList(BearerTokens.ROLES_CLAIM));
            return new DefaultOidcUser(authorities, user.getIdToken(), user.getUserInfo(), BearerTokens.USER_CLAIM);
        };
    }

    @Bean
    FilterRegistrationBean<ContainerBasedAuthenticationFilter> camundaWebappAuthentication() {
        FilterRegistrationBean<ContainerBasedAuthenticationFilter> registration =
                new FilterRegistrationBean<>(new ContainerBasedAuthenticationFilter());
        registration.addInitParameter("authentication-provider", SpringSecurityCamundaAuthentication.class.getName());
        registration.addUrlPatterns("/camunda/*");
        registration.setName("camunda-webapp-sso");
        // after Spring Security's chain, which has established the user
        registration.setOrder(101);
        return registration;
    }

    @Bean
    KeycloakIdentityProviderPlugin keycloakIdentityProvider() {
        KeycloakIdentityProviderPlugin plugin = new KeycloakIdentityProviderPlugin();
        plugin.setKeycloakIssuerUrl(keycloak.serverRealmUrl());
        plugin.setKeycloakAdminUrl(keycloak.adminUrl());
        plugin.setClientId(keycloak.camundaClientId());
        plugin.setClientSecret(keycloak.camundaClientSecret());
        plugin.setUseUsernameAsCamundaUserId(true);
        plugin.setUseGroupPathAsCamundaGroupId(true);
        plugin.setMaxResultSize(250);
        return plugin;
    }
}
