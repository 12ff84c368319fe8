package io.rollguard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

/**
 * Each check of the bearer-token decoder on its own: tokens that differ from a good one in exactly
 * one respect. The end-to-end tests use real Keycloak tokens; a wrong issuer with a valid
 * signature cannot be had from Keycloak, so the realm's key here is one the test owns, published
 * as a JWKS the way Keycloak publishes its own.
 */
class BearerTokensTest {

    static final String ISSUER = "http://localhost:8180/realms/rollguard";
    static KeyPair realmKey;
    static HttpServer jwks;
    static JwtDecoder decoder;

    @BeforeAll
    static void realm() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        realmKey = generator.generateKeyPair();
        byte[] keys = new JWKSet(new RSAKey.Builder((RSAPublicKey) realmKey.getPublic()).keyID("realm-key").build())
                .toString().getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/certs", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, keys.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(keys);
            }
        });
        jwks.start();
        decoder = BearerTokens.decoder(new KeycloakProperties(true, ISSUER, null,
                "http://127.0.0.1:" + jwks.getAddress().getPort() + "/certs", "rollguard-api", Duration.ofSeconds(5),
                null, null, null, null));
    }

    @AfterAll
    static void stop() {
        jwks.stop(0);
    }

    static JWTClaimsSet.Builder goodClaims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(List.of("rollguard-api", "account"))
                .subject("f0e1").claim("preferred_username", "carol")
                .claim("roles", List.of("approver", "schema-approver", "offline_access", "default-roles-rollguard"))
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)));
    }

    static String sign(JWTClaimsSet claims, KeyPair key) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("realm-key").build(), claims);
        jwt.sign(new RSASSASigner(key.getPrivate()));
        return jwt.serialize();
    }

    @Test
    void aGoodTokenIsAcceptedAndOnlyRollguardRolesBecomeGroups() throws Exception {
        Jwt jwt = decoder.decode(sign(goodClaims().build(), realmKey));

        assertThat(BearerTokens.converter().convert(jwt).getName()).isEqualTo("carol");
        assertThat(BearerTokens.authorities(jwt)).extracting(GrantedAuthority::getAuthority)
                .containsExactly("GROUP_approver", "GROUP_schema-approver");
    }

    @Test
    void aTokenFromAnotherIssuerIsRefusedEvenWithAValidSignature() throws Exception {
        String token = sign(goodClaims().issuer("http://localhost:8180/realms/master").build(), realmKey);

        assertThatThrownBy(() -> decoder.decode(token)).isInstanceOf(JwtValidationException.class)
                .hasMessageContaining("iss");
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() throws Exception {
        String token = sign(goodClaims().audience("account").build(), realmKey);

        assertThatThrownBy(() -> decoder.decode(token)).isInstanceOf(JwtValidationException.class)
                .hasMessageContaining("not meant for rollguard-api");
    }

    @Test
    void anExpiredTokenIsRefusedPastTheClockSkew() throws Exception {
        Instant past = Instant.now().minusSeconds(60);
        String token = sign(goodClaims().issueTime(Date.from(past.minusSeconds(300)))
                .expirationTime(Date.from(past)).build(), realmKey);

        assertThatThrownBy(() -> decoder.decode(token)).isInstanceOf(JwtValidationException.class)
                .hasMessageContaining("expired");
    }

    @Test
    void aTokenSignedWithAnotherKeyIsRefused() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String token = sign(goodClaims().build(), generator.generateKeyPair());

        assertThatThrownBy(() -> decoder.decode(token)).hasMessageContaining("signature");
    }

    /**
     * Keycloak is down: the decoder cannot fetch keys. That must not look like a bad token (which
     * Spring turns into 401) but an outage (503, see ProblemAuthenticationEntryPoint).
     */
    @Test
    void unreachableKeysAreNotMistakenForABadToken() {
        JwtDecoder offline = BearerTokens.decoder(new KeycloakProperties(true, ISSUER, null,
                "http://127.0.0.1:9/certs", "rollguard-api", Duration.ofSeconds(5), null, null, null, null));
        assertThatThrownBy(() -> offline.decode(sign(goodClaims().build(), realmKey)))
                .isInstanceOf(JwtException.class).isNotInstanceOf(BadJwtException.class);
    }
}
