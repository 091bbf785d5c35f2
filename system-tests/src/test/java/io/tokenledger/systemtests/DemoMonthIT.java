package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.devtools.DevMain;
import io.tokenledger.ops.cli.LedgerReads;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.schemas.BudgetStatus;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * The demo as a user runs it, its Slack sink in a Connect worker of its own, on a real broker
 * kept after it ends: 90 s of it deliver at most one forecast per budget to the stand-in Slack;
 * afterwards {@code tokenledger forecast --months 12} forecasts 12 months for every team from the
 * month of history, and each budget's projection is within 2x of its 30-day run rate.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class DemoMonthIT {
  private static final Pattern PREFIX = Pattern.compile(Pattern.quote(Topics.PREFIX_CONFIG) + "=([^>\\s]+)");
  private static final Pattern FORECAST_POST = Pattern.compile("<<< SLACK #\\S+: .*Budget (\\S+) projected to run out");
  private static final List<String> TEAMS = List.of("finance-ops", "growth", "platform", "support");
  private static final Duration BOUND = Duration.ofSeconds(60);

  @Test
  void aMonthOfHistoryForecastsSensiblyAndSlackHearsOfEachBudgetOnce(EmbeddedKafka kafka) throws Exception {
    Path connectors = Path.of("..", "connectors", "target").toAbsolutePath().normalize();
    Path jar = connectors.resolve("tokenledger-connectors-0.1.0-SNAPSHOT.jar");
    Assumptions.assumeTrue(Files.exists(jar) && Files.isDirectory(connectors.resolve("lib")),
        "the connectors module is not packaged (run the whole build): " + jar);
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "demo-month");
    Path output = dir.resolveSibling(dir.getFileName() + ".out");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process demo = new ProcessBuilder(List.of(java, "-Xmx1g", "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.tokenledger",
        "-Dtokenledger.connect.classpath=" + jar + System.getProperty("path.separator") + connectors.resolve("lib") + "/*",
        "-cp", System.getProperty("java.class.path"), DevMain.class.getName(), "demo", "--duration", "90s",
        "--bootstrap-servers", kafka.bootstrapServers(), "--data-dir", dir.toString(), "--dashboard-port", "0"))
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    try {
      if (HeadlessChromium.available()) {
        pagesOfTheMonth(demo, output);
      }
      assertTrue(demo.waitFor(5, TimeUnit.MINUTES), "the demo did not finish");
    } finally {
      demo.destroyForcibly();
    }
    String printed = Files.readString(output);
    assertEquals(0, demo.exitValue(), printed);

    // At most one forecast per budget reached Slack, and at least one did (platform runs out mid-month).
    Map<String, Integer> posts = new TreeMap<>();
    Matcher post = FORECAST_POST.matcher(printed);
    while (post.find()) {
      posts.merge(post.group(1), 1, Integer::sum);
    }
    assertTrue(posts.containsKey("platform-monthly"), "the forecast of the budget that runs out: " + posts);
    posts.forEach((budget, count) -> assertEquals(1, count, budget + " was posted " + count + " times: " + posts));

    Matcher prefix = PREFIX.matcher(printed);
    assertTrue(prefix.find(), "the demo names its topic prefix: " + printed);
    Map<String, Object> settings = new HashMap<>();
    settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    settings.put(Topics.PREFIX_CONFIG, prefix.group(1));
    Topics topics = Topics.from(settings);

    // tokenledger forecast --months 12: twelve months for every team, from the month of history.
    Path config = dir.resolve("demo.properties");
    Files.writeString(config, Topics.PREFIX_CONFIG + "=" + prefix.group(1) + "\n");
    String forecast = run("forecast", "--months", "12", "--bootstrap-servers", kafka.bootstrapServers(), "--config",
        config.toString());
    for (String team : TEAMS) {
      long months = forecast.lines().filter(l -> l.startsWith(team + " ")).count();
      assertEquals(12, months, team + "'s months in:\n" + forecast);
    }

    // Each budget's projection (as the overview shows it) is within 2x of its team's 30-day run rate.
    Instant now = Instant.now();
    Map<String, UsageAggregate> buckets = LedgerReads.buckets(settings, topics,
        b -> !b.getWindowStart().isBefore(now.minus(Duration.ofDays(30))));
    for (BudgetStatus status : CompactedTopics.readLatest(settings, topics.budgetStatus).values()) {
      long thirtyDays = buckets.values().stream().filter(b -> b.getTeam().equals(status.getTeam()))
          .mapToLong(UsageAggregate::getCostNanoUsd).sum();
      long periodDays = Duration.between(status.getPeriodStart(), status.getPeriodEnd()).toDays();
      BigDecimal runRate = BigDecimal.valueOf(thirtyDays).multiply(BigDecimal.valueOf(periodDays))
          .divide(BigDecimal.valueOf(30), 0, RoundingMode.HALF_EVEN);
      BigDecimal ratio = BigDecimal.valueOf(status.getProjectedSpendNanoUsd()).divide(runRate, 4, RoundingMode.HALF_EVEN);
      assertTrue(ratio.compareTo(new BigDecimal("0.5")) >= 0 && ratio.compareTo(BigDecimal.valueOf(2)) <= 0,
          status.getBudgetId() + ": projected " + status.getProjectedSpendNanoUsd() + " against a 30-day run rate of "
              + runRate + " for the period (" + ratio + "x)");
      assertEquals(7 * 24 * 60, status.getProjectionHistoryMinutes(), 60, "projected from the last 7 days");
    }
  }

  /**
   * While the demo runs and once its month is caught up (its first forecast is out): every page
   * of the dashboard, signed in with the demo's read-all key, to target/screenshots/demo (the
   * docs' screenshots are these); the overview's projection says what it is based on.
   */
  private static void pagesOfTheMonth(Process demo, Path output) throws Exception {
    // Caught up: the live table counts every record of the month of history.
    String recorded = awaitOutput(demo, output, Pattern.compile("Recorded ([\\d,]+) usage records"));
    Matcher history = Pattern.compile("Recorded ([\\d,]+) usage records").matcher(recorded);
    assertTrue(history.find());
    long month = Long.parseLong(history.group(1).replace(",", ""));
    String printed = awaitOutput(demo, output, Pattern.compile("events recorded, ([\\d,]+) counted"), counted ->
        Long.parseLong(counted.replace(",", "")) >= month);
    Matcher url = Pattern.compile("open the dashboard at (\\S+) and sign in").matcher(printed);
    Matcher key = Pattern.compile("export TL_KEY=(\\S+)\\)").matcher(printed);
    assertTrue(url.find() && key.find(), printed);
    Path shots = Path.of("target", "screenshots", "demo");
    WebDriver browser = HeadlessChromium.start();
    try {
      HeadlessChromium.signIn(browser, url.group(1) + "index.html", key.group(1), BOUND);
      HeadlessChromium.loaded(browser, BOUND, "spend-chart", "bucket-chart");
      ((JavascriptExecutor) browser).executeScript("const s = document.getElementById('window'); s.value = '1d';"
          + "s.dispatchEvent(new Event('change'));");
      TimeUnit.SECONDS.sleep(2); // the month's chart redraws
      String basis = browser.findElement(By.id("projected-basis")).getText();
      assertEquals("at each budget's burn rate over the last 7 days", basis);
      assertTrue(browser.findElement(By.id("projected-usd")).getText().matches("\\$[\\d,]+\\.\\d{2} of \\$[\\d,]+\\.\\d{2}"),
          browser.findElement(By.id("projected-usd")).getText());
      HeadlessChromium.screenshot(browser, shots.resolve("overview.png"));
      for (String page : List.of("team.html?team=platform", "economics.html", "alerts.html", "prices.html")) {
        browser.get(url.group(1) + page);
        HeadlessChromium.loaded(browser, BOUND);
        TimeUnit.SECONDS.sleep(2); // charts drawn
        HeadlessChromium.screenshot(browser, shots.resolve(page.replaceAll("\\.html.*", "") + ".png"));
      }
    } finally {
      browser.quit();
    }
  }

  /** The demo's output once it shows {@code wanted} (2 minutes at most). */
  private static String awaitOutput(Process demo, Path output, Pattern wanted) throws Exception {
    return awaitOutput(demo, output, wanted, group -> true);
  }

  /** The demo's output once the last match of {@code wanted} has a first group that {@code enough} accepts. */
  private static String awaitOutput(Process demo, Path output, Pattern wanted,
      java.util.function.Predicate<String> enough) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (true) {
      String printed = Files.readString(output);
      Matcher m = wanted.matcher(printed);
      String last = null;
      while (m.find()) {
        last = m.groupCount() > 0 ? m.group(1) : m.group();
      }
      if (last != null && enough.test(last)) {
        return printed;
      }
      assertTrue(demo.isAlive() && System.nanoTime() < deadline, "the demo did not print " + wanted + ": " + printed);
      TimeUnit.MILLISECONDS.sleep(200); // polling interval of the output file
    }
  }

  /** A tokenledger command in this JVM, its standard output. */
  private static String run(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = DevMain.commandLine().execute(args);
    } finally {
      System.setOut(original);
    }
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, out);
    return out;
  }
}
