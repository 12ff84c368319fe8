package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.rollguard.support.Api;
import io.rollguard.support.Browser;
import io.rollguard.support.Tasklist;

/** Approvers really work in Camunda Tasklist: the form renders, the requester sees nothing to approve. */
class TasklistApprovalIT extends EndToEndTest {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        startInfrastructure(registry, "rollguard_it_tasklist");
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
    void approverCompletesTheApprovalFormInTasklistWhileTheRequesterSeesNoTask() {
        // given
        baseline("1.0.0");
        Api.Response submitted = api.submitExample("alice", "1.1.0");
        String id = submitted.json().path("id").asText();
        awaitTask("bob", submitted.json().path("processInstanceId").asText());

        // when the requester looks at Tasklist
        login("alice");
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(ExpectedConditions.textToBePresentInElementLocated(
                By.tagName("body"), "No task matching filters found"));
        Browser.screenshot(browser, "tasklist-alice");
        assertThat(browser.getPageSource()).doesNotContain("Approve expenses 1.1.0");
        logout();

        // and an approver opens the task and approves it
        login("bob");
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(
                ExpectedConditions.elementToBeClickable(By.partialLinkText("Approve expenses 1.1.0")));
        Browser.screenshot(browser, "tasklist-bob-list");
        Tasklist.openAndClaim(browser, "Approve expenses 1.1.0");
        Browser.screenshot(browser, "tasklist-bob-form");
        assertThat(browser.findElement(By.cssSelector("input[id$='Field_App']"))
                .getAttribute("value")).isEqualTo("expenses");
        assertThat(browser.findElement(By.cssSelector("input[id$='Field_Version']")).getAttribute("value"))
                .isEqualTo("1.1.0");
        assertThat(browser.findElement(By.cssSelector("input[id$='Field_ChangeClasses']")).getAttribute("value"))
                .isEqualTo("ordinary");
        assertThat(browser.findElement(By.cssSelector("input[id$='Field_ApproverGroup']")).getAttribute("value"))
                .isEqualTo("approver");
        assertThat(browser.findElement(By.cssSelector("textarea[id$='Field_DiffSummary']")).getAttribute("value"))
                .contains("expenses 1.0.0 -> 1.1.0");
        Tasklist.approve(browser, "approved in Tasklist");

        // then
        JsonNode release = waitForState(id, "ROLLING_OUT", Duration.ofSeconds(60));
        Browser.screenshot(browser, "tasklist-bob-done");
        assertThat(hasEvent(release, "APPROVED", "approved in Tasklist")).isTrue();
        api.post("alice", "/api/releases/" + id + "/abort");
        waitForState(id, "ABORTED", Duration.ofSeconds(30));
    }

    private void login(String user) {
        Tasklist.signIn(browser, "http://127.0.0.1:" + port, user);
    }

    private void logout() {
        browser.manage().deleteAllCookies();
    }
}
