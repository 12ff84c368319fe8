package io.rollguard.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

import io.rollguard.app.App;

/**
 * The flag changes of releases and the kill switch on the built-in store, against the real
 * database: the state before a release is remembered once, restoring reads the store back, every
 * change is in the flag history, and the in-memory copy follows writes made by another node.
 */
@SpringBootTest(properties = {"rollguard.router.port=0", "rollguard.sample-app.enabled=false"})
class FlagServiceIT {

    static final App APP = new App("flagged", Set.of("alice"), new App.Slot("http://127.0.0.1:9/admin",
            "http://127.0.0.1:9/app"), new App.Slot("http://127.0.0.1:9/admin", "http://127.0.0.1:9/app"),
            new App.AdminTokens("s", "c"), "flagged", "1.0.0");
    static final FlagDefinition EXPORT = FlagDefinition.booleanFlag("export");

    @Autowired
    FlagService flags;
    @Autowired
    BuiltinFlagStore store;
    @Autowired
    JdbcTemplate jdbc;

    @BeforeEach
    void noFlags() {
        // fixture rows, as registering the app and submitting its releases would store them
        if (jdbc.queryForObject("select count(*) from rg_app where app_key = 'flagged'", Integer.class) == 0) {
            jdbc.update("insert into rg_app (app_key, owners, stable_admin_url, stable_traffic_url, canary_admin_url, "
                    + "canary_traffic_url, admin_token, route, updated_at) values ('flagged', 'alice', 'x', 'x', 'x', "
                    + "'x', 'x', 'flagged', ?)", java.sql.Timestamp.from(java.time.Instant.now()));
            for (String id : List.of("rel-0", "rel-1", "rel-2", "rel-3")) {
                jdbc.update("insert into rg_release (id, app_key, version, requester, state, change_classes, "
                        + "descriptor_yaml, artifact, artifact_sha256, created_at, updated_at) values (?, 'flagged', "
                        + "'1.0.1', 'alice', 'ROLLING_OUT', 'ordinary', 'app: flagged', '[]', 'x', ?, ?)", id,
                        java.sql.Timestamp.from(java.time.Instant.now()), java.sql.Timestamp.from(java.time.Instant.now()));
            }
        }
        jdbc.update("delete from rg_flag where app_key = 'flagged'");
        jdbc.update("delete from rg_release_flag where app_key = 'flagged'");
        jdbc.update("delete from rg_flag_change where app_key = 'flagged'");
        jdbc.update("update rg_flag_revision set revision = revision + 1");
    }

    static FlagChanges.ReleaseFlag export(int... percentages) {
        return new FlagChanges.ReleaseFlag(EXPORT, java.util.Arrays.stream(percentages)
                .mapToObj(p -> new FlagState(true, p, List.of())).toList());
    }

    @Test
    void aReleaseRemembersTheStateBeforeItsFirstStepOnlyAndItsRestorationRemovesANewFlag() {
        // when a release sets a new flag in two steps, the second one retried
        flags.applyStep(APP, "rel-1", List.of(export(10, 50)), 0);
        flags.applyStep(APP, "rel-1", List.of(export(10, 50)), 1);
        flags.applyStep(APP, "rel-1", List.of(export(10, 50)), 1);

        // then the flag is at 50 % and the release remembers it was absent before
        assertThat(flags.current(APP, "export").orElseThrow().state()).isEqualTo(new FlagState(true, 50, List.of()));
        assertThat(flags.touchedBy("rel-1")).containsExactly(new FlagChanges.Before("export", Optional.empty()));
        assertThat(flags.history("flagged", 10)).hasSize(2);

        // when it is undone, the flag is gone again, as read back from the store, and so is it in memory
        assertThat(flags.restore(APP, "rel-1", "the analysis failed")).isEmpty();
        assertThat(flags.current(APP, "export")).isEmpty();
        assertThat(store.inMemory("flagged", "export")).isEmpty();
        assertThat(flags.history("flagged", 10).get(0).reason()).contains("the analysis failed");
        // and undoing again changes nothing
        assertThat(flags.restore(APP, "rel-1", "again")).isEmpty();
        assertThat(flags.history("flagged", 10)).hasSize(3);
    }

    @Test
    void restoringPutsBackTheStateAFlagHadBeforeTheRelease() {
        flags.applyStep(APP, "rel-0", List.of(export(100)), 0);
        flags.applyStep(APP, "rel-2", List.of(export(5)), 0);

        flags.restore(APP, "rel-2", "aborted");

        assertThat(flags.current(APP, "export").orElseThrow().state()).isEqualTo(new FlagState(true, 100, List.of()));
    }

    @Test
    void theKillSwitchTurnsTheFlagOffKeepsItsDefinitionAndNamesWhoAndWhy() {
        flags.applyStep(APP, "rel-3", List.of(export(100)), 0);

        assertThat(flags.kill(APP, "export", "frank", "exports leak a column")).isTrue();

        StoredFlag killed = flags.current(APP, "export").orElseThrow();
        assertThat(killed.state().enabled()).isFalse();
        assertThat(killed.definition()).isEqualTo(EXPORT);
        FlagService.Change last = flags.history("flagged", 1).get(0);
        assertThat(last.actor()).isEqualTo("frank");
        assertThat(last.reason()).contains("exports leak a column");
        assertThat(last.releaseId()).isNull();
        // already off: nothing to do, nothing recorded
        assertThat(flags.kill(APP, "export", "frank", "again")).isFalse();
        assertThat(flags.history("flagged", 10)).hasSize(2);
        assertThatThrownBy(() -> flags.kill(APP, "nope", "frank", "x")).isInstanceOf(FlagService.UnknownFlag.class);
    }

    @Test
    void theInMemoryCopyFollowsAWriteMadeByAnotherNode() {
        // given a flag another node wrote straight into the shared database and its revision
        jdbc.update("insert into rg_flag (app_key, flag_key, definition, state, revision, updated_at) values "
                + "('flagged', 'export', ?, ?, 1, current_timestamp)",
                "{\"key\":\"export\",\"variants\":{\"off\":false,\"on\":true},\"defaultVariant\":\"off\",\"newVariant\":\"on\"}",
                "{\"enabled\":true,\"percentage\":100,\"tenants\":[]}");
        jdbc.update("update rg_flag_revision set revision = revision + 1");

        // then this node evaluates it within a poll or two
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(25))
                .until(() -> store.inMemory("flagged", "export").isPresent());
        assertThat(FlagEvaluator.evaluate("export", store.inMemory("flagged", "export").get(), "u", null).reason())
                .isEqualTo(FlagEvaluator.Reason.STATIC);
    }
}
