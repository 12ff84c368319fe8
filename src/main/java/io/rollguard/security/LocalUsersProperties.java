package io.rollguard.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Users of the embedded default, read from the same Keycloak realm file that defines them for
 * Keycloak ({@code stack/keycloak/realm-rollguard.json}), so a user and their groups are
 * defined once. Their passwords are dev defaults of that file; with Keycloak enabled, or
 * without the file, there are no local users.
 */
@ConfigurationProperties("rollguard.local-users")
record LocalUsersProperties(String realmFile) {

    record LocalUser(String id, String firstName, String lastName, String email, String password,
            List<String> groups) {
    }

    List<LocalUser> load() {
        if (realmFile == null || realmFile.isBlank() || !Files.exists(Path.of(realmFile))) {
            return List.of();
        }
        try {
            JsonNode realm = new ObjectMapper().readTree(Path.of(realmFile).toFile());
            List<LocalUser> users = new ArrayList<>();
            for (JsonNode u : realm.path("users")) {
                String password = null;
                for (JsonNode c : u.path("credentials")) {
                    if ("password".equals(c.path("type").asText())) {
                        password = c.path("value").asText();
                    }
                }
                if (password == null || u.has("serviceAccountClientId") || !u.path("enabled").asBoolean(true)) {
                    continue; // service accounts and users without a password cannot log in locally
                }
                List<String> groups = new ArrayList<>();
                u.path("groups").forEach(g -> groups.add(g.asText().replaceFirst("^/", "")));
                users.add(new LocalUser(u.path("username").asText(), u.path("firstName").asText(null),
                        u.path("lastName").asText(null), u.path("email").asText(null), password, groups));
            }
            return users;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read local users from " + realmFile + ": " + e.getMessage(), e);
        }
    }
}
