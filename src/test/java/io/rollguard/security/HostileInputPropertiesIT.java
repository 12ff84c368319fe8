package io.rollguard.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.camunda.bpm.engine.HistoryService;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import io.rollguard.RollguardApplication;
import io.rollguard.support.Api;
import io.rollguard.support.ExpensesUntilApproval;
import io.rollguard.support.PostgresDatabase;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Properties of the submission endpoint against the real server (real filter chains, Tomcat's
 * multipart parsing, PostgreSQL, Camunda): no generated descriptor and no generated multipart
 * body gets a 5xx, and a refused one stores nothing (no release row, no process instance).
 * jqwik runs the server itself (it has no Spring test support of its own): one context for
 * all tries, on a database of its own.
 */
class HostileInputPropertiesIT {

    static ConfigurableApplicationContext context;
    static JdbcTemplate jdbc;
    static HistoryService history;
    static Api api;
    static RawHttp http;

    @BeforeContainer
    static void startRollguard() {
        // as arguments: default properties would lose against application-postgres.yaml
        context = new SpringApplicationBuilder(RollguardApplication.class).profiles("postgres").run(
                "--server.port=0", "--rollguard.router.port=0", "--rollguard.sample-app.enabled=false",
                "--spring.datasource.url=" + PostgresDatabase.fresh("rollguard_it_properties"),
                "--spring.datasource.username=" + PostgresDatabase.USER, "--spring.datasource.password=" + PostgresDatabase.PASSWORD);
        int port = ((ServletWebServerApplicationContext) context).getWebServer().getPort();
        jdbc = context.getBean(JdbcTemplate.class);
        history = context.getBean(HistoryService.class);
        api = new Api("http://127.0.0.1:" + port);
        http = new RawHttp(port);
        ExpensesUntilApproval.registered(api);
    }

    @AfterContainer
    static void stopRollguard() {
        if (context != null) {
            context.close();
        }
    }

    static long stored() {
        return jdbc.queryForObject("select count(*) from rg_release", Long.class)
                + history.createHistoricProcessInstanceQuery().count();
    }

    static void noServerErrorAndARefusalStoresNothing(int status, String body, long before) {
        assertThat(status).as(body).isBetween(200, 499);
        if (status >= 400) {
            assertThat(stored()).as("stored after a " + status).isEqualTo(before);
            assertThat(body).doesNotContain("Exception", "\tat ");
        }
        ExpensesUntilApproval.nothingAwaitingApproval(jdbc);
    }

    @Provide
    Arbitrary<HostileDescriptors.Hostile> hostile() {
        return HostileDescriptors.hostile();
    }

    @Property(tries = 200)
    void noHostileDescriptorGetsAServerErrorAndARefusedOneStoresNothing(@ForAll("hostile") HostileDescriptors.Hostile d) {
        long before = stored();
        Api.Response r = api.submit("alice", d.descriptor(), d.sample().files());
        noServerErrorAndARefusalStoresNothing(r.status(), r.body(), before);
    }

    /** A multipart body: parts with generated names and sizes, a boundary, and where the body stops. */
    record Body(String boundary, List<Part> parts, boolean closed, int cutAt, String contentType) {
    }

    record Part(String name, String filename, int size, boolean descriptor) {
    }

    @Provide
    Arbitrary<Body> bodies() {
        Arbitrary<String> names = Arbitraries.oneOf(Arbitraries.of("descriptor", "flows.json", "changelog.yaml", "",
                "des\"criptor", "a\r\nX-Injected: 1", "../../flows.json", "é", "descriptor; filename=x"),
                Arbitraries.strings().ofMaxLength(30));
        Arbitrary<Part> part = Combinators.combine(names, Arbitraries.oneOf(Arbitraries.just((String) null), names),
                Arbitraries.integers().between(0, 200_000), Arbitraries.of(true, false)).as(Part::new);
        Arbitrary<String> boundary = Arbitraries.oneOf(Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(70),
                Arbitraries.of("", "\"quoted\"", "a b", "x".repeat(200), "--", "é"));
        return Combinators.combine(boundary, part.list().ofMaxSize(5), Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 100), Arbitraries.of("multipart/form-data; boundary=%s",
                        "multipart/form-data; boundary=\"%s\"", "multipart/form-data", "multipart/mixed; boundary=%s",
                        "multipart/form-data; boundary=%s; charset=x-unknown")).as(Body::new);
    }

    @Property(tries = 200)
    void noMultipartBodyGetsAServerErrorAndARefusedOneStoresNothing(@ForAll("bodies") Body b) {
        byte[] body = render(b);
        // cut at a percentage of the body: 100 sends all of it, less ends the connection early
        int length = (int) ((long) body.length * b.cutAt() / 100);
        long before = stored();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", RawHttp.basic("alice", "alice"));
        headers.put("Content-Type", b.contentType().formatted(b.boundary()));
        RawHttp.Response r = http.send("127.0.0.1", "POST", "/api/releases", headers, Arrays.copyOf(body, length),
                length < body.length ? (long) body.length : null);
        noServerErrorAndARefusalStoresNothing(r.status(), r.body(), before);
    }

    private static byte[] render(Body b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HostileDescriptors.Sample sample = HostileDescriptors.samples().get(1);
        for (Part p : b.parts()) {
            out.writeBytes(("--" + b.boundary() + "\r\nContent-Disposition: form-data; name=\"" + p.name() + "\""
                    + (p.filename() == null ? "" : "; filename=\"" + p.filename() + "\"") + "\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            byte[] content = p.descriptor() ? sample.descriptor().getBytes(StandardCharsets.UTF_8)
                    : p.name().equals("flows.json") ? sample.files().get("flows.json") : new byte[p.size()];
            if (!p.descriptor() && !p.name().equals("flows.json")) {
                Arrays.fill(content, (byte) 'x');
            }
            out.writeBytes(content);
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        if (b.closed()) {
            out.writeBytes(("--" + b.boundary() + "--\r\n").getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
