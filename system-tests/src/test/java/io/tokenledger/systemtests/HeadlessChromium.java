package io.tokenledger.systemtests;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** Debian's headless Chromium through its chromedriver, as the dashboard's browser tests drive it. */
final class HeadlessChromium {
  private static final File CHROMIUM = new File("/usr/bin/chromium");
  private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");

  private HeadlessChromium() {}

  /** Whether Debian's chromium and chromium-driver are installed (.ci/run installs them). */
  static boolean available() {
    return CHROMIUM.canExecute() && CHROMEDRIVER.canExecute();
  }

  static WebDriver start() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    // No calls home: on a machine with no internet they are refused, noisily, at every start.
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=1400,1700", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-quic");
    return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).build(), options);
  }

  /** Signs a dashboard page in with a read key, as a person does in its form. */
  static void signIn(WebDriver browser, String pageUrl, String key, Duration bound) {
    browser.get(pageUrl);
    io.tokenledger.testing.Await.until(bound, () -> !browser.findElements(By.id("key-input")).isEmpty()
        && browser.findElement(By.id("key-input")).isDisplayed(), () -> "the sign-in form");
    browser.findElement(By.id("key-input")).sendKeys(key);
    browser.findElement(By.id("key-submit")).click();
  }

  /** Waits for a page's first full render and for its charts to be drawn. */
  static void loaded(WebDriver browser, Duration bound, String... charts) {
    io.tokenledger.testing.Await.until(bound,
        () -> "true".equals(browser.findElement(By.tagName("body")).getAttribute("data-loaded")),
        () -> "the page to load its figures");
    for (String chart : charts) {
      io.tokenledger.testing.Await.until(bound,
          () -> "true".equals(browser.findElement(By.id(chart)).getAttribute("data-ready")), () -> "the chart " + chart);
    }
  }

  static void screenshot(WebDriver browser, Path file) throws java.io.IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }
}
