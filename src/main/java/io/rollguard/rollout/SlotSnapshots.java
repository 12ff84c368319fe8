package io.rollguard.rollout;

import java.sql.Timestamp;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.rollguard.app.SlotName;
import io.rollguard.platform.SlotEnvironment;

@Repository
public class SlotSnapshots {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JdbcTemplate jdbc;

    SlotSnapshots(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The first snapshot of a release wins: a retried step must not overwrite the state before the release. */
    void saveIfAbsent(SlotSnapshot s) {
        if (find(s.releaseId(), s.slot()).isEmpty()) {
            jdbc.update("insert into rg_slot_snapshot (release_id, slot, flows, flows_hash, canary_weight, taken_at, "
                    + "environment) values (?, ?, ?, ?, ?, ?, ?)", s.releaseId(), s.slot().id(), s.flows(), s.flowsHash(),
                    s.canaryWeight(), Timestamp.from(s.takenAt()), write(s.environment()));
        }
    }

    public Optional<SlotSnapshot> find(String releaseId, SlotName slot) {
        return jdbc.query("select * from rg_slot_snapshot where release_id = ? and slot = ?",
                (rs, n) -> new SlotSnapshot(rs.getString("release_id"), SlotName.valueOf(rs.getString("slot").toUpperCase()),
                        rs.getString("flows"), rs.getString("flows_hash"), rs.getInt("canary_weight"),
                        rs.getTimestamp("taken_at").toInstant(), read(rs.getString("environment"))),
                releaseId, slot.id()).stream().findFirst();
    }

    /** Stored as {"values":{name:value},"secrets":{name:reference}}: a secret's value has no place here. */
    private record StoredEnvironment(Map<String, String> values, Map<String, String> secrets) {
    }

    private static String write(SlotEnvironment environment) {
        if (environment == null) {
            return null;
        }
        Map<String, String> references = new TreeMap<>();
        environment.secrets().forEach((name, secret) -> references.put(name, secret.reference()));
        try {
            return JSON.writeValueAsString(new StoredEnvironment(environment.values(), references));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SlotEnvironment read(String json) {
        if (json == null) {
            return null;
        }
        try {
            StoredEnvironment stored = JSON.readValue(json, new TypeReference<StoredEnvironment>() {
            });
            Map<String, SlotEnvironment.Secret> secrets = new TreeMap<>();
            stored.secrets().forEach((name, reference) -> secrets.put(name, new SlotEnvironment.Secret(reference, null)));
            return new SlotEnvironment(stored.values(), secrets);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the environment of a slot snapshot is unreadable JSON", e);
        }
    }
}
