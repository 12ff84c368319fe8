package io.rollguard.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

import io.rollguard.app.SlotName;
import io.rollguard.platform.SlotEnvironment;
import io.rollguard.platform.SlotEnvironment.Secret;

/** A slot snapshot keeps the managed environment it was taken with, and never a secret's value. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:rollguard-snapshot-env;DB_CLOSE_DELAY=-1",
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false", "camunda.bpm.job-execution.enabled=false"})
class SlotSnapshotEnvironmentOnH2Test {

    static final String SECRET = "never-st0red-value";

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    SlotSnapshots snapshots;

    @Test
    void theEnvironmentRoundTripsWithSecretReferencesOnlyAndOlderSnapshotsHaveNone() {
        // given a release (fixture rows, as the submit API would store them)
        jdbc.update("insert into rg_app (app_key, owners, stable_admin_url, stable_traffic_url, canary_admin_url, "
                + "canary_traffic_url, admin_token, route, updated_at) values ('envapp', 'alice', 'x', 'x', 'x', 'x', 'x', "
                + "'envapp', ?)", Timestamp.from(Instant.now()));
        jdbc.update("insert into rg_release (id, app_key, version, requester, state, change_classes, descriptor_yaml, "
                + "artifact, artifact_sha256, created_at, updated_at) values ('env-r1', 'envapp', '1.0.1', 'alice', "
                + "'AWAITING_APPROVAL', 'ordinary', 'app: envapp', '[]', 'x', ?, ?)",
                Timestamp.from(Instant.now()), Timestamp.from(Instant.now()));
        SlotEnvironment environment = new SlotEnvironment(Map.of("RATES_URL", "https://rates.example"),
                Map.of("RATES_KEY", new Secret("rates-api-key@1", SECRET)));
        Instant takenAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        // when
        snapshots.saveIfAbsent(new SlotSnapshot("env-r1", SlotName.CANARY, "[]", "h1", 0, takenAt, environment));
        snapshots.saveIfAbsent(new SlotSnapshot("env-r1", SlotName.CANARY, "[]", "h2", 0, takenAt, SlotEnvironment.EMPTY));
        snapshots.saveIfAbsent(new SlotSnapshot("env-r1", SlotName.STABLE, "[]", "h3", 0, takenAt, null));

        // then
        SlotSnapshot canary = snapshots.find("env-r1", SlotName.CANARY).orElseThrow();
        assertThat(canary.flowsHash()).isEqualTo("h1");
        assertThat(canary.environment()).isEqualTo(environment.withoutSecretValues());
        assertThat(jdbc.queryForObject("select environment from rg_slot_snapshot where release_id = 'env-r1' and slot = 'canary'",
                String.class)).isEqualTo("{\"values\":{\"RATES_URL\":\"https://rates.example\"},"
                        + "\"secrets\":{\"RATES_KEY\":\"rates-api-key@1\"}}");
        assertThat(snapshots.find("env-r1", SlotName.STABLE).orElseThrow().environment()).isNull();
    }
}
