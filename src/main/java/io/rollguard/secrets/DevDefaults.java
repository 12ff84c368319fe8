package io.rollguard.secrets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Profiles;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Dev users, tokens and client secrets exist for the embedded default only. With no profile
 * active, this loads {@code stack/dev-defaults.yaml} (or {@code $ROLLGUARD_DEV_DEFAULTS}) as the
 * lowest-precedence property source. On every other profile it loads nothing and refuses to start
 * while any secret property still holds one of the dev values (the values of that file, which the
 * jar carries a copy of, wherever they came from), or while local users come from a realm file
 * whose passwords are the user names; the refusal names each property.
 *
 * <p>Test runs on profile {@code postgres} opt in with {@code rollguard.dev-defaults.allowed=true}
 * (the test classpath's {@code config/application.yaml} and the tests' jar processes set it): dev
 * defaults then load as on the embedded default. The opt-in itself is refused on profile
 * {@code prod}.
 */
public class DevDefaults implements EnvironmentPostProcessor, Ordered {

    static final String ALLOWED = "rollguard.dev-defaults.allowed";
    static final String FILE = "stack/dev-defaults.yaml";
    /** The copy of stack/dev-defaults.yaml the build puts into the jar: what must never run in production. */
    static final String KNOWN_VALUES = "io/rollguard/secrets/dev-defaults.yaml";
    /** Secret properties that dev-defaults.yaml does not set but that must not hold one of its values either. */
    private static final List<String> ALSO_CHECKED = List.of("spring.datasource.password",
            "rollguard.secrets.previous-keys");
    private static final Pattern PLACEHOLDER_DEFAULT = Pattern.compile("^\\$\\{[A-Za-z0-9_.-]+:(.*)}$");

    private final Log log;

    public DevDefaults(DeferredLogFactory logs) {
        this.log = logs.getLog(DevDefaults.class);
    }

    @Override
    public int getOrder() {
        // right after application.yaml and the profiles' files are read, before anything binds them
        return ConfigDataEnvironmentPostProcessor.ORDER + 1;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        boolean embedded = env.getActiveProfiles().length == 0;
        boolean allowed = env.getProperty(ALLOWED, Boolean.class, false);
        if (allowed && env.acceptsProfiles(Profiles.of("prod"))) {
            throw new DevDefaultsRefused(List.of(env.getActiveProfiles()), List.of(ALLOWED
                    + " (a test-only opt-in, never on profile prod)"));
        }
        if (embedded || allowed) {
            Path file = Path.of(env.getProperty("ROLLGUARD_DEV_DEFAULTS", FILE));
            if (Files.isRegularFile(file)) {
                env.getPropertySources().addLast(load(new FileSystemResource(file), "dev defaults (" + file + ")"));
                if (!embedded) {
                    log.warn("Dev defaults loaded on profiles " + Arrays.toString(env.getActiveProfiles()) + " because "
                            + ALLOWED + "=true: dev users, tokens and secrets are in place (tests only)");
                }
            }
            return;
        }
        List<String> refused = devValuesInPlace(env);
        if (!refused.isEmpty()) {
            throw new DevDefaultsRefused(List.of(env.getActiveProfiles()), refused);
        }
    }

    /** The secret properties of the environment that hold a dev value, and a dev realm of local users. */
    static List<String> devValuesInPlace(ConfigurableEnvironment env) {
        Map<String, String> known = knownDevSecrets();
        Set<String> devValues = new TreeSet<>(known.values());
        Set<String> properties = new TreeSet<>(known.keySet());
        properties.addAll(ALSO_CHECKED);
        List<String> refused = new ArrayList<>();
        for (String property : properties) {
            String value = resolved(env, property);
            if (value != null && devValues.contains(value.trim())) {
                refused.add(property);
            }
        }
        if (!env.getProperty("rollguard.keycloak.enabled", Boolean.class, false)) {
            String realmFile = resolved(env, "rollguard.local-users.realm-file");
            List<String> devUsers = realmFile == null || realmFile.isBlank() ? List.of() : usersNamedAsPassword(Path.of(realmFile));
            if (!devUsers.isEmpty()) {
                refused.add("rollguard.local-users.realm-file (" + realmFile + ": users " + devUsers
                        + " have their user name as password)");
            }
        }
        return refused;
    }

    /** A property's value with its placeholders resolved, or null when it is unset. */
    private static String resolved(ConfigurableEnvironment env, String property) {
        return env.getProperty(property);
    }

    /** Secret properties of the dev defaults and their dev values (the default of each {@code ${ENV:default}}). */
    static Map<String, String> knownDevSecrets() {
        PropertySource<?> source = load(new ClassPathResource(KNOWN_VALUES), "known dev defaults");
        Map<String, String> secrets = new LinkedHashMap<>();
        for (String name : ((EnumerablePropertySource<?>) source).getPropertyNames()) {
            String leaf = name.substring(name.lastIndexOf('.') + 1);
            if (leaf.contains("token") || leaf.contains("secret") || leaf.contains("password") || leaf.equals("key")
                    || leaf.endsWith("-key")) {
                String raw = String.valueOf(source.getProperty(name));
                Matcher m = PLACEHOLDER_DEFAULT.matcher(raw);
                secrets.put(name, m.matches() ? m.group(1) : raw);
            }
        }
        return secrets;
    }

    /** Users of a Keycloak realm file whose password is their user name (the dev realm's rule). */
    static List<String> usersNamedAsPassword(Path realmFile) {
        if (!Files.isRegularFile(realmFile)) {
            return List.of();
        }
        try {
            List<String> users = new ArrayList<>();
            for (JsonNode user : new ObjectMapper().readTree(realmFile.toFile()).path("users")) {
                String name = user.path("username").asText();
                for (JsonNode credential : user.path("credentials")) {
                    if ("password".equals(credential.path("type").asText())
                            && name.equals(credential.path("value").asText())) {
                        users.add(name);
                    }
                }
            }
            return users;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the realm file " + realmFile + ": " + e.getMessage(), e);
        }
    }

    private static PropertySource<?> load(Resource resource, String name) {
        try {
            List<PropertySource<?>> documents = new YamlPropertySourceLoader().load(name, resource);
            if (documents.size() != 1) {
                throw new IllegalStateException(resource + " must hold exactly one YAML document");
            }
            return documents.get(0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource + ": " + e.getMessage(), e);
        }
    }
}
