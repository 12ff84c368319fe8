package io.rollguard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import io.rollguard.release.ReleaseState;
import io.rollguard.release.history.ReleaseFact;
import io.rollguard.release.history.ReleaseHistory;
import io.rollguard.support.PostgresDatabase;

/**
 * Benchmark harness, not a test: run with {@code ./rollguard bench}. 10 000 generated releases on
 * PostgreSQL (three history events each, all in the audit chain); sequential requests from one
 * client on loopback with a signed-in session, so the times are server time plus a loopback round
 * trip. Asserts the portal's budget (p95 under 300 ms) for the list and the release page and checks
 * that filters and pagination count right.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false"})
@ActiveProfiles("postgres")
class PortalBenchmark {

    static final int RELEASES = 10_000;
    static final String[] APPS = {"expenses", "bench-a", "bench-b", "bench-c", "bench-d"};
    static final String[] STATES = {"PROMOTED", "PROMOTED", "PROMOTED", "ROLLED_BACK", "REJECTED", "ABORTED",
            "PREFLIGHT_FAILED", "PROMOTED"};
    static final LocalDate FIRST_DAY = LocalDate.of(2026, 1, 1);

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresDatabase.register(registry, "rollguard_bench_portal");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ReleaseHistory history;
    @Autowired
    TransactionTemplate tx;

    @Test
    void measure() throws Exception {
        long t0 = System.nanoTime();
        List<String> ids = generate();
        System.out.printf("BENCH portal: generated %d releases, %d audit entries in %.1f s%n", RELEASES,
                jdbc.queryForObject("select count(*) from rg_audit_entry", Long.class), (System.nanoTime() - t0) / 1e9);

        PortalSession erin = new PortalSession(port, "erin");
        PortalSession alice = new PortalSession(port, "alice");
        String someId = ids.get(RELEASES / 2);

        // filters and pagination count right
        assertThat(erin.get("/releases").body()).contains(">10000<");
        assertThat(erin.get("/releases?app=bench-a").body()).contains(">2000<");
        assertThat(erin.get("/releases?app=bench-a&state=ROLLED_BACK").body()).contains(">" + expected("bench-a", "ROLLED_BACK", null) + "<");
        assertThat(erin.get("/releases?requester=zoe&from=2026-02-01&to=2026-02-28").body())
                .contains(">" + expected(null, null, "zoe", LocalDate.of(2026, 2, 1), LocalDate.of(2026, 2, 28)) + "<");
        assertThat(erin.get("/releases?page=399").body()).contains("Page <span>400</span> of <span>400</span>");
        assertThat(alice.get("/releases").body()).contains(">6000<"); // she owns expenses, bench-a and bench-b

        List<Long> list = new ArrayList<>();
        List<Long> filtered = new ArrayList<>();
        List<Long> deep = new ArrayList<>();
        List<Long> page = new ArrayList<>();
        List<Long> ownerList = new ArrayList<>();
        List<Long> csv = new ArrayList<>();
        for (int warm = 0; warm < 30; warm++) {
            erin.get("/releases");
            erin.get("/releases/" + ids.get(warm));
        }
        for (int i = 0; i < 200; i++) {
            list.add(erin.time("/releases?page=" + (i % 20)));
            filtered.add(erin.time("/releases?app=" + APPS[i % APPS.length] + "&state=" + STATES[i % STATES.length]
                    + "&requester=" + (i % 2 == 0 ? "alice" : "zoe") + "&from=2026-01-15&to=2026-03-15"));
            deep.add(erin.time("/releases?page=" + (300 + i % 100)));
            page.add(erin.time("/releases/" + ids.get((i * 37) % RELEASES)));
            ownerList.add(alice.time("/releases?page=" + (i % 20)));
        }
        for (int i = 0; i < 10; i++) {
            csv.add(erin.time("/audit/export?format=csv"));
        }
        report("release list, page 1-20", list);
        report("release list, 4 filters", filtered);
        report("release list, page 301-400", deep);
        report("release list as an owner", ownerList);
        report("release page", page);
        report("CSV export, whole trail", csv);
        System.out.printf("BENCH portal: CSV export of the whole trail is %d bytes%n",
                erin.get("/audit/export?format=csv").body().length());
        assertThat(p(list, 95)).isLessThan(300);
        assertThat(p(filtered, 95)).isLessThan(300);
        assertThat(p(deep, 95)).isLessThan(300);
        assertThat(p(ownerList, 95)).isLessThan(300);
        assertThat(p(page, 95)).isLessThan(300);
        assertThat(erin.get("/releases/" + someId).status()).isEqualTo(200);
    }

    /** Fixture rows as the product would have stored them; history goes through the product's one write path. */
    private List<String> generate() {
        Instant now = Instant.now();
        for (int a = 0; a < APPS.length; a++) {
            jdbc.update("insert into rg_app (app_key, owners, stable_admin_url, stable_traffic_url, canary_admin_url, "
                    + "canary_traffic_url, admin_token, route, current_version, updated_at) values (?, ?, 'http://127.0.0.1:9/admin', "
                    + "'http://127.0.0.1:9/app', 'http://127.0.0.1:10/admin', 'http://127.0.0.1:10/app', 'x', ?, '1.0.0', ?)",
                    APPS[a], a < 3 ? "alice,zoe" : "zoe", APPS[a], Timestamp.from(now));
        }
        List<String> ids = new ArrayList<>();
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < RELEASES; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            Instant created = created(i);
            rows.add(new Object[] {id, APPS[i % APPS.length], "1." + (i / 1000) + "." + (i % 1000), i % 2 == 0 ? "alice" : "zoe",
                    STATES[i % STATES.length], "ordinary", "generated release " + i, "app: x", "[]", "0".repeat(64),
                    Timestamp.from(created), Timestamp.from(created)});
        }
        jdbc.batchUpdate("insert into rg_release (id, app_key, version, requester, state, change_classes, description, "
                + "descriptor_yaml, artifact, artifact_sha256, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows);
        for (int from = 0; from < RELEASES; from += 500) {
            int start = from;
            tx.executeWithoutResult(s -> {
                for (int i = start; i < Math.min(start + 500, RELEASES); i++) {
                    history.record(ids.get(i), new ReleaseFact.Submitted(APPS[i % APPS.length],
                            "1." + (i / 1000) + "." + (i % 1000), i % 2 == 0 ? "alice" : "zoe"));
                    history.record(ids.get(i), new ReleaseFact.Approved("approver", "bob", "generated"));
                    history.record(ids.get(i), new ReleaseFact.StateChanged(ReleaseState.valueOf(STATES[i % STATES.length]), null));
                }
            });
        }
        return ids;
    }

    static Instant created(int i) {
        // spread over 100 days from 2026-01-01, one every 864 s
        return FIRST_DAY.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(864L * i);
    }

    static long expected(String app, String state, String requester) {
        return expected(app, state, requester, null, null);
    }

    static long expected(String app, String state, String requester, LocalDate from, LocalDate to) {
        long n = 0;
        for (int i = 0; i < RELEASES; i++) {
            LocalDate day = created(i).atZone(ZoneOffset.UTC).toLocalDate();
            if ((app == null || APPS[i % APPS.length].equals(app)) && (state == null || STATES[i % STATES.length].equals(state))
                    && (requester == null || (i % 2 == 0 ? "alice" : "zoe").equals(requester))
                    && (from == null || !day.isBefore(from)) && (to == null || !day.isAfter(to))) {
                n++;
            }
        }
        return n;
    }

    static double p(List<Long> nanos, int percentile) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get((int) Math.ceil(sorted.size() * percentile / 100.0) - 1) / 1e6;
    }

    static void report(String what, List<Long> nanos) {
        System.out.printf("BENCH portal %-28s %4d sequential requests: median %.1f ms, p95 %.1f ms%n", what, nanos.size(),
                p(nanos, 50), p(nanos, 95));
    }
}
