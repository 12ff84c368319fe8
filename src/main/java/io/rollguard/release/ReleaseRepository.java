package io.rollguard.release;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

@Repository
public class ReleaseRepository {

    private static final String COLUMNS = """
            id, app_key, version, requester, state, change_classes, description, descriptor_yaml, artifact,
            artifact_sha256, process_instance_id, current_step, current_weight, previous_version, created_at,
            updated_at""";

    private final JdbcTemplate jdbc;

    ReleaseRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Release r) {
        jdbc.update("insert into rg_release (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                r.id(), r.appKey(), r.version(), r.requester(), r.state().name(), String.join(",", r.changeClasses()),
                r.description(), r.descriptorYaml(), r.artifact(), r.artifactSha256(), r.processInstanceId(),
                r.currentStep(), r.currentWeight(), r.previousVersion(), Timestamp.from(r.createdAt()),
                Timestamp.from(r.updatedAt()));
    }

    /** The classes the lifecycle settled on: declared in the descriptor and derived from the flows. */
    void setChangeClasses(String id, List<String> classes) {
        jdbc.update("update rg_release set change_classes = ? where id = ?", String.join(",", classes), id);
    }

    public Optional<Release> find(String id) {
        return jdbc.query("select " + COLUMNS + " from rg_release where id = ?", ReleaseRepository::map, id)
                .stream().findFirst();
    }

    public Release get(String id) {
        return find(id).orElseThrow(() -> new IllegalStateException("Release " + id + " does not exist"));
    }

    /** List rows leave out the two large columns; a page of 25 must not drag 25 artifacts along. */
    private static final String LIST_COLUMNS = COLUMNS.replace("descriptor_yaml, artifact,",
            "null as descriptor_yaml, null as artifact,");
    private static final String UNFINISHED = "('REJECTED','PREFLIGHT_FAILED','PROMOTED','ROLLED_BACK','ABORTED')";

    /** Newest first; {@code apps} null means every app, otherwise only these (empty: none). */
    List<Release> search(ReleaseFilter f, Collection<String> apps, int offset, int limit) {
        List<Object> args = new ArrayList<>();
        String where = where(f, apps, args);
        args.add(limit);
        args.add(offset);
        return jdbc.query("select " + LIST_COLUMNS + " from rg_release" + where
                + " order by created_at desc, id limit ? offset ?", ReleaseRepository::map, args.toArray());
    }

    long count(ReleaseFilter f, Collection<String> apps) {
        List<Object> args = new ArrayList<>();
        String where = where(f, apps, args);
        return jdbc.queryForObject("select count(*) from rg_release" + where, Long.class, args.toArray());
    }

    private static String where(ReleaseFilter f, Collection<String> apps, List<Object> args) {
        List<String> conditions = new ArrayList<>();
        if (apps != null) {
            if (apps.isEmpty()) {
                conditions.add("1 = 0");
            } else {
                conditions.add("app_key in (" + String.join(",", Collections.nCopies(apps.size(), "?")) + ")");
                args.addAll(apps);
            }
        }
        if (f.app() != null) {
            conditions.add("app_key = ?");
            args.add(f.app());
        }
        if (f.state() != null) {
            conditions.add("state = ?");
            args.add(f.state().name());
        }
        if (f.inFlightOnly()) {
            conditions.add("state not in " + UNFINISHED);
        }
        if (f.requester() != null) {
            conditions.add("requester = ?");
            args.add(f.requester());
        }
        if (f.from() != null) {
            conditions.add("created_at >= ?");
            args.add(Timestamp.from(f.from().atStartOfDay(ZoneOffset.UTC).toInstant()));
        }
        if (f.to() != null) {
            conditions.add("created_at < ?");
            args.add(Timestamp.from(f.to().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
        }
        return conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions);
    }

    /** The release of this app that has not finished yet, if any. */
    Optional<Release> findInFlight(String appKey) {
        return jdbc.query("select " + COLUMNS + " from rg_release where app_key = ? and state not in "
                        + "('REJECTED','PREFLIGHT_FAILED','PROMOTED','ROLLED_BACK','ABORTED')",
                ReleaseRepository::map, appKey).stream().findFirst();
    }

    void setProcessInstance(String id, String processInstanceId) {
        jdbc.update("update rg_release set process_instance_id = ? where id = ?", processInstanceId, id);
    }

    public void updateState(String id, ReleaseState state) {
        jdbc.update("update rg_release set state = ?, updated_at = ? where id = ?", state.name(),
                Timestamp.from(Instant.now()), id);
    }

    public void updateStep(String id, Integer step, Integer weight) {
        jdbc.update("update rg_release set current_step = ?, current_weight = ?, updated_at = ? where id = ?",
                step, weight, Timestamp.from(Instant.now()), id);
    }

    public void updatePreviousVersion(String id, String previousVersion) {
        jdbc.update("update rg_release set previous_version = ? where id = ?", previousVersion, id);
    }

    /** Takes a row lock on the app so two submissions for it are decided one after the other. */
    void lockApp(String appKey) {
        jdbc.queryForList("select app_key from rg_app where app_key = ? for update", appKey);
    }

    private static Release map(ResultSet rs, int row) throws SQLException {
        return new Release(
                rs.getString("id"),
                rs.getString("app_key"),
                rs.getString("version"),
                rs.getString("requester"),
                ReleaseState.valueOf(rs.getString("state")),
                Arrays.asList(rs.getString("change_classes").split(",")),
                rs.getString("description"),
                rs.getString("descriptor_yaml"),
                rs.getString("artifact"),
                rs.getString("artifact_sha256"),
                rs.getString("process_instance_id"),
                (Integer) rs.getObject("current_step"),
                (Integer) rs.getObject("current_weight"),
                rs.getString("previous_version"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
