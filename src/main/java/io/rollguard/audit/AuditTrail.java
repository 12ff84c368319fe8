package io.rollguard.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Consumer;

import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import io.rollguard.release.history.ReleaseEventRecorded;

/**
 * The append-only, hash-chained record of every decision and state change. Entries are only ever
 * inserted; nothing here (or anywhere else in the application) updates or deletes them.
 */
@Service
public class AuditTrail {

    private static final String COLUMNS = "seq, at, release_id, type, actor, detail, prev_hash, hash";

    private final JdbcTemplate jdbc;

    AuditTrail(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Runs inside the transaction that writes the release event (MANDATORY: an entry without the
     * change it records, or the reverse, cannot be committed). The lock row serializes appends
     * until that transaction ends, so two writers never link to the same predecessor.
     */
    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    public void on(ReleaseEventRecorded event) {
        jdbc.queryForList("select id from rg_audit_lock where id = 1 for update");
        List<AuditEntry> last = jdbc.query("select " + COLUMNS + " from rg_audit_entry order by seq desc limit 1",
                AuditTrail::map);
        long id = last.isEmpty() ? 1 : last.get(0).id() + 1;
        String prevHash = last.isEmpty() ? AuditHash.GENESIS : last.get(0).hash();
        // taken under the lock so time order and chain order agree; millisecond precision survives every database
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String hash = AuditHash.of(id, at, event.releaseId(), event.type(), event.actor(), event.detail(), prevHash);
        jdbc.update("insert into rg_audit_entry (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?)", id,
                OffsetDateTime.ofInstant(at, ZoneOffset.UTC), event.releaseId(), event.type(), event.actor(),
                event.detail(), prevHash, hash);
    }

    public List<AuditEntry> ofRelease(String releaseId) {
        return jdbc.query("select " + COLUMNS + " from rg_audit_entry where release_id = ? order by seq",
                AuditTrail::map, releaseId);
    }

    /** Streams the entries of a period in chain order without holding them all in memory. */
    @Transactional(readOnly = true)
    public void forEach(Instant from, Instant to, Consumer<AuditEntry> consumer) {
        jdbc.query(con -> {
            var ps = con.prepareStatement("select " + COLUMNS
                    + " from rg_audit_entry where at >= ? and at < ? order by seq");
            ps.setObject(1, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
            ps.setObject(2, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
            ps.setFetchSize(1000);
            return ps;
        }, (org.springframework.jdbc.core.RowCallbackHandler) rs -> {
            consumer.accept(map(rs, 0));
        });
    }

    /**
     * Recomputes every hash of the period and checks each link, including the link from the
     * period's first entry to the entry before it. Stops at the first entry that does not hold.
     */
    @Transactional(readOnly = true)
    public AuditVerification verify(Instant from, Instant to) {
        ChainCheck check = new ChainCheck();
        forEach(from, to, entry -> {
            if (check.brokenId == null) {
                if (check.checked == 0) {
                    check.previous = entry.id() == 1 ? null : find(entry.id() - 1);
                    check.previousMissing = entry.id() > 1 && check.previous == null;
                }
                check.accept(entry);
            }
        });
        return new AuditVerification(from, to, check.brokenId == null, check.checked, check.brokenId, check.problem);
    }

    private AuditEntry find(long id) {
        return jdbc.query("select " + COLUMNS + " from rg_audit_entry where seq = ?", AuditTrail::map, id)
                .stream().findFirst().orElse(null);
    }

    private static final class ChainCheck {
        AuditEntry previous;
        boolean previousMissing;
        long checked;
        Long brokenId;
        String problem;

        void accept(AuditEntry e) {
            if (!AuditHash.of(e).equals(e.hash())) {
                broken(e, "its content does not match its hash: the entry was altered");
            } else if (previousMissing || (previous != null && previous.id() != e.id() - 1)) {
                broken(e, "entry " + (e.id() - 1) + " before it is missing: an entry was deleted");
            } else if (previous == null && !AuditHash.GENESIS.equals(e.prevHash())) {
                broken(e, "it is the first entry but does not start the chain");
            } else if (previous != null && !previous.hash().equals(e.prevHash())) {
                broken(e, "it does not link to entry " + previous.id() + ": an entry before it was altered or replaced");
            } else {
                checked++;
                previous = e;
                previousMissing = false;
            }
        }

        private void broken(AuditEntry e, String why) {
            brokenId = e.id();
            problem = "Entry " + e.id() + ": " + why;
        }
    }

    static AuditEntry map(ResultSet rs, int row) throws SQLException {
        return new AuditEntry(rs.getLong("seq"), rs.getObject("at", OffsetDateTime.class).toInstant(),
                rs.getString("release_id"), rs.getString("type"), rs.getString("actor"), rs.getString("detail"),
                rs.getString("prev_hash"), rs.getString("hash"));
    }
}
