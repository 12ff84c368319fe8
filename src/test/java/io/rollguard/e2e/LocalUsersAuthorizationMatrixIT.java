package io.rollguard.e2e;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The permission matrix on the embedded default's identity: local users seeded from the realm file. */
class LocalUsersAuthorizationMatrixIT extends AuthorizationMatrix {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        startInfrastructure(registry, "rollguard_it_matrix_local");
    }
}
