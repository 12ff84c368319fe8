package io.rollguard.flags;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.rollguard.app.App;

/**
 * The OFREP endpoint as the protocol's OpenAPI describes it (open-feature/protocol,
 * service/openapi.yaml), over real HTTP: success bodies, every error code, the bulk evaluation's
 * ETag and 304, and the key that decides whose flags are evaluated.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"rollguard.router.port=0", "rollguard.sample-app.enabled=false"})
class OfrepContractIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String KEY = "it-ofrep-key-" + "0123456789abcdef0123456789abcdef";
    static final String OTHER_KEY = "it-ofrep-other-" + "0123456789abcdef0123456789abcdef";
    static final App APP = app("ofrep-app");
    static final App OTHER = app("ofrep-other");

    @LocalServerPort
    int port;
    @Autowired
    FlagService flags;
    @Autowired
    FlagKeys keys;
    @Autowired
    JdbcTemplate jdbc;

    static App app(String key) {
        return new App(key, Set.of("alice"), new App.Slot("http://127.0.0.1:9/admin", "http://127.0.0.1:9/app"),
                new App.Slot("http://127.0.0.1:9/admin", "http://127.0.0.1:9/app"), new App.AdminTokens("s", "c"), key,
                "1.0.0");
    }

    @BeforeEach
    void flagsOfTwoApps() {
        for (App app : List.of(APP, OTHER)) {
            if (jdbc.queryForObject("select count(*) from rg_app where app_key = ?", Integer.class, app.key()) == 0) {
                jdbc.update("insert into rg_app (app_key, owners, stable_admin_url, stable_traffic_url, canary_admin_url, "
                        + "canary_traffic_url, admin_token, route, updated_at) values (?, 'alice', 'x', 'x', 'x', 'x', 'x', "
                        + "?, current_timestamp)", app.key(), app.key());
                jdbc.update("insert into rg_release (id, app_key, version, requester, state, change_classes, "
                        + "descriptor_yaml, artifact, artifact_sha256, created_at, updated_at) values (?, ?, '1.0.1', "
                        + "'alice', 'ROLLING_OUT', 'ordinary', 'x', '[]', 'x', current_timestamp, current_timestamp)",
                        "rel-" + app.key(), app.key());
            }
        }
        keys.ensure(APP.key(), KEY, "test");
        keys.ensure(OTHER.key(), OTHER_KEY, "test");
        flags.applyStep(APP, "rel-" + APP.key(), List.of(
                new FlagChanges.ReleaseFlag(FlagDefinition.booleanFlag("everyone"), List.of(new FlagState(true, 100, List.of()))),
                new FlagChanges.ReleaseFlag(FlagDefinition.booleanFlag("half"), List.of(new FlagState(true, 50, List.of("acme")))),
                new FlagChanges.ReleaseFlag(FlagDefinition.booleanFlag("dark"), List.of(new FlagState(false, 100, List.of())))),
                0);
        flags.applyStep(OTHER, "rel-" + OTHER.key(), List.of(new FlagChanges.ReleaseFlag(
                FlagDefinition.booleanFlag("secret-feature"), List.of(new FlagState(true, 100, List.of())))), 0);
    }

    record Answer(int status, JsonNode body, HttpResponse<String> raw) {
    }

    Answer post(String path, String key, String body, String... headers) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            r.header("X-API-Key", key);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> response = HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body().isEmpty() ? null : JSON.readTree(response.body()), response);
    }

    @Test
    void aFlagOnForEveryoneIsStaticAndASplitIsStickyPerTargetingKey() throws Exception {
        Answer everyone = post("/ofrep/v1/evaluate/flags/everyone", KEY, "{\"context\":{\"targetingKey\":\"u1\"}}");
        assertThat(everyone.status()).isEqualTo(200);
        assertThat(everyone.raw().headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(everyone.body().path("key").asText()).isEqualTo("everyone");
        assertThat(everyone.body().path("value").asBoolean()).isTrue();
        assertThat(everyone.body().path("variant").asText()).isEqualTo("on");
        assertThat(everyone.body().path("reason").asText()).isEqualTo("STATIC");
        assertThat(everyone.body().path("metadata").isObject()).isTrue();

        Answer split = post("/ofrep/v1/evaluate/flags/half", KEY, "{\"context\":{\"targetingKey\":\"u1\"}}");
        assertThat(split.body().path("reason").asText()).isEqualTo("SPLIT");
        for (int i = 0; i < 5; i++) {
            assertThat(post("/ofrep/v1/evaluate/flags/half", KEY, "{\"context\":{\"targetingKey\":\"u1\"}}").body()
                    .path("value")).isEqualTo(split.body().path("value"));
        }
        Answer tenant = post("/ofrep/v1/evaluate/flags/half", KEY, "{\"context\":{\"targetingKey\":\"u1\",\"tenant\":\"acme\"}}");
        assertThat(tenant.body().path("reason").asText()).isEqualTo("TARGETING_MATCH");
        assertThat(tenant.body().path("value").asBoolean()).isTrue();
        Answer dark = post("/ofrep/v1/evaluate/flags/dark", KEY, "{\"context\":{}}");
        assertThat(dark.body().path("reason").asText()).isEqualTo("DISABLED");
        assertThat(dark.body().path("value").asBoolean()).isFalse();
    }

    @Test
    void everyErrorIsTheSpecsCodeWithTheFlagKey() throws Exception {
        Answer missing = post("/ofrep/v1/evaluate/flags/nope", KEY, "{\"context\":{}}");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body().path("key").asText()).isEqualTo("nope");
        assertThat(missing.body().path("errorCode").asText()).isEqualTo("FLAG_NOT_FOUND");

        Answer noKey = post("/ofrep/v1/evaluate/flags/half", KEY, "{\"context\":{}}");
        assertThat(noKey.status()).isEqualTo(400);
        assertThat(noKey.body().path("errorCode").asText()).isEqualTo("TARGETING_KEY_MISSING");

        Answer notJson = post("/ofrep/v1/evaluate/flags/half", KEY, "{context:");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.body().path("errorCode").asText()).isEqualTo("PARSE_ERROR");

        Answer tooBig = post("/ofrep/v1/evaluate/flags/half", KEY, "{\"context\":{\"x\":\"" + "a".repeat(20_000) + "\"}}");
        assertThat(tooBig.status()).isEqualTo(400);
        assertThat(tooBig.body().path("errorCode").asText()).isEqualTo("PARSE_ERROR");

        for (String context : List.of("[1]", "\"u1\"", "{\"targetingKey\":{\"a\":1}}", "{\"tenant\":42}")) {
            Answer invalid = post("/ofrep/v1/evaluate/flags/half", KEY, "{\"context\":" + context + "}");
            assertThat(invalid.status()).as(context).isEqualTo(400);
            assertThat(invalid.body().path("errorCode").asText()).as(context).isEqualTo("INVALID_CONTEXT");
        }
    }

    @Test
    void theKeyDecidesWhoseFlagsAndNoKeyOrAWrongOneIs401() throws Exception {
        assertThat(post("/ofrep/v1/evaluate/flags/everyone", null, "{}").status()).isEqualTo(401);
        assertThat(post("/ofrep/v1/evaluate/flags/everyone", "wrong-" + KEY, "{}").status()).isEqualTo(401);
        assertThat(post("/ofrep/v1/evaluate/flags", null, "{}").status()).isEqualTo(401);
        // the other app's key sees its own flags only, never this app's
        assertThat(post("/ofrep/v1/evaluate/flags/everyone", OTHER_KEY, "{}").status()).isEqualTo(404);
        assertThat(post("/ofrep/v1/evaluate/flags/secret-feature", KEY, "{}").status()).isEqualTo(404);
        // a bearer token works as the key, a session cookie does not stand in for one
        assertThat(post("/ofrep/v1/evaluate/flags/everyone", null, "{}", "Authorization", "Bearer " + KEY).status())
                .isEqualTo(200);
    }

    @Test
    void bulkEvaluationAnswersEveryFlagWithAnETagAnd304WhileNothingChanged() throws Exception {
        Answer bulk = post("/ofrep/v1/evaluate/flags", KEY, "{\"context\":{\"targetingKey\":\"u1\"}}");
        assertThat(bulk.status()).isEqualTo(200);
        assertThat(bulk.body().path("flags")).extracting(f -> f.path("key").asText())
                .containsExactly("dark", "everyone", "half");
        String etag = bulk.raw().headers().firstValue("ETag").orElseThrow();

        Answer same = post("/ofrep/v1/evaluate/flags", KEY, "{\"context\":{\"targetingKey\":\"u1\"}}", "If-None-Match", etag);
        assertThat(same.status()).isEqualTo(304);
        // another context, or a flag change, is another answer
        assertThat(post("/ofrep/v1/evaluate/flags", KEY, "{\"context\":{\"targetingKey\":\"u2\"}}", "If-None-Match", etag)
                .status()).isEqualTo(200);
        flags.kill(APP, "everyone", "frank", "contract test");
        Answer changed = post("/ofrep/v1/evaluate/flags", KEY, "{\"context\":{\"targetingKey\":\"u1\"}}", "If-None-Match", etag);
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.raw().headers().firstValue("ETag").orElseThrow()).isNotEqualTo(etag);
        // without a targeting key the split flag is an error inside the bulk answer, the others still evaluate
        Answer anonymous = post("/ofrep/v1/evaluate/flags", KEY, "{}");
        assertThat(anonymous.body().path("flags").toString()).contains("TARGETING_KEY_MISSING", "\"key\":\"dark\"");
    }

    @Test
    void theOfficialOfrepProviderUnderTheOpenFeatureSdkGetsWhatTheProtocolPromises() throws Exception {
        // the split's answer for u1, as the protocol itself gives it
        boolean halfForU1 = post("/ofrep/v1/evaluate/flags/half", KEY, "{\"context\":{\"targetingKey\":\"u1\"}}").body()
                .path("value").asBoolean();

        JsonNode details = ofrepProvider(KEY, "boolean|everyone|u1||false", "boolean|half|u1||" + !halfForU1,
                "boolean|half|u9|acme|false", "boolean|dark|u1||true", "boolean|nope|u1||true",
                "boolean|secret-feature|u1||true", "boolean|half|||true", "string|everyone|u1||fallback");

        assertThat(details.get(0)).isEqualTo(JSON.readTree(
                "{\"flag\":\"everyone\",\"value\":true,\"variant\":\"on\",\"reason\":\"STATIC\",\"errorCode\":null}"));
        assertThat(details.get(1).path("value").asBoolean()).isEqualTo(halfForU1);
        assertThat(details.get(1).path("reason").asText()).isEqualTo("SPLIT");
        assertThat(details.get(2).path("reason").asText()).isEqualTo("TARGETING_MATCH");
        assertThat(details.get(2).path("value").asBoolean()).isTrue();
        assertThat(details.get(3).path("reason").asText()).isEqualTo("DISABLED");
        assertThat(details.get(3).path("value").asBoolean()).isFalse();
        // errors reach the flow as the SDK's error codes, with the flow's default value
        assertThat(details.get(4).path("errorCode").asText()).isEqualTo("FLAG_NOT_FOUND");
        assertThat(details.get(4).path("value").asBoolean()).isTrue();
        assertThat(details.get(5).path("errorCode").asText()).as("another app's flag").isEqualTo("FLAG_NOT_FOUND");
        assertThat(details.get(6).path("errorCode").asText()).isEqualTo("TARGETING_KEY_MISSING");
        assertThat(details.get(6).path("value").asBoolean()).isTrue();
        assertThat(details.get(7).path("errorCode").asText()).isEqualTo("TYPE_MISMATCH");
        assertThat(details.get(7).path("value").asText()).isEqualTo("fallback");
    }

    @Test
    void theOfficialOfrepProviderWithAWrongKeyServesOnlyTheFlowsDefaults() throws Exception {
        JsonNode details = ofrepProvider("wrong-" + KEY, "boolean|everyone|u1||false");

        assertThat(details.get(0).path("value").asBoolean()).isFalse();
        assertThat(details.get(0).path("reason").asText()).isEqualTo("ERROR");
        assertThat(details.get(0).path("errorCode").asText()).isNotBlank();
    }

    /** Runs src/test/resources/ofrep/evaluate.js with stack/node-red's OpenFeature SDK and OFREP provider. */
    JsonNode ofrepProvider(String key, String... evaluations) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("node", io.rollguard.support.NodeRedSlots.PROJECT
                .resolve("src/test/resources/ofrep/evaluate.js").toString(), "http://127.0.0.1:" + port, key));
        command.addAll(List.of(evaluations));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("NODE_RED_HOME", io.rollguard.support.NodeRedSlots.PROJECT.resolve("stack/node-red")
                .toString());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(err).isZero();
        JsonNode details = JSON.readTree(out);
        assertThat(details).as(out).hasSize(evaluations.length);
        return details;
    }
}
