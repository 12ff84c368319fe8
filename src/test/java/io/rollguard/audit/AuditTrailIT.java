package io.rollguard.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.rollguard.release.ReleaseState;
import io.rollguard.release.history.ReleaseFact;
import io.rollguard.release.history.ReleaseHistory;
import io.rollguard.support.Api;
import io.rollguard.support.AppRegistrations;
import io.rollguard.support.NodeRedSlots;
import io.rollguard.support.PostgresDatabase;

/**
 * The audit trail on a real PostgreSQL: every release event lands in the chain in the same
 * transaction, the database refuses changes, and a row changed behind the application's back is
 * found by "verify" with its id. No Node-RED: the slots are unreachable, so a release approved
 * here fails its preflight, which is one more decision to record.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false"})
@ActiveProfiles("postgres")
class AuditTrailIT {

    static final List<String> USERS = List.of("alice", "bob", "carol", "dave", "erin", "frank", "admin", "zoe", "ada");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresDatabase.register(registry, "rollguard_it_audit");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ReleaseHistory history;
    @Autowired
    AuditTrail trail;
    @Autowired
    TransactionTemplate tx;
    Api api;

    @BeforeEach
    void registerApp() {
        api = new Api("http://127.0.0.1:" + port);
        freeTheApp();
        Api.Response r = api.putJson("admin", "/api/apps/expenses", AppRegistrations.withoutSlots("1.0.0"));
        assertThat(r.status()).as(r.body()).isIn(200, 201);
    }

    /** Test fixture: the app takes one release at a time; the product never edits its tables like this. */
    void freeTheApp() {
        jdbc.update("update rg_release set state = 'ABORTED' where state not in "
                + "('REJECTED','PREFLIGHT_FAILED','PROMOTED','ROLLED_BACK','ABORTED')");
    }

    /** Submitted, and its first step (a job after the submission) run, so the trail holds all it will before approval. */
    String submit() {
        freeTheApp();
        Api.Response r = api.submitExample("alice", "1.1.0");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        api.awaitFirstStep(r.json().path("processInstanceId").asText());
        return r.json().path("id").asText();
    }

    long entries() {
        return jdbc.queryForObject("select count(*) from rg_audit_entry", Long.class);
    }

    @Test
    void everyReleaseEventIsInTheTrailWithItsActorAndTheChainVerifies() {
        // given
        Api.Response submitted = api.submitExample("alice", "1.1.0");
        String id = submitted.json().path("id").asText();
        String pi = submitted.json().path("processInstanceId").asText();
        JsonNode task = await().atMost(Duration.ofSeconds(20)).until(
                () -> api.get("bob", "/engine-rest/task?processInstanceId=" + pi).json(), t -> t.size() > 0).get(0);

        // when bob approves and the preflight fails on the unreachable slots
        assertThat(api.postJson("bob", "/engine-rest/task/" + task.path("id").asText() + "/complete",
                "{\"variables\":{\"decision\":{\"value\":\"approve\"},\"comment\":{\"value\":\"fine\"}}}").status())
                .isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).until(
                () -> api.get("alice", "/api/releases/" + id).json().path("state").asText(), "PREFLIGHT_FAILED"::equals);

        // then the trail holds exactly the release's history, in order, with who decided
        JsonNode history = api.get("alice", "/api/releases/" + id).json().path("history");
        List<AuditEntry> audit = trail.ofRelease(id);
        assertThat(audit).hasSize(history.size());
        for (int i = 0; i < audit.size(); i++) {
            assertThat(audit.get(i).type()).isEqualTo(history.get(i).path("type").asText());
            assertThat(audit.get(i).detail()).isEqualTo(history.get(i).path("detail").asText(null));
        }
        assertThat(audit).extracting(AuditEntry::type).contains("SUBMITTED", "APPROVED", "PREFLIGHT_CHECK", "STATE");
        assertThat(audit).filteredOn(e -> e.type().equals("SUBMITTED")).extracting(AuditEntry::actor).containsExactly("alice");
        assertThat(audit).filteredOn(e -> e.type().equals("APPROVED")).extracting(AuditEntry::actor).containsExactly("bob");
        JsonNode verified = api.get("erin", "/api/audit/verify").json();
        assertThat(verified.path("ok").asBoolean()).as(verified.toString()).isTrue();
        assertThat(verified.path("checked").asLong()).isEqualTo(entries());
    }

    @Test
    void whyAReleaseIsHighRiskIsInTheTrailAndItsExports() {
        // given the sample's functions read the database client, and with its slots unreachable the
        // release is compared with nothing live: every one of them is added code the node policy marks
        String id = submit();

        // then the trail has the node policy's reasons, one line per node, as approvers were told them
        List<AuditEntry> highRisk = trail.ofRelease(id).stream().filter(e -> e.type().equals("HIGH_RISK")).toList();
        assertThat(highRisk).singleElement().satisfies(e -> {
            assertThat(e.actor()).isNull();
            assertThat(e.detail().split("\n")).allMatch(line -> line.startsWith("high-risk: adds function"));
            assertThat(e.detail()).contains("database client");
        });
        AuditEntry entry = highRisk.get(0);
        // and the history reads it back typed, and both exports carry it
        JsonNode fact = null;
        for (JsonNode e : api.get("alice", "/api/releases/" + id).json().path("history")) {
            if (e.path("type").asText().equals("HIGH_RISK")) {
                fact = e;
            }
        }
        assertThat(fact).as("HIGH_RISK in the release's history").isNotNull();
        assertThat(fact.path("detail").asText()).isEqualTo(entry.detail());
        assertThat(fact.path("fact").path("nodes").size()).isEqualTo(entry.detail().split("\n").length);
        assertThat(api.get("erin", "/api/audit/export?format=csv").body())
                .contains(",\"HIGH_RISK\",," + AuditExport.csv(entry.detail()) + "," + entry.prevHash() + "," + entry.hash());
        boolean exported = false;
        for (JsonNode e : api.get("erin", "/api/audit/export?format=json").json().path("entries")) {
            exported |= e.path("id").asLong() == entry.id() && e.path("type").asText().equals("HIGH_RISK")
                    && e.path("detail").asText().equals(entry.detail());
        }
        assertThat(exported).as("HIGH_RISK entry in the JSON export").isTrue();
    }

    @Test
    void anEventWhoseTransactionRollsBackLeavesNoAuditEntry() {
        // given
        String id = submit();
        long before = entries();

        // when
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> {
            history.record(id, new ReleaseFact.StateChanged(ReleaseState.ABORTED, "never committed"));
            throw new IllegalStateException("the change fails after its event was written");
        })).isInstanceOf(IllegalStateException.class);

        // then
        assertThat(entries()).isEqualTo(before);
    }

    @Test
    void concurrentWritersDoNotForkTheChain() throws Exception {
        // given
        String id = submit();
        long before = entries();
        int threads = 8;
        int each = 25;

        // when
        List<Thread> writers = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            int writer = t;
            Thread thread = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    try {
                        history.record(id, new ReleaseFact.RestorationRepaired("writer" + writer, "event " + i));
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
            });
            writers.add(thread);
            thread.start();
        }
        for (Thread thread : writers) {
            thread.join();
        }

        // then
        assertThat(failures).isEmpty();
        assertThat(entries()).isEqualTo(before + threads * each);
        assertThat(jdbc.queryForObject("select count(distinct prev_hash) from rg_audit_entry", Long.class))
                .isEqualTo(entries());
        AuditVerification v = trail.verify(AuditPeriod.BEGINNING, AuditPeriod.END);
        assertThat(v.ok()).as(v.problem()).isTrue();
        assertThat(v.checked()).isEqualTo(entries());
    }

    @Test
    void theDatabaseRefusesToUpdateOrDeleteAuditEntries() {
        // given
        submit();

        // when / then
        assertThatThrownBy(() -> jdbc.update("update rg_audit_entry set actor = 'mallory'"))
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.update("delete from rg_audit_entry")).hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.execute("truncate rg_audit_entry")).hasMessageContaining("append-only");
    }

    @Test
    void aRowEditedDirectlyInTheDatabaseIsReportedWithItsId() {
        // given an entry in the middle of the chain, changed by someone who can switch the trigger off
        submit();
        submit();
        long target = jdbc.queryForObject("select min(seq) from rg_audit_entry where type = 'SUBMITTED'", Long.class);
        String original = jdbc.queryForObject("select actor from rg_audit_entry where seq = ?", String.class, target);
        behindTheApplicationsBack("update rg_audit_entry set actor = 'mallory' where seq = " + target);
        try {
            // when
            Api.Response r = api.get("erin", "/api/audit/verify");

            // then
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().path("ok").asBoolean()).isFalse();
            assertThat(r.json().path("firstBrokenId").asLong()).isEqualTo(target);
            assertThat(r.json().path("checked").asLong()).isEqualTo(target - 1);
            assertThat(r.json().path("problem").asText()).contains("altered");
        } finally {
            behindTheApplicationsBack("update rg_audit_entry set actor = '" + original + "' where seq = " + target);
        }
        assertThat(trail.verify(AuditPeriod.BEGINNING, AuditPeriod.END).ok()).isTrue();
    }

    @Test
    void aRowDeletedDirectlyInTheDatabaseIsReportedAtTheEntryAfterTheGap() {
        // given
        submit();
        long target = jdbc.queryForObject("select max(seq) from rg_audit_entry", Long.class) - 1;
        Map<String, Object> row = jdbc.queryForMap("select * from rg_audit_entry where seq = ?", target);
        behindTheApplicationsBack("delete from rg_audit_entry where seq = " + target);
        try {
            // when
            AuditVerification v = trail.verify(AuditPeriod.BEGINNING, AuditPeriod.END);

            // then
            assertThat(v.ok()).isFalse();
            assertThat(v.firstBrokenId()).isEqualTo(target + 1);
            assertThat(v.problem()).contains("entry " + target + " before it is missing");
        } finally {
            jdbc.update("insert into rg_audit_entry (seq, at, release_id, type, actor, detail, prev_hash, hash) "
                    + "values (?, ?, ?, ?, ?, ?, ?, ?)", row.get("seq"), row.get("at"), row.get("release_id"),
                    row.get("type"), row.get("actor"), row.get("detail"), row.get("prev_hash"), row.get("hash"));
        }
        assertThat(trail.verify(AuditPeriod.BEGINNING, AuditPeriod.END).ok()).isTrue();
    }

    @Test
    void verifyingAPeriodChecksOnlyItsEntriesAndTheLinkIntoIt() {
        // given
        submit();
        Instant middle = Instant.now();
        await().until(() -> Instant.now().isAfter(middle.plusMillis(5)));
        String later = submit();
        long inPeriod = jdbc.queryForObject("select count(*) from rg_audit_entry where at >= ?", Long.class,
                java.sql.Timestamp.from(middle));

        // when
        JsonNode v = api.get("erin", "/api/audit/verify?from=" + middle).json();

        // then
        assertThat(v.path("ok").asBoolean()).isTrue();
        assertThat(v.path("checked").asLong()).isEqualTo(inPeriod).isGreaterThanOrEqualTo(trail.ofRelease(later).size());
    }

    @Test
    void theJsonExportCanBeVerifiedWithoutRollguard() throws Exception {
        // given
        submit();

        // when
        Api.Response r = api.get("erin", "/api/audit/export?format=json");

        // then every hash is the sha256 of the documented canonical form and links to the one before
        assertThat(r.status()).isEqualTo(200);
        JsonNode entries = r.json().path("entries");
        assertThat(entries.size()).isEqualTo(entries());
        ObjectMapper mapper = new ObjectMapper();
        String previous = "0".repeat(64);
        for (JsonNode e : entries) {
            List<Object> canonical = java.util.Arrays.asList(e.path("id").asLong(), e.path("at").asText(),
                    e.path("releaseId").asText(null), e.path("type").asText(), e.path("actor").asText(null),
                    e.path("detail").asText(null), e.path("prevHash").asText());
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(mapper.writeValueAsString(canonical).getBytes(StandardCharsets.UTF_8)));
            assertThat(e.path("hash").asText()).isEqualTo(hash);
            assertThat(e.path("prevHash").asText()).isEqualTo(previous);
            previous = hash;
        }
    }

    @Test
    void theCsvExportHasOneRecordPerEntryWithBothHashes() {
        // given
        String id = submit();

        // when
        Api.Response r = api.get("admin", "/api/audit/export?format=csv&from=2000-01-01&to=2999-12-31");

        // then
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/csv");
        assertThat(r.header("Content-Disposition")).contains("attachment", ".csv");
        List<String> records = csvRecords(r.body());
        assertThat(records.get(0)).isEqualTo("id,at,release_id,type,actor,detail,prev_hash,hash");
        // a detail may span lines (HIGH_RISK has one per node): inside its quotes, still one record
        assertThat(records).hasSize((int) entries() + 1);
        AuditEntry submitted = trail.ofRelease(id).get(0);
        assertThat(r.body()).contains(submitted.id() + "," + submitted.at() + ",\"" + id + "\",\"SUBMITTED\",\"alice\","
                + "\"expenses 1.1.0\"," + submitted.prevHash() + "," + submitted.hash());
    }

    @Test
    void aMalformedPeriodOrFormatIsABadRequestNamingTheParameter() {
        Api.Response r = api.get("erin", "/api/audit/verify?from=yesterday");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("violations").get(0).path("path").asText()).isEqualTo("from");
        r = api.get("erin", "/api/audit/verify?from=2026-02-01&to=2026-01-01");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("violations").get(0).path("path").asText()).isEqualTo("to");
        r = api.get("erin", "/api/audit/export?format=xml");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("violations").get(0).path("path").asText()).isEqualTo("format");
    }

    @Test
    void onlyAuditorsAndAdminsReadTheTrail() {
        String id = submit();
        for (String user : USERS) {
            boolean allowed = List.of("erin", "admin", "ada").contains(user);
            for (String path : List.of("/api/audit/verify", "/api/audit/export", "/api/audit/export?format=json",
                    "/api/audit/releases/" + id)) {
                Api.Response r = api.get(user, path);
                assertThat(r.status()).as(user + " " + path).isEqualTo(allowed ? 200 : 403);
                if (!allowed) {
                    assertThat(r.header("Content-Type")).contains("application/problem+json");
                }
            }
        }
        assertThat(api.get(null, "/api/audit/verify").status()).isEqualTo(401);
        assertThat(api.get(null, "/api/audit/export").status()).isEqualTo(401);
    }

    /** What a database administrator could do; the product never does this. */
    /** The records of a CSV text: a line break inside quotes belongs to its cell. */
    static List<String> csvRecords(String csv) {
        List<String> records = new ArrayList<>();
        StringBuilder record = new StringBuilder();
        boolean quoted = false;
        for (char c : csv.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == '\n' && !quoted) {
                records.add(record.toString());
                record.setLength(0);
            } else {
                record.append(c);
            }
        }
        if (!record.isEmpty()) {
            records.add(record.toString());
        }
        return records;
    }

    private void behindTheApplicationsBack(String sql) {
        jdbc.execute("alter table rg_audit_entry disable trigger rg_audit_entry_append_only");
        try {
            jdbc.execute(sql);
        } finally {
            jdbc.execute("alter table rg_audit_entry enable trigger rg_audit_entry_append_only");
        }
    }
}
