package io.rollguard.rollout;

import java.sql.Timestamp;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import io.rollguard.app.SlotName;

@Repository
public class SlotSnapshots {

    private final JdbcTemplate jdbc;

    SlotSnapshots(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The first snapshot of a release wins: a retried step must not overwrite the state before the release. */
    void saveIfAbsent(SlotSnapshot s) {
        if (find(s.releaseId(), s.slot()).isEmpty()) {
            jdbc.update("insert into rg_slot_snapshot (release_id, slot, flows, flows_hash, canary_weight, taken_at) "
                    + "values (?, ?, ?, ?, ?, ?)", s.releaseId(), s.slot().id(), s.flows(), s.flowsHash(),
                    s.canaryWeight(), Timestamp.from(s.takenAt()));
        }
    }

    public Optional<SlotSnapshot> find(String releaseId, SlotName slot) {
        return jdbc.query("select * from rg_slot_snapshot where release_id = ? and slot = ?",
                (rs, n) -> new SlotSnapshot(rs.getString("release_id"), SlotName.valueOf(rs.getString("slot").toUpperCase()),
                        rs.getString("flows"), rs.getString("flows_hash"), rs.getInt("canary_weight"),
                        rs.getTimestamp("taken_at").toInstant()),
                releaseId, slot.id()).stream().findFirst();
    }
}
