package io.rollguard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.rollguard.migration.Changelog;
import io.rollguard.migration.ChangelogAnalysis;
import io.rollguard.migration.MigrationEngines;
import io.rollguard.migration.MigrationEngine;
import io.rollguard.support.NodeRedSlots;

/**
 * Benchmark harness, not a test: what the submission-time changelog checks (screening, parsing,
 * the model check and the risk analysis) cost on the sample changelogs and on a generated
 * changelog of 2 000 changesets, and the peak heap while doing it.
 */
class ChangelogCheckBenchmark {

    final MigrationEngine engine = MigrationEngines.liquibase();

    @Test
    void changelogChecks() throws Exception {
        for (String file : List.of("1.3.0/changelog.yaml", "1.4.0/changelog.yaml", "1.5.0/changelog.sql")) {
            Changelog changelog = new Changelog(file.substring(file.indexOf('/') + 1),
                    Files.readString(NodeRedSlots.PROJECT.resolve("examples/expenses/" + file)));
            measure(file, changelog, 20);
        }
        StringBuilder yaml = new StringBuilder("databaseChangeLog:\n");
        for (int i = 0; i < 2000; i++) {
            yaml.append("""
                      - changeSet:
                          id: cs-%1$d
                          author: alice
                          changes:
                            - addColumn: { tableName: expense, columns: [ { column: { name: c%1$d, type: varchar(32) } } ] }
                            - sql: { sql: "update expense set c%1$d = 'x' where id = %1$d" }
                          rollback:
                            - dropColumn: { tableName: expense, columnName: c%1$d }
                    """.formatted(i));
        }
        Changelog big = new Changelog("changelog.yaml", yaml.toString());
        ChangelogAnalysis analysis = measure("generated 2000 changesets (" + big.content().length() / 1024 + " KiB)", big, 3);
        assertThat(analysis.changeSetIds()).hasSize(2000);
        assertThat(analysis.isHighRisk()).isFalse();
    }

    private ChangelogAnalysis measure(String what, Changelog changelog, int runs) throws Exception {
        ChangelogAnalysis analysis = engine.analyze(changelog); // warm-up
        long best = Long.MAX_VALUE;
        long total = 0;
        try (MigrationBenchmark.PeakHeap heap = new MigrationBenchmark.PeakHeap()) {
            for (int i = 0; i < runs; i++) {
                long t = System.nanoTime();
                analysis = engine.analyze(changelog);
                long ms = (System.nanoTime() - t) / 1_000_000;
                best = Math.min(best, ms);
                total += ms;
            }
            System.out.printf("BENCH changelog-check %s: best %d ms, mean %d ms over %d runs, peak heap %d MiB%n",
                    what, best, total / runs, runs, heap.peakMiB());
        }
        return analysis;
    }
}
