package io.rollguard.e2e;

import org.junit.jupiter.api.BeforeAll;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.rollguard.support.Api;
import io.rollguard.support.Keycloak;

/** The permission matrix with Keycloak as identity provider: every call carries a real token. */
@ActiveProfiles("keycloak")
class KeycloakAuthorizationMatrixIT extends AuthorizationMatrix {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        Keycloak.requireRunning();
        startInfrastructure(registry, "rollguard_it_matrix_keycloak");
        registry.add("rollguard.keycloak.issuer", () -> Keycloak.ISSUER);
    }

    @BeforeAll
    static void keycloakRuns() {
        Keycloak.requireRunning();
    }

    @Override
    Api api(String baseUrl) {
        return new Api(baseUrl, user -> "Bearer " + Keycloak.userToken(user));
    }
}
