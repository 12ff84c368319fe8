package io.rollguard.security;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Users of the embedded default. Their passwords are dev defaults kept in
 * {@code stack/dev-defaults.yaml}; a deployment with a real identity provider defines none.
 */
@ConfigurationProperties("rollguard")
record LocalUsersProperties(List<LocalUser> localUsers) {

    record LocalUser(String id, String firstName, String lastName, String email, String password,
            List<String> groups) {
    }

    LocalUsersProperties {
        localUsers = localUsers == null ? List.of() : List.copyOf(localUsers);
    }
}
