package io.rollguard.migration;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.postgresql.PGProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Throwaway PostgreSQL databases for the migration dry run, on a server the operator names, owned
 * by a role of their own that holds no privilege on any live database. A requester's changelog
 * runs only there: PostgreSQL has no cross-database references, and the extensions that would
 * reach out (dblink, postgres_fdw, file_fdw) are not trusted, so this role cannot create them.
 *
 * <p>Every database is named {@code <prefix><epoch seconds>_<random hex>} so that one left behind
 * by a crashed node is recognised by name and age, and dropped by the next run or start.
 */
@Component
class DryRunDatabases implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(DryRunDatabases.class);
    /** Any node's or checkout's run database, whatever prefix it was configured with. */
    private static final Pattern RUN_DATABASE = Pattern.compile("rg_dryrun_(\\d{10})_[0-9a-f]{16}$");

    private final String url;
    private final String username;
    private final String password;
    private final String prefix;
    private final Duration statementTimeout;
    private final Duration lockTimeout;
    private final Duration idleInTransactionTimeout;
    private final Duration totalTimeout;
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dry-run-watchdog");
        t.setDaemon(true);
        return t;
    });

    DryRunDatabases(@Value("${rollguard.migration.dry-run.url}") String url,
            @Value("${rollguard.migration.dry-run.username}") String username,
            @Value("${rollguard.migration.dry-run.password:}") String password,
            @Value("${rollguard.migration.dry-run.database-prefix:rg_dryrun_}") String prefix,
            @Value("${rollguard.migration.dry-run.statement-timeout:PT30S}") Duration statementTimeout,
            @Value("${rollguard.migration.dry-run.lock-timeout:PT10S}") Duration lockTimeout,
            @Value("${rollguard.migration.dry-run.idle-in-transaction-timeout:PT1M}") Duration idleInTransactionTimeout,
            @Value("${rollguard.migration.dry-run.total-timeout:PT5M}") Duration totalTimeout) {
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("rollguard.migration.dry-run.url must be a jdbc:postgresql:// URL");
        }
        if (!(prefix + "x").matches("[a-z_][a-z0-9_]*") || !prefix.endsWith("rg_dryrun_")) {
            throw new IllegalArgumentException("rollguard.migration.dry-run.database-prefix must be lower case letters, "
                    + "digits and _ and end with rg_dryrun_, was " + prefix);
        }
        this.url = url;
        this.username = username;
        this.password = password;
        this.prefix = prefix;
        this.statementTimeout = statementTimeout;
        this.lockTimeout = lockTimeout;
        this.idleInTransactionTimeout = idleInTransactionTimeout;
        this.totalTimeout = totalTimeout;
    }

    /** Whether this is the dry run's own role (an app registered with it would hand the dry run live privileges). */
    boolean isRole(String role) {
        return username.equals(role);
    }

    Duration statementTimeout() {
        return statementTimeout;
    }

    Duration totalTimeout() {
        return totalTimeout;
    }

    /**
     * A fresh database for one run, its total time limit already running: when it is reached the
     * database is dropped with every session in it, so whatever the changelog is doing ends there.
     */
    Run create() {
        dropLeftovers();
        String name = prefix + Instant.now().getEpochSecond() + "_" + HexFormat.of().formatHex(randomBytes());
        try (Connection c = maintenance(); Statement s = c.createStatement()) {
            s.execute("create database " + PostgresCatalog.quote(name));
        } catch (SQLException e) {
            throw new MigrationException("Cannot create a database for the dry run as the role configured in "
                    + "rollguard.migration.dry-run: " + DryRunErrors.describe(e), e);
        }
        return new Run(name);
    }

    private byte[] randomBytes() {
        byte[] bytes = new byte[8];
        random.nextBytes(bytes);
        return bytes;
    }

    /** One run's database; closing it drops the database (also after a time-out or a failure). */
    final class Run implements AutoCloseable {
        private final String name;
        private final AtomicBoolean timedOut = new AtomicBoolean();
        private final ScheduledFuture<?> limit;

        private Run(String name) {
            this.name = name;
            this.limit = watchdog.schedule(() -> {
                timedOut.set(true);
                log.warn("dry run in {} reached its total limit of {}: dropping the database", name, totalTimeout);
                drop(name);
            }, totalTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        String name() {
            return name;
        }

        boolean timedOut() {
            return timedOut.get();
        }

        /** A session in the run's database as the dry-run role, with the statement, lock and idle limits. */
        Connection connect() throws SQLException {
            Properties props = new Properties();
            props.setProperty("user", username);
            props.setProperty("password", password);
            // several rows per insert for the sample copy, one round trip per batch
            PGProperty.REWRITE_BATCHED_INSERTS.set(props, true);
            PGProperty.OPTIONS.set(props, "-c statement_timeout=" + statementTimeout.toMillis()
                    + " -c lock_timeout=" + lockTimeout.toMillis()
                    + " -c idle_in_transaction_session_timeout=" + idleInTransactionTimeout.toMillis());
            PGProperty.APPLICATION_NAME.set(props, "rollguard-dry-run");
            return DriverManager.getConnection(serverUrl(name), props);
        }

        @Override
        public void close() {
            limit.cancel(false);
            drop(name);
        }
    }

    @EventListener(ApplicationReadyEvent.class)
    void dropLeftoversAtStart() {
        try {
            dropLeftovers();
        } catch (MigrationException e) {
            // the dry run then fails with the same reason, where the requester and operator see it
            log.warn("Could not look for databases left behind by earlier dry runs: {}", e.getMessage());
        }
    }

    /**
     * Drops run databases older than twice the total limit: no run lives that long, so a node that
     * crashed left them. Any other database the role owns is named in the log and left alone (only
     * a changelog's own {@code create database} can have made it, and an operator decides).
     */
    void dropLeftovers() {
        List<String> leftovers = new ArrayList<>();
        long oldest = Instant.now().minus(totalTimeout.multipliedBy(2)).getEpochSecond();
        try (Connection c = maintenance()) {
            refuseMightyRole(c);
            for (String name : PostgresCatalog.column(c,
                    "select datname from pg_database where pg_get_userbyid(datdba) = current_user")) {
                Matcher m = RUN_DATABASE.matcher(name);
                if (!m.find()) {
                    log.warn("The dry-run role {} owns database {}, which no dry run created: a changelog may have "
                            + "created it; drop it by hand", username, name);
                } else if (Long.parseLong(m.group(1)) < oldest) {
                    leftovers.add(name);
                }
            }
        } catch (SQLException e) {
            throw new MigrationException("Cannot reach the dry-run server configured in rollguard.migration.dry-run: "
                    + DryRunErrors.describe(e), e);
        }
        for (String name : leftovers) {
            log.info("dropping {}, left behind by an earlier dry run", name);
            drop(name);
        }
    }

    /** A superuser or a role that may make roles could leave the run's database; such a role is refused. */
    private void refuseMightyRole(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select rolsuper or rolcreaterole "
                + "or pg_has_role(current_user, 'pg_read_server_files', 'USAGE') "
                + "or pg_has_role(current_user, 'pg_write_server_files', 'USAGE') "
                + "or pg_has_role(current_user, 'pg_execute_server_program', 'USAGE') "
                + "from pg_roles where rolname = current_user")) {
            if (rs.next() && rs.getBoolean(1)) {
                throw new MigrationException("The dry-run role configured in rollguard.migration.dry-run is a superuser, "
                        + "may create roles or may read or write server files; the dry run needs a role of its own "
                        + "without these (README, \"Database roles\")");
            }
        }
    }

    private void drop(String name) {
        try (Connection c = maintenance(); Statement s = c.createStatement()) {
            // FORCE ends the sessions still in it: the role may end its own sessions, no superuser needed
            s.execute("drop database if exists " + PostgresCatalog.quote(name) + " with (force)");
        } catch (SQLException e) {
            log.warn("Could not drop dry-run database {} (dropped at the next run or start): {}", name, e.getMessage());
        }
    }

    private Connection maintenance() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", username);
        props.setProperty("password", password);
        PGProperty.CONNECT_TIMEOUT.set(props, 10);
        PGProperty.OPTIONS.set(props, "-c statement_timeout=60000");
        return DriverManager.getConnection(url, props);
    }

    /** The configured URL with the run's database in place of the maintenance database, parameters kept. */
    private String serverUrl(String database) {
        String rest = url.substring("jdbc:postgresql://".length());
        int slash = rest.indexOf('/');
        String hosts = slash < 0 ? rest : rest.substring(0, slash);
        int query = rest.indexOf('?');
        return "jdbc:postgresql://" + hosts + "/" + database + (query < 0 ? "" : rest.substring(query));
    }

    @Override
    public void destroy() {
        watchdog.shutdownNow();
    }
}
