package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.support.Api;
import io.rollguard.support.AppRegistrations;
import io.rollguard.support.Browser;
import io.rollguard.support.Keycloak;
import io.rollguard.support.NodeRedSlots;
import io.rollguard.support.PostgresDatabase;
import io.rollguard.support.Tasklist;

/**
 * Single sign-on with a real Keycloak: people log in once at Keycloak and work in Camunda
 * Tasklist and Cockpit without a second login; what they see is decided by their Keycloak roles.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false"})
@ActiveProfiles({"postgres", "keycloak"})
class KeycloakTasklistSsoIT {

    static final Path V110 = NodeRedSlots.PROJECT.resolve("examples/expenses/1.1.0");

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        PostgresDatabase.register(registry, "rollguard_it_sso");
        registry.add("rollguard.keycloak.issuer", () -> Keycloak.ISSUER);
    }

    @BeforeAll
    static void keycloakRuns() {
        Keycloak.requireRunning();
    }

    @LocalServerPort
    int port;

    @Test
    void schemaApproverApprovesInTasklistAfterOneKeycloakLoginAndOthersSeeOnlyWhatTheyMay() throws Exception {
        // given a schema change requested by alice
        Api api = new Api("http://127.0.0.1:" + port, user -> "Bearer " + Keycloak.userToken(user));
        Api.Response app = api.putJson("admin", "/api/apps/expenses", AppRegistrations.withoutSlots("1.0.0"));
        assertThat(app.status()).as(app.body()).isIn(200, 201);
        Api.Response database = api.putJson("admin", "/api/apps/expenses/database",
                AppRegistrations.database(PostgresDatabase.freshAppDatabase("rollguard_it_sso_app")));
        assertThat(database.status()).as(database.body()).isIn(200, 201);
        String descriptor = Files.readString(V110.resolve("release.yaml")) + "schema:\n  changelog: changelog.yaml\n";
        Api.Response submitted = api.submit("alice", descriptor, Map.of(
                "flows.json", Files.readAllBytes(V110.resolve("flows.json")),
                "changelog.yaml", """
                        databaseChangeLog:
                          - changeSet:
                              id: create-category
                              author: alice
                              changes:
                                - createTable:
                                    tableName: category
                                    columns:
                                      - column: { name: name, type: varchar(32) }
                        """.getBytes()));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        String id = submitted.json().path("id").asText();
        String pi = submitted.json().path("processInstanceId").asText();

        // an auditor reads the running instance but cannot cancel it
        assertThat(api.get("erin", "/engine-rest/process-instance/" + pi).status()).isEqualTo(200);
        assertThat(api.delete("erin", "/engine-rest/process-instance/" + pi).status()).isEqualTo(403);
        assertThat(api.get("erin", "/engine-rest/process-instance/" + pi).status()).isEqualTo(200);

        // bob is an approver, but not of schema changes: his Tasklist stays empty
        WebDriver bob = Browser.start();
        try {
            openTasklistAs(bob, "bob");
            new WebDriverWait(bob, Duration.ofSeconds(30)).until(ExpectedConditions.textToBePresentInElementLocated(
                    By.tagName("body"), "No task matching filters found"));
            Browser.screenshot(bob, "sso-bob-tasklist");
            assertThat(bob.getPageSource()).doesNotContain("Approve expenses 1.1.0");
        } finally {
            bob.quit();
        }

        // when carol logs in once at Keycloak, on Rollguard's portal, and then works in Tasklist
        WebDriver carol = Browser.start();
        try {
            WebDriverWait wait = new WebDriverWait(carol, Duration.ofSeconds(30));
            carol.get("http://127.0.0.1:" + port + "/");
            keycloakLogin(carol, "carol");
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("header .who"), "carol"));
            Browser.screenshot(carol, "sso-carol-portal");
            carol.get("http://127.0.0.1:" + port + "/camunda/app/tasklist/default/");
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "My group tasks"));
            assertThat(carol.getCurrentUrl()).as("no second login").startsWith("http://127.0.0.1:" + port);
            Tasklist.openAndClaim(carol, "Approve expenses 1.1.0 as schema-approver");
            Browser.screenshot(carol, "sso-carol-form");
            assertThat(carol.findElement(By.cssSelector("input[id$='Field_ChangeClasses']")).getAttribute("value"))
                    .isEqualTo("schema");
            Tasklist.approve(carol, "schema change checked");

            // then the approval is recorded as carol's, whose identity came from Keycloak
            JsonNode release = awaitEvent(api, id, "APPROVED");
            assertThat(release.path("history").toString()).contains("\"actor\":\"carol\"");

            // and her logout in Tasklist ends the Keycloak session too: she is asked to log in again
            click(carol, wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("li.account .dropdown-toggle"))));
            click(carol, wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("li.logout a"))));
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
            assertThat(carol.getCurrentUrl()).startsWith(Keycloak.ISSUER);
            Browser.screenshot(carol, "sso-carol-logged-out");
            carol.get("http://127.0.0.1:" + port + "/camunda/app/tasklist/default/");
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
            assertThat(carol.getCurrentUrl()).as("not signed straight back in").startsWith(Keycloak.ISSUER);
        } finally {
            carol.quit();
        }

        // erin, the auditor, opens Cockpit through the same login and may not cancel anything
        WebDriver erin = Browser.start();
        try {
            erin.get("http://127.0.0.1:" + port + "/camunda/app/cockpit/default/");
            keycloakLogin(erin, "erin");
            new WebDriverWait(erin, Duration.ofSeconds(30)).until(ExpectedConditions.textToBePresentInElementLocated(
                    By.tagName("body"), "Process Definitions"));
            Browser.screenshot(erin, "sso-erin-cockpit");

            // logging out of Rollguard's own pages goes through Keycloak's end-session endpoint
            erin.get("http://127.0.0.1:" + port + "/logout");
            WebDriverWait wait = new WebDriverWait(erin, Duration.ofSeconds(30));
            click(erin, wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button[type=submit]"))));
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
            erin.get("http://127.0.0.1:" + port + "/camunda/app/cockpit/default/");
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
            assertThat(erin.getCurrentUrl()).as("not signed straight back in").startsWith(Keycloak.ISSUER);
        } finally {
            erin.quit();
        }
    }

    private void openTasklistAs(WebDriver browser, String user) {
        browser.get("http://127.0.0.1:" + port + "/camunda/app/tasklist/default/");
        keycloakLogin(browser, user);
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(
                ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "My group tasks"));
    }

    /** Keycloak's own login page: the only place a password is typed. */
    private static void keycloakLogin(WebDriver browser, String user) {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        WebElement name = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
        assertThat(browser.getCurrentUrl()).startsWith(Keycloak.ISSUER);
        Browser.screenshot(browser, "sso-keycloak-login-" + user);
        name.sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(user);
        browser.findElement(By.id("kc-login")).click();
    }

    private static void click(WebDriver browser, WebElement element) {
        Browser.click(browser, element);
    }

    private static JsonNode awaitEvent(Api api, String id, String type) {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> api.get("erin", "/api/releases/" + id).json(),
                        r -> r.path("history").toString().contains("\"type\":\"" + type + "\""));
    }
}
