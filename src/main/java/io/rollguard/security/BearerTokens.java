package io.rollguard.security;

import java.util.Collection;
import java.util.List;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Keycloak access tokens as Rollguard understands them: signature from the realm's JWKS,
 * issuer, audience and lifetime checked; the realm roles in the {@code roles} claim become the
 * same {@code GROUP_<id>} authorities local users get, so one permission model serves both.
 */
final class BearerTokens {

    static final String ROLES_CLAIM = "roles";
    static final String USER_CLAIM = "preferred_username";

    private BearerTokens() {
    }

    static JwtDecoder decoder(KeycloakProperties keycloak) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(keycloak.jwkSetUri()).build();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                new JwtTimestampValidator(keycloak.clockSkew()),
                new JwtIssuerValidator(keycloak.issuer()),
                audience(keycloak.audience())));
        return decoder;
    }

    static OAuth2TokenValidator<Jwt> audience(String audience) {
        return jwt -> jwt.getAudience() != null && jwt.getAudience().contains(audience)
                ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token",
                        "the token is not meant for " + audience, null));
    }

    static Converter<Jwt, AbstractAuthenticationToken> converter() {
        return jwt -> {
            String user = jwt.getClaimAsString(USER_CLAIM);
            if (user == null || user.isBlank()) {
                user = jwt.getSubject();
            }
            return new JwtAuthenticationToken(jwt, authorities(jwt), user);
        };
    }

    static Collection<GrantedAuthority> authorities(Jwt jwt) {
        return authorities(jwt.getClaimAsStringList(ROLES_CLAIM));
    }

    /** Only our roles count; Keycloak's own (offline_access, ...) grant nothing here. */
    static Collection<GrantedAuthority> authorities(List<String> roles) {
        if (roles == null) {
            return List.of();
        }
        return roles.stream()
                .filter(Roles.ALL::contains)
                .<GrantedAuthority>map(r -> new SimpleGrantedAuthority(CurrentUser.GROUP_PREFIX + r))
                .toList();
    }
}
