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
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.rollguard.support.Api;
import io.rollguard.support.Browser;
import io.rollguard.support.ExpensesUntilApproval;
import io.rollguard.support.PostgresDatabase;

/**
 * The analysis floor page in headless Chromium: alice follows the link from her release and reads
 * the floor without a form; the admin gets the form, types a wrong number and a metric without a
 * query (the errors come back beside those fields, what was typed is kept, nothing is saved), then
 * corrects them and the floor is saved, the same one the API answers. Screenshots at 1280 and 390 px.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rollguard.router.port=0", "rollguard.sample-app.enabled=false"})
@ActiveProfiles("postgres")
class AnalysisFloorPageBrowserIT {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresDatabase.register(registry, "rollguard_it_floor_page");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
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
        assertThat(api.putJson("admin", "/api/apps/expenses/analysis-floor", "{}").status()).isEqualTo(200);
    }

    @Test
    void anOwnerReadsTheFloorFromHerReleaseAndAnAdminSetsItThroughTheFormWithErrorsBesideTheFields() {
        // given a floor set through the API and alice's release awaiting approval
        String releaseId = ExpensesUntilApproval.awaitingApproval(api, jdbc);
        Api.Response put = api.putJson("admin", "/api/apps/expenses/analysis-floor", """
                {"metrics":[{"query":"error-rate","source":"builtin","above":0.05}],"minSamples":20,"maxFirstStepWeight":25,"minSteps":2}""");
        assertThat(put.status()).as(put.body()).isEqualTo(200);

        // when alice follows the link from her release
        signIn("alice", "/releases/" + releaseId);
        click(browser.findElement(By.id("floor-link")));
        wait(10).until(ExpectedConditions.urlToBe(base() + "/apps/expenses/analysis-floor"));

        // then she reads the floor, as a table with headers and as facts, and has no form
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Analysis floor of expenses");
        assertThat(browser.findElements(By.cssSelector("#floor-metrics thead th[scope=col]"))).hasSize(4);
        assertThat(browser.findElement(By.cssSelector("#floor-metrics tbody tr")).getText())
                .contains("error-rate", "builtin", "0.05", "no limit set");
        assertThat(browser.findElement(By.id("floor-minSamples")).getText()).isEqualTo("20");
        assertThat(browser.findElement(By.id("floor-maxFirstStepWeight")).getText()).isEqualTo("25 %");
        assertThat(browser.findElement(By.id("floor-minSteps")).getText()).isEqualTo("2");
        assertThat(browser.findElements(By.id("floor-form"))).isEmpty();
        Browser.screenshot(browser, "floor-alice");
        atPhoneWidth("floor-alice-390px");

        // when the admin opens it, breaks two fields and saves
        browser.manage().deleteAllCookies();
        signIn("admin", "/apps/expenses/analysis-floor");
        assertThat(browser.findElement(By.id("metrics-0-query")).getAttribute("value")).isEqualTo("error-rate");
        assertThat(new Select(browser.findElement(By.id("metrics-0-source"))).getFirstSelectedOption().getText()).isEqualTo("builtin");
        // every field has its label
        for (WebElement field : browser.findElements(By.cssSelector("#floor-form input:not([type=hidden]), #floor-form select"))) {
            assertThat(browser.findElements(By.cssSelector("label[for='" + field.getAttribute("id") + "']")))
                    .as("label of " + field.getAttribute("id")).hasSize(1);
        }
        Browser.screenshot(browser, "floor-admin-form");
        replace(browser.findElement(By.id("minSamples")), "twenty");
        replace(browser.findElement(By.id("metrics-1-above")), "0.1");
        click(browser.findElement(By.id("save-floor")));

        // then each error is next to its field, described by it, what was typed is kept and nothing is saved
        WebElement samplesErrors = wait(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("minSamples-errors")));
        assertThat(samplesErrors.getText()).isEqualTo("must be a whole number");
        assertThat(browser.findElement(By.id("minSamples")).getAttribute("aria-describedby")).isEqualTo("minSamples-errors");
        assertThat(browser.findElement(By.id("minSamples")).getAttribute("value")).isEqualTo("twenty");
        assertThat(browser.findElement(By.id("metrics-1-query-errors")).getText()).isEqualTo("must not be blank");
        assertThat(browser.findElement(By.id("metrics-1-above")).getAttribute("value")).isEqualTo("0.1");
        assertThat(browser.findElement(By.id("form-problem")).getText()).contains("The analysis floor is invalid");
        assertThat(browser.findElement(By.id("floor-minSamples")).getText()).isEqualTo("20");
        assertThat(api.get("admin", "/api/apps/expenses/analysis-floor").json().path("minSamples").asInt()).isEqualTo(20);
        Browser.screenshot(browser, "floor-admin-invalid");
        js("document.getElementById('metrics-1-query').scrollIntoView({block: 'center'});");
        Browser.screenshot(browser, "floor-admin-invalid-metric");
        atPhoneWidth("floor-admin-invalid-390px");

        // when the admin corrects them
        replace(browser.findElement(By.id("minSamples")), "30");
        replace(browser.findElement(By.id("metrics-1-query")), "latency");
        replace(browser.findElement(By.id("metrics-1-above")), "");
        replace(browser.findElement(By.id("metrics-1-aboveBaselineBy")), "50");
        click(browser.findElement(By.id("save-floor")));

        // then the floor is saved, says so, and is what the API answers
        WebElement saved = wait(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("floor-saved")));
        assertThat(saved.getText()).contains("saved");
        assertThat(browser.findElement(By.id("floor-minSamples")).getText()).isEqualTo("30");
        assertThat(browser.findElements(By.cssSelector("#floor-metrics tbody tr"))).extracting(WebElement::getText)
                .satisfiesExactly(r -> assertThat(r).contains("error-rate"), r -> assertThat(r).contains("latency", "any", "no limit set", "50").doesNotContain("50.0"));
        Api.Response floor = api.get("alice", "/api/apps/expenses/analysis-floor");
        assertThat(floor.json().path("minSamples").asInt()).isEqualTo(30);
        assertThat(floor.json().path("metrics").findValuesAsText("query")).isEqualTo(List.of("error-rate", "latency"));
        Browser.screenshot(browser, "floor-admin-saved");
        atPhoneWidth("floor-admin-saved-390px");
    }

    /** Everything an admin's form may carry is a form error beside its field (400), never a 500, and nothing is saved. */
    @Test
    void hostileFormValuesAreFormErrorsBesideTheirFieldsAndSaveNothing() throws Exception {
        ExpensesUntilApproval.registered(api);
        assertThat(api.putJson("admin", "/api/apps/expenses/analysis-floor", "{\"minSamples\":5}").status()).isEqualTo(200);
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().cookieHandler(new java.net.CookieManager()).build();
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("admin:admin".getBytes());
        String page = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base() + "/apps/expenses/analysis-floor"))
                .header("Authorization", basic).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        String csrf = AuthorizationMatrix.csrfOf(page);
        java.util.Map<String, String> form = new java.util.LinkedHashMap<>();
        form.put("minSamples", "99999999999999999999");
        form.put("maxFirstStepWeight", "NaN");
        form.put("minSteps", "-1");
        form.put("query", "q".repeat(3000));
        form.put("source", "file:///etc/passwd");
        form.put("above", "1e999");
        form.put("aboveBaselineBy", "Infinity");

        for (String path : List.of("/apps/expenses/analysis-floor", "/apps/nope/analysis-floor")) {
            java.net.http.HttpResponse<String> posted = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base() + path))
                    .header("Authorization", basic).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(AuthorizationMatrix.formBody(form, csrf))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (path.contains("nope")) {
                assertThat(posted.statusCode()).as("an app that does not exist").isEqualTo(404);
                continue;
            }
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(400);
            for (String field : List.of("minSamples", "maxFirstStepWeight", "minSteps", "metrics-0-query", "metrics-0-source",
                    "metrics-0-above", "metrics-0-aboveBaselineBy")) {
                assertThat(posted.body()).as(field).contains("id=\"" + field + "-errors\"");
            }
        }
        assertThat(api.get("admin", "/api/apps/expenses/analysis-floor").json().path("minSamples").asInt()).isEqualTo(5);
    }

    /** At a phone's width nothing scrolls sideways; a screenshot of the top and of the form. */
    private void atPhoneWidth(String name) {
        browser.manage().window().setSize(new Dimension(390, 844));
        assertThat(((Number) js("return document.documentElement.scrollWidth;")).intValue()).as(name + " width")
                .isLessThanOrEqualTo(390);
        Browser.screenshot(browser, name);
        if (!browser.findElements(By.id("floor-form")).isEmpty()) {
            js("document.getElementById('floor-form').scrollIntoView({block: 'start'});");
            Browser.screenshot(browser, name + "-form");
        }
        browser.manage().window().setSize(new Dimension(1280, 900));
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private void signIn(String user, String path) {
        Browser.signIn(browser, base() + path, user);
    }

    private void replace(WebElement field, String text) {
        field.clear();
        field.sendKeys(text);
    }

    private WebDriverWait wait(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    private Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private void click(WebElement element) {
        js("arguments[0].scrollIntoView({block: 'center'})", element);
        element.click();
    }

    private Object js(String script, Object arg) {
        return ((JavascriptExecutor) browser).executeScript(script, arg);
    }
}
