package io.rollguard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static io.rollguard.support.ExpensesUntilApproval.flows;
import static io.rollguard.support.ExpensesUntilApproval.descriptor;
import static io.rollguard.support.ExpensesUntilApproval.V110;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import io.rollguard.release.StoredText;
import io.rollguard.support.Api;
import io.rollguard.support.ExpensesUntilApproval;
import io.rollguard.support.AppRegistrations;
import io.rollguard.support.PostgresDatabase;

/**
 * Input built to break the server rather than to be refused: paging past every offset, multipart
 * bodies cut short or malformed, numbers longer than a long, texts longer than the columns and
 * variables that keep them. Each is a 4xx problem (or accepted, where it is valid input) and a
 * refusal stores nothing; never a 500.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false"})
@ActiveProfiles("postgres")
class RefusalsAreProblemsIT {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresDatabase.register(registry, "rollguard_it_refusals");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    RuntimeService runtime;
    @Autowired
    HistoryService history;
    Api api;
    RawHttp http;

    @BeforeEach
    void registerApp() {
        api = new Api("http://127.0.0.1:" + port);
        http = new RawHttp(port);
        ExpensesUntilApproval.fresh(api, jdbc);
    }

    long stored() {
        return jdbc.queryForObject("select count(*) from rg_release", Long.class)
                + history.createHistoricProcessInstanceQuery().count();
    }

    static void isProblem(int status, String body, String why) {
        assertThat(status).as(why + ": " + body).isBetween(400, 499);
        assertThat(body).as(why).contains("\"status\":" + status).doesNotContain("Exception", "at io.", "at org.");
    }

    @Test
    void pagingPastEveryOffsetIsRefusedNotAServerError() {
        for (String query : List.of("page=2147483647", "page=2147483647&size=200", "page=99999999999", "page=-1",
                "size=-5", "size=0", "size=2147483647", "size=abc", "page=1e3", "state=NOT_A_STATE", "from=yesterday")) {
            Api.Response r = api.get("erin", "/api/releases?" + query);
            isProblem(r.status(), r.body(), "/api/releases?" + query);
        }
        for (String query : List.of("page=2147483647", "page=-3", "page=x", "state=%00")) {
            Api.Response r = api.get("erin", "/releases?" + query);
            assertThat(r.status()).as("/releases?" + query + ": " + r.body()).isBetween(400, 499);
        }
        assertThat(api.get("erin", "/api/releases?page=3&size=200").status()).isEqualTo(200);
    }

    @Test
    void truncatedOrMalformedMultipartBodiesAreRefusedAndStoreNothing() throws Exception {
        long before = stored();
        String boundary = "rollguard-boundary";
        String descriptor = Files.readString(V110.resolve("release.yaml"));
        byte[] whole = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"descriptor\"\r\n\r\n" + descriptor
                + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"flows.json\"; filename=\"flows.json\"\r\n"
                + "Content-Type: application/json\r\n\r\n" + Files.readString(V110.resolve("flows.json")) + "\r\n--"
                + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] noClosingBoundary = new String(whole, StandardCharsets.UTF_8).replace("\r\n--" + boundary + "--\r\n", "")
                .getBytes(StandardCharsets.UTF_8);
        byte[] brokenPartHeader = ("--" + boundary + "\r\nContent-Disposition form-data name=descriptor\r\n"
                + descriptor).getBytes(StandardCharsets.UTF_8);
        String alice = RawHttp.basic("alice", "alice");
        Map<String, String> multipart = Map.of("Authorization", alice, "Content-Type", "multipart/form-data; boundary=" + boundary);

        // a body cut short: the connection ends before the announced length
        RawHttp.Response cut = http.send("127.0.0.1", "POST", "/api/releases", multipart,
                java.util.Arrays.copyOf(whole, whole.length / 2), (long) whole.length);
        isProblem(cut.status(), cut.body(), "truncated");
        RawHttp.Response open = http.send("127.0.0.1", "POST", "/api/releases", multipart, noClosingBoundary, null);
        isProblem(open.status(), open.body(), "no closing boundary");
        RawHttp.Response header = http.send("127.0.0.1", "POST", "/api/releases", multipart, brokenPartHeader, null);
        isProblem(header.status(), header.body(), "broken part header");
        RawHttp.Response noBoundary = http.send("127.0.0.1", "POST", "/api/releases",
                Map.of("Authorization", alice, "Content-Type", "multipart/form-data"), whole, null);
        isProblem(noBoundary.status(), noBoundary.body(), "no boundary parameter");
        RawHttp.Response wrongType = http.send("127.0.0.1", "POST", "/api/releases",
                Map.of("Authorization", alice, "Content-Type", "application/json"), "{}".getBytes(StandardCharsets.UTF_8), null);
        isProblem(wrongType.status(), wrongType.body(), "wrong content type");

        // the portal's submit form, with a valid CSRF token of alice's session
        PortalSession session = new PortalSession(port, "alice");
        String token = session.csrf("/releases/new");
        Map<String, String> form = Map.of("Authorization", alice, "Cookie", session.cookie(), "X-CSRF-TOKEN", token,
                "Content-Type", "multipart/form-data; boundary=" + boundary);
        RawHttp.Response portalCut = http.send("127.0.0.1", "POST", "/releases", form,
                java.util.Arrays.copyOf(whole, whole.length / 3), (long) whole.length);
        assertThat(portalCut.status()).as(portalCut.body()).isBetween(400, 499);
        RawHttp.Response portalOpen = http.send("127.0.0.1", "POST", "/releases", form, noClosingBoundary, null);
        assertThat(portalOpen.status()).as(portalOpen.body()).isBetween(400, 499);

        assertThat(stored()).isEqualTo(before);
    }

    @Test
    void versionNumbersLongerThanALongAreComparedOrRefusedNotAServerError() throws Exception {
        long before = stored();
        String longer = "1." + "9".repeat(30) + ".0";
        Api.Response accepted = api.submit("alice", descriptor().replace("version: 1.1.0", "version: " + longer), flows());
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(201);
        assertThat(accepted.json().path("version").asText()).isEqualTo(longer);

        ExpensesUntilApproval.nothingAwaitingApproval(jdbc);
        long afterAccepted = stored();
        Api.Response tooLong = api.submit("alice", descriptor().replace("version: 1.1.0", "version: 1." + "9".repeat(70) + ".0"), flows());
        isProblem(tooLong.status(), tooLong.body(), "a version longer than its column");
        assertThat(tooLong.body()).contains("/version");
        assertThat(stored()).isEqualTo(afterAccepted).isGreaterThan(before);

        Api.Response app = api.putJson("admin", "/api/apps/expenses", AppRegistrations.withoutSlots("1." + "9".repeat(70) + ".0"));
        isProblem(app.status(), app.body(), "a live version longer than its column");
    }

    @Test
    void aChangeSummaryOver4000CharactersIsClippedBeforeCamundaStoresIt() throws Exception {
        // given flows with 400 HTTP endpoints: the approvers' summary lists every one of them
        ObjectMapper json = new ObjectMapper();
        ArrayNode flows = (ArrayNode) json.readTree(Files.readString(V110.resolve("flows.json")));
        String tab = flows.get(0).path("z").asText(flows.get(0).path("id").asText());
        for (int i = 0; i < 400; i++) {
            flows.addObject().put("id", "endpoint" + i).put("type", "http in").put("z", tab)
                    .put("url", "/a-rather-long-endpoint-path/" + i).put("method", "get");
        }

        // when
        Api.Response r = api.submit("alice", descriptor(), Map.of("flows.json", json.writeValueAsBytes(flows)));

        // then it is submitted and, once its first step has run, the summary Camunda keeps is clipped to
        // what a variable holds (the step is not failed by it)
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        api.awaitFirstStep(r.json().path("processInstanceId").asText());
        String summary = (String) runtime.getVariable(r.json().path("processInstanceId").asText(), "diffSummary");
        assertThat(summary).hasSizeLessThanOrEqualTo(StoredText.MAX).endsWith("...").contains("GET /a-rather-long-endpoint-path/1");
    }
}
