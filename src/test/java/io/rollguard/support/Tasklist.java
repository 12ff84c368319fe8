package io.rollguard.support;

import java.time.Duration;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Camunda Tasklist as an approver uses it: sign in, open a task, claim it, fill the form, complete. */
public final class Tasklist {

    private Tasklist() {
    }

    /** Camunda's own sign-in form: the embedded default's local users. */
    public static void signIn(WebDriver browser, String baseUrl, String user) {
        browser.get(baseUrl + "/camunda/app/tasklist/default/");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        WebElement name = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("input[type=text]")));
        name.sendKeys(user);
        browser.findElement(By.cssSelector("input[type=password]")).sendKeys(user);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("input[type=password]")));
    }

    /** Opens the task whose name starts with {@code taskName} and claims it; returns when its form shows. */
    public static void openAndClaim(WebDriver browser, String taskName) {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        Browser.click(browser, wait.until(ExpectedConditions.elementToBeClickable(By.partialLinkText(taskName))));
        // group tasks are claimed before they are worked on
        Browser.click(browser, wait.until(
                ExpectedConditions.elementToBeClickable(By.xpath("//button[normalize-space()='Claim']"))));
        // every form of ours ends with a comment field
        wait.until(ExpectedConditions.elementToBeClickable(COMMENT));
    }

    /**
     * The text of a read-only field of the open form, by its form field id (e.g.
     * Field_RestorationDifferences), scrolled into view so that a screenshot shows it.
     */
    public static String field(WebDriver browser, String fieldId) {
        WebElement field = browser.findElement(By.cssSelector("[id$='" + fieldId + "']"));
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'});", field);
        return field.getAttribute("value");
    }

    /** Chooses "approve" in the open approval form, writes the comment and completes the task. */
    public static void approve(WebDriver browser, String comment) {
        Browser.click(browser, browser.findElement(decision(0)));
        complete(browser, comment);
    }

    /** Writes the comment into the open form and completes the task. */
    public static void complete(WebDriver browser, String comment) {
        WebElement field = browser.findElement(COMMENT);
        Browser.click(browser, field);
        field.sendKeys(comment);
        Browser.click(browser, browser.findElement(By.xpath("//button[normalize-space()='Complete']")));
    }

    private static final By COMMENT = By.cssSelector("textarea[id$='Field_Comment']");

    private static By decision(int option) {
        return By.cssSelector("input[type=radio][id$='Field_Decision-" + option + "']");
    }
}
