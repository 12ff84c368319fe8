package io.rollguard.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The set-up of the integration tests that never take a release past approval: the sample app
 * {@code expenses} on slots nothing listens on ({@link AppRegistrations#withoutSlots}) and its
 * version 1.1.0 exactly as shipped in {@code examples/expenses/1.1.0}.
 */
public final class ExpensesUntilApproval {

    public static final Path V110 = NodeRedSlots.PROJECT.resolve("examples/expenses/1.1.0");

    private ExpensesUntilApproval() {
    }

    /**
     * An app takes one release at a time, so a release an earlier test left awaiting approval would
     * make the next submission a 409: ended in the table (the product never edits it like this).
     */
    public static void nothingAwaitingApproval(JdbcTemplate jdbc) {
        jdbc.update("update rg_release set state = 'ABORTED' where state = 'AWAITING_APPROVAL'");
    }

    /** {@code expenses} registered (or registered again) at 1.0.0, owned by alice, without slots. */
    public static void registered(Api api) {
        Api.Response r = api.putJson("admin", "/api/apps/expenses", AppRegistrations.withoutSlots("1.0.0"));
        assertThat(r.status()).as(r.body()).isIn(200, 201);
    }

    /** Nothing awaiting approval and {@code expenses} registered: where every test of such a class starts. */
    public static void fresh(Api api, JdbcTemplate jdbc) {
        nothingAwaitingApproval(jdbc);
        registered(api);
    }

    /**
     * As {@link #fresh}, then alice's 1.1.0 submitted and its first step run (a job after the submission
     * answered): the id of the release now awaiting approval, its approval task open.
     */
    public static String awaitingApproval(Api api, JdbcTemplate jdbc) {
        fresh(api, jdbc);
        Api.Response submitted = api.submitExample("alice", "1.1.0");
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        api.awaitFirstStep(submitted.json().path("processInstanceId").asText());
        return submitted.json().path("id").asText();
    }

    /** The descriptor of 1.1.0 as shipped. */
    public static String descriptor() {
        try {
            return Files.readString(V110.resolve("release.yaml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file parts of 1.1.0 as shipped: its flows. */
    public static Map<String, byte[]> flows() {
        try {
            return Map.of("flows.json", Files.readAllBytes(V110.resolve("flows.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
