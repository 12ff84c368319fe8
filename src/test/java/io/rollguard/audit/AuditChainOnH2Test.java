package io.rollguard.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

import io.rollguard.release.history.ReleaseFact;
import io.rollguard.release.history.ReleaseHistory;

/**
 * The embedded default (H2) serializes appends too: concurrent writers leave one unbroken chain.
 * PostgreSQL is covered, with the rest of the trail, by AuditTrailIT.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:rollguard-audit-h2;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false", "camunda.bpm.job-execution.enabled=false"})
class AuditChainOnH2Test {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ReleaseHistory history;
    @Autowired
    AuditTrail trail;

    @Test
    void concurrentWritersOnH2DoNotForkTheChain() throws Exception {
        // given a release to write events for (fixture rows, as the submit API would store them)
        jdbc.update("insert into rg_app (app_key, owners, stable_admin_url, stable_traffic_url, canary_admin_url, "
                + "canary_traffic_url, admin_token, route, updated_at) values ('h2app', 'alice', 'x', 'x', 'x', 'x', 'x', "
                + "'h2app', ?)", Timestamp.from(Instant.now()));
        jdbc.update("insert into rg_release (id, app_key, version, requester, state, change_classes, descriptor_yaml, "
                + "artifact, artifact_sha256, created_at, updated_at) values ('r1', 'h2app', '1.0.1', 'alice', "
                + "'AWAITING_APPROVAL', 'ordinary', 'app: h2app', '[]', 'x', ?, ?)",
                Timestamp.from(Instant.now()), Timestamp.from(Instant.now()));
        long before = jdbc.queryForObject("select count(*) from rg_audit_entry", Long.class);

        // when
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            int writer = t;
            writers.add(new Thread(() -> {
                for (int i = 0; i < 20; i++) {
                    try {
                        history.record("r1", new ReleaseFact.RestorationRepaired("writer" + writer, "event " + i));
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
            }));
        }
        writers.forEach(Thread::start);
        for (Thread w : writers) {
            w.join();
        }

        // then
        assertThat(failures).isEmpty();
        long entries = jdbc.queryForObject("select count(*) from rg_audit_entry", Long.class);
        assertThat(entries).isEqualTo(before + 120);
        assertThat(jdbc.queryForObject("select max(seq) from rg_audit_entry", Long.class)).isEqualTo(entries);
        AuditVerification v = trail.verify(AuditPeriod.BEGINNING, AuditPeriod.END);
        assertThat(v.ok()).as(v.problem()).isTrue();
        assertThat(v.checked()).isEqualTo(entries);
    }
}
