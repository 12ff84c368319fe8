package io.rollguard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.rollguard.app.AppDatabase;
import io.rollguard.migration.Changelog;
import io.rollguard.migration.ChangelogAnalysis;
import io.rollguard.migration.DestructiveChange;
import io.rollguard.migration.MigrationEngines;
import io.rollguard.migration.MigrationEngine;
import io.rollguard.migration.MigrationEngine.InvalidChangelogException;
import io.rollguard.migration.MigrationException;
import io.rollguard.support.PostgresDatabase;

/**
 * A hostile requester's changelogs against the real Liquibase engine and a real PostgreSQL: one
 * test per class of attack. Each must be refused at analysis (what submission runs) and never
 * reach the database, the file system, the environment or the class loader.
 */
class ChangelogAttackTest {

    static AppDatabase db;
    static final AtomicBoolean TRIPWIRE_LOADED = new AtomicBoolean();
    final MigrationEngine engine = MigrationEngines.liquibase();

    /** A class whose loading would be visible: a changelog must never get it loaded. */
    public static class Tripwire {
        static {
            TRIPWIRE_LOADED.set(true);
        }
    }

    @BeforeAll
    static void database() {
        db = new AppDatabase("expenses", PostgresDatabase.fresh("rollguard_test_changelog_attacks"),
                PostgresDatabase.USER, PostgresDatabase.PASSWORD);
    }

    @BeforeEach
    void baseline() throws Exception {
        MigrationEngines.baseline(engine, db);
    }

    static String changeSet(String id, String changes) {
        return "databaseChangeLog:\n  - changeSet:\n      id: " + id + "\n      author: mallory\n      changes:\n" + changes;
    }

    @Test
    void changelogCannotReadServerFiles(@TempDir Path server) throws Exception {
        // given a server file holding a secret, next to and far from where changelogs are staged
        Path secret = server.resolve("secret.properties");
        Files.writeString(secret, "leak=TOPSECRET-42\n");
        String relative = Path.of(System.getProperty("java.io.tmpdir")).resolve("x").relativize(secret).toString();
        List<Changelog> attacks = List.of(
                new Changelog("changelog.yaml", "databaseChangeLog:\n  - property:\n      file: " + secret + "\n"
                        + changeSet("read", "        - sql: { sql: \"insert into expense (description, amount) values ('${leak}', 1)\" }\n")
                                .substring("databaseChangeLog:\n".length())),
                new Changelog("changelog.yaml", "databaseChangeLog:\n  - property:\n      file: " + relative + "\n"
                        + "      relativeToChangelogFile: true\n"
                        + changeSet("read", "        - sql: { sql: \"select '${leak}'\" }\n").substring("databaseChangeLog:\n".length())),
                new Changelog("changelog.xml", """
                        <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">
                          <property file="%s"/>
                          <changeSet id="read" author="mallory"><sql>select '${leak}'</sql></changeSet>
                        </databaseChangeLog>
                        """.formatted(secret)),
                new Changelog("changelog.yaml", changeSet("read", "        - sql: { sql: \"select pg_read_file('" + secret + "')\" }\n")
                        + "      rollback:\n        - sql: { sql: \"select 1\" }\n"),
                new Changelog("changelog.yaml", changeSet("read", """
                                - insert:
                                    tableName: expense
                                    columns:
                                      - column: { name: description, valueComputed: "pg_catalog.pg_read_file('%s')" }
                                      - column: { name: amount, value: 1 }
                        """.formatted(secret))),
                new Changelog("changelog.yaml", changeSet("blob", """
                                - insert:
                                    tableName: expense
                                    columns:
                                      - column: { name: description, valueClobFile: %s }
                                      - column: { name: amount, value: 1 }
                        """.formatted(secret))));

        for (Changelog attack : attacks) {
            // then every spelling is refused, and the secret is in no answer
            assertThatThrownBy(() -> engine.analyze(attack)).as(attack.content())
                    .isInstanceOf(InvalidChangelogException.class)
                    .hasMessageContaining("is not allowed")
                    .hasMessageNotContaining("TOPSECRET");
        }
        assertThat(rows("select count(*) from expense where description like '%TOPSECRET%'")).isZero();
    }

    @Test
    void changelogParametersDoNotExpandEnvironmentOrSystemProperties() throws Exception {
        // given a system property and an environment variable of the server, and a parameter the changelog defines
        System.setProperty("rollguard.attack.secret", "SYSPROP-SECRET");
        String envName = System.getenv().containsKey("HOME") ? "HOME" : "PATH";
        String changelog = """
                databaseChangeLog:
                  - property: { name: own, value: own-value }
                  - changeSet:
                      id: expand
                      author: mallory
                      changes:
                        - insert:
                            tableName: expense
                            columns:
                              - column: { name: description, value: "${rollguard.attack.secret}|${%s}|${own}|${LIQUIBASE_EXECUTION_CHANGELOG_FILE}" }
                              - column: { name: amount, value: 1 }
                        - sql: { sql: "insert into expense (description, amount) values ('${user.dir}', 2)" }
                """.formatted(envName);

        // when analysed and applied to the database
        ChangelogAnalysis analysis = engine.analyze(new Changelog("changelog.yaml", changelog));
        engine.apply(db, new Changelog("changelog.yaml", changelog), "rollguard-expand");

        // then only the changelog's own parameter expanded, before submission and on live alike
        assertThat(String.join("\n", analysis.changes())).doesNotContain(System.getProperty("user.dir"));
        assertThat(text("select description from expense where amount = 1"))
                .isEqualTo("${rollguard.attack.secret}|${" + envName + "}|own-value|${LIQUIBASE_EXECUTION_CHANGELOG_FILE}");
        assertThat(text("select description from expense where amount = 2")).isEqualTo("${user.dir}");
        // the same in XML attribute values and element text
        ChangelogAnalysis xml = engine.analyze(new Changelog("changelog.xml", """
                <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
                    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                    xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-latest.xsd">
                  <changeSet id="expand" author="mallory">
                    <addColumn tableName="expense"><column name="c" type="varchar(200)" defaultValue="${user.home}"/></addColumn>
                    <sql>select '${rollguard.attack.secret}'</sql>
                    <rollback><dropColumn tableName="expense" columnName="c"/></rollback>
                  </changeSet>
                </databaseChangeLog>
                """));
        assertThat(String.join("\n", xml.changes())).contains("${rollguard.attack.secret}")
                .doesNotContain("SYSPROP-SECRET");
    }

    @Test
    void changelogCannotRunOsCommands(@TempDir Path dir) throws Exception {
        // given changelogs that would touch a file through the operating system
        Path marker = dir.resolve("pwned");
        String command = "        - executeCommand: { executable: /usr/bin/touch, args: [ { arg: { value: \"" + marker + "\" } } ] }\n";
        List<Changelog> attacks = List.of(
                new Changelog("changelog.yaml", changeSet("touch", command)),
                new Changelog("changelog.yaml", changeSet("touch-on-rollback",
                        "        - tagDatabase: { tag: t1 }\n") + "      rollback:\n" + command.replace("        -", "        -")),
                new Changelog("changelog.xml", """
                        <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">
                          <changeSet id="touch" author="mallory">
                            <executeCommand executable="/usr/bin/touch"><arg value="%s"/></executeCommand>
                          </changeSet>
                        </databaseChangeLog>
                        """.formatted(marker)),
                new Changelog("changelog.sql", "--liquibase formatted sql\n--changeset mallory:touch runWith:psql\nselect 1;\n"
                        + "--rollback select 1;\n"),
                new Changelog("changelog.sql", "--liquibase formatted sql\n--changeset mallory:touch\n"
                        + "/* nothing */ CoPy expense FROM PROGRAM 'touch " + marker + "';\n--rollback select 1;\n"),
                new Changelog("changelog.yaml", changeSet("touch", "        - sql: { sql: \"select 1; copy (select 1) to program 'touch "
                        + marker + "'\" }\n") + "      rollback:\n        - sql: { sql: \"select 1\" }\n"),
                new Changelog("changelog.sql", "--liquibase formatted sql\n--changeset mallory:touch splitStatements:false\n"
                        + "DO $x$ BEGIN EXECUTE 'CO' || 'PY expense TO PROGRAM ''touch " + marker + "'''; END $x$\n--rollback select 1;\n"),
                new Changelog("changelog.sql", "--liquibase formatted sql\n--changeset mallory:touch splitStatements:false\n"
                        + "create or replace function f() returns void language plpgsql as $$ begin perform 1; end $$\n"
                        + "--rollback drop function f;\n"));

        for (Changelog attack : attacks) {
            // then analysis, the dry run and the apply refuse it, naming the changeset
            assertThatThrownBy(() -> engine.analyze(attack)).as(attack.content())
                    .isInstanceOf(InvalidChangelogException.class).hasMessageContaining("changeset touch").hasMessageContaining("not");
            assertThatThrownBy(() -> engine.prove(db, attack, "rollguard_scratch_attack", 100))
                    .isInstanceOf(MigrationException.class);
            assertThatThrownBy(() -> engine.apply(db, attack, "rollguard-touch")).isInstanceOf(MigrationException.class);
        }
        assertThat(marker).doesNotExist();
    }

    @Test
    void changelogCannotLoadClasses() {
        String tripwire = Tripwire.class.getName();
        List<Changelog> attacks = List.of(
                new Changelog("changelog.yaml", changeSet("custom", "        - customChange: { class: " + tripwire + " }\n")),
                new Changelog("changelog.xml", """
                        <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">
                          <changeSet id="custom" author="mallory"><customChange class="%s"/></changeSet>
                        </databaseChangeLog>
                        """.formatted(tripwire)),
                new Changelog("changelog.yaml", changeSet("custom", "        - sql: !!" + tripwire + " {}\n")),
                new Changelog("changelog.yaml", "databaseChangeLog: !!javax.script.ScriptEngineManager "
                        + "[!!java.net.URLClassLoader [[!!java.net.URL [\"http://127.0.0.1:1/x.jar\"]]]]\n"));

        for (Changelog attack : attacks) {
            assertThatThrownBy(() -> engine.analyze(attack)).as(attack.content()).isInstanceOf(InvalidChangelogException.class);
        }
        assertThatThrownBy(() -> engine.analyze(attacks.get(0))).hasMessageContaining("changeset custom (mallory)")
                .hasMessageContaining("customChange is not allowed: it loads a Java class");
        assertThat(TRIPWIRE_LOADED).as("the tripwire class was loaded").isFalse();
    }

    static Stream<Arguments> includes() throws IOException {
        Path dir = Files.createTempDirectory("rollguard-attack-files");
        Path other = dir.resolve("other.yaml");
        Files.writeString(other, changeSet("other", "        - tagDatabase: { tag: other }\n"));
        Path csv = dir.resolve("rows.csv");
        Files.writeString(csv, "description,amount\nleaked,1\n");
        return Stream.of(
                Arguments.of("include absolute", new Changelog("changelog.yaml",
                        "databaseChangeLog:\n  - include: { file: " + other + " }\n")),
                Arguments.of("include ../", new Changelog("changelog.yaml",
                        "databaseChangeLog:\n  - include: { file: ../" + dir.getFileName() + "/other.yaml, relativeToChangelogFile: true }\n")),
                Arguments.of("includeAll", new Changelog("changelog.yaml",
                        "databaseChangeLog:\n  - includeAll: { path: " + dir + " }\n")),
                Arguments.of("xml include", new Changelog("changelog.xml", """
                        <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"><include file="%s"/></databaseChangeLog>
                        """.formatted(other))),
                Arguments.of("sql include", new Changelog("changelog.sql", "--liquibase formatted sql\n--include file:" + other + "\n")),
                Arguments.of("sqlFile", new Changelog("changelog.yaml", changeSet("file", "        - sqlFile: { path: /etc/hostname }\n"))),
                Arguments.of("loadData", new Changelog("changelog.yaml", changeSet("file",
                        "        - loadData: { tableName: expense, file: " + csv + " }\n"))),
                Arguments.of("loadUpdateData ../", new Changelog("changelog.yaml", changeSet("file",
                        "        - loadUpdateData: { tableName: expense, primaryKey: id, file: ../" + dir.getFileName() + "/rows.csv, relativeToChangelogFile: true }\n"))),
                Arguments.of("createView path", new Changelog("changelog.yaml", changeSet("file",
                        "        - createView: { viewName: v, path: /etc/hostname }\n"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("includes")
    void changelogCannotIncludeServerFiles(String name, Changelog attack) throws Exception {
        assertThatThrownBy(() -> engine.analyze(attack)).as(attack.content())
                .isInstanceOf(InvalidChangelogException.class).hasMessageContaining("not allowed")
                .hasMessageNotContaining("leaked");
        assertThatThrownBy(() -> engine.apply(db, attack, "rollguard-include")).isInstanceOf(MigrationException.class);
        assertThat(rows("select count(*) from expense where description = 'leaked'")).isZero();
    }

    @Test
    void yamlAliasBombIsRefusedQuickly() {
        // given a billion laughs inside a changeset, a document nested 10 000 deep and one over the size limit
        StringBuilder bomb = new StringBuilder("databaseChangeLog:\n  - changeSet:\n      id: bomb\n      author: mallory\n"
                + "      comment: x\n      changes:\n        - tagDatabase: { tag: t }\n      labels:\n");
        bomb.append("        a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i <= 9; i++) {
            String prev = "*a" + (i - 1);
            bomb.append("        a").append(i).append(": &a").append(i).append(" [").append(String.join(", ",
                    java.util.Collections.nCopies(9, prev))).append("]\n");
        }
        String nested = "databaseChangeLog: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n";
        String huge = changeSet("huge", "        - sql: { sql: \"select '" + "x".repeat(1024 * 1024) + "'\" }\n");

        for (String attack : List.of(bomb.toString(), nested, huge)) {
            resetPeaks();
            long started = System.nanoTime();
            // then each is refused in well under a second, before Liquibase builds anything from it
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThatThrownBy(
                    () -> engine.analyze(new Changelog("changelog.yaml", attack)))
                    .isInstanceOf(InvalidChangelogException.class));
            long millis = (System.nanoTime() - started) / 1_000_000;
            String what = attack == nested ? "nested 10000 deep" : attack == huge ? "1 MiB + over the limit" : "alias bomb 9^10";
            System.out.printf("BENCH changelog-refusal %s: %d ms, peak heap %d MiB%n", what, millis, peakHeapMiB());
            assertThat(millis).as(what).isLessThan(2_000);
        }
    }

    @Test
    void xmlExternalEntitiesAreNeverRead(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "XXE-SECRET");
        try (ServerSocket listener = new ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            String dtd = "http://127.0.0.1:" + listener.getLocalPort() + "/evil.dtd";
            List<String> attacks = List.of("""
                    <?xml version="1.0"?>
                    <!DOCTYPE databaseChangeLog [ <!ENTITY xxe SYSTEM "file://%s"> ]>
                    <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">
                      <changeSet id="xxe" author="mallory"><sql>select '&xxe;'</sql></changeSet>
                    </databaseChangeLog>
                    """.formatted(secret), """
                    <?xml version="1.0"?>
                    <!DOCTYPE databaseChangeLog [ <!ENTITY %% remote SYSTEM "%s"> %%remote; ]>
                    <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">
                      <changeSet id="xxe" author="mallory"><tagDatabase tag="t"/></changeSet>
                    </databaseChangeLog>
                    """.formatted(dtd), """
                    <?xml version="1.0"?>
                    <!DOCTYPE databaseChangeLog SYSTEM "%s">
                    <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">
                      <changeSet id="xxe" author="mallory"><tagDatabase tag="t"/></changeSet>
                    </databaseChangeLog>
                    """.formatted(dtd));
            for (String attack : attacks) {
                assertThatThrownBy(() -> engine.analyze(new Changelog("changelog.xml", attack))).as(attack)
                        .isInstanceOf(InvalidChangelogException.class)
                        .hasMessageContaining("DOCTYPE is not allowed").hasMessageNotContaining("XXE-SECRET");
            }
            // and nothing ever asked for the external DTD
            listener.setSoTimeout(200);
            assertThatThrownBy(listener::accept).isInstanceOf(SocketTimeoutException.class);
        }
    }

    static Stream<Arguments> preconditions() {
        String sqlCheck = """
                      preConditions:
                        - onFail: MARK_RAN
                        - sqlCheck: { expectedResult: 0, sql: "select count(*) from information_schema.schemata where schema_name like 'rollguard_scratch%'" }
                """;
        String drop = "        - dropTable: { tableName: expense }\n";
        return Stream.of(
                Arguments.of("changeset sqlCheck", new Changelog("changelog.yaml",
                        "databaseChangeLog:\n  - changeSet:\n      id: p\n      author: mallory\n" + sqlCheck + "      changes:\n" + drop)),
                Arguments.of("changelog preconditions", new Changelog("changelog.yaml",
                        "databaseChangeLog:\n  - preConditions:\n    - runningAs: { username: rollguard }\n"
                                + changeSet("p", drop).substring("databaseChangeLog:\n".length()))),
                Arguments.of("xml changeSetExecuted", new Changelog("changelog.xml", """
                        <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">
                          <changeSet id="p" author="mallory">
                            <preConditions onFail="MARK_RAN"><changeSetExecuted id="x" author="y" changeLogFile="changelog.xml"/></preConditions>
                            <dropTable tableName="expense"/>
                          </changeSet>
                        </databaseChangeLog>
                        """)),
                Arguments.of("sql precondition", new Changelog("changelog.sql", """
                        --liquibase formatted sql
                        --changeset mallory:p
                        --preconditions onFail:MARK_RAN
                        --precondition-sql-check expectedResult:0 select count(*) from pg_namespace where nspname like 'rollguard_scratch%'
                        drop table expense;
                        """)),
                Arguments.of("runAlways", new Changelog("changelog.yaml",
                        "databaseChangeLog:\n  - changeSet:\n      id: p\n      author: mallory\n      runAlways: true\n      changes:\n" + drop)),
                Arguments.of("runOnChange", new Changelog("changelog.sql",
                        "--liquibase formatted sql\n--changeset mallory:p runOnChange:true\ndrop table expense;\n")),
                Arguments.of("validCheckSum", new Changelog("changelog.yaml",
                        "databaseChangeLog:\n  - changeSet:\n      id: p\n      author: mallory\n      validCheckSum: ANY\n      changes:\n" + drop)),
                Arguments.of("session change", new Changelog("changelog.sql",
                        "--liquibase formatted sql\n--changeset mallory:p\nset search_path to public;\ndrop table expense;\n--rollback select 1;\n")),
                Arguments.of("failOnError false", new Changelog("changelog.yaml",
                        "databaseChangeLog:\n  - changeSet:\n      id: p\n      author: mallory\n      failOnError: false\n      changes:\n" + drop)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("preconditions")
    void preconditionsCannotMakeDryRunDifferFromLive(String name, Changelog attack) throws Exception {
        assertThatThrownBy(() -> engine.analyze(attack)).as(attack.content())
                .isInstanceOf(InvalidChangelogException.class).hasMessageContaining("changeset").hasMessageContaining("not allowed");
        assertThatThrownBy(() -> engine.apply(db, attack, "rollguard-precondition")).isInstanceOf(MigrationException.class);
        assertThat(rows("select count(*) from expense")).isEqualTo(3);
    }

    static Stream<Arguments> spellings() {
        return Stream.of(
                Arguments.of("DROP TABLE expense", "drops table expense"),
                Arguments.of("drop table if exists \"expense\" cascade", "drops table expense"),
                Arguments.of("/* harmless */ DrOp /* really */ TaBlE public.expense", "drops table expense"),
                Arguments.of("select 1; -- first\n drop table expense", "drops table expense"),
                Arguments.of("alter table only expense drop column created_at", "drops column expense.created_at"),
                Arguments.of("ALTER TABLE IF EXISTS \"expense\" DROP COLUMN IF EXISTS \"created_at\"", "drops column expense.created_at"),
                Arguments.of("alter table expense drop created_at", "drops column expense.created_at"),
                Arguments.of("alter table expense add column note text, drop column created_at", "drops column expense.created_at"),
                Arguments.of("alter table expense alter column amount type numeric(14,2)", "changes the type of expense.amount"),
                Arguments.of("alter table expense alter amount set data type text", "changes the type of expense.amount"),
                Arguments.of("truncate expense", "deletes every row of expense"),
                Arguments.of("TRUNCATE TABLE ONLY expense RESTART IDENTITY", "deletes every row of expense"),
                Arguments.of("delete from expense", "deletes every row of expense"),
                Arguments.of("DELETE FROM expense WHERE 1=1", "deletes every row of expense"),
                Arguments.of("delete from expense where true", "deletes every row of expense"),
                Arguments.of("delete from expense where id = id", "deletes every row of expense"),
                Arguments.of("delete from expense where amount > 100 or 'a' = 'a'", "deletes every row of expense"),
                Arguments.of("update expense set amount = 0", "updates every row of expense"),
                Arguments.of("UPDATE \"expense\" SET amount = amount * 2 WHERE (1 = 1)", "updates every row of expense"),
                Arguments.of("alter table expense rename to costs", "renames table expense to costs"),
                Arguments.of("alter table expense rename column description to label", "renames column expense.description to label"),
                Arguments.of("create view v as select $$drop table x$$ as t; drop view v", "drops view v"),
                Arguments.of("drop schema public cascade", "drops schema public"),
                Arguments.of("select 'drop table nothing';\ndrop table \"expense\";", "drops table expense"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("spellings")
    void destructiveSqlIsFoundInAnySpelling(String sql, String expected) {
        for (Changelog changelog : List.of(
                new Changelog("changelog.yaml", changeSet("d", "        - sql: { sql: " + yamlString(sql) + " }\n")
                        + "      rollback:\n        - sql: { sql: \"select 1\" }\n"),
                new Changelog("changelog.sql", "--liquibase formatted sql\n--changeset mallory:d\n" + sql + ";\n--rollback select 1;\n"))) {
            ChangelogAnalysis analysis = engine.analyze(changelog);
            assertThat(analysis.isHighRisk()).as(changelog.content()).isTrue();
            assertThat(analysis.destructive()).extracting(DestructiveChange::describe).as(changelog.content())
                    .contains("changeset d " + expected);
        }
        // words in strings are only words
        assertThat(engine.analyze(new Changelog("changelog.yaml", changeSet("s",
                "        - sql: { sql: \"insert into expense (description, amount) values ('copy from program; do; set role x', 1)\" }\n")
                + "      rollback:\n        - sql: { sql: \"delete from expense where amount = 1\" }\n")).isHighRisk()).isFalse();
        // narrow ones stay normal
        assertThat(engine.analyze(new Changelog("changelog.yaml", changeSet("n",
                "        - sql: { sql: \"delete from expense where id = 3; update expense set amount = 1 where description like 'Train%'\" }\n")
                + "      rollback:\n        - sql: { sql: \"select 1\" }\n")).isHighRisk()).isFalse();
    }

    @Test
    void unreadableSqlIsHighRisk() throws Exception {
        // given SQL no parser reads as a known statement: what it does is unknown
        List<String> unreadable = List.of(
                "alter table expense frobnicate column amount",
                "frobnicate the expense table please");
        for (String sql : unreadable) {
            ChangelogAnalysis analysis = engine.analyze(new Changelog("changelog.sql",
                    "--liquibase formatted sql\n--changeset mallory:u splitStatements:false\n" + sql + "\n--rollback select 1;\n"));
            assertThat(analysis.isHighRisk()).as(sql).isTrue();
            assertThat(analysis.destructive()).extracting(DestructiveChange::kind).as(sql)
                    .contains(DestructiveChange.Kind.UNREADABLE_SQL);
            assertThat(String.join("\n", analysis.changes())).contains("HIGH RISK").contains("cannot be parsed");
        }
    }

    static String yamlString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    static void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    static long peakHeapMiB() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak / (1024 * 1024);
    }

    private static void sql(String... statements) throws Exception {
        MigrationEngines.sql(db, statements);
    }

    private static long rows(String query) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String text(String query) throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        assertThat(values).hasSize(1);
        return values.get(0);
    }
}
