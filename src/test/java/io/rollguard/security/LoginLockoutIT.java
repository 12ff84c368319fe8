package io.rollguard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.rollguard.support.Api;
import io.rollguard.support.PostgresDatabase;

/**
 * Password guessing against the local users (the Camunda identity every password check lands
 * on), from several client machines: each is another loopback address, so the server sees a
 * real remote address and no proxy header is trusted. Camunda's delay is shortened to 2 s here
 * (the default is 1 s growing to 60 s) so the tests can wait it out; a user is paused with 429
 * after three failures in a row.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false",
        "camunda.bpm.generic-properties.properties.loginDelayBase=2",
        "camunda.bpm.generic-properties.properties.loginDelayMaxTime=2"})
@ActiveProfiles("postgres")
class LoginLockoutIT {

    static final String PROBE = "/api/releases?size=1";

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresDatabase.register(registry, "rollguard_it_lockout");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    RawHttp http;
    Api api;

    @BeforeEach
    void clients() {
        http = new RawHttp(port);
        api = new Api("http://127.0.0.1:" + port);
    }

    RawHttp.Response login(String from, String user, String password) {
        return http.get(from, PROBE, Map.of("Authorization", RawHttp.basic(user, password)));
    }

    boolean delayOver(String user) {
        List<Timestamp> until = jdbc.queryForList("select lock_exp_time_ from act_id_user where id_ = ?", Timestamp.class, user);
        return until.isEmpty() || until.get(0) == null || until.get(0).toInstant().isBefore(Instant.now());
    }

    /** Failures that Camunda counts: each after the delay of the one before has run out. */
    void failInARow(String user, String from, int times) {
        for (int i = 0; i < times; i++) {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> delayOver(user));
            assertThat(login(from, user, "guess-" + i).status()).isEqualTo(401);
        }
    }

    @Test
    void failedLoginsFromAStrangerCannotLockOutAnApprover() {
        // given a stranger on four machines guessing bob's password, each guess after the last delay ran out
        for (int i = 0; i < 12; i++) {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> delayOver("bob"));
            RawHttp.Response guess = login("127.0.0." + (20 + i % 4), "bob", "guess-" + i);
            assertThat(guess.status()).as("guess %d", i).isIn(401, 429);
        }

        // then bob, from his own machine, is in again once the last delay has run out: no permanent lock
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500))
                .until(() -> login("127.0.0.30", "bob", "bob").status() == 200);
    }

    @Test
    void failedLoginsAreThrottledPerAddressAndPerUser() {
        // per address: ten failures from one machine, whatever users they name, pause it
        for (int i = 0; i < 10; i++) {
            assertThat(login("127.0.0.40", "nobody-" + i, "guess").status()).isEqualTo(401);
        }
        RawHttp.Response paused = login("127.0.0.40", "alice", "alice");
        assertThat(paused.status()).as(paused.body()).isEqualTo(429);
        assertThat(Long.parseLong(paused.header("Retry-After"))).isBetween(1L, 300L);
        assertThat(paused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(paused.body()).contains("\"status\":429", "your address");
        assertThat(login("127.0.0.41", "alice", "alice").status()).as("another machine").isEqualTo(200);
        // every node of a cluster meets the same count: it is kept in the shared database
        assertThat(jdbc.queryForObject("select count(*) from rg_login_failure where address = '127.0.0.40'", Integer.class))
                .isEqualTo(10);

        // per user: three failures in a row for carol pause sign-ins as carol for a while, from anywhere, and say so
        failInARow("carol", "127.0.0.50", 3);
        RawHttp.Response carol = login("127.0.0.51", "carol", "carol");
        assertThat(carol.status()).as(carol.body()).isEqualTo(429);
        assertThat(Long.parseLong(carol.header("Retry-After"))).isBetween(1L, 60L);
        assertThat(carol.body()).contains("this user");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .until(() -> login("127.0.0.51", "carol", "carol").status() == 200);
    }

    @Test
    void adminCanUnlockAThrottledUser() {
        // given dave paused (three failures in a row) and a machine paused by failures, three of them as dave
        failInARow("dave", "127.0.0.60", 3);
        assertThat(login("127.0.0.61", "dave", "dave").status()).isEqualTo(429);
        for (int i = 0; i < 7; i++) {
            assertThat(login("127.0.0.60", "nobody-" + i, "guess").status()).isEqualTo(401);
        }
        assertThat(login("127.0.0.60", "dave", "dave").status()).isEqualTo(429);

        // when an admin lifts dave's throttle
        Api.Response unlocked = api.delete("admin", "/api/admin/login-throttle/dave");
        assertThat(unlocked.status()).as(unlocked.body()).isEqualTo(204);

        // then dave is in at once, from anywhere, his own machine included
        assertThat(login("127.0.0.61", "dave", "dave").status()).isEqualTo(200);
        assertThat(login("127.0.0.60", "dave", "dave").status()).isEqualTo(200);
    }

    @Test
    void nonAdminCannotUnlock() {
        for (String user : List.of("alice", "bob", "erin", "frank", "zoe")) {
            Api.Response r = api.delete(user, "/api/admin/login-throttle/dave");
            assertThat(r.status()).as(user + ": " + r.body()).isEqualTo(403);
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        }
        assertThat(api.delete(null, "/api/admin/login-throttle/dave").status()).isEqualTo(401);
    }
}
