package io.rollguard.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;

import io.rollguard.migration.Changelog;
import io.rollguard.migration.ChangelogAnalysis;
import io.rollguard.migration.MigrationEngines;
import io.rollguard.migration.MigrationEngine;
import io.rollguard.migration.MigrationEngine.InvalidChangelogException;
import io.rollguard.support.NodeRedSlots;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever a requester uploads as a changelog, reading it ends in one of two ways: an analysis,
 * or an {@link InvalidChangelogException} with a message for the 400 answer. Never another
 * exception (a 500), never a hang.
 */
class ChangelogPropertiesTest {

    static final MigrationEngine ENGINE = MigrationEngines.liquibase();
    static final List<Changelog> SAMPLES = List.of(
            sample("1.3.0/changelog.yaml"), sample("1.4.0/changelog.yaml"), sample("1.5.0/changelog.sql"),
            sample("database/baseline.yaml"),
            new Changelog("changelog.xml", """
                    <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">
                      <property name="t" value="expense"/>
                      <changeSet id="widen" author="alice">
                        <modifyDataType tableName="${t}" columnName="amount" newDataType="numeric(14,2)"/>
                        <rollback><modifyDataType tableName="${t}" columnName="amount" newDataType="numeric(12,2)"/></rollback>
                      </changeSet>
                      <changeSet id="raw" author="alice"><sql>delete from expense where id = 1</sql><rollback>select 1</rollback></changeSet>
                    </databaseChangeLog>
                    """));

    static final List<String> FRAGMENTS = List.of("&a ", "*a", "!!java.io.File ", "${", "}", "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>",
            "&e;", "- include: { file: /etc/passwd }\n", "file: ../x\n", "--include file:/etc/passwd\n", "--changeset a:b runAlways:true\n",
            "--precondition-sql-check expectedResult:0 select 1\n", "    - executeCommand: { executable: touch }\n", "\t", "\"", "'",
            ":", "- ", "[", "]", "{", "}", "<", ">", "</changeSet>", "--rollback ", "\n", "drop table expense;", "$$", "/*", "*/", "--");

    static Changelog sample(String file) {
        try {
            return new Changelog(file.substring(file.lastIndexOf('/') + 1),
                    Files.readString(NodeRedSlots.PROJECT.resolve("examples/expenses/" + file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Provide
    Arbitrary<Changelog> mutatedChangelogs() {
        Arbitrary<Changelog> base = Arbitraries.of(SAMPLES);
        Arbitrary<Integer> position = Arbitraries.integers().between(0, 100);
        Arbitrary<Integer> deleted = Arbitraries.integers().between(0, 40);
        Arbitrary<String> inserted = Arbitraries.oneOf(Arbitraries.of(FRAGMENTS),
                Arbitraries.strings().withCharRange((char) 0, (char) 0x2FF).ofMaxLength(30));
        return Combinators.combine(base, position, deleted, inserted).as((c, at, cut, text) -> {
            String s = c.content();
            int from = s.length() * at / 100;
            int to = Math.min(s.length(), from + cut);
            return new Changelog(c.fileName(), s.substring(0, from) + text + s.substring(to));
        });
    }

    @Provide
    Arbitrary<Changelog> arbitraryTexts() {
        return Combinators.combine(Arbitraries.of("changelog.yaml", "changelog.xml", "changelog.sql"),
                Arbitraries.strings().ofMaxLength(400)).as(Changelog::new);
    }

    @Property(tries = 400)
    void mutatedChangelogsAreAnalysedOrRefusedWithAMessage(@ForAll("mutatedChangelogs") Changelog changelog) {
        analysedOrRefused(changelog);
    }

    @Property(tries = 200)
    void arbitraryTextIsAnalysedOrRefusedWithAMessage(@ForAll("arbitraryTexts") Changelog changelog) {
        analysedOrRefused(changelog);
    }

    private static void analysedOrRefused(Changelog changelog) {
        try {
            ChangelogAnalysis analysis = ENGINE.analyze(changelog);
            assertThat(analysis.changeSetIds()).isNotNull();
            assertThat(analysis.changes()).isNotNull();
        } catch (InvalidChangelogException e) {
            assertThat(e.getMessage()).isNotBlank().startsWith(changelog.fileName());
        }
    }
}
