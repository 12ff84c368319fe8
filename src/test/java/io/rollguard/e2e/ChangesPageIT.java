package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.rollguard.support.Api;
import io.rollguard.support.Browser;
import io.rollguard.support.Tasklist;

/**
 * The portal page of what a release changes, against the stable slot of real Node-RED: readable by
 * exactly who may read the release, with the schema change's changelog on it; and in headless
 * Chromium, dave opens it from his approval task in Tasklist, reads the code diff and the detected
 * integration, and approves.
 */
class ChangesPageIT extends EndToEndTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TAB = "e5a1000000000001";
    static final String VERSION_NODE = "e5a1030000000002";
    static final String CHANGELOG = """
            databaseChangeLog:
              - changeSet:
                  id: changes-page-add-notes
                  author: rollguard-tests
                  changes:
                    - createTable:
                        tableName: expense_notes
                        columns:
                          - column: {name: id, type: int}
            """;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        startInfrastructure(registry, "rollguard_it_changes_page");
    }

    /** The comment the release adds to the version function, as the coloured diff shows it. */
    static final By ADDED_COMMENT = By.xpath("//tr[contains(@class, 'diff-added')]"
            + "//span[@class = 'tok-com' and text() = '// rates are fetched separately']");

    WebDriver browser;

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    /**
     * 1.2.0 as shipped, plus an http request to a host nothing live talks to (declared nowhere) and
     * a changed line in the version function; with a changelog when {@code changelog} is set.
     */
    Api.Response submitRatesCall(boolean changelog) throws Exception {
        ArrayNode flows = (ArrayNode) JSON.readTree(Files.readString(EXAMPLES.resolve("1.2.0/flows.json")));
        flows.addObject().put("id", "rates0000000001").put("type", "http request").put("z", TAB)
                .put("name", "Get rates").put("method", "GET").put("url", "https://api.rates.example/v1/latest")
                .put("x", 600).put("y", 400).putArray("wires").addArray();
        for (JsonNode n : flows) {
            if (n.path("id").asText().equals(VERSION_NODE)) {
                ObjectNode version = (ObjectNode) n;
                version.put("func", version.path("func").asText().replace("msg.statusCode = 200;",
                        "msg.statusCode = 200; // rates are fetched separately\nconst rates = 'api.rates.example';"));
            }
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("flows.json", JSON.writeValueAsBytes(flows));
        String descriptor = Files.readString(EXAMPLES.resolve("1.2.0/release.yaml"));
        if (changelog) {
            descriptor += "schema:\n  changelog: changelog.yaml\n";
            files.put("changelog.yaml", CHANGELOG.getBytes());
        }
        Api.Response submitted = api.submit("alice", descriptor, files);
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        return submitted;
    }

    @Test
    void thePageIsReadByWhoeverMayReadTheReleaseAndShowsTheDiffAndTheChangelog() throws Exception {
        // given stable runs 1.1.0 and alice's release adds a rates call and a data model change
        baseline("1.1.0");
        String id = submitRatesCall(true).json().path("id").asText();
        String path = "/releases/" + id + "/changes";

        // then every role that reads the release reads the page
        for (String user : AuthorizationMatrix.USERS) {
            Api.Response page = api.get(user, path);
            assertThat(page.status()).as(user).isEqualTo(200);
            assertThat(page.header("content-type")).startsWith("text/html");
        }
        // and someone not signed in is sent to sign in; an unknown release is a 404 page
        HttpResponse<String> anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).header("Accept", "text/html").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(302);
        assertThat(anonymous.headers().firstValue("Location")).get().asString().endsWith("/login");
        Api.Response unknown = api.get("alice", "/releases/no-such-release/changes");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).contains("no-such-release");

        // and the page shows the live side, the new node, its host, the class, the code diff and the changelog
        String page = api.get("dave", path).body();
        assertThat(page).contains("stable slot", "compared with what the stable slot runs now")
                .contains("Get rates", "api.rates.example", "adds http request to api.rates.example")
                .contains("<span class=\"sr-only\">added: </span>")
                .contains("<span class=\"tok-com\">// rates are fetched separately</span>")
                .contains("<span class=\"tok-str\">&#39;api.rates.example&#39;</span>")
                .contains("createTable", "expense_notes", "changes-page-add-notes", "changelog.yaml");
        assertThat(api.get("alice", "/releases/" + id).body())
                .contains("href=\"/releases/" + id + "/changes\"");

        // and a requester who does not own the app may not read it
        Api.Response put = api.registerExpenses(slots, List.of("zoe"), "1.1.0");
        assertThat(put.status()).as(put.body()).isIn(200, 201);
        assertThat(api.get("alice", path).status()).as("alice, no longer an owner").isEqualTo(403);
        assertThat(api.get("zoe", path).status()).isEqualTo(200);
    }

    @Test
    void daveOpensTheChangesFromHisTaskInTasklistSeesTheCodeDiffAndTheIntegrationAndApproves() throws Exception {
        // given stable runs 1.1.0 and alice's release adds an undeclared rates call and edits code
        baseline("1.1.0");
        Api.Response submitted = submitRatesCall(false);
        String id = submitted.json().path("id").asText();
        awaitTask("dave", submitted.json().path("processInstanceId").asText());
        browser = Browser.start();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));

        // when dave opens his task in Tasklist
        Tasklist.signIn(browser, "http://127.0.0.1:" + port, "dave");
        Tasklist.openAndClaim(browser, "Approve expenses 1.2.0");
        WebElement link = wait.until(ExpectedConditions.elementToBeClickable(
                By.partialLinkText("What changes, line by line")));
        assertThat(link.getAttribute("href")).endsWith("/releases/" + id + "/changes");
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'});", link);
        Browser.screenshot(browser, "changes-tasklist-dave-link");
        String tasklist = browser.getWindowHandle();
        String task = browser.getCurrentUrl();
        Browser.click(browser, link);

        // then the changes page opens (in a tab of its own if the form opens links so; behind the
        // portal's sign-in, which is not Tasklist's with the embedded default's local users)
        wait.until(d -> d.getWindowHandles().size() > 1 || !d.getCurrentUrl().equals(task));
        boolean ownTab = browser.getWindowHandles().size() > 1;
        if (ownTab) {
            browser.switchTo().window(browser.getWindowHandles().stream().filter(h -> !h.equals(tasklist))
                    .findFirst().orElseThrow());
        }
        wait.until(d -> d.getCurrentUrl().endsWith("/changes") || d.getCurrentUrl().endsWith("/login"));
        if (browser.getCurrentUrl().endsWith("/login")) {
            browser.findElement(By.id("username")).sendKeys("dave");
            browser.findElement(By.id("password")).sendKeys("dave");
            browser.findElement(By.cssSelector("button[type=submit]")).click();
        }
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("derived-classes")));
        assertThat(browser.getCurrentUrl()).contains("/releases/" + id + "/changes");
        assertThat(browser.findElement(By.id("derived-classes")).getText()).isEqualTo("integration");
        assertThat(browser.findElement(By.id("evidence")).getText())
                .contains("adds http request to api.rates.example (node 'Get rates'");
        assertThat(browser.findElement(By.id("hosts")).getText()).contains("api.rates.example");
        WebElement added = browser.findElement(ADDED_COMMENT);
        assertThat(added.getText()).isEqualTo("// rates are fetched separately");
        assertThat(browser.findElements(By.cssSelector("tr.diff-removed"))).isNotEmpty();
        assertThat(css(added, "color")).isNotEqualTo(css(browser.findElement(By.cssSelector("tr.diff-added td.ln")), "color"));
        assertThat(css(browser.findElement(By.cssSelector("tr.diff-added")), "background-color"))
                .isNotEqualTo(css(browser.findElement(By.cssSelector("tr.diff-removed")), "background-color"));
        Browser.screenshot(browser, "changes-page-dave-1280px");
        scrollTo(added);
        Browser.screenshot(browser, "changes-page-dave-code-1280px");

        // and at 390 px the page does not scroll sideways; code blocks scroll inside themselves
        browser.manage().window().setSize(new Dimension(390, 844));
        assertThat(((Number) js("return document.documentElement.scrollWidth;")).intValue())
                .as("page width at 390 px").isLessThanOrEqualTo(390);
        List<Object> overflowing = new ArrayList<>((List<?>) js("return Array.from(document.querySelectorAll('.code-scroll'))"
                + ".filter(function (e) { return e.getBoundingClientRect().right > 390; }).map(function (e) { return e.outerHTML.slice(0, 80); });"));
        assertThat(overflowing).as("code blocks wider than the page").isEmpty();
        js("window.scrollTo(0, 0);");
        Browser.screenshot(browser, "changes-page-dave-390px");
        scrollTo(browser.findElement(ADDED_COMMENT));
        Browser.screenshot(browser, "changes-page-dave-code-390px");
        browser.manage().window().setSize(new Dimension(1280, 900));

        // when he goes back to his task and approves it
        if (ownTab) {
            browser.close();
            browser.switchTo().window(tasklist);
        } else {
            browser.navigate().to(task);
            wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("textarea[id$='Field_Comment']")));
        }
        Tasklist.approve(browser, "read the diff: rates call and code change");

        // then the release is approved by dave
        JsonNode release = waitForState(id, "ROLLING_OUT", Duration.ofSeconds(60));
        assertThat(hasEvent(release, "APPROVED", "read the diff: rates call and code change")).isTrue();
        Browser.screenshot(browser, "changes-tasklist-dave-approved");
        // (the rollout itself is not this test's subject: it may hold for lack of traffic at any moment)
        noReleaseInFlight();
    }

    private Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    /** Brings the code block around {@code element} into view, without scrolling the code sideways. */
    private void scrollTo(WebElement element) {
        ((JavascriptExecutor) browser).executeScript("arguments[0].closest('figure').scrollIntoView({block: 'center'});",
                element);
    }

    private String css(WebElement element, String property) {
        return element.getCssValue(property);
    }
}
