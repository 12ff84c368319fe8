package io.rollguard.routing.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The router's copy of weights and pinned tenants follows what the database commits, never what it may not. */
class RouteTableTest {

    /** Lets a test stop the periodic refresh between its two reads, as a busy machine might. */
    static final class PausableJdbc extends JdbcTemplate {
        volatile CountDownLatch pausedAtTenants;
        volatile CountDownLatch resume;

        PausableJdbc(DataSource dataSource) {
            super(dataSource);
        }

        @Override
        public void query(String sql, RowCallbackHandler rch) throws DataAccessException {
            if (resume != null && sql.contains("rg_router_tenant")) {
                pausedAtTenants.countDown();
                try {
                    resume.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            super.query(sql, rch);
        }
    }

    PausableJdbc jdbc;
    TransactionTemplate transaction;
    RouteTable routes;

    @BeforeEach
    void database() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:routes-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        jdbc = new PausableJdbc(h2);
        jdbc.execute("create table rg_route (app_key varchar(64) primary key, canary_weight int not null, "
                + "updated_at timestamp not null)");
        jdbc.execute("create table rg_router_tenant (app_key varchar(64) not null, tenant varchar(128) not null, "
                + "slot varchar(16) not null)");
        transaction = new TransactionTemplate(new DataSourceTransactionManager(h2));
        routes = new RouteTable(jdbc);
    }

    @Test
    void aWeightSetInATransactionRoutesOnlyOnceItCommits() {
        transaction.executeWithoutResult(status -> {
            routes.setWeight("expenses", 20);
            assertThat(routes.weight("expenses")).as("before the commit").isZero();
        });

        assertThat(routes.weight("expenses")).isEqualTo(20);
    }

    @Test
    void aWeightSetInATransactionThatRollsBackNeverRoutes() {
        routes.setWeight("expenses", 50);

        transaction.executeWithoutResult(status -> {
            routes.setWeight("expenses", 100);
            status.setRollbackOnly();
        });
        routes.refresh();

        assertThat(routes.weight("expenses")).isEqualTo(50);
        assertThat(routes.storedWeight("expenses")).isEqualTo(50);
    }

    @Test
    void aRefreshThatReadTheWeightBeforeARollbackCommittedDoesNotSendUsersBackToTheCanary() throws Exception {
        // given a canary at 50 % and a refresh that has read the weights and is held up before it applies them
        routes.setWeight("expenses", 50);
        jdbc.pausedAtTenants = new CountDownLatch(1);
        jdbc.resume = new CountDownLatch(1);
        CompletableFuture<Void> refresh = CompletableFuture.runAsync(routes::refresh);
        assertThat(jdbc.pausedAtTenants.await(10, TimeUnit.SECONDS)).isTrue();

        // when the rollback takes all traffic off the canary and commits
        transaction.executeWithoutResult(status -> routes.setWeight("expenses", 0));
        assertThat(routes.weight("expenses")).isZero();
        jdbc.resume.countDown();
        refresh.get(10, TimeUnit.SECONDS);

        // then the late refresh does not put the old 50 % back
        assertThat(routes.weight("expenses")).isZero();
        jdbc.resume = null;
        routes.refresh();
        assertThat(routes.weight("expenses")).isZero();
    }

    @Test
    void pinnedTenantsFollowTheCommitAndARefreshKeepsThem() {
        transaction.executeWithoutResult(status -> {
            routes.setPinned("expenses", Set.of("acme"));
            assertThat(routes.pinnedToCanary("expenses", "acme")).as("before the commit").isFalse();
        });
        assertThat(routes.pinnedToCanary("expenses", "acme")).isTrue();

        routes.refresh();
        assertThat(routes.pinnedToCanary("expenses", "acme")).isTrue();
        assertThat(routes.pinnedToCanary("expenses", "globex")).isFalse();
        assertThat(routes.storedPinned("expenses")).containsExactly("acme");
    }
}
