package io.rollguard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.rollguard.app.AppDatabase;
import io.rollguard.migration.Changelog;
import io.rollguard.migration.MigrationEngine;
import io.rollguard.migration.ReversibilityProof;
import io.rollguard.support.ExpensesDatabase;
import io.rollguard.support.NodeRedSlots;
import io.rollguard.support.PostgresDatabase;

/**
 * Preflight (dry run on a scratch copy) and rollback of the sample migrations on 100 000 rows of
 * app data, inside the running platform, with the memory it used. Prints lines starting with {@code BENCH}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false"})
@ActiveProfiles("postgres")
class MigrationBenchmark {

    static final int ROWS = 100_000;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresDatabase.register(registry, "rollguard_bench_migration");
    }

    @Autowired
    MigrationEngine engine;

    @Test
    void measure() throws Exception {
        ExpensesDatabase data = ExpensesDatabase.create("rollguard_bench_migration_app");
        data.execute("insert into expense (description, amount, created_at) select 'Expense ' || i || ' taxi', "
                + "(i % 1000) + 0.25, timestamp with time zone '2024-01-01 00:00+00' + i * interval '1 minute' "
                + "from generate_series(1, " + (ROWS - 3) + ") i");
        AppDatabase db = new AppDatabase("expenses", data.jdbcUrl(), PostgresDatabase.APP_USER, PostgresDatabase.APP_PASSWORD);
        System.out.printf("BENCH migration: %d rows in expense; JVM RSS before %d MiB%n", ROWS, rssMiB("VmRSS"));
        for (String file : new String[] {"1.3.0/changelog.yaml", "1.4.0/changelog.yaml", "1.5.0/changelog.sql"}) {
            Path path = NodeRedSlots.PROJECT.resolve("examples/expenses/" + file);
            Changelog changelog = new Changelog(path.getFileName().toString(), Files.readString(path));
            try (PeakHeap heap = new PeakHeap()) {
                long t0 = System.nanoTime();
                ReversibilityProof proof = engine.prove(db, changelog, "rollguard_scratch_bench", ROWS);
                long preflight = ms(t0);
                assertThat(proof.differences()).as(proof.report()).isEmpty();
                String tag = "rollguard-bench-" + file.substring(0, 5);
                long t1 = System.nanoTime();
                engine.apply(db, changelog, tag);
                long apply = ms(t1);
                long t2 = System.nanoTime();
                engine.rollBackTo(db, changelog, tag);
                long rollback = ms(t2);
                long t3 = System.nanoTime();
                engine.fingerprint(db);
                long fingerprint = ms(t3);
                System.out.printf("BENCH migration %s: preflight (copy %d rows, apply, roll back, compare, apply again) %d ms; "
                        + "live apply %d ms; live rollback to tag %d ms; fingerprint of %d rows %d ms; "
                        + "peak heap used %d MiB; JVM peak RSS %d MiB%n", file, ROWS, preflight, apply, rollback, ROWS,
                        fingerprint, heap.peakMiB(), rssMiB("VmHWM"));
                System.out.println("BENCH   " + proof.steps());
            }
            data.reset();
            data.execute("insert into expense (description, amount, created_at) select 'Expense ' || i || ' taxi', "
                    + "(i % 1000) + 0.25, timestamp with time zone '2024-01-01 00:00+00' + i * interval '1 minute' "
                    + "from generate_series(1, " + (ROWS - 3) + ") i");
        }
    }

    private static long ms(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static long rssMiB(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }

    /** Samples used heap every 20 ms while open. */
    static final class PeakHeap implements AutoCloseable {
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private final AtomicLong peak = new AtomicLong();
        private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "peak-heap");
            t.setDaemon(true);
            return t;
        });

        PeakHeap() {
            sampler.scheduleAtFixedRate(() -> peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max),
                    0, 20, TimeUnit.MILLISECONDS);
        }

        long peakMiB() {
            return peak.get() / (1024 * 1024);
        }

        @Override
        public void close() throws InterruptedException {
            sampler.shutdown();
            sampler.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
