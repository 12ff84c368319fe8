package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.rollguard.support.Api;
import io.rollguard.support.AppRegistrations;
import io.rollguard.support.Browser;
import io.rollguard.support.Keycloak;
import io.rollguard.support.PostgresDatabase;

/**
 * The portal with Keycloak single sign-on: the same pages and controls by role as with local
 * users, the roles coming from the Keycloak login; signing out of the portal ends the Keycloak session.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false"})
@ActiveProfiles({"postgres", "keycloak"})
class KeycloakPortalIT {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        PostgresDatabase.register(registry, "rollguard_it_portal_sso");
        registry.add("rollguard.keycloak.issuer", () -> Keycloak.ISSUER);
    }

    @BeforeAll
    static void keycloakRuns() {
        Keycloak.requireRunning();
    }

    @LocalServerPort
    int port;

    @Test
    void portalPagesAfterKeycloakLoginShowWhatEachRoleMayDo() {
        // given a release of alice's, submitted by her pipeline
        Api api = new Api("http://127.0.0.1:" + port, user -> "Bearer " + Keycloak.userToken(user));
        Api.Response app = api.putJson("admin", "/api/apps/expenses", AppRegistrations.withoutSlots("1.0.0"));
        assertThat(app.status()).as(app.body()).isIn(200, 201);
        Api.Response submitted = api.submitExample("alice", "1.1.0");
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        String id = submitted.json().path("id").asText();

        // when erin signs in at Keycloak on the release page
        WebDriver erin = Browser.start();
        try {
            erin.get(base() + "/releases/" + id);
            keycloakLogin(erin, "erin");
            wait(erin).until(ExpectedConditions.visibilityOfElementLocated(By.id("release-state")));
            Browser.screenshot(erin, "portal-sso-erin-release");

            // then she reads it with the auditor's links and without controls
            assertThat(erin.findElements(By.id("abort-button"))).isEmpty();
            assertThat(erin.findElement(By.cssSelector("header nav")).getText()).contains("All releases", "Audit trail")
                    .doesNotContain("Submit a release");
            erin.get(base() + "/audit?verify=1");
            assertThat(wait(erin).until(ExpectedConditions.visibilityOfElementLocated(By.id("verify-result"))).getText())
                    .contains("entries checked");
        } finally {
            erin.quit();
        }

        // and alice, the requester, gets the abort button; signing out ends her Keycloak session
        WebDriver alice = Browser.start();
        try {
            alice.get(base() + "/releases/" + id);
            keycloakLogin(alice, "alice");
            WebElement abort = wait(alice).until(ExpectedConditions.visibilityOfElementLocated(By.id("abort-button")));
            assertThat(abort.getText()).contains("Abort");
            assertThat(alice.findElement(By.cssSelector("header nav")).getText()).contains("My releases", "Submit a release")
                    .doesNotContain("Audit trail");
            WebElement signOut = alice.findElement(By.xpath("//button[normalize-space()='Sign out']"));
            ((JavascriptExecutor) alice).executeScript("arguments[0].click();", signOut);
            wait(alice).until(d -> !d.getCurrentUrl().startsWith(base() + "/releases/" + id));
            alice.get(base() + "/releases/" + id);
            wait(alice).until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
            assertThat(alice.getCurrentUrl()).as("not signed straight back in").startsWith(Keycloak.ISSUER);
        } finally {
            alice.quit();
        }
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private static WebDriverWait wait(WebDriver browser) {
        return new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    private static void keycloakLogin(WebDriver browser, String user) {
        WebElement name = wait(browser).until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
        assertThat(browser.getCurrentUrl()).startsWith(Keycloak.ISSUER);
        name.sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(user);
        browser.findElement(By.id("kc-login")).click();
    }
}
