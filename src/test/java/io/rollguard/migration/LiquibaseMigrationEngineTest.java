package io.rollguard.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.rollguard.app.AppDatabase;
import io.rollguard.support.NodeRedSlots;
import io.rollguard.support.PostgresDatabase;

/** The Liquibase adapter against a real PostgreSQL database holding the expenses app's baseline. */
class LiquibaseMigrationEngineTest {

    static AppDatabase db;
    final LiquibaseMigrationEngine engine = new LiquibaseMigrationEngine(Duration.ofMinutes(1),
            MigrationEngines.dryRuns(Duration.ofSeconds(30), Duration.ofMinutes(5)));

    @BeforeAll
    static void database() {
        db = new AppDatabase("expenses", PostgresDatabase.freshAppDatabase("rollguard_test_migration_engine"),
                PostgresDatabase.APP_USER, PostgresDatabase.APP_PASSWORD);
    }

    @BeforeEach
    void baseline() throws Exception {
        MigrationEngines.baseline(engine, db);
    }

    static final String ADD_CATEGORY = """
            databaseChangeLog:
              - changeSet:
                  id: add-category
                  author: alice
                  changes:
                    - addColumn:
                        tableName: expense
                        columns:
                          - column: { name: category, type: varchar(32), defaultValue: general }
              - changeSet:
                  id: backfill-category
                  author: alice
                  changes:
                    - update:
                        tableName: expense
                        columns:
                          - column: { name: category, value: travel }
                        where: description like 'Train%'
                  rollback:
                    - update:
                        tableName: expense
                        columns:
                          - column: { name: category, value: general }
            """;

    @Test
    void changesetsWithoutRollbackAreNamedAndBuiltInInversesAreAccepted() {
        // given a changelog mixing reversible and irreversible changesets
        String yaml = ADD_CATEGORY + """
                  - changeSet:
                      id: raw-sql-without-rollback
                      author: alice
                      changes:
                        - sql: { sql: "update expense set amount = amount * 2" }
                  - changeSet:
                      id: rename-with-builtin-inverse
                      author: alice
                      changes:
                        - renameColumn: { tableName: expense, oldColumnName: description, newColumnName: label }
                  - changeSet:
                      id: delete-without-rollback
                      author: alice
                      changes:
                        - delete: { tableName: expense }
                """;

        // when
        ChangelogAnalysis analysis = engine.analyze(new Changelog("changelog.yaml", yaml));

        // then
        assertThat(analysis.irreversible()).containsExactly("raw-sql-without-rollback", "delete-without-rollback");
        // an unbounded update and delete are copied aside; a rename loses nothing but is high risk all the same
        assertThat(analysis.destructive()).extracting(DestructiveChange::describe).containsExactly(
                "changeset raw-sql-without-rollback updates every row of expense",
                "changeset rename-with-builtin-inverse renames column expense.description to label",
                "changeset delete-without-rollback deletes every row of expense");
    }

    @Test
    void sqlAndXmlChangelogsAreReadAndDestructiveChangesDetected() {
        // given
        String sql = """
                --liquibase formatted sql
                --changeset alice:drop-created-at
                alter table expense drop column created_at;
                --rollback alter table expense add column created_at timestamp with time zone;
                --changeset alice:no-rollback
                create index ix_amount on expense (amount);
                """;
        String xml = """
                <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
                    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                    xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-latest.xsd">
                  <changeSet id="widen-amount" author="alice">
                    <modifyDataType tableName="expense" columnName="amount" newDataType="numeric(14,2)"/>
                    <rollback><modifyDataType tableName="expense" columnName="amount" newDataType="numeric(12,2)"/></rollback>
                  </changeSet>
                  <changeSet id="drop-table" author="alice">
                    <dropTable tableName="expense"/>
                  </changeSet>
                </databaseChangeLog>
                """;

        // when
        ChangelogAnalysis fromSql = engine.analyze(new Changelog("changelog.sql", sql));
        ChangelogAnalysis fromXml = engine.analyze(new Changelog("changelog.xml", xml));

        // then
        assertThat(fromSql.irreversible()).containsExactly("no-rollback");
        assertThat(fromSql.destructive()).extracting(DestructiveChange::describe)
                .containsExactly("changeset drop-created-at drops column expense.created_at");
        assertThat(fromXml.irreversible()).containsExactly("drop-table");
        assertThat(fromXml.destructive()).extracting(DestructiveChange::describe).containsExactly(
                "changeset widen-amount changes the type of expense.amount", "changeset drop-table drops table expense");
    }

    @Test
    void aChangelogThatIsNotLiquibaseIsRefusedWithTheReason() {
        assertThatThrownBy(() -> engine.analyze(new Changelog("changelog.yaml", "just: [some, yaml")))
                .isInstanceOf(MigrationEngine.InvalidChangelogException.class)
                .hasMessageContaining("changelog.yaml is not a valid Liquibase changelog");
    }

    @Test
    void reversibleChangelogPassesTheDryRunAndLeavesTheLiveSchemaAlone() {
        // given
        Fingerprint live = engine.fingerprint(db);

        // when
        ReversibilityProof proof = engine.prove(db, new Changelog("changelog.yaml", ADD_CATEGORY), "rollguard_scratch_t1", 1000);

        // then
        assertThat(proof.differences()).isEmpty();
        assertThat(proof.report()).contains("copied 1 tables with 3 rows").contains("column category")
                .contains("applied again");
        assertThat(engine.fingerprint(db)).isEqualTo(live);
        assertThat(schemaExists("rollguard_scratch_t1")).isFalse();
    }

    @Test
    void dryRunNamesTheStructureARollbackLeavesBehind() {
        // given a rollback that forgets the index its changeset creates
        String yaml = """
                databaseChangeLog:
                  - changeSet:
                      id: index-amount
                      author: alice
                      changes:
                        - createIndex:
                            tableName: expense
                            indexName: ix_expense_amount
                            columns: [ { column: { name: amount } } ]
                      rollback:
                        - sql: { sql: "select 1" }
                """;

        // when
        ReversibilityProof proof = engine.prove(db, new Changelog("changelog.yaml", yaml), "rollguard_scratch_t2", 1000);

        // then
        assertThat(proof.passed()).isFalse();
        assertThat(proof.differences()).first().asString()
                .contains("table expense: index ix_expense_amount").contains("is new");
        assertThat(proof.differences()).last().asString()
                .contains("applying the changelog again after its rollback failed").contains("exists already (SQLSTATE 42P07)");
    }

    @Test
    void dryRunNamesTheTableWhoseDataARollbackLoses() {
        // given a rollback that does not undo what its changeset did to the data
        String yaml = """
                databaseChangeLog:
                  - changeSet:
                      id: round-amounts
                      author: alice
                      changes:
                        - sql: { sql: "update expense set amount = round(amount) where amount > 10" }
                      rollback:
                        - sql: { sql: "select 1" }
                """;

        // when
        ReversibilityProof proof = engine.prove(db, new Changelog("changelog.yaml", yaml), "rollguard_scratch_t3", 1000);

        // then
        assertThat(proof.differences()).singleElement().asString()
                .startsWith("table expense: row contents differ (checksum");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.3.0/changelog.yaml", "1.4.0/changelog.yaml", "1.5.0/changelog.sql"})
    void everySampleSchemaChangeIsReversibleOnAScratchCopy(String file) throws Exception {
        // given
        Changelog changelog = new Changelog(Path.of(file).getFileName().toString(),
                Files.readString(NodeRedSlots.PROJECT.resolve("examples/expenses/" + file)));

        // when
        ChangelogAnalysis analysis = engine.analyze(changelog);
        ReversibilityProof proof = engine.prove(db, changelog, "rollguard_scratch_t4", 1000);

        // then
        assertThat(analysis.irreversible()).isEmpty();
        assertThat(proof.differences()).as(proof.report()).isEmpty();
        assertThat(analysis.isDestructive()).isEqualTo(file.startsWith("1.5.0"));
    }

    @Test
    void droppedColumnComesBackIdenticalFromItsSnapshot() throws Exception {
        // given the destructive sample change
        Changelog changelog = new Changelog("changelog.sql",
                Files.readString(NodeRedSlots.PROJECT.resolve("examples/expenses/1.5.0/changelog.sql")));
        Fingerprint before = engine.fingerprint(db);
        var snapshots = engine.takeSnapshots(db, "0123456789abcdef", engine.analyze(changelog).destructive());

        // when applied, then rolled back and the snapshot restored
        engine.apply(db, changelog, "rollguard-r3");
        assertThat(before.differencesTo(engine.fingerprint(db))).contains("table expense: column created_at "
                + "timestamp with time zone not null default now() is missing");
        engine.rollBackTo(db, changelog, "rollguard-r3");
        engine.restoreSnapshots(db, snapshots);

        // then the column and every value in it are back
        assertThat(snapshots).extracting(MigrationEngine.Snapshot::copy).containsExactly("rollguard_snap_01234567_0");
        assertThat(before.differencesTo(engine.fingerprint(db))).isEmpty();
    }

    @Test
    void applyAndRollbackAreIdempotentAndRestoreSchemaAndData() {
        // given
        Changelog changelog = new Changelog("changelog.yaml", ADD_CATEGORY);
        Fingerprint before = engine.fingerprint(db);

        // when applied twice
        MigrationEngine.MigrationRun first = engine.apply(db, changelog, "rollguard-r1");
        MigrationEngine.MigrationRun second = engine.apply(db, changelog, "rollguard-r1");

        // then the second run finds nothing left to do
        assertThat(first.changeSets()).containsExactly("add-category", "backfill-category");
        assertThat(second.changeSets()).isEmpty();
        assertThat(engine.fingerprint(db).differencesTo(before)).isNotEmpty();

        // when rolled back twice
        MigrationEngine.MigrationRun undo = engine.rollBackTo(db, changelog, "rollguard-r1");
        MigrationEngine.MigrationRun again = engine.rollBackTo(db, changelog, "rollguard-r1");

        // then schema and every row are as before, and the second rollback did nothing
        assertThat(undo.changeSets()).containsExactly("backfill-category", "add-category");
        assertThat(again.changeSets()).isEmpty();
        assertThat(before.differencesTo(engine.fingerprint(db))).isEmpty();
    }

    @Test
    void appWhoseSchemaLiquibaseNeverTouchedIsProvenMigratedAndRolledBack() throws Exception {
        // given an app database built by hand: no DATABASECHANGELOG yet
        sql("drop schema public cascade", "create schema public",
                "create table expense (id bigint primary key, description varchar(200) not null, amount numeric(12,2))",
                "insert into expense values (1, 'Train ticket', 49.9), (2, 'Team lunch', 86.4)");
        Changelog changelog = new Changelog("changelog.yaml", ADD_CATEGORY);
        Fingerprint before = engine.fingerprint(db);

        // when
        ReversibilityProof proof = engine.prove(db, changelog, "rollguard_scratch_t5", 1000);
        MigrationEngine.MigrationRun applied = engine.apply(db, changelog, "rollguard-r5");
        MigrationEngine.MigrationRun undone = engine.rollBackTo(db, changelog, "rollguard-r5");

        // then
        assertThat(proof.differences()).as(proof.report()).isEmpty();
        assertThat(applied.changeSets()).hasSize(2);
        assertThat(undone.changeSets()).hasSize(2);
        assertThat(before.differencesTo(engine.fingerprint(db))).isEmpty();
    }

    @Test
    void rollbackToATagNeverTakenDoesNothing() {
        assertThat(engine.rollBackTo(db, new Changelog("changelog.yaml", ADD_CATEGORY), "rollguard-never").changeSets())
                .isEmpty();
    }

    @Test
    void staleLiquibaseLockIsReleasedAndAFreshOneIsWaitedFor() throws Exception {
        // given a lock left by a process that crashed ten minutes ago
        sql("update databasechangeloglock set locked = true, lockgranted = now() - interval '10 minutes', "
                + "lockedby = 'crashed-node' where id = 1");

        // when
        MigrationEngine.MigrationRun run = engine.apply(db, new Changelog("changelog.yaml", ADD_CATEGORY), "rollguard-r2");

        // then
        assertThat(run.notes()).singleElement().asString().contains("released a stale Liquibase lock held by crashed-node");
        assertThat(run.changeSets()).hasSize(2);

        // given a lock taken a moment ago
        sql("update databasechangeloglock set locked = true, lockgranted = now(), lockedby = 'busy-node' where id = 1");

        // then a rollback does not break into it
        assertThatThrownBy(() -> engine.rollBackTo(db, new Changelog("changelog.yaml", ADD_CATEGORY), "rollguard-r2"))
                .isInstanceOf(MigrationException.class).hasMessageContaining("held by busy-node");
    }

    @Test
    void secondMigrationOfTheSameDatabaseIsRefusedWhileTheFirstRuns() throws Exception {
        // given another Rollguard node migrating this database right now (it holds the advisory lock)
        try (Connection other = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                Statement s = other.createStatement()) {
            s.execute("select pg_advisory_lock(hashtext('rollguard-migration'))");

            // then this one does not migrate at the same time, and says why
            assertThatThrownBy(() -> engine.apply(db, new Changelog("changelog.yaml", ADD_CATEGORY), "rollguard-r6"))
                    .isInstanceOf(MigrationException.class)
                    .hasMessageContaining("Another migration of expenses's database is running right now");
        }

        // when the other is done, it goes ahead
        assertThat(engine.apply(db, new Changelog("changelog.yaml", ADD_CATEGORY), "rollguard-r6").changeSets()).hasSize(2);
    }

    private static void sql(String... statements) throws Exception {
        MigrationEngines.sql(db, statements);
    }

    private static boolean schemaExists(String schema) {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                Statement s = c.createStatement();
                var rs = s.executeQuery("select 1 from information_schema.schemata where schema_name = '" + schema + "'")) {
            return rs.next();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

}
