package io.rollguard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import io.rollguard.app.AppDatabase;
import io.rollguard.migration.Changelog;
import io.rollguard.migration.MigrationEngine;
import io.rollguard.migration.MigrationEngines;
import io.rollguard.migration.MigrationException;
import io.rollguard.migration.ReversibilityProof;
import io.rollguard.support.ExpensesDatabase;
import io.rollguard.support.NodeRedSlots;
import io.rollguard.support.PostgresDatabase;

/**
 * A requester's changelog in the pre-approval dry run, written to reach live: it never reads,
 * writes or reports live data, runs as a role with nothing on live and under time limits, and
 * what the requester reads back carries neither row values nor connection details. Against the
 * real PostgreSQL, with the expenses app's database holding one row nobody may learn about.
 */
class DryRunIsolationTest {

    /** What the requester must never read back: a live row's description, amount and key. */
    static final String SECRET = "zq7-live-secret";
    static final String SECRET_AMOUNT = "987654.32";
    static final String SECRET_ID = "4242424";

    static ExpensesDatabase live;
    static AppDatabase db;
    final MigrationEngine engine = MigrationEngines.liquibase();

    @BeforeAll
    static void database() {
        live = ExpensesDatabase.create("rollguard_test_dry_run_isolation");
        db = new AppDatabase("expenses", live.jdbcUrl(), PostgresDatabase.APP_USER, PostgresDatabase.APP_PASSWORD);
    }

    @BeforeEach
    void liveRow() {
        live.reset();
        live.execute("insert into expense (id, description, amount) overriding system value values (" + SECRET_ID + ", '"
                + SECRET + "', " + SECRET_AMOUNT + ")");
    }

    @Test
    void dryRunCannotReadLiveData() {
        // given the live row, and a changelog that looks for it: it copies the table and raises when it finds the row
        Map<Long, String> rowsBefore = live.rowChecksums("expense");
        Changelog probe = changelog(
                "create table loot as select * from public.expense", "drop table loot",
                // a division by zero for every copy of the live row that the changelog can see (per row: never folded)
                "select 1 / (id - id) from public.expense where description = '" + SECRET + "' union all "
                        + "select 1 / (id - id) from loot where description = '" + SECRET + "'", "select 1");

        // when the dry run copies no rows at all
        ReversibilityProof proof = engine.prove(db, probe, "rollguard_scratch_read", 0);

        // then the changelog saw only the copy, and the copy held nothing of live
        assertThat(proof.passed()).as(proof.report()).isTrue();

        // given changelogs that smuggle the sampled values out through error texts
        List<String> smugglers = List.of(
                "do $$ begin raise exception 'leak: %', (select string_agg(description || ' ' || amount, ',') from public.expense); end $$",
                "do $$ begin raise exception using errcode = '23505', message = (select max(description) from public.expense), "
                        + "detail = (select max(amount)::text from public.expense), table = (select max(description) from public.expense); end $$",
                "select description::int from public.expense where description like 'zq7%'",
                "select current_setting((select description from public.expense where description like 'zq7%'))",
                "select (select description from public.expense where description like 'zq7%')::regclass");
        for (String sql : smugglers) {
            // when
            String answer = proveOrRefusal(changelog(sql, "select 1"), 1000);

            // then it is refused at the screen or fails in the dry run, and nothing of the row comes back
            assertThat(answer).as(sql).doesNotContain(SECRET).doesNotContain(SECRET_AMOUNT).doesNotContain("zq7");
        }
        assertThat(live.tables()).containsExactlyInAnyOrder("databasechangelog", "databasechangeloglock", "expense");
        assertThat(live.rowChecksums("expense")).isEqualTo(rowsBefore);
    }

    @Test
    void dryRunCannotWriteLiveData() {
        // given
        Map<Long, String> rowsBefore = live.rowChecksums("expense");
        String schemaBefore = live.schema();

        // when a changelog writes to the live schema by its full name
        ReversibilityProof proof = engine.prove(db, changelog(
                "update public.expense set amount = 0", "select 1",
                "delete from public.databasechangelog", "select 1",
                "drop table public.expense cascade", "select 1"), "rollguard_scratch_write", 1000);

        // then it changed the copy (which its rollbacks do not restore), never live
        assertThat(proof.passed()).isFalse();
        assertThat(live.rowChecksums("expense")).isEqualTo(rowsBefore);
        assertThat(live.schema()).isEqualTo(schemaBefore);
        assertThat(live.tables()).contains("expense", "databasechangelog");
        assertThat(liveChangeSets()).containsExactly("expenses-baseline-1", "expenses-baseline-2");
    }

    @Test
    void dryRunErrorsCarryNoConnectionDetailsOrLiveValues() {
        // given violations whose PostgreSQL DETAIL quotes the row: a duplicate key, a failing row
        ReversibilityProof duplicate = engine.prove(db, changelog(
                "insert into public.expense (id, description, amount) values (" + SECRET_ID + ", 'x', 1)", "select 1"),
                "rollguard_scratch_errors", 1000);
        ReversibilityProof failingRow = engine.prove(db, changelog(
                "update public.expense set description = null where id = " + SECRET_ID, "select 1"),
                "rollguard_scratch_errors", 1000);

        // then the requester reads which constraint kind failed, not the values
        assertThat(duplicate.summary()).contains("a unique constraint is violated (SQLSTATE 23505)")
                .doesNotContain(SECRET_ID).doesNotContain("Key (");
        assertThat(failingRow.summary()).contains("a not-null constraint is violated (SQLSTATE 23502)")
                .doesNotContain(SECRET).doesNotContain(SECRET_AMOUNT).doesNotContain("Failing row");

        // given an app database and a dry-run server that cannot be reached, with names worth hiding
        AppDatabase unreachable = new AppDatabase("expenses", "jdbc:postgresql://127.0.0.1:1/zq7_secret_db", "zq7_user",
                "zq7_password");
        MigrationEngine misconfigured = MigrationEngines.withDryRunServer("jdbc:postgresql://127.0.0.1:1/zq7_maintenance",
                "zq7_dry_user", "zq7_dry_password");
        Changelog harmless = changelog("select 1", "select 1");

        // then what is said names the app and the kind of failure, never a URL, host, user or password
        for (Runnable attempt : List.<Runnable>of(
                () -> engine.prove(unreachable, harmless, "rollguard_scratch_errors", 10),
                () -> engine.fingerprint(unreachable),
                () -> engine.apply(unreachable, harmless, "rollguard-t"),
                () -> misconfigured.prove(db, harmless, "rollguard_scratch_errors", 10))) {
            assertThatThrownBy(attempt::run).isInstanceOf(MigrationException.class)
                    .hasMessageContaining("(SQLSTATE 08001)")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("zq7").doesNotContain("127.0.0.1")
                            .doesNotContain("jdbc:").doesNotContain(":1"));
        }
    }

    /** A query without a function call that the screen could name: it counts forever. */
    static final String ENDLESS = "with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r";

    @Test
    void dryRunHasStatementAndTotalTimeLimits() {
        // given a dry run with a statement limit of 2 s and a total limit of 10 s
        MigrationEngine limited = MigrationEngines.liquibase(Duration.ofSeconds(2), Duration.ofSeconds(10));

        // when a statement runs forever
        long t0 = System.nanoTime();
        ReversibilityProof endless = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> limited.prove(db, changelog(ENDLESS, "select 1"), "rollguard_scratch_slow", 100));

        // then it is cancelled at the statement limit, a failed proof saying so
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
        assertThat(endless.passed()).isFalse();
        assertThat(endless.summary()).contains("statement timeout").contains("PT2S");
        assertThat(dryRunDatabases()).isEmpty();

        // given a statement limit above the total limit (as if a changelog had lifted it: the screen refuses `set`)
        MigrationEngine lifted = MigrationEngines.liquibase(Duration.ofMinutes(10), Duration.ofSeconds(10));

        // when
        long t1 = System.nanoTime();
        ReversibilityProof stopped = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> lifted.prove(db, changelog(ENDLESS, "select 1"), "rollguard_scratch_slow", 100));

        // then the total limit ends it, and its database is gone
        assertThat(Duration.ofNanos(System.nanoTime() - t1)).isLessThan(Duration.ofSeconds(40));
        assertThat(stopped.passed()).isFalse();
        assertThat(stopped.summary()).contains("longer than its total limit of PT10S");
        assertThat(dryRunDatabases()).isEmpty();
    }

    @Test
    void dryRunCannotCreateDblinkOrRunPrograms() throws Exception {
        String liveName = live.jdbcUrl().substring(live.jdbcUrl().lastIndexOf('/') + 1);
        Path marker = Files.createTempDirectory("rollguard-dry-run").resolve("ran");
        List<String> attacks = List.of(
                "create extension dblink",
                "create extension postgres_fdw",
                "create extension file_fdw",
                "copy (select 1) to program 'touch " + marker + "'",
                "copy (select 1) to '" + marker + "'",
                "select pg_read_file('/etc/hostname')",
                "select lo_import('/etc/hostname')",
                "create role zq7_attacker login superuser");

        // given the dry run's role in its throwaway database, past the changelog's screen (the second line holds alone)
        MigrationEngines.inDryRunDatabase(c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select has_database_privilege('" + liveName + "', 'CREATE'), "
                            + "pg_has_role('pg_read_server_files', 'USAGE'), pg_has_role('pg_execute_server_program', 'USAGE'), "
                            + "pg_has_role('pg_write_server_files', 'USAGE')")) {
                // then it may do nothing to the live database and the server
                rs.next();
                for (int i = 1; i <= 4; i++) {
                    assertThat(rs.getBoolean(i)).as("privilege " + i).isFalse();
                }
            }
            for (String sql : attacks) {
                // when it reaches for other databases, server files and programs, then PostgreSQL refuses it
                try (Statement s = c.createStatement()) {
                    assertThatThrownBy(() -> s.execute(sql)).as(sql).isInstanceOf(SQLException.class)
                            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).as(sql).isEqualTo("42501"));
                }
            }
        });

        // and through the product each is refused at submission or fails its dry run
        for (String sql : attacks) {
            assertThat(proveOrRefusal(changelog(sql, "select 1"), 10)).as(sql)
                    .containsAnyOf("is not allowed", "permission denied (SQLSTATE 42501)");
        }
        assertThat(marker).doesNotExist();
    }

    /** What the requester reads: the refusal at the changelog's screen, or the failed dry run's report. */
    private String proveOrRefusal(Changelog changelog, int sampleRows) {
        try {
            ReversibilityProof proof = engine.prove(db, changelog, "rollguard_scratch_read", sampleRows);
            assertThat(proof.passed()).as(proof.summary()).isFalse();
            return proof.summary();
        } catch (MigrationEngine.InvalidChangelogException refused) {
            return refused.getMessage();
        }
    }

    @Test
    void appDatabaseRoleIsNotThePlatformRole() throws Exception {
        // given the roles the embedded default and the postgres profile use
        String platform = defaultOf(yaml("src/main/resources/application-postgres.yaml"), "spring", "datasource", "username");
        String app = defaultOf(yaml("stack/dev-defaults.yaml"), "rollguard", "sample-app", "database", "username");
        assertThat(app).as("the sample app's database role").isNotEqualTo(platform);
        String dryRun = defaultOf(yaml("src/main/resources/application.yaml"), "rollguard", "migration", "dry-run", "username");

        // then they are three roles, and the compose file's init script creates the same three
        assertThat(List.of(platform, app, dryRun)).doesNotHaveDuplicates();
        String compose = Files.readString(NodeRedSlots.PROJECT.resolve("docker-compose.yml"));
        Matcher init = Pattern.compile("\\./(stack/postgres/[\\w.-]+\\.sh):/docker-entrypoint-initdb\\.d").matcher(compose);
        assertThat(init.find()).as("docker-compose.yml mounts an init script for the roles").isTrue();
        assertThat(Files.readString(NodeRedSlots.PROJECT.resolve(init.group(1)))).contains("role " + app)
                .contains("role " + dryRun).contains("owner " + app);

        // and on the server: the platform's role cannot read the app's tables, the dry-run role holds nothing there
        try (Connection c = DriverManager.getConnection(live.jdbcUrl(), PostgresDatabase.USER, PostgresDatabase.PASSWORD);
                Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeQuery("select * from public.expense")).isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42501");
        }
        try (Connection c = DriverManager.getConnection(live.jdbcUrl(), PostgresDatabase.APP_USER, PostgresDatabase.APP_PASSWORD);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select pg_get_userbyid(d.datdba), "
                        + "has_table_privilege('" + PostgresDatabase.DRY_RUN_USER + "', 'public.expense', 'select, insert, update, delete, truncate'), "
                        + "has_database_privilege('" + PostgresDatabase.DRY_RUN_USER + "', current_database(), 'create'), "
                        + "(select bool_or(rolsuper or rolcreaterole) from pg_roles where rolname in ('" + PostgresDatabase.USER
                        + "', '" + PostgresDatabase.APP_USER + "', '" + PostgresDatabase.DRY_RUN_USER + "')) "
                        + "from pg_database d where d.datname = current_database()")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(PostgresDatabase.APP_USER).isNotEqualTo(PostgresDatabase.USER);
            assertThat(rs.getBoolean(2)).as("dry-run role has a privilege on the app's table").isFalse();
            assertThat(rs.getBoolean(3)).as("dry-run role may create in the app's database").isFalse();
            assertThat(rs.getBoolean(4)).as("one of the roles is superuser or may create roles").isFalse();
        }
    }

    /** One changeset per pair of SQL and rollback SQL, as a requester would write them. */
    static Changelog changelog(String... sqlAndRollback) {
        StringBuilder yaml = new StringBuilder("databaseChangeLog:\n");
        for (int i = 0; i < sqlAndRollback.length; i += 2) {
            yaml.append("""
                      - changeSet:
                          id: step-%d
                          author: mallory
                          changes:
                            - sql:
                                splitStatements: false
                                sql: |
                                  %s
                          rollback:
                            - sql:
                                sql: |
                                  %s
                    """.formatted(i / 2 + 1, sqlAndRollback[i], sqlAndRollback[i + 1]));
        }
        return new Changelog("changelog.yaml", yaml.toString());
    }

    private static List<String> liveChangeSets() {
        List<String> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(live.jdbcUrl(), PostgresDatabase.APP_USER, PostgresDatabase.APP_PASSWORD);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select id from public.databasechangelog order by orderexecuted")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }

    /** This checkout's dry-run databases still on the server. */
    private static List<String> dryRunDatabases() {
        List<String> names = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + PostgresDatabase.HOST + "/postgres",
                PostgresDatabase.USER, PostgresDatabase.PASSWORD); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select datname from pg_database")) {
            while (rs.next()) {
                if (rs.getString(1).startsWith(PostgresDatabase.DRY_RUN_PREFIX)) {
                    names.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return names;
    }

    private static Map<String, Object> yaml(String file) throws Exception {
        return new Yaml().load(Files.readString(NodeRedSlots.PROJECT.resolve(file)));
    }

    /** The default of a {@code ${ENV:default}} value at the path given. */
    @SuppressWarnings("unchecked")
    private static String defaultOf(Map<String, Object> yaml, String... path) {
        Object node = yaml;
        for (String key : path) {
            assertThat(node).as(String.join(".", path) + " is configured").isInstanceOf(Map.class);
            node = ((Map<String, Object>) node).get(key);
        }
        Matcher m = Pattern.compile("\\$\\{[A-Z_]+:([^}]*)}").matcher(String.valueOf(node));
        assertThat(m.matches()).as(String.join(".", path) + " = " + node).isTrue();
        return m.group(1);
    }
}
