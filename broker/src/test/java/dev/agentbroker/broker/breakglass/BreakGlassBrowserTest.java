package dev.agentbroker.broker.breakglass;

import static dev.agentbroker.broker.breakglass.BreakGlassTestEnv.human;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.agentbroker.broker.BrokerTestEnv;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The break-glass page in a real headless Chromium (Debian's {@code chromium} and {@code
 * chromium-driver}; {@code .ci/run} installs them), signing in at the local SSO ({@link
 * dev.agentbroker.testkit.sso.OidcProvider}, another site than the broker). Alice signs in and
 * requests (her own approval is refused), Bob signs in and approves after a cross-site form post
 * and a missing/wrong CSRF token were refused, Alice uses the grant and sees the token once; a
 * stale second tab trying to use it again is refused. Missing browsers fail the test: a silently
 * skipped UI test would prove nothing.
 */
@QuarkusTest
@WithTestResource(BreakGlassTestEnv.class)
class BreakGlassBrowserTest {
  static final String CHROMIUM = "/usr/bin/chromium";
  static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  static final String JUSTIFICATION = "INC-4711 <b>restore</b> branch protection & \"audit\"";

  // The configured origin (localhost), not the listen address (127.0.0.1) Quarkus would inject:
  // the sign-in cookie belongs to the origin the SSO redirects back to.
  final URL page = url("http://localhost:" + BreakGlassTestEnv.port + "/breakglass/");

  WebDriver driver;
  Path profile;

  @BeforeEach
  void browser() throws Exception {
    if (!Files.isExecutable(Path.of(CHROMIUM)) || !Files.isExecutable(Path.of(CHROMEDRIVER))) {
      fail(
          "the break-glass browser test needs Debian's chromium and chromium-driver"
              + " (/usr/bin/chromium, /usr/bin/chromedriver): apt-get install chromium"
              + " chromium-driver (.ci/run installs them)");
    }
    // Explicit paths everywhere, so Selenium Manager never looks for (or downloads) a browser.
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
    profile = Files.createTempDirectory("bg-chromium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).build();
    driver = new ChromeDriver(service, options);
  }

  @AfterEach
  void close() throws Exception {
    if (driver != null) {
      driver.quit();
    }
    if (profile != null) {
      try (var s = Files.walk(profile)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void ssoSignInRequestApproveUseAndCrossSiteRefusals() throws Exception {
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(15));
    driver.get(page.toString());
    wait.until(ExpectedConditions.elementToBeClickable(By.id("sso-signin")));
    assertFalse(driver.findElement(By.id("jwt")).isDisplayed(), "no pasted-token box");

    signIn(wait, "alice");
    Cookie session = driver.manage().getCookieNamed("__Host-bg-session");
    assertTrue(session.isHttpOnly() && session.isSecure(), "HttpOnly; Secure");
    assertEquals("Strict", session.getSameSite());
    assertEquals("", js("return document.cookie"), "the session cookie is invisible to scripts");
    new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("kind")))
        .selectByValue("installation-token");
    driver.findElement(By.id("owner")).sendKeys("acme");
    driver.findElement(By.id("permissions")).sendKeys("administration:write");
    driver.findElement(By.id("justification")).sendKeys(JUSTIFICATION);
    driver.findElement(By.id("duration")).clear();
    driver.findElement(By.id("duration")).sendKeys("20");
    driver.findElement(By.id("submit-request")).click();
    WebElement aliceRow = openRow(wait, "pending");
    String id = aliceRow.getAttribute("data-id");
    assertTrue(aliceRow.getText().contains("waiting for another human"));
    assertTrue(aliceRow.findElements(By.cssSelector("button.approve")).isEmpty());
    // Self-approval, forged from the page itself with the right CSRF token: still refused.
    assertEquals(
        "403 self_approval_refused self_approval_refused",
        approveFromPage(id, "(await session()).csrf_token"));
    signOut(wait);

    signIn(wait, "bob");
    WebElement bobRow = openRow(wait, "pending");
    // The justification is visible to the approver, verbatim: markup shown as text, not run.
    assertEquals(JUSTIFICATION, bobRow.findElement(By.cssSelector("td.justification")).getText());
    assertTrue(driver.findElements(By.cssSelector("#open-body b")).isEmpty());
    // Same origin, bob's cookie, but no or a wrong CSRF token: refused.
    assertEquals("403 csrf_refused csrf_token_missing", approveFromPage(id, "undefined"));
    assertEquals("403 csrf_refused csrf_token_invalid", approveFromPage(id, "'forged-token'"));
    // A cross-site page auto-submits a form at the approve URL while bob is signed in.
    try (AttackerSite evil = AttackerSite.start(page.toString(), id)) {
      driver.get(evil.url());
      wait.until(ExpectedConditions.urlContains("/approve"));
      String answer = driver.getPageSource();
      assertTrue(
          answer.contains("unsupported_media_type") || answer.contains("unauthenticated"), answer);
      assertTrue(evil.served() >= 1, "the attacker page was loaded");
    }
    driver.get(page.toString());
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("whoami"), "bob"));
    bobRow = openRow(wait, "pending");
    bobRow.findElement(By.cssSelector("button.approve")).click();
    wait.until(
        ExpectedConditions.presenceOfElementLocated(
            By.cssSelector("#open-body tr[data-id='" + id + "'][data-state='approved']")));
    signOut(wait);

    signIn(wait, "alice");
    String first = driver.getWindowHandle();
    // A second tab, loaded now: its "Use" button will be stale after the first tab uses the grant.
    driver.switchTo().newWindow(WindowType.TAB);
    driver.get(page.toString());
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("whoami"), "alice"));
    String stale = driver.getWindowHandle();
    wait.until(ExpectedConditions.elementToBeClickable(useButton(id)));

    driver.switchTo().window(first);
    driver.findElement(useButton(id)).click();
    WebElement tokenEl =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token-once")));
    String token = tokenEl.getText().strip();
    assertFalse(token.isEmpty(), "the token is shown");
    assertTrue(BrokerTestEnv.sim.isTokenActive(token), "the simulator knows the token as active");
    wait.until(
        ExpectedConditions.presenceOfElementLocated(
            By.cssSelector("#history-body tr[data-id='" + id + "'][data-state='used']")));

    driver.switchTo().window(stale);
    driver.findElement(useButton(id)).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "grant_already_used"));
    assertEquals("", driver.findElement(By.id("token-once")).getText(), "no token a second time");

    // Shown once: a reload in the first tab does not bring the token back.
    driver.switchTo().window(first);
    driver.navigate().refresh();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("whoami"), "alice"));
    assertFalse(driver.getPageSource().contains(token));
    Object stored = js("return JSON.stringify(Object.assign({}, sessionStorage, localStorage))");
    assertFalse(String.valueOf(stored).contains(token), "the token is not kept in the browser");
    String cookie = driver.manage().getCookieNamed("__Host-bg-session").getValue();
    String csrf =
        String.valueOf(
            ((JavascriptExecutor) driver)
                .executeAsyncScript(
                    "const done = arguments[arguments.length - 1];"
                        + "fetch('/breakglass/session').then(r => r.json())"
                        + ".then(j => done(j.csrf_token));"));
    assertTrue(csrf.length() >= 43, csrf.length() + " characters");
    // Neither the token, the session cookie, its CSRF token nor the client secret is written.
    BreakGlassApiTest.assertNoSecretWritten(
        List.of(token, cookie, csrf, BreakGlassTestEnv.CLIENT_SECRET, human("carol")));
  }

  private static URL url(String s) {
    try {
      return java.net.URI.create(s).toURL();
    } catch (java.net.MalformedURLException e) {
      throw new IllegalStateException(e);
    }
  }

  private Object js(String script) {
    return ((JavascriptExecutor) driver).executeScript(script);
  }

  /** POSTs an approve from the page's own origin with {@code csrfExpr}; "status code reason". */
  private String approveFromPage(String id, String csrfExpr) {
    String script =
        "const done = arguments[arguments.length - 1]; const id = arguments[0];"
            + "const session = () => fetch('/breakglass/session').then(r => r.json());"
            + "(async () => {"
            + "  const body = {id: id}; const t = "
            + csrfExpr
            + ";"
            + "  if (t !== undefined) { body.csrf_token = t; }"
            + "  const r = await fetch('/breakglass/requests/' + id + '/approve', {"
            + "    method: 'POST', credentials: 'same-origin',"
            + "    headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)});"
            + "  const j = await r.json();"
            + "  done((r.status + ' ' + j.code + ' ' + (j.reason || '')).trim());"
            + "})().catch(e => done('error ' + e));";
    return String.valueOf(((JavascriptExecutor) driver).executeAsyncScript(script, id));
  }

  /** Signs in at the SSO's form (another site), as a person would. */
  private void signIn(WebDriverWait wait, String who) {
    wait.until(ExpectedConditions.elementToBeClickable(By.id("sso-signin"))).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username"))).sendKeys(who);
    driver.findElement(By.id("password")).sendKeys("pw-" + who);
    driver.findElement(By.id("sso-submit")).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("whoami"), "signed in as " + who + " "));
  }

  private void signOut(WebDriverWait wait) {
    driver.findElement(By.id("sso-signout")).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("whoami"), "not signed in"));
    assertTrue(driver.findElement(By.id("open-body")).findElements(By.tagName("tr")).isEmpty());
  }

  private WebElement openRow(WebDriverWait wait, String state) {
    By row =
        By.xpath(
            "//tbody[@id='open-body']/tr[td[contains(., 'INC-4711')]][@data-state='"
                + state
                + "']");
    return wait.until(ExpectedConditions.presenceOfElementLocated(row));
  }

  private static By useButton(String id) {
    return By.cssSelector("#open-body tr[data-id='" + id + "'] button.use");
  }
}
