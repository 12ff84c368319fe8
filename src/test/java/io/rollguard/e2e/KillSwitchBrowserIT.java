package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.rollguard.app.AppRepository;
import io.rollguard.flags.FlagChanges;
import io.rollguard.flags.FlagDefinition;
import io.rollguard.flags.FlagState;
import io.rollguard.support.Api;
import io.rollguard.support.Browser;
import io.rollguard.support.ExpensesUntilApproval;
import io.rollguard.support.PostgresDatabase;

/**
 * The kill switch in headless Chromium: a release that sets a flag shows it on its page; the
 * requester sees no switch; frank (release manager) turns the flag off in one action with a reason,
 * and the flag is off in the store, the change is in the flag history with his name and reason.
 * Screenshots at 1280 and 390 px.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false"})
@ActiveProfiles("postgres")
class KillSwitchBrowserIT {

    static final String FLAG = "expenses-csv-export";

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresDatabase.register(registry, "rollguard_it_kill_switch");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    FlagChanges flags;
    @Autowired
    AppRepository apps;
    Api api;
    WebDriver browser;

    @BeforeEach
    void openBrowser() {
        api = new Api(base());
        browser = Browser.start();
        browser.manage().window().setSize(new Dimension(1280, 900));
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aReleaseManagerTurnsTheReleasesFlagOffFromTheReleasePageWithAReasonAndTheRequesterCannot() {
        // given alice's release that sets the flag, which its first step has set for 20 % of requests
        ExpensesUntilApproval.fresh(api, jdbc);
        String descriptor = ExpensesUntilApproval.descriptor() + """
                flags:
                  - key: %s
                    steps:
                %s""".formatted(FLAG, "      - percentage: 20\n".repeat(stepsOf(ExpensesUntilApproval.descriptor())));
        Api.Response submitted = api.submit("alice", descriptor, ExpensesUntilApproval.flows());
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        String releaseId = submitted.json().path("id").asText();
        api.awaitFirstStep(submitted.json().path("processInstanceId").asText());
        var app = apps.find("expenses").orElseThrow();
        flags.applyStep(app, releaseId, List.of(new FlagChanges.ReleaseFlag(FlagDefinition.booleanFlag(FLAG),
                List.of(new FlagState(true, 20, List.of())))), 0);

        // when alice opens her release, she sees the flag but no switch
        signIn("alice", "/releases/" + releaseId);
        assertThat(browser.findElement(By.id("release-flags")).getText()).contains(FLAG);
        assertThat(browser.findElements(By.id("kill-" + FLAG))).isEmpty();

        // when frank opens it, gives a reason and turns the flag off
        browser.manage().deleteAllCookies();
        signIn("frank", "/releases/" + releaseId);
        WebElement reason = browser.findElement(By.id("kill-reason-" + FLAG));
        assertThat(browser.findElements(By.cssSelector("label[for='kill-reason-" + FLAG + "']"))).hasSize(1);
        Browser.screenshot(browser, "kill-switch-frank");
        atPhoneWidth("kill-switch-frank-390px");
        reason.sendKeys("exports leak the amount column");
        click(browser.findElement(By.id("kill-" + FLAG)));

        // then he is back on the release with a notice, and the flag is off in the store, audited
        wait(10).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".notice, [role=status]")));
        assertThat(browser.getCurrentUrl()).endsWith("/releases/" + releaseId);
        Browser.screenshot(browser, "kill-switch-done");
        assertThat(flags.current(app, FLAG).orElseThrow().state().enabled()).isFalse();
        Api.Response history = api.get("erin", "/api/apps/expenses/flags/history");
        assertThat(history.status()).as(history.body()).isEqualTo(200);
        assertThat(history.body()).contains("frank", "exports leak the amount column");
    }

    static int stepsOf(String yaml) {
        return (int) yaml.lines().filter(l -> l.trim().startsWith("- weight:")).count();
    }

    /** At a phone's width nothing scrolls sideways. */
    private void atPhoneWidth(String name) {
        browser.manage().window().setSize(new Dimension(390, 844));
        assertThat(((Number) js("return document.documentElement.scrollWidth;")).intValue()).as(name + " width")
                .isLessThanOrEqualTo(390);
        js("document.getElementById('release-flags').scrollIntoView({block: 'start'});");
        Browser.screenshot(browser, name);
        browser.manage().window().setSize(new Dimension(1280, 900));
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private void signIn(String user, String path) {
        Browser.signIn(browser, base() + path, user);
    }

    private WebDriverWait wait(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    private Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private void click(WebElement element) {
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
        element.click();
    }
}
