package io.rollguard.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.rollguard.support.NodeRedSlots;
import io.rollguard.support.PostgresDatabase;
import io.rollguard.support.RollguardProcess;

/**
 * An operator who deploys Rollguard on a real profile but forgets one of the dev defaults (a
 * Node-RED token everyone can read in the repository, the dev key of secrets at rest, the realm
 * whose passwords are the user names) gets no running Rollguard: the packaged jar exits at once
 * and names the property.
 */
class DevDefaultsOnProductionIT {

    static final String OWN_KEY = "--rollguard.secrets.key=" + java.util.Base64.getEncoder()
            .encodeToString("a key of this test, 32 bytes....".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

    @Test
    void startWithDevDefaultsOnAProductionProfileIsRefused() throws Exception {
        String db = PostgresDatabase.fresh("rollguard_it_dev_defaults");
        String devStableToken = Files.readString(NodeRedSlots.STACK.resolve("dev-token-stable")).trim();

        // a dev Node-RED token given on the command line
        assertRefused("dev-token", db, List.of(OWN_KEY, "--rollguard.sample-app.stable-admin-token=" + devStableToken),
                "rollguard.sample-app.stable-admin-token");
        // the dev key of secrets at rest, from the environment variable everyone sets
        assertRefused("dev-key", db, List.of("--rollguard.secrets.key=" + devKey()), "rollguard.secrets.key");
        // the dev realm as local users
        assertRefused("dev-realm", db, List.of(OWN_KEY,
                "--rollguard.local-users.realm-file=stack/keycloak/realm-rollguard.json"),
                "rollguard.local-users.realm-file");
        // the tests' opt-in on profile prod
        assertRefused("prod-opt-in", db, List.of(OWN_KEY, "--spring.profiles.active=prod",
                "--rollguard.dev-defaults.allowed=true"), "rollguard.dev-defaults.allowed");

        // with values of its own the same profile starts, and without the dev realm it has no local users
        RollguardProcess own = RollguardProcess.withoutDevDefaultsOptIn("rollguard-dev-defaults-own",
                args(db, List.of(OWN_KEY)));
        try {
            own.start();
            assertThat(new io.rollguard.support.Api(own.baseUrl()).get("admin", "/api/apps").status()).isEqualTo(401);
        } finally {
            own.stop();
        }
    }

    static List<String> args(String db, List<String> extra) {
        List<String> args = new ArrayList<>(List.of("--spring.profiles.active=postgres", "--spring.datasource.url=" + db,
                "--spring.datasource.username=" + PostgresDatabase.USER,
                "--spring.datasource.password=an-operator-password"));
        args.addAll(extra);
        return args;
    }

    static String devKey() throws Exception {
        String line = Files.readAllLines(NodeRedSlots.PROJECT.resolve("stack/dev-defaults.yaml")).stream()
                .filter(l -> l.trim().startsWith("key: ${ROLLGUARD_SECRET_KEY:")).findFirst().orElseThrow();
        return line.substring(line.indexOf("${ROLLGUARD_SECRET_KEY:") + "${ROLLGUARD_SECRET_KEY:".length(),
                line.lastIndexOf('}'));
    }

    static void assertRefused(String name, String db, List<String> extra, String property) throws Exception {
        Files.deleteIfExists(NodeRedSlots.PROJECT.resolve("target/rollguard-dev-defaults-" + name + ".log"));
        RollguardProcess rollguard = RollguardProcess.withoutDevDefaultsOptIn("rollguard-dev-defaults-" + name,
                args(db, extra));

        int exit = rollguard.runUntilExit(Duration.ofSeconds(90));

        assertThat(exit).as(rollguard.log()).isNotZero();
        assertThat(rollguard.log()).contains("Refusing to start on profile").contains(property)
                .doesNotContain("Started RollguardApplication");
    }
}
