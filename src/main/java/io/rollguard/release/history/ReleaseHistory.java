package io.rollguard.release.history;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import io.rollguard.release.StoredText;

/**
 * The one place every decision and state change of a release is written and read back. A fact is
 * stored as its type, actor and detail texts (what the audit trail hashes) and as JSON of its
 * fields (what readers get back).
 */
@Repository
public class ReleaseHistory {

    private final JdbcTemplate jdbc;
    private final ApplicationEventPublisher events;

    ReleaseHistory(JdbcTemplate jdbc, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    /** The audit trail listens to the event published here and appends in this same transaction. */
    @Transactional
    public void record(String releaseId, ReleaseFact fact) {
        if (fact instanceof ReleaseFact.Unrecognized) {
            throw new IllegalArgumentException("An unrecognized fact is only read back from old rows, never recorded");
        }
        Instant at = Instant.now();
        String type = fact.type();
        String actor = fact.actor();
        String detail = StoredText.clip(fact.detail());
        jdbc.update("insert into rg_release_event (release_id, at, type, actor, detail, fact) values (?, ?, ?, ?, ?, ?)",
                releaseId, Timestamp.from(at), type, actor, detail, FactJson.write(fact));
        events.publishEvent(new ReleaseEventRecorded(releaseId, at, type, actor, detail, fact));
    }

    /** Oldest first. */
    public List<ReleaseEvent> of(String releaseId) {
        return jdbc.query("select at, type, actor, detail, fact from rg_release_event where release_id = ? order by id",
                (rs, n) -> event(rs.getTimestamp("at").toInstant(), rs.getString("type"), rs.getString("actor"),
                        rs.getString("detail"), rs.getString("fact")),
                releaseId);
    }

    /**
     * Rows from before the fact column were converted when it was added (070 changelog); a row
     * without JSON can still come from a node of the previous version during a rolling upgrade,
     * and is read from its texts the same way.
     */
    private static ReleaseEvent event(Instant at, String type, String actor, String detail, String json) {
        ReleaseFact fact = json == null ? LegacyFacts.parse(type, actor, detail) : FactJson.read(json);
        return new ReleaseEvent(at, type, actor, detail, fact);
    }
}
