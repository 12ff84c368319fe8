package io.rollguard.flags;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.rollguard.support.Api;
import io.rollguard.support.AppRegistrations;
import io.rollguard.support.FlagRows;
import io.rollguard.support.PostgresDatabase;
import io.rollguard.support.RollguardProcess;

/**
 * Two Rollguard nodes (the packaged jar, twice) on one PostgreSQL database: a flag change made on
 * one node is what the other node's OFREP endpoint answers within a poll of the shared revision,
 * and the bulk ETag of either node moves with it.
 */
class FlagsAcrossNodesIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static String db;
    static RollguardProcess first;
    static RollguardProcess second;
    static String key;

    @BeforeAll
    static void twoNodes() throws Exception {
        db = PostgresDatabase.fresh("rollguard_it_flag_nodes");
        first = node("rollguard-flag-node-1");
        first.start();
        second = node("rollguard-flag-node-2");
        second.start();
        Api api = new Api(first.baseUrl());
        assertThat(api.putJson("admin", "/api/apps/expenses", AppRegistrations.withoutSlots("1.0.0")).status())
                .isIn(200, 201);
        key = api.post("admin", "/api/apps/expenses/flag-keys").json().path("key").asText();
        FlagRows.insert(db, "expenses", 0, 3, 100);
    }

    static RollguardProcess node(String name) {
        return new RollguardProcess(name, List.of("--spring.profiles.active=postgres", "--spring.datasource.url=" + db,
                "--spring.datasource.username=" + PostgresDatabase.USER,
                "--spring.datasource.password=" + PostgresDatabase.PASSWORD, "--rollguard.sample-app.enabled=false"));
    }

    @AfterAll
    static void stop() {
        for (RollguardProcess node : new RollguardProcess[] {first, second}) {
            if (node != null) {
                node.stop();
            }
        }
    }

    static HttpResponse<String> evaluate(RollguardProcess node, String path, String etag) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.baseUrl() + path)).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json").header("X-API-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"context\":{\"targetingKey\":\"u1\"}}"));
        if (etag != null) {
            b.header("If-None-Match", etag);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String reason(RollguardProcess node, String flag) throws Exception {
        HttpResponse<String> r = evaluate(node, "/ofrep/v1/evaluate/flags/" + flag, null);
        return r.statusCode() == 200 ? JSON.readTree(r.body()).path("reason").asText() : "HTTP " + r.statusCode();
    }

    @Test
    void aKillOnOneNodeIsWhatTheOtherNodeServesWithinAPoll() throws Exception {
        // given both nodes serve the flag on for everyone (tenant globex listed too), from their in-memory copies
        awaitReason(first, "flag-1", "TARGETING_MATCH", Duration.ofSeconds(10));
        awaitReason(second, "flag-1", "TARGETING_MATCH", Duration.ofSeconds(10));
        String secondsEtag = evaluate(second, "/ofrep/v1/evaluate/flags", null).headers().firstValue("ETag").orElseThrow();

        // when a release manager kills it through the first node
        long killedAt = System.nanoTime();
        Api.Response killed = new Api(first.baseUrl()).postJson("frank", "/api/apps/expenses/flags/flag-1/kill",
                "{\"reason\":\"broken for tenant globex\"}");
        assertThat(killed.status()).as(killed.body()).isEqualTo(200);

        // then the second node answers DISABLED within a poll of the shared revision (250 ms) and its reload
        awaitReason(second, "flag-1", "DISABLED", Duration.ofSeconds(2));
        long ms = (System.nanoTime() - killedAt) / 1_000_000;
        System.out.println("[flags] kill on node 1 to node 2's OFREP answer DISABLED: " + ms + " ms");
        assertThat(ms).isLessThan(1_000);
        assertThat(reason(first, "flag-1")).isEqualTo("DISABLED");
        // and the second node's bulk answer is new: its old ETag no longer matches
        assertThat(evaluate(second, "/ofrep/v1/evaluate/flags", secondsEtag).statusCode()).isEqualTo(200);
        // and the other flags are untouched on both nodes
        assertThat(reason(second, "flag-0")).isEqualTo("TARGETING_MATCH");
        // and the history either node shows is the same, with the kill and its reason
        JsonNode history = new Api(second.baseUrl()).get("erin", "/api/apps/expenses/flags/history").json();
        assertThat(history.toString()).contains("frank", "broken for tenant globex");
    }

    static void awaitReason(RollguardProcess node, String flag, String reason, Duration within) {
        org.awaitility.Awaitility.await(flag + " on " + node.baseUrl() + " is " + reason).atMost(within)
                .pollInterval(Duration.ofMillis(10)).until(() -> reason(node, flag), reason::equals);
    }
}
