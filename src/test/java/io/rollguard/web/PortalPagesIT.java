package io.rollguard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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

import io.rollguard.support.Api;
import io.rollguard.support.ExpensesUntilApproval;
import io.rollguard.support.PostgresDatabase;

/**
 * The portal's pages for every role, with the real filter chains: who sees which page and which
 * controls, refused POSTs (with a valid CSRF token, so the refusal is the permission model's),
 * and the submit form's validation. Browser behaviour is in PortalBrowserIT.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false"})
@ActiveProfiles("postgres")
class PortalPagesIT {

    static final List<String> USERS = List.of("alice", "bob", "carol", "dave", "erin", "frank", "admin", "zoe", "ada");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresDatabase.register(registry, "rollguard_it_portal");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    Api api;
    String releaseId;

    @BeforeEach
    void aReleaseAwaitingApproval() {
        api = new Api("http://127.0.0.1:" + port);
        releaseId = ExpensesUntilApproval.awaitingApproval(api, jdbc);
    }

    @Test
    void everyoneWhoMayReadReleasesGetsTheReleasePagesAndOnlyItsRequesterAnAbortButton() {
        for (String user : USERS) {
            Session s = new Session(user);
            assertThat(s.get("/").status()).as(user).isEqualTo(200);
            Page list = s.get("/releases");
            assertThat(list.status()).as(user).isEqualTo(200);
            Page show = s.get("/releases/" + releaseId);
            assertThat(show.status()).as(user).isEqualTo(200);
            assertThat(show.body()).contains("AWAITING_APPROVAL");
            assertThat(show.body().contains("id=\"abort-button\"")).as(user + " abort button").isEqualTo(user.equals("alice"));
            assertThat(show.body()).doesNotContain("id=\"rollback-button\"");
            assertThat(s.get("/releases/" + releaseId + "/status").body()).contains("\"state\":\"AWAITING_APPROVAL\"");
            assertThat(s.get("/releases/" + releaseId + "/live").body()).contains("release-state");
        }
    }

    @Test
    void releaseManagersSeeHeldReleasesAndReleasesBeingRolledBackOnTheirHomePage() {
        // given the release held, and then rolling back (as after a failed verification)
        jdbc.update("update rg_release set state = 'ON_HOLD' where id = ?", releaseId);
        String held = new Session("frank").get("/").body();
        assertThat(held.substring(held.indexOf("id=\"held\""), held.indexOf("id=\"rolling-back\""))).contains(releaseId);
        jdbc.update("update rg_release set state = 'ROLLING_BACK' where id = ?", releaseId);

        // then frank has it under "being rolled back"; other roles have no such section
        String home = new Session("frank").get("/").body();
        assertThat(home.substring(home.indexOf("id=\"rolling-back\""), home.indexOf("Latest releases"))).contains(releaseId);
        for (String user : USERS) {
            if (!user.equals("frank")) {
                assertThat(new Session(user).get("/").body()).as(user).doesNotContain("id=\"rolling-back\"");
            }
        }
        jdbc.update("update rg_release set state = 'ABORTED' where id = ?", releaseId);
    }

    @Test
    void pagesUseNoExternalScriptOrStyle() {
        Page page = new Session("alice").get("/releases/" + releaseId);
        assertThat(page.body()).doesNotContainPattern("(src|href)=\"(https?:)?//");
        assertThat(new Session("alice").get("/css/rollguard.css").status()).isEqualTo(200);
        assertThat(new Session("alice").get("/js/rollguard.js").status()).isEqualTo(200);
    }

    @Test
    void onlyRequestersGetTheSubmitPage() {
        for (String user : USERS) {
            int expected = List.of("alice", "zoe", "ada").contains(user) ? 200 : 403;
            assertThat(new Session(user).get("/releases/new").status()).as(user).isEqualTo(expected);
        }
    }

    @Test
    void auditorPagesAreForAuditorsAndAdminsOnly() {
        for (String user : USERS) {
            int expected = List.of("erin", "admin", "ada").contains(user) ? 200 : 403;
            Session s = new Session(user);
            assertThat(s.get("/audit").status()).as(user).isEqualTo(expected);
            assertThat(s.get("/audit?verify=1").status()).as(user).isEqualTo(expected);
            assertThat(s.get("/audit/releases/" + releaseId).status()).as(user).isEqualTo(expected);
            assertThat(s.get("/audit/export?format=csv").status()).as(user).isEqualTo(expected);
        }
        Page verified = new Session("erin").get("/audit?verify=1");
        assertThat(verified.body()).contains("entries checked, the chain is intact");
        Page timeline = new Session("erin").get("/audit/releases/" + releaseId);
        assertThat(timeline.body()).contains("SUBMITTED", "audit #", "process releaseLifecycle");
    }

    @Test
    void anAuditorsForgedAbortAndSubmitAreRefusedAndChangeNothing() {
        // given erin, signed in with a valid CSRF token from one of her pages
        Session erin = new Session("erin");
        String token = erin.csrf("/releases/" + releaseId);

        // when
        Page abort = erin.post("/releases/" + releaseId + "/abort", Map.of("_csrf", token));
        Page rollback = erin.post("/releases/" + releaseId + "/rollback", Map.of("_csrf", token));
        Page submit = erin.post("/releases", Map.of("_csrf", token, "app", "expenses", "descriptor", "app: expenses"));
        Page confirm = erin.get("/releases/" + releaseId + "/abort");

        // then
        assertThat(abort.status()).isEqualTo(403);
        assertThat(rollback.status()).isEqualTo(403);
        assertThat(submit.status()).isEqualTo(403);
        assertThat(confirm.status()).isEqualTo(403);
        assertThat(api.get("alice", "/api/releases/" + releaseId).json().path("state").asText()).isEqualTo("AWAITING_APPROVAL");
    }

    @Test
    void aPostWithoutCsrfTokenIsRefused() {
        Page abort = new Session("alice").post("/releases/" + releaseId + "/abort", Map.of());
        assertThat(abort.status()).isEqualTo(403);
    }

    @Test
    void theRequesterAbortsAfterConfirming() {
        Session alice = new Session("alice");
        Page confirm = alice.get("/releases/" + releaseId + "/abort");
        assertThat(confirm.status()).isEqualTo(200);
        assertThat(confirm.body()).contains("Yes, abort it");

        Page done = alice.post("/releases/" + releaseId + "/abort", Map.of("_csrf", csrfOf(confirm.body())));

        assertThat(done.status()).isEqualTo(302);
        assertThat(api.get("alice", "/api/releases/" + releaseId).json().path("history").toString()).contains("ABORT_REQUESTED");
    }

    @Test
    void anInvalidDescriptorIsShownNextToItsFieldWithWhatWasTyped() throws Exception {
        // given
        ExpensesUntilApproval.nothingAwaitingApproval(jdbc);
        Session alice = new Session("alice");
        String token = alice.csrf("/releases/new");
        String broken = ExpensesUntilApproval.descriptor().replace("weight: 20", "weight: 200");

        // when
        Page page = alice.multipart("/releases", Map.of("_csrf", token, "app", "expenses", "descriptor", broken),
                ExpensesUntilApproval.flows());

        // then
        assertThat(page.status()).isEqualTo(400);
        assertThat(page.body()).contains("id=\"descriptor-errors\"", "/rollout/steps/0/weight");
        assertThat(page.body()).contains("weight: 200");
        assertThat(jdbc.queryForObject("select count(*) from rg_release where state = 'AWAITING_APPROVAL'", Integer.class)).isZero();
    }

    @Test
    void aMissingFileIsShownNextToTheFilesFieldAndAValidSubmissionLeadsToTheReleasePage() throws Exception {
        ExpensesUntilApproval.nothingAwaitingApproval(jdbc);
        Session alice = new Session("alice");
        String token = alice.csrf("/releases/new");
        String descriptor = ExpensesUntilApproval.descriptor();

        Page missing = alice.multipart("/releases", Map.of("_csrf", token, "app", "expenses", "descriptor", descriptor), Map.of());
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body()).contains("id=\"files-errors\"", "flows.json");

        Page ok = alice.multipart("/releases", Map.of("_csrf", token, "app", "expenses", "descriptor", descriptor),
                ExpensesUntilApproval.flows());
        assertThat(ok.status()).as(ok.body()).isEqualTo(302);
        assertThat(ok.location()).startsWith("http://127.0.0.1:" + port + "/releases/");
    }

    @Test
    void theReleaseListFiltersAndPaginatesForTheApiToo() {
        Page filtered = new Session("erin").get("/releases?state=AWAITING_APPROVAL&requester=alice");
        assertThat(filtered.body()).contains(">1<").contains("1.1.0");
        Page none = new Session("erin").get("/releases?state=PROMOTED&requester=alice");
        assertThat(none.body()).contains("No release matches.");
        assertThat(new Session("erin").get("/releases?state=BOGUS").status()).isEqualTo(400);
        Api.Response json = api.get("erin", "/api/releases?state=AWAITING_APPROVAL&size=1");
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.header("X-Total-Count")).isEqualTo("1");
        assertThat(json.json().size()).isEqualTo(1);
        Api.Response inFlight = api.get("alice", "/api/releases?requester=alice&inFlight=true");
        assertThat(inFlight.json().findValuesAsText("id")).containsExactly(releaseId);
        Api.Response bad = api.get("erin", "/api/releases?from=yesterday");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("violations").get(0).path("path").asText()).isEqualTo("from");
    }

    @Test
    void theReleasePageHasTheLifecycleDiagramWithWhereTheReleaseIs() {
        Page diagram = new Session("alice").get("/releases/" + releaseId + "/diagram");
        assertThat(diagram.status()).isEqualTo(200);
        assertThat(diagram.body()).contains("<definitions", "BPMNDiagram", "\"active\":[\"UserTask_");
        Api.Response json = api.get("erin", "/api/releases/" + releaseId + "/diagram");
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.json().path("completed").toString()).contains("StartEvent_");
        assertThat(new Session("alice").get("/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js").status()).isEqualTo(200);
        assertThat(new Session("alice").get("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js").status()).isEqualTo(200);
        assertThat(api.get("alice", "/api/releases/" + releaseId + "/analyses/1/series").status()).isEqualTo(404);
    }

    @Test
    void theApiIsDescribedWithOpenApi() {
        Page docs = new Session("erin").get("/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.body()).contains("/api/releases", "/api/audit/verify", "/api/audit/export",
                "/api/releases/{id}/diagram", "/api/releases/{id}/analyses/{run}/series").doesNotContain("\"/releases/{id}\"");
        Page ui = new Session("erin").get("/swagger-ui/index.html");
        assertThat(ui.status()).isEqualTo(200);
        assertThat(ui.body()).doesNotContainPattern("(src|href)=\"(https?:)?//");
    }

    static String csrfOf(String html) {
        Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(html);
        assertThat(m.find()).as("a CSRF field in the page").isTrue();
        return m.group(1);
    }

    record Page(int status, String body, String location) {
    }

    /** A browser-like client: HTTP Basic sign-in, a cookie jar, so CSRF tokens of the session are valid. */
    class Session {
        final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .connectTimeout(Duration.ofSeconds(5)).build();
        final String authorization;

        Session(String user) {
            authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + user).getBytes(StandardCharsets.UTF_8));
        }

        Page get(String path) {
            return send(request(path).GET());
        }

        String csrf(String path) {
            Page page = get(path);
            assertThat(page.status()).isEqualTo(200);
            return csrfOf(page.body());
        }

        Page post(String path, Map<String, String> form) {
            StringBuilder body = new StringBuilder();
            form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                    .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
            return send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
        }

        Page multipart(String path, Map<String, String> fields, Map<String, byte[]> files) {
            String boundary = "rollguard-" + UUID.randomUUID();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            fields.forEach((k, v) -> body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + k
                    + "\"\r\n\r\n" + v + "\r\n").getBytes(StandardCharsets.UTF_8)));
            files.forEach((name, bytes) -> {
                body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"" + name
                        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                body.writeBytes(bytes);
                body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            });
            body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            return send(request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
        }

        private HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", authorization);
        }

        private Page send(HttpRequest.Builder request) {
            try {
                HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                return new Page(r.statusCode(), r.body(), r.headers().firstValue("Location").orElse(null));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
