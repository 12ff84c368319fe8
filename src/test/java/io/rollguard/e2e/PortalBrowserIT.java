package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.support.Browser;
import io.rollguard.support.Tasklist;
import io.rollguard.support.TrafficGenerator;

/**
 * The portal in headless Chromium: alice submits through the form (first an invalid descriptor,
 * whose errors are shown beside the field, then a valid one), bob approves in Tasklist, alice's release page
 * follows the release to PROMOTED without a reload; erin reads its timeline, verifies the trail,
 * fetches the CSV export, has no abort button, and her forged abort is refused. Screenshots of
 * every page land in target/screenshots.
 */
class PortalBrowserIT extends EndToEndTest {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        startInfrastructure(registry, "rollguard_it_portal_browser");
    }

    WebDriver browser;

    @BeforeEach
    void openBrowser() {
        browser = Browser.start();
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aliceSubmitsThroughTheFormAndWatchesItReachPromotedWhileErinAuditsIt() throws Exception {
        // given
        baseline("1.0.0");
        String validDescriptor = Files.readString(EXAMPLES.resolve("1.1.0/release.yaml"));
        String flows = EXAMPLES.resolve("1.1.0/flows.json").toAbsolutePath().toString();
        String id;
        try (TrafficGenerator traffic = new TrafficGenerator(routerUrl("/expenses"), 4, Duration.ofMillis(40))) {

            // when alice submits an invalid descriptor through the form
            signIn("alice", "/releases/new");
            Browser.screenshot(browser, "portal-submit-empty");
            new Select(browser.findElement(By.id("app"))).selectByValue("expenses");
            WebElement descriptor = browser.findElement(By.id("descriptor"));
            type(descriptor, validDescriptor.replace("weight: 20", "weight: 200"));
            browser.findElement(By.id("files")).sendKeys(flows);
            click(browser.findElement(By.id("submit-release")));

            // then the error is shown next to the descriptor and what she typed is kept
            WebElement errors = wait(30).until(ExpectedConditions.visibilityOfElementLocated(By.id("descriptor-errors")));
            assertThat(errors.getText()).contains("/rollout/steps/0/weight");
            assertThat(browser.findElement(By.id("descriptor")).getAttribute("value")).contains("weight: 200");
            assertThat(browser.findElement(By.id("descriptor")).getAttribute("aria-describedby")).contains("descriptor-errors");
            Browser.screenshot(browser, "portal-submit-invalid");

            // when she corrects it and submits again
            type(browser.findElement(By.id("descriptor")), validDescriptor);
            browser.findElement(By.id("files")).sendKeys(flows);
            click(browser.findElement(By.id("submit-release")));
            wait(30).until(ExpectedConditions.urlMatches("/releases/[0-9a-f-]{36}$"));
            id = browser.getCurrentUrl().substring(browser.getCurrentUrl().lastIndexOf('/') + 1);
            assertThat(browser.findElement(By.id("release-state")).getText()).isEqualTo("AWAITING_APPROVAL");
            wait(30).until(ExpectedConditions.attributeToBe(By.id("diagram"), "data-rendered", "true"));
            Browser.screenshot(browser, "portal-release-submitted");
            js("window.rollguardNotReloaded = true;");

            // and bob approves in Tasklist, in a browser of his own
            awaitTask("bob", release(id).path("processInstanceId").asText());
            WebDriver bob = Browser.start();
            try {
                Tasklist.signIn(bob, "http://127.0.0.1:" + port, "bob");
                Tasklist.openAndClaim(bob, "Approve expenses 1.1.0");
                Tasklist.approve(bob, "looks good");
                await().atMost(Duration.ofSeconds(30)).until(() -> hasEvent(release(id), "APPROVED", "looks good"));
                Browser.screenshot(bob, "portal-bob-approved-in-tasklist");
            } finally {
                bob.quit();
            }

            // then alice's open page follows the release to PROMOTED without a reload
            new WebDriverWait(browser, Duration.ofSeconds(180)).pollingEvery(Duration.ofMillis(500)).until(
                    ExpectedConditions.textToBe(By.id("release-state"), "PROMOTED"));
            assertThat(js("return window.rollguardNotReloaded === true;")).isEqualTo(true);
            assertThat(browser.findElement(By.id("approvals")).getText()).contains("bob", "approver", "approved", "looks good");
            assertThat(browser.findElements(By.cssSelector(".analysis"))).hasSizeGreaterThanOrEqualTo(2);
            // one chart per metric per run (2 runs x error-rate and latency), each with its text alternative
            wait(30).until(d -> d.findElements(By.cssSelector(".chart[data-rendered=true]")).size() >= 4);
            assertThat(browser.findElements(By.cssSelector(".metric-chart figcaption"))).extracting(WebElement::getText)
                    .anyMatch(t -> t.startsWith("error-rate during step 1")).anyMatch(t -> t.startsWith("latency during step 2"));
            assertThat(browser.findElements(By.cssSelector(".metric-chart .chart-summary"))).hasSizeGreaterThanOrEqualTo(4)
                    .allMatch(p -> p.getAttribute("textContent").matches("Canary .* over \\d+ samples, baseline .*"));
            assertThat(browser.findElements(By.cssSelector(".metric-chart details table tbody tr"))).isNotEmpty();
            wait(30).until(d -> !d.findElements(By.cssSelector("#diagram .rg-completed")).isEmpty());
            assertThat(browser.findElements(By.id("abort-button"))).isEmpty();
            Browser.screenshot(browser, "portal-release-promoted");
            js("document.querySelector('.analysis').scrollIntoView({block: 'start'});");
            Browser.screenshot(browser, "portal-release-analysis");
            js("document.getElementById('history').scrollIntoView({block: 'start'});");
            Browser.screenshot(browser, "portal-release-history");
            browser.manage().window().setSize(new Dimension(390, 844));
            // on a phone the charts follow the width of the page instead of overflowing it
            wait(10).until(d -> ((Number) js("return Math.max.apply(null, Array.from(document.querySelectorAll('.chart canvas'))"
                    + ".map(function (c) { return c.getBoundingClientRect().right; }));")).doubleValue() <= 390);
            // and nothing makes the page scroll sideways (long hashes and queries wrap)
            assertThat(((Number) js("return document.documentElement.scrollWidth;")).intValue())
                    .as("page width at 390 px").isLessThanOrEqualTo(390);
            js("document.querySelector('.metric-chart').scrollIntoView({block: 'start'});");
            Browser.screenshot(browser, "portal-release-promoted-390px");
            browser.get(base() + "/");
            Browser.screenshot(browser, "portal-home-alice-390px");
            browser.manage().window().setSize(new Dimension(1280, 900));
        }

        // when erin, the auditor, opens the release
        signOut();
        signIn("erin", "/releases/" + id);
        Browser.screenshot(browser, "portal-release-erin");

        // (keyboard users start at the skip link, and focus is visible)
        new Actions(browser).sendKeys(Keys.TAB).perform();
        assertThat(browser.switchTo().activeElement().getText()).isEqualTo("Skip to content");
        assertThat(js("return getComputedStyle(document.activeElement).outlineStyle;")).isEqualTo("solid");
        new Actions(browser).sendKeys(Keys.ENTER).perform();
        assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("main");

        // then she has no controls, and a forged abort with her valid CSRF token is refused
        assertThat(browser.findElements(By.id("abort-button"))).isEmpty();
        assertThat(browser.findElements(By.id("rollback-button"))).isEmpty();
        Object forged = ((JavascriptExecutor) browser).executeAsyncScript("""
                var done = arguments[arguments.length - 1];
                var token = document.querySelector('input[name=_csrf]').value;
                fetch('/releases/%s/abort', {method: 'POST', credentials: 'same-origin',
                    headers: {'Content-Type': 'application/x-www-form-urlencoded'},
                    body: '_csrf=' + encodeURIComponent(token)}).then(function (r) { done(r.status); });
                """.formatted(id));
        assertThat(((Number) forged).intValue()).isEqualTo(403);
        assertThat(release(id).path("state").asText()).isEqualTo("PROMOTED");

        // and she reads the timeline from the audit trail and Camunda's history
        click(browser.findElement(By.linkText("Timeline from the audit trail")));
        WebElement timeline = wait(30).until(ExpectedConditions.visibilityOfElementLocated(By.id("timeline")));
        assertThat(timeline.getText()).contains("SUBMITTED", "alice", "APPROVED", "bob", "ANALYSIS", "PROMOTED", "audit #",
                "process releaseLifecycle");
        Browser.screenshot(browser, "portal-timeline-erin");

        // and verifies the trail
        browser.get(base() + "/audit");
        click(browser.findElement(By.id("verify-button")));
        WebElement result = wait(30).until(ExpectedConditions.visibilityOfElementLocated(By.id("verify-result")));
        assertThat(result.getText()).contains("OK", "entries checked");
        Browser.screenshot(browser, "portal-audit-verified");

        // and takes the CSV export the download link points at
        String href = browser.findElement(By.id("export-csv")).getAttribute("href");
        assertThat(browser.findElement(By.id("export-csv")).getAttribute("download")).isNotNull();
        Object csv = ((JavascriptExecutor) browser).executeAsyncScript("""
                var done = arguments[arguments.length - 1];
                fetch(arguments[0], {credentials: 'same-origin'}).then(function (r) {
                    return r.text().then(function (t) { done(r.status + ' ' + r.headers.get('Content-Disposition') + '\\n' + t); });
                });""", href);
        assertThat((String) csv).startsWith("200 attachment").contains("id,at,release_id,type,actor,detail,prev_hash,hash")
                .contains("\"" + id + "\",\"SUBMITTED\",\"alice\"");
        browser.get(base() + "/");
        Browser.screenshot(browser, "portal-home-erin");
        browser.get(base() + "/releases");
        Browser.screenshot(browser, "portal-releases-erin");

        // a release manager sees the roll-back button on the promoted release
        signOut();
        signIn("frank", "/releases/" + id);
        assertThat(browser.findElements(By.id("rollback-button"))).hasSize(1);
        click(browser.findElement(By.id("rollback-button")));
        wait(30).until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-button")));
        Browser.screenshot(browser, "portal-rollback-confirm-frank");
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private void signIn(String user, String path) {
        Browser.signIn(browser, base() + path, user);
    }

    private void signOut() {
        browser.manage().deleteAllCookies();
    }

    private WebDriverWait wait(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    /** Sets a textarea's value like a paste would (sendKeys of a long YAML is slow and auto-indents nothing). */
    private void type(WebElement field, String text) {
        ((JavascriptExecutor) browser).executeScript("arguments[0].value = arguments[1];", field, text);
    }

    private Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private void click(WebElement element) {
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
        element.click();
    }
}
