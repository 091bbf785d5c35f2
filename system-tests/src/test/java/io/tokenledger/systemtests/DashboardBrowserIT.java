package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenledger.aggregation.AggregationSettings;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.devtools.stack.LocalStack;
import io.tokenledger.platform.auth.ApiKeyAdmin;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.ApiKeyScope;
import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.BudgetPeriod;
import io.tokenledger.schemas.HumanBaseline;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.TokenPlan;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.WorkOutcome;
import io.tokenledger.schemas.WorkOutcomeStatus;
import io.tokenledger.schemas.money.MoneyFormat;
import io.tokenledger.schemas.money.NanoUsd;
import io.tokenledger.schemas.topics.BaselineKeys;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.Await;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import io.tokenledger.testing.LogCapture;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The dashboard in a real browser (Debian's headless Chromium and chromedriver) against a real
 * pipeline on the embedded broker: each page signs in with a read key, waits for its charts, and
 * shows the very figures the APIs answer; a new event reaches the open page without a reload.
 * Screenshots go to {@code target/screenshots/}.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class DashboardBrowserIT {
  private static final Duration BOUND = Duration.ofSeconds(90);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private String dashboard;
  private String financeKey;

  @Test
  void everyPageShowsTheApisFiguresAndRefreshesByItself(EmbeddedKafka kafka) throws Exception {
    Assumptions.assumeTrue(HeadlessChromium.available(),
        "needs Debian's chromium and chromium-driver (.ci/run installs them)");
    String bootstrap = kafka.bootstrapServers();
    Map<String, Object> config = new HashMap<>();
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(Topics.PREFIX_CONFIG, "web-" + UUID.randomUUID().toString().substring(0, 8) + ".");
    config.put(AggregationSettings.PREFIX + "live-emit-interval", "200ms");
    // The test's commitment is barely drawn; whatever the day of the month, no under-use alert joins the alert list.
    config.put(io.tokenledger.alerting.AlertingSettings.PREFIX + "commitments.min-elapsed", "400d");
    Topics topics = Topics.from(config);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      TopicApplier.apply(admin, topics.all());
    }
    seed(bootstrap, topics);
    financeKey = new ApiKeyAdmin(bootstrap, topics.apiKeys).create(null, ApiKeyScope.READ_ALL, "browser test").token();
    Files.createDirectories(SCREENSHOTS);
    Instant now = Instant.now();
    try (LogCapture log = new LogCapture();
         LocalStack stack = new LocalStack(config, topics, Files.createTempDirectory(Path.of("target"), "web"), 0);
         var usage = producer(bootstrap, topics.usage);
         var outcomes = producer(bootstrap, topics.workOutcomes)) {
      dashboard = stack.dashboardUrl();
      // support: three calls on two tickets, both solved; finance: one call. $0.0025 a call.
      send(usage, topics.usage.name(), call("s-1", "support", "support-tickets", now, "T-1"));
      send(usage, topics.usage.name(), call("s-2", "support", "support-tickets", now.plusMillis(10), "T-1"));
      send(usage, topics.usage.name(), call("s-3", "support", "support-tickets", now.plusMillis(20), "T-2"));
      send(usage, topics.usage.name(), call("f-1", "finance", "invoices", now.plusMillis(30), null));
      // The same model from a second provider, at its own price: a series of its own.
      send(usage, topics.usage.name(), UsageEvent.newBuilder(call("f-az-1", "finance", "invoices", now.plusMillis(35),
          null)).setProvider("azure.ai.openai").build());
      // Two ways of doing tickets: T-1 by the agent alone (scored 80), T-2 with a person's review (scored 95).
      send(outcomes, topics.workOutcomes.name(), WorkOutcome.newBuilder(solved("o-1", "T-1", now.plusSeconds(1)))
          .setVariant("agent-only").setQualityScorePercent(80).build());
      send(outcomes, topics.workOutcomes.name(), WorkOutcome.newBuilder(solved("o-2", "T-2", now.plusSeconds(1)))
          .setVariant("hybrid-review").setQualityScorePercent(95).build());
      awaitApi("/api/aggregation/v1/period-to-date?team=support&period=month", "total", "event_count", 3);
      awaitApi("/api/aggregation/v1/period-to-date?team=finance&period=month", "total", "event_count", 2);
      Await.until(BOUND, () -> {
        JsonNode all = api("/api/alerting/v1/budgets?team=support").path("budgets");
        return all.size() == 2 && all.get(0).path("spend_nano_usd").asLong() == 7_500_000
            && all.get(1).path("spend_nano_usd").asLong() == 7_500_000;
      }, () -> "support's budget and its agent's allowance at the three calls' $0.0075");
      Await.until(BOUND, () -> api("/api/alerting/v1/alerts?team=support").path("alerts").size() == 3,
          () -> "the 50, 80 and 100% alerts of support's budget");
      awaitApi("/api/economics/v1/economics?workflow=support-tickets&period=month", "", "items_succeeded", 2);

      WebDriver browser = HeadlessChromium.start();
      try {
        overview(browser, usage, topics, now);
        team(browser);
        twoProviders(browser);
        economics(browser);
        plan(browser);
        capacity(browser);
        alerts(browser);
        prices(browser);
        signedOut(browser);
      } finally {
        browser.quit();
      }
      assertFalse(String.join("\n", log.lines()).contains(financeKey), "the key never reaches a log");
      String secret = io.tokenledger.platform.auth.ApiKeyTokens.parse(financeKey).orElseThrow().secret();
      assertFalse(String.join("\n", log.lines()).contains(secret), "nor its secret part");
    }
  }

  private void overview(WebDriver browser, KafkaProducer<String, UsageEvent> usage, Topics topics, Instant now)
      throws Exception {
    browser.get(dashboard + "index.html?refresh=1");
    WebElement keyInput = Await.value(BOUND, () -> visible(browser, "key-input"), "the sign-in form");
    keyInput.sendKeys(financeKey);
    browser.findElement(By.id("key-submit")).click();
    loaded(browser, "spend-chart", "bucket-chart");
    formattingAgreesWithTheServer(browser);
    assertMoney(monthToDate("support").add(monthToDate("finance")), browser, "#mtd-usd");
    assertMoney(monthToDate("support"), browser, row("teams", "support", "cost"));
    assertMoney(monthToDate("finance"), browser, row("teams", "finance", "cost"));
    JsonNode budget = budget("support-monthly");
    assertMoney(new BigDecimal(budget.path("spend_usd").asText()), browser, row("budgets", "support-monthly", "spent"));
    assertMoney(new BigDecimal(budget.path("limit_usd").asText()), browser, row("budgets", "support-monthly", "limit"));
    assertTrue(text(browser, "coverage").matches("[A-Z][a-z]+ \\d{4} to date, UTC: .*"), text(browser, "coverage"));
    assertEquals("EXCEEDED", cell(browser, "budgets", "support-monthly", "state"));
    assertEquals("2", browser.findElement(By.id("spend-chart")).getAttribute("data-series"), "one line per team");
    screenshot(browser, "overview");

    // Live: a new event shows on the open page, no reload.
    send(usage, topics.usage.name(), call("f-2", "finance", "invoices", now.plusMillis(40), null));
    awaitApi("/api/aggregation/v1/period-to-date?team=finance&period=month", "total", "event_count", 3);
    BigDecimal total = monthToDate("support").add(monthToDate("finance"));
    String expected = MoneyFormat.exact(NanoUsd.fromUsd(total.toPlainString())) + " exactly";
    Await.until(BOUND, () -> expected.equals(attribute(browser, "#mtd-usd .money", "title")),
        () -> "the page to show " + expected + " by itself; it shows " + attribute(browser, "#mtd-usd .money", "title"));
    // A refresh writes the figures as its answers arrive: the one that showed the new total ends
    // with the teams table, so wait for that refresh to finish before reading the table.
    int refreshed = refreshes(browser);
    Await.until(BOUND, () -> refreshes(browser) > refreshed, () -> "the refresh to finish");
    assertMoney(total, browser, "#mtd-usd");
    assertMoney(monthToDate("finance"), browser, row("teams", "finance", "cost"));
  }

  /** finance used gpt-4o from openai and from azure: two rows, each at its provider's price. */
  private void twoProviders(WebDriver browser) throws Exception {
    // The per-series day windows are brought up to date at the detail interval (10 s): wait for f-2 in them.
    String openai = "/api/aggregation/v1/usage?scope=team-workflow-model&key=" + URLEncoder.encode(
        "finance|invoices|openai/gpt-4o", StandardCharsets.UTF_8) + "&window=1d&from=" + Instant.now().minus(
        Duration.ofDays(2));
    Await.until(BOUND, () -> api(openai).path("total").path("cost_nano_usd").asLong() == 5_000_000,
        () -> "f-1 and f-2 in finance's openai series: " + api(openai).path("total"));
    browser.get(dashboard + "team.html?team=finance&refresh=2");
    loaded(browser, "team-chart");
    for (String provider : List.of("openai", "azure.ai.openai")) {
      String key = "finance|invoices|" + provider + "/gpt-4o";
      JsonNode series = api("/api/aggregation/v1/usage?scope=team-workflow-model&key="
          + URLEncoder.encode(key, StandardCharsets.UTF_8) + "&window=1d&from=" + Instant.now().minus(Duration.ofDays(2)));
      Await.until(BOUND, () -> provider.equals(cell(browser, "team-series", key, "provider")),
          () -> "a row for " + key);
      assertMoney(new BigDecimal(series.path("total").path("cost_usd").asText()), browser,
          row("team-series", key, "cost"));
    }
    // openai: two calls (f-1, and f-2 sent while the overview was open) of 1,000 input tokens at $2.50 per 1M;
    // azure: one at $2.75. Below a cent: two significant digits, the exact amount on hover.
    assertEquals("$0.005", cell(browser, "team-series", "finance|invoices|openai/gpt-4o", "cost"));
    assertEquals("$0.00275 exactly", attribute(browser, row("team-series", "finance|invoices|azure.ai.openai/gpt-4o",
        "cost") + " .money", "title"));
    assertEquals("$0.0028", cell(browser, "team-series", "finance|invoices|azure.ai.openai/gpt-4o", "cost"));
    screenshot(browser, "team-two-providers");
  }

  private void team(WebDriver browser) throws Exception {
    browser.get(dashboard + "team.html?team=support&refresh=2");
    loaded(browser, "team-chart");
    assertMoney(monthToDate("support"), browser, "#team-mtd-usd");
    JsonNode series = api("/api/aggregation/v1/usage?scope=team-workflow-model&key="
        + URLEncoder.encode("support|support-tickets|openai/gpt-4o", StandardCharsets.UTF_8)
        + "&window=1d&from=" + Instant.now().minus(Duration.ofDays(2)));
    assertMoney(new BigDecimal(series.path("total").path("cost_usd").asText()), browser,
        row("team-series", "support|support-tickets|openai/gpt-4o", "cost"));
    // Outcomes from the outcomes recorded, as the economics counts them: both tickets solved.
    Await.until(BOUND, () -> "2".equals(cell(browser, "team-series", "support|support-tickets|openai/gpt-4o",
        "outcomes")), () -> "the two solved tickets on the team page");
    Await.until(BOUND, () -> browser.findElements(By.cssSelector("#team-alerts tbody tr")).size() == 3,
        () -> "support's three alerts on its page");
    // Its agent's allowance, by spend against it, as the API says: the three support calls it made.
    JsonNode allowance = budget("support-bot-daily");
    assertEquals(7_500_000L, allowance.path("spend_nano_usd").asLong());
    assertEquals("support-bot", allowance.path("agent_id").asText());
    assertMoney(new BigDecimal(allowance.path("spend_usd").asText()), browser,
        row("team-allowances", "support-bot-daily", "spent"));
    assertMoney(new BigDecimal(allowance.path("limit_usd").asText()), browser,
        row("team-allowances", "support-bot-daily", "limit"));
    assertEquals("agent support-bot", cell(browser, "team-allowances", "support-bot-daily", "who"));
    assertTrue(browser.findElements(By.cssSelector("#team-budgets tr[data-key='support-bot-daily']")).isEmpty(),
        "an allowance is listed with the people and agents, not with the team's budgets");
    screenshot(browser, "team");
  }

  private void economics(WebDriver browser) throws Exception {
    browser.get(dashboard + "economics.html?refresh=2");
    loaded(browser, "trend-chart");
    JsonNode row = api("/api/economics/v1/economics?workflow=support-tickets&period=month");
    String agentPath = row("economics", "support-tickets", "cost-per-success");
    assertMoney(new BigDecimal(row.path("cost_per_success_usd").asText()), browser, agentPath + " > span > .money");
    // The agent path's cost per completed outcome shows its parts: AI spend and people's time, per success.
    assertEquals("AI " + usd(row.path("ai_spend_per_success_usd").asText()) + " + people "
        + usd(row.path("human_in_loop_per_success_usd").asText()), read(browser, agentPath + " .parts"));
    assertMoney(new BigDecimal(row.path("human_cost_per_outcome_usd").asText()), browser,
        row("economics", "support-tickets", "human-per-outcome"));
    assertEquals(MoneyFormat.percent(new BigDecimal(row.path("token_roi_percent").asText()).movePointLeft(2)),
        cell(browser, "economics", "support-tickets", "roi"));
    assertEquals(row.path("verdict").asText(), cell(browser, "economics", "support-tickets", "verdict"));
    // The variants side by side, as the API compares them.
    JsonNode variants = row.path("variants");
    assertEquals(2, variants.size(), row.toString());
    for (JsonNode v : variants) {
      String key = "support-tickets|" + v.path("variant").asText();
      assertEquals(v.path("items_decided").asText(), cell(browser, "variants", key, "decided"));
      assertMoney(new BigDecimal(v.path("cost_per_success_usd").asText()), browser, row("variants", key, "cost"));
      assertEquals(v.path("quality_mean_score").asText(), cell(browser, "variants", key, "quality"));
    }
    assertEquals("80.00", cell(browser, "variants", "support-tickets|agent-only", "quality"));
    assertEquals("95.00", cell(browser, "variants", "support-tickets|hybrid-review", "quality"));
    assertEquals("support-tickets: " + row.path("variant_comparison").path("message").asText(),
        read(browser, "#variants p.comparison[data-workflow='support-tickets']"));
    assertTrue(row.path("variant_comparison").path("message").asText().startsWith("not enough data"),
        "one item each cannot tell them apart");
    screenshot(browser, "economics");
    buildOrBuy(browser);
  }

  /**
   * Build or buy for support's tickets this month against a GPU at $2.10/h serving 2,400 tokens/s,
   * the page and the test asking as of one instant: the API's three calls ($0.0075, 3,000 tokens
   * in one hour), one GPU for the month's hours so far, $0.0075 / 2 tickets = $0.00375 a ticket.
   */
  private void buildOrBuy(WebDriver browser) throws Exception {
    String at = Instant.now().plusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    browser.get(dashboard + "economics.html?refresh=600&at=" + at);
    loaded(browser);
    for (String[] input : new String[][] {{"bob-workflow", "support-tickets"}, {"bob-candidate", "selfhosted/llama-3.1-8b"},
        {"bob-gpu", "2.10"}, {"bob-tps", "2400"}}) {
      browser.findElement(By.id(input[0])).sendKeys(input[1]);
    }
    browser.findElement(By.id("bob-run")).click();
    Await.until(BOUND, () -> "true".equals(browser.findElement(By.id("build-or-buy")).getAttribute("data-ready")),
        () -> "the build or buy answer: " + text(browser, "build-or-buy"));
    JsonNode r = api("/api/economics/v1/build-or-buy?workflow=support-tickets&candidate=selfhosted/llama-3.1-8b"
        + "&gpu_hour_usd=2.10&tokens_per_second=2400&at=" + at);
    assertEquals(7_500_000L, r.path("api_cost_nano_usd").asLong());
    assertEquals(3_000, r.path("tokens").asLong());
    assertEquals(3_000, r.path("peak_hour_tokens").asLong());
    assertEquals(1, r.path("gpus").asInt());
    assertEquals(2_100_000_000L * r.path("hours").asLong(), r.path("capacity_cost_nano_usd").asLong());
    assertEquals(3_750_000L, r.path("api_per_success_nano_usd").asLong(), "$0.0075 over 2 tickets");
    assertMoney(new BigDecimal(r.path("api_cost_usd").asText()), browser, row("build-or-buy", "api", "cost"));
    assertMoney(new BigDecimal(r.path("capacity_cost_usd").asText()), browser, row("build-or-buy", "capacity", "cost"));
    assertMoney(new BigDecimal(r.path("api_per_success_usd").asText()), browser, row("build-or-buy", "api", "per"));
    assertEquals("-", cell(browser, "build-or-buy", "capacity", "per"), "no success measured for the candidate");
    assertTrue(text(browser, "bob-verdict").startsWith("The API is cheaper by "), text(browser, "bob-verdict"));
  }

  /** The quarter's plan as the economics answers it: support's whole plan and its tickets' line. */
  private void plan(WebDriver browser) throws Exception {
    browser.get(dashboard + "plan.html?refresh=2");
    loaded(browser);
    JsonNode answer = api("/api/economics/v1/plan");
    assertEquals(2, answer.path("lines").size(), answer.toString());
    for (JsonNode line : answer.path("lines")) {
      String key = line.path("team").asText() + "|" + (line.path("workflow").isNull() ? ""
          : line.path("workflow").asText());
      assertMoney(new BigDecimal(line.path("plan_usd").asText()), browser, row("plan", key, "plan"));
      assertMoney(new BigDecimal(line.path("actual_usd").asText()), browser, row("plan", key, "spent"));
      assertMoney(new BigDecimal(line.path("forecast_usd").asText()), browser, row("plan", key, "forecast")
          + " > span > .money");
      int deviation = line.path("deviation_percent").asInt();
      assertEquals((deviation > 0 ? "+" : "") + deviation + "%", cell(browser, "plan", key, "deviation"));
    }
    assertEquals("$120.00", read(browser, row("plan", "support|", "plan") + " .money"));
    assertEquals("$100.00", read(browser, row("plan", "support|support-tickets", "plan") + " .money"));
    assertEquals(answer.path("advice").size(), browser.findElements(By.cssSelector("#advice tbody tr")).size());
    screenshot(browser, "plan");
  }

  /**
   * This month's pool (all of openai's gpt-4o, $1,000 a month from the month's first day) and
   * commitment (openai, $100 a month at 10% off) as the economics answers them: the pool's cost,
   * allocation and idle capacity, each team's line, and the commitment's month.
   */
  private void capacity(WebDriver browser) throws Exception {
    // The page and the test ask as of one instant, so that the month's cost to date is the same for both.
    String at = Instant.now().plusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    // All five of openai's gpt-4o calls (f-2, sent on the overview, included) before the page asks:
    // the economics read usage from windows brought up to date at the detail interval, so an
    // answer without f-2 would give finance's line half its cost.
    Await.until(BOUND, () -> {
      JsonNode pool = api("/api/economics/v1/capacity?at=" + at).path("pools").path(0);
      return pool.path("lines").size() == 2 && pool.path("tokens").asLong() == 5_000;
    }, () -> "support's three and finance's two gpt-4o calls served by the pool: "
        + api("/api/economics/v1/capacity?at=" + at));
    browser.get(dashboard + "capacity.html?refresh=2&at=" + at);
    loaded(browser);
    JsonNode answer = api("/api/economics/v1/capacity?at=" + at);
    assertEquals(at, answer.path("pools").path(0).path("until").asText());
    JsonNode pool = answer.path("pools").path(0);
    assertEquals("gpu-pool", pool.path("pool_id").asText());
    // $1,000 a month from its first day, counted to now (the answer's 'until'): its seconds' share, rounded once.
    java.time.YearMonth month = java.time.YearMonth.now(java.time.ZoneOffset.UTC);
    Instant first = month.atDay(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
    long held = java.time.Duration.between(first, Instant.parse(pool.path("until").asText())).toSeconds();
    long monthSeconds = java.time.Duration.between(first, month.plusMonths(1).atDay(1)
        .atStartOfDay(java.time.ZoneOffset.UTC).toInstant()).toSeconds();
    assertEquals(BigDecimal.valueOf(1_000_000_000_000L).multiply(BigDecimal.valueOf(held))
        .divide(BigDecimal.valueOf(monthSeconds), 0, java.math.RoundingMode.HALF_EVEN).longValueExact(),
        pool.path("cost_nano_usd").asLong(), "the month's $1,000 to date");
    assertEquals(pool.path("cost_nano_usd").asLong(), pool.path("allocated_nano_usd").asLong()
        + pool.path("idle_nano_usd").asLong(), "allocated and idle make up the cost, to the nano-USD");
    long lines = 0;
    for (JsonNode line : pool.path("lines")) {
      lines += line.path("cost_nano_usd").asLong();
      assertMoney(new BigDecimal(line.path("cost_usd").asText()), browser, row("lines", "gpu-pool|"
          + line.path("team").asText() + "|" + line.path("workflow").asText(), "cost"));
    }
    // support's tickets: two solved this month, so the pool adds its line / 2 to each ticket's cost.
    JsonNode tickets = pool.path("lines").path(1);
    assertEquals("support-tickets", tickets.path("workflow").asText(), pool.toString());
    assertEquals(2, tickets.path("successes").asLong());
    assertEquals(BigDecimal.valueOf(tickets.path("cost_nano_usd").asLong()).divide(BigDecimal.valueOf(2), 0,
        java.math.RoundingMode.HALF_EVEN).longValueExact(), tickets.path("cost_per_success_nano_usd").asLong());
    assertMoney(new BigDecimal(tickets.path("cost_per_success_usd").asText()), browser,
        row("lines", "gpu-pool|support|support-tickets", "per-success"));
    assertEquals("-", cell(browser, "lines", "gpu-pool|finance|invoices", "per-success"), "no outcomes of invoices");
    assertEquals(pool.path("allocated_nano_usd").asLong(), lines, "the lines sum to the allocation");
    assertMoney(new BigDecimal(pool.path("cost_usd").asText()), browser, row("pools", "gpu-pool", "cost"));
    assertMoney(new BigDecimal(pool.path("allocated_usd").asText()), browser, row("pools", "gpu-pool", "allocated"));
    assertMoney(new BigDecimal(pool.path("idle_usd").asText()), browser, row("pools", "gpu-pool", "idle"));
    assertEquals(MoneyFormat.share(new BigDecimal(pool.path("utilisation_percent").asText()).movePointLeft(2)),
        cell(browser, "pools", "gpu-pool", "used"));
    JsonNode drawn = answer.path("commitments").path(0).path("months").path(0);
    String key = "openai-2026|" + drawn.path("month").asText();
    for (String field : List.of("list", "discounted", "drawn", "over", "left")) {
      assertMoney(new BigDecimal(drawn.path(field + "_usd").asText()), browser, row("commitments", key, field));
    }
    // At the commitment's price = list x 90%, rounded once; drawn from the month's $100.
    assertEquals(BigDecimal.valueOf(drawn.path("list_nano_usd").asLong()).multiply(new BigDecimal("0.9"))
        .setScale(0, java.math.RoundingMode.HALF_EVEN).longValueExact(), drawn.path("discounted_nano_usd").asLong());
    assertTrue(drawn.path("list_nano_usd").asLong() > 0, "openai's calls this month: " + drawn);
    screenshot(browser, "capacity");
  }

  private void alerts(WebDriver browser) throws Exception {
    browser.get(dashboard + "alerts.html?refresh=2");
    loaded(browser);
    JsonNode alerts = api("/api/alerting/v1/alerts?limit=100").path("alerts");
    List<WebElement> rows = browser.findElements(By.cssSelector("#alerts tbody tr"));
    assertEquals(alerts.size(), rows.size());
    String first = alerts.get(0).path("alert_id").asText();
    assertEquals(alerts.get(0).path("title").asText(), cell(browser, "alerts", first, "title"));
    // Alert texts carry money as people read it: support's budget, $0.0075 spent of $0.005.
    for (JsonNode alert : alerts) {
      if (alert.path("title").asText().equals("Budget exceeded: support-monthly")) {
        assertEquals(alert.path("detail").asText(), cell(browser, "alerts", alert.path("alert_id").asText(), "detail"));
        // Crossed with the second or the third call, as the ledger's updates came.
        assertTrue(alert.path("detail").asText().matches("\\$0\\.00(5|75) of \\$0\\.005 spent \\((100|150)%\\) in "
            + "[A-Z][a-z]{2} 1 to [A-Z][a-z]{2} \\d{1,2}, \\d{4} \\(UTC\\); crossed .* UTC"), alert.path("detail").asText());
      }
    }
    String runbook = (String) ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
        "return document.querySelector(arguments[0]).href;", "#alerts tr[data-key='" + first
            + "'] td[data-field=runbook] a");
    HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(runbook)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode(), "the runbook link works offline, served by the dashboard");
    assertTrue(page.body().startsWith("# "), page.body());
    screenshot(browser, "alerts");
  }

  private void prices(WebDriver browser) throws Exception {
    browser.get(dashboard + "prices.html?refresh=5");
    loaded(browser);
    String key = PriceBook.catalogKey(Ledger.gpt4o());
    JsonNode price = null;
    for (JsonNode p : api("/api/aggregation/v1/prices").path("prices")) {
      price = p.path("key").asText().equals(key) ? p : price;
    }
    assertEquals(price.path("uncached_input").asText(), cell(browser, "prices", key, "input"));
    assertEquals(price.path("output").asText(), cell(browser, "prices", key, "output"));
    browser.findElement(By.id("whatif-change")).sendKeys("openai/gpt-4o:-30%");
    browser.findElement(By.id("whatif-run")).click();
    Await.until(BOUND, () -> "true".equals(browser.findElement(By.id("whatif-result")).getAttribute("data-ready")),
        () -> "the what-if answer");
    JsonNode whatIf = api("/api/aggregation/v1/whatif?period=" + java.time.YearMonth.now(java.time.ZoneOffset.UTC)
        + "&zone=UTC&change=openai/gpt-4o:-30%25");
    assertTrue(text(browser, "whatif-summary").contains("a difference of " + usd(whatIf.path("difference_usd").asText())
        + " in "), text(browser, "whatif-summary"));
    assertEquals(MoneyFormat.exact(NanoUsd.fromUsd(whatIf.path("difference_usd").asText())) + " exactly",
        attribute(browser, "#whatif-summary .money:last-of-type", "title"));
    screenshot(browser, "prices");
  }

  /** Signed out, a page shows the sign-in form and no figure; the key is in no page's source. */
  private void signedOut(WebDriver browser) {
    assertFalse(browser.getPageSource().contains(financeKey), "the key is not in the page");
    browser.findElement(By.id("logout")).click();
    browser.get(dashboard + "index.html");
    Await.value(BOUND, () -> visible(browser, "key-input"), "the sign-in form after signing out");
    assertFalse(browser.findElement(By.id("main")).isDisplayed(), "no figure shows without a key");
  }

  /** Waits for the page's first full render and for its charts to be drawn. */
  private static void loaded(WebDriver browser, String... charts) {
    Await.until(BOUND, () -> "true".equals(browser.findElement(By.tagName("body")).getAttribute("data-loaded")),
        () -> "the page to load its figures; status: " + text(browser, "status"));
    for (String chart : charts) {
      Await.until(BOUND, () -> "true".equals(browser.findElement(By.id(chart)).getAttribute("data-ready")),
          () -> "the chart " + chart);
    }
  }

  private static WebElement visible(WebDriver browser, String id) {
    List<WebElement> found = browser.findElements(By.id(id));
    return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
  }

  private static int refreshes(WebDriver browser) {
    String count = browser.findElement(By.tagName("body")).getAttribute("data-refreshes");
    return count == null ? 0 : Integer.parseInt(count);
  }

  private static String text(WebDriver browser, String id) {
    return read(browser, "#" + id);
  }

  private static String cell(WebDriver browser, String table, String rowKey, String field) {
    return read(browser, row(table, rowKey, field));
  }

  private static String row(String table, String rowKey, String field) {
    return "#" + table + " tr[data-key='" + rowKey + "'] td[data-field='" + field + "']";
  }

  /**
   * The figure shown in {@code selector} is the API's exact amount as the one rule writes it for
   * people (cents, separators, two significant digits below a cent), with every digit on hover.
   */
  private static void assertMoney(BigDecimal apiUsd, WebDriver browser, String selector) {
    long nano = NanoUsd.fromUsd(apiUsd.toPlainString());
    String money = selector.endsWith(".money") ? selector : selector + " .money";
    assertEquals(MoneyFormat.usd(nano), read(browser, money), selector);
    assertEquals(MoneyFormat.exact(nano) + " exactly", attribute(browser, money, "title"), selector);
  }

  /** The page's formatting rule (app.js) and the server's (MoneyFormat) give the same text for the same amounts. */
  private static void formattingAgreesWithTheServer(WebDriver browser) {
    long[] amounts = {0, 1, 2_500, 470_000, 9_940_000, 9_950_000, 10_000_000, 15_000_000, 870_898_308_325L,
        894_780_528_142_662L, -16_209_770_000_000L, 999_960_000_000_000L, 1_234_567_000_000_000L, 12_345_000_000_000L};
    for (long amount : amounts) {
      assertEquals(MoneyFormat.usd(amount), script(browser, "return TL.fmt.usd(BigInt(arguments[0]));", amount),
          "usd " + amount);
      assertEquals(MoneyFormat.compact(amount), script(browser, "return TL.fmt.compact(BigInt(arguments[0]));", amount),
          "compact " + amount);
      assertEquals(MoneyFormat.exact(amount), script(browser, "return TL.fmt.exact(BigInt(arguments[0]));", amount),
          "exact " + amount);
    }
    for (String percent : List.of("1345.86", "-73.12", "4.50", "0.00", "9.95", "50870.49", "-0.04")) {
      assertEquals(MoneyFormat.percent(new BigDecimal(percent).movePointLeft(2)),
          script(browser, "return TL.fmt.change(arguments[0]);", percent), "percent " + percent);
    }
  }

  private static String script(WebDriver browser, String script, Object argument) {
    return String.valueOf(((org.openqa.selenium.JavascriptExecutor) browser).executeScript(script,
        argument instanceof Long l ? l.toString() : argument));
  }

  private static String attribute(WebDriver browser, String selector, String name) {
    Object value = ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
        "const e = document.querySelector(arguments[0]); return e === null ? null : e.getAttribute(arguments[1]);",
        selector, name);
    return value == null ? null : value.toString();
  }

  /**
   * An element's text, read in one script: the pages redraw their tables on every refresh, so an
   * element found by one WebDriver call can be gone by the next.
   */
  private static String read(WebDriver browser, String selector) {
    Object text = ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
        "const e = document.querySelector(arguments[0]); return e === null ? null : e.textContent.trim();", selector);
    if (text == null) {
      throw new AssertionError("no element " + selector + " on " + browser.getCurrentUrl());
    }
    return text.toString();
  }

  private static void screenshot(WebDriver browser, String name) throws Exception {
    HeadlessChromium.screenshot(browser, SCREENSHOTS.resolve(name + ".png"));
  }

  private BigDecimal monthToDate(String team) {
    return new BigDecimal(api("/api/aggregation/v1/period-to-date?team=" + team + "&period=month").path("total")
        .path("cost_usd").asText());
  }

  /** An API's decimal USD as the pages write it for people. */
  private static String usd(String apiUsd) {
    return MoneyFormat.usd(NanoUsd.fromUsd(apiUsd));
  }

  private void awaitApi(String path, String field, String figure, long expected) {
    AtomicReference<JsonNode> last = new AtomicReference<>();
    Await.until(BOUND, () -> {
      JsonNode body = api(path);
      last.set(body);
      JsonNode node = field.isEmpty() ? body : body.path(field);
      return (node.isArray() ? node.path(0) : node).path(figure).asLong() == expected;
    }, () -> path + " to show " + figure + "=" + expected + "; last: " + last.get());
  }

  /** Through the dashboard's pass-through, with the finance key, as the pages ask. */
  private JsonNode api(String path) {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(dashboard + path.substring(1)))
          .header("Authorization", "Bearer " + financeKey).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? JSON.readTree(response.body()) : JSON.createObjectNode();
    } catch (Exception e) {
      return JSON.createObjectNode();
    }
  }

  private static void seed(String bootstrap, Topics topics) throws Exception {
    PriceVersion price = Ledger.gpt4o();
    HumanBaseline baseline = HumanBaseline.newBuilder().setWorkflow("support-tickets").setOutcomeUnit("ticket")
        .setSecondsPerUnit(720).setLoadedCostNanoUsdPerHour(50_000_000_000L).setSuccessRateBasisPoints(9_500)
        .setEffectiveFrom(Instant.parse("2026-01-01T00:00:00Z")).setSetBy("it").setSource("time study")
        .setUpdatedAt(Instant.now()).build();
    Budget budget = Budget.newBuilder().setBudgetId("support-monthly").setTeam("support").setLimitNanoUsd(5_000_000L)
        .setPeriod(BudgetPeriod.MONTH).setTimezone("UTC").setUpdatedAt(Instant.now()).build();
    // support's agent's allowance: $1 a day, so its three calls ($0.0075) raise no alert of their own.
    Budget allowance = Budget.newBuilder(budget).setBudgetId("support-bot-daily").setAgentId("support-bot")
        .setLimitNanoUsd(1_000_000_000L).setPeriod(BudgetPeriod.DAY).build();
    try (var prices = producer(bootstrap, topics.prices);
         var baselines = producer(bootstrap, topics.humanBaselines);
         var budgets = producer(bootstrap, topics.budgets)) {
      send(prices, topics.prices.name(), PriceBook.catalogKey(price), price);
      PriceVersion azure = PriceVersion.newBuilder(price).setProvider("azure.ai.openai")
          .setUncachedInputMicroUsdPerMtok(2_750_000).build();
      send(prices, topics.prices.name(), PriceBook.catalogKey(azure), azure);
      send(baselines, topics.humanBaselines.name(), BaselineKeys.of(baseline), baseline);
      send(budgets, topics.budgets.name(), budget.getBudgetId(), budget);
      send(budgets, topics.budgets.name(), allowance.getBudgetId(), allowance);
    }
    // This month's capacity pool serving openai's gpt-4o, and a commitment with openai.
    Instant monthStart = java.time.YearMonth.now(java.time.ZoneOffset.UTC).atDay(1).atStartOfDay(java.time.ZoneOffset.UTC)
        .toInstant();
    try (var pools = producer(bootstrap, topics.capacityPools);
         var commitments = producer(bootstrap, topics.commitments)) {
      io.tokenledger.schemas.CapacityPool pool = io.tokenledger.schemas.CapacityPool.newBuilder().setPoolId("gpu-pool")
          .setServes(List.of("openai/gpt-4o")).setOwnerTeam("platform").setMonthlyCostNanoUsd(1_000_000_000_000L)
          .setCapacityTokensPerSecond(1_000L).setEffectiveFrom(monthStart).setSetBy("it").setUpdatedAt(Instant.now())
          .build();
      send(pools, topics.capacityPools.name(), io.tokenledger.schemas.topics.CapacityKeys.of(pool), pool);
      io.tokenledger.schemas.Commitment commitment = io.tokenledger.schemas.Commitment.newBuilder()
          .setCommitmentId("openai-2026").setProvider("openai").setAmountNanoUsd(100_000_000_000L).setPeriodMonths(1)
          .setDiscountBasisPoints(1_000).setStart(monthStart).setTermMonths(12).setOwnerTeam("finance")
          .setSetBy("it").setUpdatedAt(Instant.now()).build();
      send(commitments, topics.commitments.name(), "openai-2026", commitment);
    }
    // This quarter's token plan: $120 for support, $100 of it for its tickets.
    String quarter = io.tokenledger.pricing.plan.Quarter.of(java.time.LocalDate.now(java.time.ZoneOffset.UTC)).toString();
    try (var plans = producer(bootstrap, topics.plans)) {
      for (TokenPlan plan : new TokenPlan[] {
          TokenPlan.newBuilder().setTeam("support").setWorkflow(null).setQuarter(quarter)
              .setAmountNanoUsd(120_000_000_000L).setEffectiveFrom(Instant.parse("2026-01-01T00:00:00Z"))
              .setSetBy("it").setUpdatedAt(Instant.now()).build(),
          TokenPlan.newBuilder().setTeam("support").setWorkflow("support-tickets").setQuarter(quarter)
              .setAmountNanoUsd(100_000_000_000L).setEffectiveFrom(Instant.parse("2026-01-01T00:00:00Z"))
              .setSetBy("it").setUpdatedAt(Instant.now()).build()}) {
        send(plans, topics.plans.name(), io.tokenledger.schemas.topics.PlanKeys.of(plan), plan);
      }
    }
  }

  private static <V> KafkaProducer<String, V> producer(String bootstrap, io.tokenledger.schemas.topics.Topic<String, V> topic) {
    return new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all"), topic.keySerde().serializer(), topic.valueSerde().serializer());
  }

  private static <V> void send(KafkaProducer<String, V> producer, String topic, String key, V value) throws Exception {
    producer.send(new ProducerRecord<>(topic, key, value)).get();
  }

  private static void send(KafkaProducer<String, UsageEvent> producer, String topic, UsageEvent event) throws Exception {
    send(producer, topic, event.getTeam(), event);
  }

  private static void send(KafkaProducer<String, WorkOutcome> producer, String topic, WorkOutcome outcome)
      throws Exception {
    send(producer, topic, outcome.getTeam(), outcome);
  }

  /** 1,000 uncached input tokens on gpt-4o at $2.50 per 1M: 2,500,000 nano-USD. */
  private static UsageEvent call(String id, String team, String workflow, Instant at, String item) {
    return UsageEvent.newBuilder().setEventId(id).setEventTime(at).setTeam(team).setWorkflow(workflow)
        .setService("svc").setProvider("openai").setModel("gpt-4o").setUncachedInputTokens(1_000)
        .setCacheReadTokens(0).setCacheWriteTokens(0).setOutputTokens(0).setReasoningTokens(0).setRequestCount(1)
        .setAgentId(team.equals("support") ? "support-bot" : null).setWorkItemId(item).build();
  }

  /** One budget's status as the alerting API answers it. */
  private JsonNode budget(String id) throws Exception {
    for (JsonNode b : api("/api/alerting/v1/budgets?team=support").path("budgets")) {
      if (b.path("budget_id").asText().equals(id)) {
        return b;
      }
    }
    throw new AssertionError("no budget " + id + " in /v1/budgets");
  }

  private static WorkOutcome solved(String id, String item, Instant at) {
    return WorkOutcome.newBuilder().setOutcomeId(id).setWorkItemId(item).setTeam("support")
        .setWorkflow("support-tickets").setOutcomeUnit("ticket").setStatus(WorkOutcomeStatus.SUCCEEDED)
        .setUnitsDelivered(1).setHumanSeconds(60).setEventTime(at).build();
  }
}
