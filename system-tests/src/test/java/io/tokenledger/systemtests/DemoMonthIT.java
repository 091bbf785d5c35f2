package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.devtools.DevMain;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * The demo as a user runs it, its Slack sink in a Connect worker of its own, on a real broker of
 * its own: two minutes of it deliver at most one forecast per budget to the stand-in Slack (and,
 * with Chromium, the Bills page read against the reconciliation's API, and the docs' screenshots). {@link DemoForecastIT} checks the forecasts after 60 s. (One
 * demo per broker: the demo's Streams applications keep their ids on a shared cluster.)
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class DemoMonthIT {
  private static final Pattern FORECAST_POST = Pattern.compile("<<< SLACK #\\S+: .*Budget (\\S+) projected to run out");
  private static final Duration BOUND = Duration.ofSeconds(60);

  @Test
  void twoMinutesTellSlackOfEachBudgetOnceAndTheBillsPageIsTheApis(EmbeddedKafka kafka) throws Exception {
    // Two minutes: the pages are read once the month is caught up, which takes about one on two cores.
    String printed = demo(kafka, "120s", true);
    // At most one forecast per budget reached Slack, and at least one did (platform runs out mid-month).
    Map<String, Integer> posts = new TreeMap<>();
    Matcher post = FORECAST_POST.matcher(printed);
    while (post.find()) {
      posts.merge(post.group(1), 1, Integer::sum);
    }
    assertTrue(posts.containsKey("platform-monthly"), "the forecast of the budget that runs out: " + posts);
    posts.forEach((budget, count) -> assertEquals(1, count, budget + " was posted " + count + " times: " + posts));
    // The runaway agent was sent to the cheaper model, then stopped by its HARD daily cap.
    Matcher admission = ADMISSION.matcher(printed);
    assertTrue(admission.find(), "the admission summary: " + printed);
    assertTrue(Long.parseLong(admission.group(2).replace(",", "")) > 0, "downgraded: " + admission.group());
    assertTrue(Long.parseLong(admission.group(3).replace(",", "")) > 0, "denied: " + admission.group());
    assertTrue(!admission.group(4).equals("$0.00"), "prevented: " + admission.group());

    // The quarter's plan: ticket-triage's actuals are the ledger's spend of its quarter's days before today, to
    // the cent as printed; its cheaper agent outruns its plan (fund), invoice-disputes' dearer one has plan left
    // (cut), and the advice moves it.
    java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
    io.tokenledger.pricing.plan.Quarter quarter = io.tokenledger.pricing.plan.Quarter.of(today);
    Matcher prefix = DemoForecastIT.PREFIX.matcher(printed);
    assertTrue(prefix.find(), "the demo names its topic prefix");
    Map<String, Object> settings = Map.of(org.apache.kafka.streams.StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers(), io.tokenledger.schemas.topics.Topics.PREFIX_CONFIG, prefix.group(1));
    long triage = io.tokenledger.ops.cli.LedgerReads.buckets(settings,
        io.tokenledger.schemas.topics.Topics.from(settings), b -> b.getTeam().equals("support")
            && b.getWorkflow().equals("ticket-triage")).values().stream()
        .filter(b -> {
          java.time.LocalDate day = b.getWindowStart().atOffset(java.time.ZoneOffset.UTC).toLocalDate();
          return !day.isBefore(quarter.start()) && day.isBefore(today);
        }).mapToLong(io.tokenledger.schemas.UsageAggregate::getCostNanoUsd).sum();
    String planned = "support / ticket-triage: " + quarter + " plan $150.00, spent "
        + io.tokenledger.schemas.money.MoneyFormat.usd(triage) + " by ";
    assertTrue(printed.contains(planned), planned + " in:\n" + printed);
    assertTrue(printed.contains("[FUND] support / ticket-triage: its agent is cheaper than a person"), printed);
    assertTrue(printed.contains("[CUT] finance-ops / invoice-disputes: a person is cheaper than its agent"), printed);
    assertTrue(printed.contains("[MOVE] Moving "), printed);

    buildOrBuy(printed, settings, today);

    // ticket-triage runs as three variants whose winner differs by axis, and its recommendation names each axis:
    // cheaper and faster than a person, but its quality (most of it by the agent alone) is below a person's.
    assertTrue(printed.contains("ticket-triage: agent-only wins on cost"), printed);
    assertTrue(printed.contains("agent-only wins on time"), printed);
    assertTrue(printed.contains("hybrid-review wins on quality"), printed);
    assertTrue(Pattern.compile("ticket-triage \\[PERSON\\] person: cheaper by \\$[\\d.]+ per ticket, [\\d.]+x faster "
        + "\\(median \\S+ against 4h\\), quality lower \\([\\d.]+ against 90\\.0\\)").matcher(printed).find(), printed);
  }

  /**
   * The demo's build or buy for invoice extraction (its small model on a GPU at $2.10/h serving
   * 2,400 tokens/s, over the month of history's 30 whole days) against the same figures worked out
   * here, by hand, from the ledger and the economics: the API's cost and tokens, the GPUs the
   * busiest hour needs, their cost, the break-even volume and cost per successful invoice on each.
   */
  private static void buildOrBuy(String printed, Map<String, Object> settings, java.time.LocalDate today) {
    io.tokenledger.schemas.topics.Topics topics = io.tokenledger.schemas.topics.Topics.from(settings);
    java.time.LocalDate first = today.minusDays(30);
    java.time.Instant from = first.atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
    java.time.Instant to = today.atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
    long cost = 0;
    long tokens = 0;
    Map<java.time.Instant, Long> byHour = new TreeMap<>();
    for (io.tokenledger.schemas.UsageAggregate b : io.tokenledger.ops.cli.LedgerReads.buckets(settings, topics,
        b -> "invoice-extraction".equals(b.getWorkflow()) && !"selfhosted".equals(b.getProvider())
            && !b.getWindowStart().isBefore(from) && b.getWindowStart().isBefore(to)).values()) {
      long t = b.getUncachedInputTokens() + b.getCacheReadTokens() + b.getCacheWriteTokens() + b.getAudioInputTokens()
          + b.getOutputTokens() + b.getReasoningTokens() + b.getAudioOutputTokens();
      cost += b.getCostNanoUsd();
      tokens += t;
      byHour.merge(b.getWindowStart().truncatedTo(java.time.temporal.ChronoUnit.HOURS), t, Long::sum);
    }
    long peak = byHour.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    long perGpuHour = 2_400L * 3_600;
    long gpus = Math.max(1, (peak + perGpuHour - 1) / perGpuHour);
    long gpuMonth = 2_100_000_000L * 720;
    java.math.BigInteger[] breakEven = java.math.BigInteger.valueOf(gpuMonth).multiply(java.math.BigInteger.valueOf(tokens))
        .divideAndRemainder(java.math.BigInteger.valueOf(cost));
    long breakEvenTokens = breakEven[0].longValueExact() + (breakEven[1].signum() == 0 ? 0 : 1);
    assertTrue(breakEvenTokens <= java.math.BigInteger.valueOf(perGpuHour).multiply(java.math.BigInteger.valueOf(tokens))
        .divide(java.math.BigInteger.valueOf(peak)).longValueExact(), "one GPU serves the break-even volume");
    long finished = 0;
    long succeeded = 0;
    long slmFinished = 0;
    long slmSucceeded = 0;
    for (io.tokenledger.schemas.WorkflowEconomics e : io.tokenledger.platform.topics.CompactedTopics.readLatest(settings,
        topics.economics).values()) {
      if (e.getPeriod() != io.tokenledger.schemas.EconomicsPeriod.DAY || !e.getZone().equals("UTC") || e.getTeam() != null
          || !e.getWorkflow().equals("invoice-extraction") || e.getPeriodStart().isBefore(from)
          || !e.getPeriodStart().isBefore(to)) {
        continue;
      }
      finished += e.getItemsSucceeded() + e.getItemsFailed() + e.getItemsEscalated() + e.getItemsAbandoned();
      succeeded += e.getItemsSucceeded();
      for (io.tokenledger.schemas.ModelEconomics m : e.getModels()) {
        if ("selfhosted".equals(m.getProvider()) && m.getModel().equals("llama-3.1-8b")) {
          slmFinished += m.getItemsSucceeded() + m.getItemsFailed() + m.getItemsEscalated() + m.getItemsAbandoned();
          slmSucceeded += m.getItemsSucceeded();
        }
      }
    }
    assertTrue(slmFinished > 0, "the small model ran as a trial of invoice extraction");
    long apiPerSuccess = java.math.BigDecimal.valueOf(cost).divide(java.math.BigDecimal.valueOf(succeeded), 0,
        java.math.RoundingMode.HALF_EVEN).longValueExact();
    long slmPerSuccess = java.math.BigDecimal.valueOf(gpus * gpuMonth).multiply(java.math.BigDecimal.valueOf(slmFinished))
        .divide(java.math.BigDecimal.valueOf(finished).multiply(java.math.BigDecimal.valueOf(slmSucceeded)), 0,
            java.math.RoundingMode.HALF_EVEN).longValueExact();
    List<String> expected = List.of(
        String.format("Build or buy for invoice-extraction, the 30 days from %s to %s (UTC): %,d tokens, busiest hour %,d",
            first, today.minusDays(1), tokens, peak),
        String.format("API (as priced):          %14s  (exact %s)", io.tokenledger.schemas.money.MoneyFormat.usd(cost),
            io.tokenledger.schemas.money.MoneyFormat.exact(cost)),
        String.format("selfhosted/llama-3.1-8b on %d GPU%s at $2.10/h, 2,400 tokens/s each: %14s", gpus, gpus == 1 ? "" : "s",
            io.tokenledger.schemas.money.MoneyFormat.usd(gpus * gpuMonth)),
        String.format("Break-even: %,d tokens over the 720 hours", breakEvenTokens),
        String.format("Per successful invoice (%,d finished, %,d succeeded): API %s; selfhosted/llama-3.1-8b %s (it "
            + "succeeded on %,d of %,d items)", finished, succeeded, io.tokenledger.schemas.money.MoneyFormat.usd(apiPerSuccess),
            io.tokenledger.schemas.money.MoneyFormat.usd(slmPerSuccess), slmSucceeded, slmFinished));
    for (String line : expected) {
      assertTrue(printed.contains(line), "the build-or-buy line '" + line + "' in:\n" + printed);
    }
  }

  private static final Pattern ADMISSION = Pattern.compile("Admission: the runaway \\S+ asked for ([\\d,]+) calls: "
      + "[\\d,]+ allowed on o4-mini, ([\\d,]+) downgraded to gpt-4o-mini \\(saving \\S+\\), ([\\d,]+) denied\\. "
      + "It spent \\S+ and was prevented from spending (\\S+) more\\.");

  /** Runs the demo for {@code duration} on the test's broker (kept after it), its Slack sink in a worker of its own. */
  static String demo(EmbeddedKafka kafka, String duration, boolean screenshots) throws Exception {
    Path connectors = Path.of("..", "connectors", "target").toAbsolutePath().normalize();
    Path jar = connectors.resolve("tokenledger-connectors-0.1.0-SNAPSHOT.jar");
    Assumptions.assumeTrue(Files.exists(jar) && Files.isDirectory(connectors.resolve("lib")),
        "the connectors module is not packaged (run the whole build): " + jar);
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "demo-month");
    Path output = dir.resolveSibling(dir.getFileName() + ".out");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process demo = new ProcessBuilder(List.of(java, "-Xmx1g", "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.tokenledger",
        "-Dtokenledger.connect.classpath=" + jar + System.getProperty("path.separator") + connectors.resolve("lib") + "/*",
        "-cp", System.getProperty("java.class.path"), DevMain.class.getName(), "demo", "--duration", duration,
        "--bootstrap-servers", kafka.bootstrapServers(), "--data-dir", dir.toString(), "--dashboard-port", "0"))
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    try {
      if (screenshots && HeadlessChromium.available()) {
        pagesOfTheMonth(demo, output);
      }
      assertTrue(demo.waitFor(5, TimeUnit.MINUTES), "the demo did not finish");
    } finally {
      demo.destroyForcibly();
    }
    String printed = Files.readString(output);
    assertEquals(0, demo.exitValue(), printed);
    return printed;
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
      bills(browser, url.group(1), key.group(1));
      HeadlessChromium.screenshot(browser, shots.resolve("bills.png"));
      for (String page : List.of("team.html?team=platform", "economics.html", "capacity.html", "alerts.html",
          "prices.html")) {
        browser.get(url.group(1) + page);
        HeadlessChromium.loaded(browser, BOUND);
        TimeUnit.SECONDS.sleep(2); // charts drawn
        HeadlessChromium.screenshot(browser, shots.resolve(page.replaceAll("\\.html.*", "") + ".png"));
      }

    } finally {
      browser.quit();
    }
  }

  /**
   * The Bills page shows the reconciliation's answer for the latest month the demo's bills cover:
   * once the reconciliation has every closed day of it (both planted differences found, nothing
   * unexplained), its summary, each class's amount and each finding are the API's, as people read
   * them, exact on hover.
   */
  private static void bills(WebDriver browser, String base, String key) throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    java.util.concurrent.atomic.AtomicReference<com.fasterxml.jackson.databind.JsonNode> api =
        new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicReference<String> last = new java.util.concurrent.atomic.AtomicReference<>();
    io.tokenledger.testing.Await.until(Duration.ofSeconds(60), () -> {
      try {
        var answer = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base
            + "api/reconciliation/v1/reconciliation")).header("Authorization", "Bearer " + key).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        last.set(answer.statusCode() + " " + answer.body().substring(0, Math.min(300, answer.body().length())));
        if (answer.statusCode() != 200) {
          return false;
        }
        com.fasterxml.jackson.databind.JsonNode byClass = json.readTree(answer.body()).path("summary").path("by_class");
        api.set(json.readTree(answer.body()));
        return new java.math.BigDecimal(byClass.path("missing_on_our_side").asText()).signum() > 0
            && new java.math.BigDecimal(byClass.path("price_drift").asText()).signum() > 0;
      } catch (Exception e) {
        last.set(e.toString());
        return false;
      }
    }, () -> "the reconciliation of the demo's bills; last answer: " + last.get());
    com.fasterxml.jackson.databind.JsonNode r = api.get();
    assertEquals("0", r.path("summary").path("unexplained_usd").asText(), r.toString());
    browser.get(base + "bills.html");
    HeadlessChromium.loaded(browser, BOUND);
    assertEquals(r.path("period").asText(), browser.findElement(By.tagName("body")).getAttribute("data-period"));
    for (String[] figure : new String[][] {{"summary-ours", "our_cost_usd"}, {"summary-billed", "billed_usd"},
        {"summary-difference", "difference_usd"}, {"summary-unexplained", "unexplained_usd"}}) {
      String amount = r.path("summary").path(figure[1]).asText();
      org.openqa.selenium.WebElement money = browser.findElement(By.cssSelector("#" + figure[0] + " .money"));
      assertEquals(io.tokenledger.schemas.alerts.AlertTexts.usd(amount), money.getText(), figure[1]);
      assertEquals(0, new java.math.BigDecimal(amount).compareTo(new java.math.BigDecimal(money.getAttribute("data-exact"))),
          figure[1] + " exactly");
    }
    assertEquals("0%", browser.findElement(By.id("summary-share")).getText());
    for (String kind : List.of("missing_on_our_side", "price_drift")) {
      String amount = r.path("summary").path("by_class").path(kind).asText();
      assertEquals(io.tokenledger.schemas.alerts.AlertTexts.usd(amount), browser.findElement(By.cssSelector(
          "#classes tr[data-key='" + kind + "'] td[data-field='amount'] .money")).getText(), kind);
    }
    long shown = 0;
    for (com.fasterxml.jackson.databind.JsonNode f : r.path("findings")) {
      shown += f.path("class").asText().equals("rounding") ? 0 : 1;
    }
    List<org.openqa.selenium.WebElement> rows = browser.findElements(By.cssSelector("#findings tbody tr"));
    assertEquals(shown, rows.size(), "a row per finding beyond rounding");
    assertTrue(rows.stream().anyMatch(row -> row.getText().contains("key apikey_nightly-evals (team growth)")),
        "the unrecorded job's key is named");
    assertTrue(rows.stream().anyMatch(row -> row.getText().contains("the bill's price of output tokens is 0.66 USD per 1M")),
        "the price drift says both prices");
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
  static String run(String... args) {
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
