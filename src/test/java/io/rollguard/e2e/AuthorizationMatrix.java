package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.support.Api;
import io.rollguard.support.AppRegistrations;
import io.rollguard.support.NodeRedSlots;
import io.rollguard.support.TrafficGenerator;

/**
 * The permission model of DESIGN.md as one table: every role against every action, through every
 * way in — our API, and Camunda's REST API, which is what Tasklist and Cockpit use. It runs once
 * per identity source with the same expectations: {@link LocalUsersAuthorizationMatrixIT} (the
 * embedded default) and {@link KeycloakAuthorizationMatrixIT} (real tokens from a real Keycloak).
 */
abstract class AuthorizationMatrix extends EndToEndTest {

    static final List<String> USERS = List.of("alice", "bob", "carol", "dave", "erin", "frank", "admin", "zoe", "ada");
    /** Requesters who own the sample app in these tests. */
    static final Set<String> OWNERS = Set.of("alice", "zoe", "ada");
    static final Set<String> ADMINS = Set.of("admin", "ada");
    /** Who may look at process instances in Cockpit: auditors, release managers, admins. */
    static final Set<String> COCKPIT_READERS = Set.of("erin", "frank", "admin", "ada");

    static final String SCHEMA_CHANGELOG = """
            databaseChangeLog:
              - changeSet:
                  id: matrix-add-receipts
                  author: rollguard-tests
                  changes:
                    - createTable:
                        tableName: receipts
                        columns:
                          - column: {name: id, type: int}
            """;

    /** Slots nobody listens on: a release stops at preflight, which is all the approval checks need. */
    void appWithUnreachableSlots() {
        noReleaseInFlight();
        Api.Response r = api.putJson("admin", "/api/apps/expenses", AppRegistrations.withoutSlots("expenses", "1.0.0", List.of("alice", "zoe", "ada"), null));
        assertThat(r.status()).as(r.body()).isIn(200, 201);
        // a schema change needs the app's database: its changelog is checked at submission
        registerAppDatabase();
        // an integration change names a registered integration: its settings are checked at submission
        Api.Response payments = api.putJson("admin", "/api/apps/expenses/integrations/payments",
                urlIntegration("PAYMENTS_URL", "127.0.0.1:9"));
        assertThat(payments.status()).as(payments.body()).isIn(200, 201);
    }

    /** An integration with one url setting on one allowed host. */
    static String urlIntegration(String env, String host) {
        return """
                {"kind":"http","settings":{"url":{"type":"url","env":"%s","hosts":["%s"]}},
                 "probe":{"url":"url","path":"/health"}}""".formatted(env, host);
    }

    record Submitted(String id, String processInstanceId) {
    }

    /** Submits expenses 1.1.0 as an ordinary, a schema or an integration change. */
    Submitted submit(String user, String change) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        String descriptor;
        try {
            descriptor = Files.readString(EXAMPLES.resolve("1.1.0/release.yaml"));
            files.put("flows.json", Files.readAllBytes(EXAMPLES.resolve("1.1.0/flows.json")));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        switch (change) {
            case "schema" -> {
                descriptor += "schema:\n  changelog: changelog.yaml\n";
                files.put("changelog.yaml", SCHEMA_CHANGELOG.getBytes());
            }
            case "integration" -> descriptor += "integrations:\n  - name: payments\n    settings:\n      url: http://127.0.0.1:9/pay\n";
            case "ordinary" -> { }
            default -> throw new IllegalArgumentException(change);
        }
        Api.Response r = api.submit(user, descriptor, files);
        assertThat(r.status()).as(user + ": " + r.body()).isEqualTo(201);
        // classified in a job after the answer: until then there is nothing to approve and no abort to catch
        api.awaitFirstStep(r.json().path("processInstanceId").asText());
        return new Submitted(r.json().path("id").asText(), r.json().path("processInstanceId").asText());
    }

    @Test
    void onlyRequestersWhoOwnTheAppSubmitReleases() {
        appWithUnreachableSlots();
        for (String user : USERS) {
            Api.Response r = api.submitExample(user, "1.1.0");
            assertThat(r.status()).as(user + ": " + r.body()).isEqualTo(OWNERS.contains(user) ? 201 : 403);
            if (r.status() == 201) {
                api.awaitFirstStep(r.json().path("processInstanceId").asText());
                assertThat(api.post(user, "/api/releases/" + r.json().path("id").asText() + "/abort").status())
                        .isEqualTo(200);
            }
        }
    }

    @Test
    void everyoneWithARoleReadsReleasesButOnlyTheirRequesterAbortsThem() {
        appWithUnreachableSlots();
        Submitted release = submit("alice", "ordinary");
        for (String user : USERS) {
            assertThat(api.get(user, "/api/releases/" + release.id()).status()).as(user + " reads").isEqualTo(200);
            assertThat(api.get(user, "/api/releases?app=expenses").status()).as(user + " lists").isEqualTo(200);
            assertThat(api.get(user, "/api/releases/" + release.id() + "/analysis").status()).as(user + " reads evidence")
                    .isEqualTo(200);
            if (!user.equals("alice")) {
                assertThat(api.post(user, "/api/releases/" + release.id() + "/abort").status()).as(user + " aborts")
                        .isEqualTo(403);
            }
        }
        Api.Response abort = api.post("alice", "/api/releases/" + release.id() + "/abort");
        assertThat(abort.status()).as(abort.body()).isEqualTo(200);
        assertThat(abort.json().path("state").asText()).isEqualTo("ABORTED");
    }

    /**
     * Each change class has its own approver group; everyone else, admins included, neither sees
     * the task in Tasklist nor may complete it. Every allowed approver completes one for real.
     */
    @ParameterizedTest(name = "{0} change: approved only by {1}")
    @CsvSource({"ordinary,ada bob carol zoe", "schema,carol", "integration,dave"})
    void anApprovalIsCompletedOnlyByTheGroupItsChangeClassRequires(String change, String approvers) {
        Set<String> allowed = new TreeSet<>(List.of(approvers.split(" ")));
        appWithUnreachableSlots();
        boolean othersChecked = false;
        for (String approver : allowed) {
            // given alice asks for a release of this change class
            Submitted release = submit("alice", change);
            String taskId = awaitTask(approver, release.processInstanceId()).path("id").asText();
            if (!othersChecked) {
                for (String user : USERS) {
                    if (!allowed.contains(user)) {
                        assertThat(tasksInMyGroupTasksFilter(user)).as(user + "'s Tasklist").doesNotContain(taskId);
                        assertThat(complete(user, taskId, "approve", "").status()).as(user + " completes")
                                .isEqualTo(403);
                    }
                }
                othersChecked = true;
            }
            assertThat(tasksInMyGroupTasksFilter(approver)).as(approver + "'s Tasklist").contains(taskId);

            // when
            Api.Response completed = complete(approver, taskId, "approve", "checked by " + approver);

            // then
            assertThat(completed.status()).as(approver + ": " + completed.body()).isEqualTo(204);
            JsonNode after = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> release(release.id()), r -> hasEvent(r, "APPROVED", "checked by " + approver));
            assertThat(after.path("history").toString()).contains("\"actor\":\"" + approver + "\"");
            // unreachable slots: preflight ends the release, which frees the app for the next one
            waitForState(release.id(), "PREFLIGHT_FAILED", Duration.ofSeconds(60));
        }
    }

    /** zoe may approve others' releases, ada too and she is an admin: neither approves her own. */
    @ParameterizedTest
    @ValueSource(strings = {"zoe", "ada"})
    void aRequesterWhoMayApproveNeverApprovesTheirOwnRelease(String requester) {
        appWithUnreachableSlots();
        Submitted release = submit(requester, "ordinary");
        String taskId = awaitTask("bob", release.processInstanceId()).path("id").asText();

        assertThat(tasksInMyGroupTasksFilter(requester)).doesNotContain(taskId);
        assertThat(api.get(requester, "/engine-rest/task?processInstanceId=" + release.processInstanceId()).json())
                .isEmpty();
        assertThat(api.postJson(requester, "/engine-rest/task/" + taskId + "/claim",
                "{\"userId\":\"" + requester + "\"}").status()).isEqualTo(403);
        assertThat(complete(requester, taskId, "approve", "mine").status()).isEqualTo(403);
        assertThat(release(release.id()).path("state").asText()).isEqualTo("AWAITING_APPROVAL");

        assertThat(complete("bob", taskId, "approve", "").status()).isEqualTo(204);
    }

    /**
     * Cockpit shows auditors, release managers and admins every instance; nobody changes a release's
     * process there (cancel, suspend, modify, set variables, delete history; retrying is for admins, see
     * the lifecycle test below): a release
     * moves only through its own steps, so its process stays the evidence of what happened.
     */
    @Test
    void nobodyChangesAReleasesProcessInCamundaWhileAuditorsReadIt() {
        // given a release waiting for approval
        appWithUnreachableSlots();
        Submitted release = submit("alice", "ordinary");
        String pi = release.processInstanceId();
        awaitTask("bob", pi);

        for (String user : USERS) {
            boolean reader = COCKPIT_READERS.contains(user);
            String instance = "/engine-rest/process-instance/" + pi;
            assertThat(api.get(user, instance).status()).as(user + " reads").isEqualTo(reader ? 200 : 404);
            assertThat(api.delete(user, instance).status()).as(user + " cancels").isEqualTo(403);
            assertThat(api.putJson(user, instance + "/suspended", "{\"suspended\":true}").status())
                    .as(user + " suspends").isEqualTo(403);
            assertThat(api.postJson(user, instance + "/modification", """
                    {"skipCustomListeners":true,"skipIoMappings":true,
                     "instructions":[{"type":"startBeforeActivity","activityId":"EndEvent_ReleasePromoted"}]}""")
                    .status()).as(user + " modifies").isEqualTo(403);
            assertThat(api.postJson(user, instance + "/variables",
                    "{\"modifications\":{\"changeClasses\":{\"value\":\"none\"}}}").status())
                    .as(user + " sets variables").isEqualTo(403);
        }
        // nor does anyone start a release around our API (its checks, its records)
        for (String user : USERS) {
            assertThat(api.postJson(user, "/engine-rest/process-definition/key/releaseLifecycle/start",
                    "{\"variables\":{\"releaseId\":{\"value\":\"forged\"}}}").status())
                    .as(user + " starts a release in Camunda").isEqualTo(403);
        }

        // then the instance is untouched, and an auditor reads its history
        JsonNode instance = api.get("erin", "/engine-rest/process-instance/" + pi).json();
        assertThat(instance.path("suspended").asBoolean()).isFalse();
        assertThat(api.get("erin", "/engine-rest/history/activity-instance?processInstanceId=" + pi).json())
                .isNotEmpty();
        assertThat(release(release.id()).path("state").asText()).isEqualTo("AWAITING_APPROVAL");

        // and once it has ended, nobody deletes its history
        assertThat(api.post("alice", "/api/releases/" + release.id() + "/abort").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(
                () -> api.get("erin", "/engine-rest/history/process-instance/" + pi).json().path("state").asText(),
                state -> !state.equals("ACTIVE"));
        for (String user : USERS) {
            assertThat(api.delete(user, "/engine-rest/history/process-instance/" + pi).status())
                    .as(user + " deletes history").isEqualTo(403);
        }
        assertThat(api.get("erin", "/engine-rest/history/process-instance/" + pi).status()).isEqualTo(200);
    }

    @Test
    void onlyAdminsReadAndChangeTheAppRegistry() {
        appWithUnreachableSlots();
        for (String user : USERS) {
            boolean admin = ADMINS.contains(user);
            assertThat(api.get(user, "/api/apps").status()).as(user + " lists").isEqualTo(admin ? 200 : 403);
            assertThat(api.get(user, "/api/apps/expenses").status()).as(user + " reads").isEqualTo(admin ? 200 : 403);
            Api.Response write = api.putJson(user, "/api/apps/matrix-" + user,
                    AppRegistrations.withoutSlots("matrix-" + user, "1.0.0", List.of("alice"), null));
            assertThat(write.status()).as(user + " registers: " + write.body()).isIn(admin ? List.of(200, 201) : List.of(403));
        }
    }

    @org.springframework.beans.factory.annotation.Autowired
    java.util.List<io.rollguard.flags.FlagStore> flagStores;

    /**
     * Whoever reads the app's releases reads its flags and their history; only release managers
     * use the kill switch; nobody changes a flag directly (releases do); only admins handle the
     * app's flag evaluation keys. The flag is put in place through the store's port (fixture).
     */
    @Test
    void whoeverReadsTheAppReadsItsFlagsOnlyReleaseManagersKillOneAndOnlyAdminsHandleItsKeys() {
        appWithUnreachableSlots();
        var app = apps.find("expenses").orElseThrow();
        var store = flagStores.stream().filter(s -> s.name().equals(app.dataPlane().flagStore())).findFirst().orElseThrow();
        String flags = "/api/apps/expenses/flags";
        for (String user : USERS) {
            store.write(app, io.rollguard.flags.FlagDefinition.booleanFlag("matrix-flag"),
                    new io.rollguard.flags.FlagState(true, 100, List.of()));
            boolean releaseManager = user.equals("frank");
            boolean admin = ADMINS.contains(user);
            assertThat(api.get(user, flags).status()).as(user + " reads the flags").isEqualTo(200);
            assertThat(api.get(user, flags + "/history").status()).as(user + " reads their history").isEqualTo(200);
            Api.Response kill = api.postJson(user, flags + "/matrix-flag/kill", "{\"reason\":\"matrix " + user + "\"}");
            assertThat(kill.status()).as(user + " kills the flag: " + kill.body()).isEqualTo(releaseManager ? 200 : 403);
            assertThat(store.read(app, "matrix-flag").orElseThrow().state().enabled()).as(user).isEqualTo(!releaseManager);
            assertThat(api.putJson(user, flags + "/matrix-flag", "{\"enabled\":true}").status())
                    .as(user + " changes the flag directly").isEqualTo(409);
            assertThat(api.delete(user, flags + "/matrix-flag").status()).as(user + " deletes it").isEqualTo(409);
            Api.Response issued = api.post(user, "/api/apps/expenses/flag-keys");
            assertThat(issued.status()).as(user + " issues a key").isEqualTo(admin ? 201 : 403);
            assertThat(api.get(user, "/api/apps/expenses/flag-keys").status()).as(user + " lists keys")
                    .isEqualTo(admin ? 200 : 403);
            if (admin) {
                String id = issued.json().path("id").asText();
                assertThat(api.get(user, "/api/apps/expenses/flag-keys").body()).doesNotContain(issued.json().path("key").asText());
                assertThat(api.delete("bob", "/api/apps/expenses/flag-keys/" + id).status()).isEqualTo(403);
                assertThat(api.delete(user, "/api/apps/expenses/flag-keys/" + id).status()).isEqualTo(204);
            }
        }
        assertThat(api.postJson("frank", flags + "/matrix-flag/kill", "{\"reason\":\" \"}").status())
                .as("a kill without a reason").isEqualTo(400);
        assertThat(api.postJson("frank", flags + "/nope/kill", "{\"reason\":\"x\"}").status()).isEqualTo(404);
        assertThat(api.get(null, flags).status()).as("anonymous reads the flags").isEqualTo(401);
        assertThat(api.postJson(null, flags + "/matrix-flag/kill", "{\"reason\":\"x\"}").status()).isEqualTo(401);
        assertThat(api.post(null, "/api/apps/expenses/flag-keys").status()).isEqualTo(401);
        store.remove(app, "matrix-flag");
    }

    /**
     * Whoever reads the app's releases reads its integrations (requesters write integrations[] from
     * them); only admins change them, since their allowed hosts are what keep a release from pointing
     * the app anywhere, and only admins add or list the app's secrets.
     */
    @Test
    void whoeverMayReadTheAppReadsItsIntegrationsWhileOnlyAdminsChangeThemAndItsSecrets() {
        appWithUnreachableSlots();
        String integrations = "/api/apps/expenses/integrations";
        String doomed = integrations + "/matrix-doomed";
        String secrets = "/api/apps/expenses/secrets";
        assertThat(api.putJson("admin", doomed, urlIntegration("MATRIX_DOOMED_URL", "127.0.0.1:9")).status()).isIn(200, 201);
        for (String user : USERS) {
            boolean admin = ADMINS.contains(user);
            assertThat(api.get(user, integrations).status()).as(user + " lists integrations").isEqualTo(200);
            assertThat(api.get(user, integrations + "/payments").status()).as(user + " reads one").isEqualTo(200);
            String own = integrations + "/matrix-" + user;
            Api.Response put = api.putJson(user, own, urlIntegration("MATRIX_" + user.toUpperCase() + "_URL", "127.0.0.1:9"));
            assertThat(put.status()).as(user + " registers one: " + put.body()).isIn(admin ? List.of(200, 201) : List.of(403));
            assertThat(api.delete(user, admin ? own : doomed).status()).as(user + " deletes one").isEqualTo(admin ? 204 : 403);
            Api.Response secret = api.putJson(user, secrets + "/matrix-key", "{\"value\":\"matrix-" + user + "-value\"}");
            assertThat(secret.status()).as(user + " adds a secret: " + secret.body()).isIn(admin ? List.of(200, 201) : List.of(403));
            assertThat(secret.body()).as(user).doesNotContain("matrix-" + user + "-value");
            Api.Response listed = api.get(user, secrets);
            assertThat(listed.status()).as(user + " lists secrets").isEqualTo(admin ? 200 : 403);
            assertThat(listed.body()).as(user).doesNotContain("-value");
        }
        assertThat(api.get("erin", doomed).status()).as("nobody but admins deleted it").isEqualTo(200);
        assertThat(api.get(null, integrations).status()).as("anonymous lists integrations").isEqualTo(401);
        assertThat(api.get(null, doomed).status()).as("anonymous reads one").isEqualTo(401);
        assertThat(api.putJson(null, doomed, urlIntegration("MATRIX_ANON_URL", "127.0.0.1:9")).status()).isEqualTo(401);
        assertThat(api.delete(null, doomed).status()).as("anonymous deletes one").isEqualTo(401);
        assertThat(api.putJson(null, secrets + "/matrix-key", "{\"value\":\"anonymous\"}").status()).isEqualTo(401);
        assertThat(api.get(null, secrets).status()).as("anonymous lists secrets").isEqualTo(401);
        assertThat(api.delete("admin", doomed).status()).isEqualTo(204);

        // a requester who does not own the app may not read its integrations
        Api.Response r = api.putJson("admin", "/api/apps/expenses", AppRegistrations.withoutSlots("expenses", "1.0.0",
                List.of("zoe", "ada"), null));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(api.get("alice", integrations).status()).as("alice, no longer an owner, lists them").isEqualTo(403);
        assertThat(api.get("alice", integrations + "/payments").status()).as("alice reads one").isEqualTo(403);
        assertThat(api.get("zoe", integrations).status()).isEqualTo(200);
    }

    /** The approval policy is a DMN table; changing it means deploying a new version of it. */
    @Test
    void onlyAdminsChangeTheApprovalPolicy() throws Exception {
        byte[] policy = Files.readAllBytes(NodeRedSlots.PROJECT.resolve("bpmn/approval-policy.dmn"));
        for (String user : USERS) {
            int before = policyVersion();
            Api.Response deployed = api.postMultipart(user, "/engine-rest/deployment/create", Map.of(
                    "deployment-name", ("approval policy by " + user).getBytes(),
                    "approval-policy.dmn", policy));
            boolean admin = ADMINS.contains(user);
            assertThat(deployed.status()).as(user + ": " + deployed.body()).isEqualTo(admin ? 200 : 403);
            assertThat(policyVersion()).as(user).isEqualTo(admin ? before + 1 : before);
        }
    }

    private int policyVersion() {
        return api.get("erin", "/engine-rest/decision-definition/key/approvalPolicy").json().path("version").asInt();
    }

    /** A portal page as this user's browser gets it; with local users HTTP Basic signs in, as for the API. */
    Api.Response page(String user, String path) {
        return api.get(user, path);
    }

    /** Where the portal sends a browser that is not signed in. */
    String signInPath() {
        return "/login";
    }

    /** A browser asking for a page without being signed in: the redirect itself, not where it leads. */
    HttpResponse<String> anonymousPage(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", "text/html").GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What a release changes, as JSON and as a page, is read by exactly who may read the release. */
    @Test
    void whoeverMayReadAReleaseReadsWhatItChangesAsJsonAndAsAPage() throws Exception {
        appWithUnreachableSlots();
        Submitted release = submit("alice", "ordinary");
        String json = "/api/releases/" + release.id() + "/changes";
        String html = "/releases/" + release.id() + "/changes";
        for (String user : USERS) {
            Api.Response changes = api.get(user, json);
            assertThat(changes.status()).as(user + " reads the changes: " + changes.body()).isEqualTo(200);
            assertThat(changes.json().path("newHash").asText()).as(user).hasSize(64);
            Api.Response page = page(user, html);
            assertThat(page.status()).as(user + " opens the changes page").isEqualTo(200);
            assertThat(page.header("content-type")).as(user).startsWith("text/html");
        }
        assertThat(api.get(null, json).status()).as("anonymous reads the changes").isEqualTo(401);
        HttpResponse<String> anonymous = anonymousPage(html);
        assertThat(anonymous.statusCode()).as("anonymous opens the changes page").isEqualTo(302);
        assertThat(anonymous.headers().firstValue("Location")).get().asString().endsWith(signInPath());

        // a requester who does not own the app reads neither
        Api.Response r = api.putJson("admin", "/api/apps/expenses", AppRegistrations.withoutSlots("expenses", "1.0.0",
                List.of("zoe", "ada"), null));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(api.get("alice", json).status()).as("alice, no longer an owner, reads the changes").isEqualTo(403);
        assertThat(page("alice", html).status()).as("alice, no longer an owner, opens the page").isEqualTo(403);
        assertThat(api.get("zoe", json).status()).isEqualTo(200);
    }

    /** The analysis floor holds the owners to a minimum: whoever reads the app's releases reads it, admins set it. */
    @Test
    void onlyAdminsSetTheAnalysisFloorWhileReadersOfTheAppsReleasesReadIt() {
        appWithUnreachableSlots();
        String floor = "/api/apps/expenses/analysis-floor";
        // valid floors every example meets, so a refusal can only be the authorization's
        String byAdmin = "{\"minSamples\":2,\"minSteps\":1}";
        String byOthers = "{\"minSamples\":3,\"minSteps\":1}";
        try {
            for (String user : USERS) {
                boolean admin = ADMINS.contains(user);
                assertThat(api.get(user, floor).status()).as(user + " reads the floor").isEqualTo(200);
                Api.Response write = api.putJson(user, floor, admin ? byAdmin : byOthers);
                assertThat(write.status()).as(user + " sets the floor: " + write.body()).isEqualTo(admin ? 200 : 403);
                assertThat(api.get("erin", floor).json().path("minSamples").asInt()).as("after " + user).isNotEqualTo(3);
            }
            assertThat(api.get("erin", floor).json().path("minSamples").asInt()).isEqualTo(2);
            assertThat(api.get(null, floor).status()).as("anonymous reads the floor").isEqualTo(401);
            assertThat(api.putJson(null, floor, byOthers).status()).as("anonymous sets the floor").isEqualTo(401);

            // a requester who does not own the app may not read it
            Api.Response r = api.putJson("admin", "/api/apps/expenses", AppRegistrations.withoutSlots("expenses", "1.0.0",
                    List.of("zoe", "ada"), null));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(api.get("alice", floor).status()).as("alice, no longer an owner, reads the floor").isEqualTo(403);
            assertThat(api.putJson("alice", floor, byOthers).status()).as("alice sets the floor").isEqualTo(403);
        } finally {
            assertThat(api.putJson("admin", floor, "{}").status()).isEqualTo(200);
        }
        assertThat(api.get("erin", floor).json().path("minSamples").isNumber()).as("a floor left for the other tests")
                .isFalse();
    }

    /**
     * A portal form as this user's browser sends it: signed in, the CSRF token taken from a page
     * every signed-in user may open, the form posted to {@code path} and redirects followed.
     */
    Api.Response pageForm(String user, String path, Map<String, String> form) throws IOException, InterruptedException {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager())
                .followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(5)).build();
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + user).getBytes());
        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/releases"))
                .header("Authorization", basic).GET().build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> posted = browser.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(formBody(form, csrfOf(page.body())))).build(),
                HttpResponse.BodyHandlers.ofString());
        return response(posted);
    }

    static String csrfOf(String html) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(html);
        assertThat(m.find()).as("a CSRF field in the page").isTrue();
        return m.group(1);
    }

    static String formBody(Map<String, String> form, String csrf) {
        StringBuilder body = new StringBuilder("_csrf=").append(java.net.URLEncoder.encode(csrf, java.nio.charset.StandardCharsets.UTF_8));
        form.forEach((k, v) -> body.append('&').append(java.net.URLEncoder.encode(k, java.nio.charset.StandardCharsets.UTF_8))
                .append('=').append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8)));
        return body.toString();
    }

    static Api.Response response(HttpResponse<String> r) {
        Map<String, String> headers = new LinkedHashMap<>();
        r.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
        return new Api.Response(r.statusCode(), r.body(), headers);
    }

    /**
     * The analysis floor's page is read by whoever reads the app's releases; its form is shown to
     * admins only and saves only for them, through the same checks as the API.
     */
    @Test
    void whoeverReadsTheAppsReleasesOpensTheFloorPageAndOnlyAdminsSaveItsForm() throws Exception {
        appWithUnreachableSlots();
        String floor = "/api/apps/expenses/analysis-floor";
        String html = "/apps/expenses/analysis-floor";
        try {
            for (String user : USERS) {
                boolean admin = ADMINS.contains(user);
                Api.Response page = page(user, html);
                assertThat(page.status()).as(user + " opens the floor page").isEqualTo(200);
                assertThat(page.header("content-type")).as(user).startsWith("text/html");
                assertThat(page.body().contains("id=\"floor-form\"")).as(user + " gets the form").isEqualTo(admin);
                Api.Response saved = pageForm(user, html, Map.of("minSamples", admin ? "2" : "3", "minSteps", "1"));
                assertThat(saved.status()).as(user + " saves the floor").isEqualTo(admin ? 200 : 403);
                if (admin) {
                    assertThat(saved.body()).as(user).contains("id=\"floor-saved\"");
                }
                assertThat(api.get("erin", floor).json().path("minSamples").asInt()).as("after " + user).isNotEqualTo(3);
            }
            assertThat(api.get("erin", floor).json().path("minSamples").asInt()).isEqualTo(2);
            HttpResponse<String> anonymous = anonymousPage(html);
            assertThat(anonymous.statusCode()).as("anonymous opens the floor page").isEqualTo(302);
            assertThat(anonymous.headers().firstValue("Location")).get().asString().endsWith(signInPath());
            HttpResponse<String> anonymousPost = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + html)).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("minSamples=3")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(anonymousPost.statusCode()).as("anonymous saves the floor").isEqualTo(403);
            assertThat(api.get("erin", floor).json().path("minSamples").asInt()).isEqualTo(2);

            // a requester who no longer owns the app opens neither
            Api.Response r = api.putJson("admin", "/api/apps/expenses", AppRegistrations.withoutSlots("expenses", "1.0.0",
                    List.of("zoe", "ada"), null));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(page("alice", html).status()).as("alice, no longer an owner, opens the page").isEqualTo(403);
            assertThat(pageForm("alice", html, Map.of("minSamples", "3")).status()).as("alice saves the floor").isEqualTo(403);
        } finally {
            assertThat(api.putJson("admin", floor, "{}").status()).isEqualTo(200);
        }
    }

    /** The node policy is the approval policy's sibling DMN table, changed the same way. */
    @Test
    void onlyAdminsChangeTheNodePolicy() throws Exception {
        byte[] policy = Files.readAllBytes(NodeRedSlots.PROJECT.resolve("bpmn/node-policy.dmn"));
        for (String user : USERS) {
            int before = nodePolicyVersion();
            Api.Response deployed = deployNodePolicy(user, policy);
            boolean admin = ADMINS.contains(user);
            assertThat(deployed.status()).as(user + ": " + deployed.body()).isEqualTo(admin ? 200 : 403);
            assertThat(nodePolicyVersion()).as(user).isEqualTo(admin ? before + 1 : before);
        }
        int before = nodePolicyVersion();
        assertThat(deployNodePolicy(null, policy).status()).as("anonymous deploys").isEqualTo(401);
        assertThat(nodePolicyVersion()).isEqualTo(before);
    }

    private Api.Response deployNodePolicy(String user, byte[] policy) {
        return api.postMultipart(user, "/engine-rest/deployment/create", Map.of(
                "deployment-name", ("node policy by " + user).getBytes(),
                "node-policy.dmn", policy));
    }

    private int nodePolicyVersion() {
        return api.get("erin", "/engine-rest/decision-definition/key/nodePolicy").json().path("version").asInt();
    }

    /**
     * With real slots and real traffic: an inconclusive analysis waits for a release manager, and a
     * promoted release is rolled back by a release manager only. Admins alone may retry a step.
     */
    @Test
    void onlyAReleaseManagerDecidesAHeldAnalysisAndRollsBackAPromotedRelease() throws Exception {
        // given 1.1.0 in its first canary step with nobody using the app: the analysis is inconclusive
        baseline("1.0.0");
        String id = submitAndApprove("1.1.0");
        String pi = release(id).path("processInstanceId").asText();
        waitForState(id, "ON_HOLD", Duration.ofSeconds(60));
        String decision = awaitTask("frank", pi).path("id").asText();
        for (String user : USERS) {
            if (!user.equals("frank")) {
                assertThat(tasksInMyGroupTasksFilter(user)).as(user + "'s Tasklist").doesNotContain(decision);
                assertThat(complete(user, decision, "continue", "").status()).as(user + " decides").isEqualTo(403);
            }
        }
        assertThat(tasksInMyGroupTasksFilter("frank")).contains(decision);

        try (TrafficGenerator traffic = new TrafficGenerator(routerUrl("/expenses"), 4, Duration.ofMillis(40))) {
            // when the release manager lets it continue now that there is traffic
            assertThat(complete("frank", decision, "continue", "traffic is back").status()).isEqualTo(204);

            // while a step waits, only admins may retry its job
            JsonNode timer = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(
                    () -> api.get("admin", "/engine-rest/job?timers=true&processInstanceId=" + pi).json(),
                    jobs -> jobs.size() > 0).get(0);
            for (String user : List.of("admin", "ada", "alice", "bob", "carol", "dave", "erin", "frank", "zoe")) {
                Api.Response retry = api.putJson(user, "/engine-rest/job/" + timer.path("id").asText() + "/retries",
                        "{\"retries\":3}");
                assertThat(retry.status()).as(user + " retries: " + retry.body())
                        .isEqualTo(ADMINS.contains(user) ? 204 : 403);
            }
            waitForState(id, "PROMOTED", Duration.ofSeconds(120));
        }

        // then only a release manager may roll the promoted release back
        for (String user : USERS) {
            if (!user.equals("frank")) {
                assertThat(api.post(user, "/api/releases/" + id + "/rollback").status()).as(user + " rolls back")
                        .isEqualTo(403);
            }
        }
        Api.Response rollback = api.post("frank", "/api/releases/" + id + "/rollback");
        assertThat(rollback.status()).as(rollback.body()).isEqualTo(200);
        waitForState(id, "ROLLED_BACK", Duration.ofSeconds(60));
    }
}
