package io.rollguard.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.rollguard.support.Api;
import io.rollguard.support.AppRegistrations;
import io.rollguard.support.PostgresDatabase;

/** Which router and metric source an app uses is part of its registration: admin only, validated. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false"})
@ActiveProfiles("postgres")
class AppDataPlaneIT {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresDatabase.register(registry, "rollguard_it_app_data_plane");
    }

    @LocalServerPort
    int port;
    @Autowired
    AppRepository apps;
    Api api;

    @BeforeEach
    void connect() {
        api = new Api("http://127.0.0.1:" + port);
    }

    static String body(String dataPlane) {
        return AppRegistrations.withoutSlots("expenses", "1.0.0", List.of("alice"), dataPlane);
    }

    @Test
    void anAdminRegistersAnAppOnHaproxyAndPrometheus() {
        // when
        Api.Response r = api.putJson("admin", "/api/apps/expenses", body("""
                {"router":"haproxy","runtimeApi":"127.0.0.1:9999","metrics":"prometheus",
                 "prometheusUrl":"http://127.0.0.1:9090","tenantHeader":"X-Customer"}"""));

        // then the backend defaults to the route, and the registration is what the adapters read
        assertThat(r.status()).as(r.body()).isIn(200, 201);
        assertThat(r.json().path("dataPlane").path("backend").asText()).isEqualTo("expenses");
        assertThat(apps.find("expenses").orElseThrow().dataPlane()).isEqualTo(new App.DataPlane("haproxy",
                "127.0.0.1:9999", "expenses", "prometheus", "http://127.0.0.1:9090", "X-Customer"));
        assertThat(api.get("admin", "/api/apps/expenses").json().path("dataPlane").path("router").asText())
                .isEqualTo("haproxy");
    }

    @Test
    void withoutADataPlaneAnAppUsesTheBuiltinRouterAndMeasurements() {
        Api.Response r = api.putJson("admin", "/api/apps/expenses", body(null));

        assertThat(r.status()).as(r.body()).isIn(200, 201);
        assertThat(apps.find("expenses").orElseThrow().dataPlane()).isEqualTo(App.DataPlane.BUILTIN);
    }

    @Test
    void anIncompleteOrUnknownDataPlaneIsRefusedWithEveryViolationAndNothingChanged() {
        api.putJson("admin", "/api/apps/expenses", body(null));

        Api.Response missing = api.putJson("admin", "/api/apps/expenses", body("""
                {"router":"haproxy","metrics":"prometheus"}"""));
        Api.Response unknown = api.putJson("admin", "/api/apps/expenses", body("""
                {"router":"nginx","runtimeApi":"not a host","metrics":"datadog","tenantHeader":"X Tenant"}"""));

        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().path("violations").findValuesAsText("path"))
                .containsExactly("/dataPlane/prometheusUrl", "/dataPlane/runtimeApi");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("violations").findValuesAsText("path")).contains("/dataPlane/router",
                "/dataPlane/runtimeApi", "/dataPlane/metrics", "/dataPlane/tenantHeader");
        assertThat(apps.find("expenses").orElseThrow().dataPlane()).isEqualTo(App.DataPlane.BUILTIN);
    }

    @Test
    void anAdminPutsTheAppsFlagsInUnleashWithItsProjectAndEnvironment() {
        Api.Response r = api.putJson("admin", "/api/apps/expenses", body("""
                {"flagStore":"unleash","unleashUrl":"http://127.0.0.1:4242","unleashEnvironment":"development"}"""));

        assertThat(r.status()).as(r.body()).isIn(200, 201);
        App.DataPlane dataPlane = apps.find("expenses").orElseThrow().dataPlane();
        assertThat(dataPlane.flagStore()).isEqualTo("unleash");
        assertThat(dataPlane.unleashUrl()).isEqualTo("http://127.0.0.1:4242");
        assertThat(dataPlane.unleashProject()).isEqualTo("default");
        assertThat(dataPlane.unleashEnvironment()).isEqualTo("development");
        // the admin token is Rollguard's configuration: nothing of it is in the registration or its view
        assertThat(r.body()).doesNotContain("rollguard-dev-unleash-admin");
    }

    @Test
    void anUnleashStoreWithoutAUsableUrlIsRefusedByField() {
        api.putJson("admin", "/api/apps/expenses", body(null));

        Api.Response missing = api.putJson("admin", "/api/apps/expenses", body("""
                {"flagStore":"unleash"}"""));
        Api.Response wrong = api.putJson("admin", "/api/apps/expenses", body("""
                {"flagStore":"launchdarkly","unleashUrl":"file:///etc/passwd","unleashProject":"../admin",
                 "unleashEnvironment":"prod uction"}"""));
        Api.Response elsewhere = api.putJson("admin", "/api/apps/expenses", body("""
                {"flagStore":"unleash","unleashUrl":"http://169.254.169.254"}"""));

        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().path("violations").findValuesAsText("path")).containsExactly("/dataPlane/unleashUrl");
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.json().path("violations").findValuesAsText("path")).contains("/dataPlane/flagStore",
                "/dataPlane/unleashUrl", "/dataPlane/unleashProject", "/dataPlane/unleashEnvironment");
        assertThat(elsewhere.status()).as(elsewhere.body()).isEqualTo(400);
        assertThat(elsewhere.json().path("violations").findValuesAsText("path")).contains("/dataPlane/unleashUrl");
        assertThat(apps.find("expenses").orElseThrow().dataPlane()).isEqualTo(App.DataPlane.BUILTIN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice", "bob", "carol", "dave", "erin", "frank", "zoe"})
    void onlyAdminsChooseTheDataPlane(String user) {
        api.putJson("admin", "/api/apps/expenses", body(null));

        Api.Response r = api.putJson(user, "/api/apps/expenses", body("""
                {"router":"haproxy","runtimeApi":"127.0.0.1:9999"}"""));

        assertThat(r.status()).isEqualTo(403);
        assertThat(apps.find("expenses").orElseThrow().dataPlane()).isEqualTo(App.DataPlane.BUILTIN);
    }
}
