package io.tokenledger.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.alerting.anomaly.AnomalySettings;
import io.tokenledger.alerting.forecast.ForecastSettings;
import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.BudgetAlert;
import io.tokenledger.schemas.BudgetEnforcement;
import io.tokenledger.schemas.BudgetMeasure;
import io.tokenledger.schemas.BudgetPeriod;
import io.tokenledger.schemas.BudgetState;
import io.tokenledger.schemas.BudgetStatus;
import io.tokenledger.schemas.ForecastAlert;
import io.tokenledger.schemas.ForecastState;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.LogCapture;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Budgets against the per (team, workflow, model) period ledger: ledger records are cumulative
 * per 15-minute bucket and repeat, exactly as the aggregation topology publishes them.
 */
class AlertingTopologyTest {
  private static final long USD = 1_000_000_000L;
  private static final Instant NOV = Instant.parse("2026-11-10T09:00:00Z");

  private final Topics topics = Topics.from(Map.of("tokenledger.topic.ledger.team-workflow-model.15m.partitions", "1"));
  private TopologyTestDriver driver;
  private TestInputTopic<String, Budget> budgets;
  private TestInputTopic<String, UsageAggregate> ledger;
  private TestOutputTopic<String, BudgetAlert> alerts;
  private TestOutputTopic<String, ForecastAlert> forecasts;
  private TestOutputTopic<String, BudgetStatus> statuses;

  @BeforeEach
  void start() {
    // A month projected from its last hour: the figures below are easy to check by hand (the
    // defaults, 7 days for a month, are ForecastTopologyTest's).
    AlertingSettings settings = new AlertingSettings(ForecastSettings.uniform(Duration.ofHours(1),
        Duration.ofMinutes(10), Duration.ofDays(1)), Duration.ofHours(1), Duration.ofSeconds(1), AnomalySettings.defaults(),
        io.tokenledger.alerting.admission.AdmissionSettings.defaults(),
        io.tokenledger.alerting.commitment.CommitmentWatchSettings.defaults());
    driver = new TopologyTestDriver(AlertingApp.buildTopology(topics, settings), AlertingApp.config(Map.of(
        StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
        StreamsConfig.STATE_DIR_CONFIG, "target/alerting-test-state")), NOV);
    budgets = driver.createInputTopic(topics.budgets.name(), topics.budgets.keySerde().serializer(),
        topics.budgets.valueSerde().serializer());
    ledger = driver.createInputTopic(topics.seriesLedger15m.name(),
        topics.seriesLedger15m.keySerde().serializer(), topics.seriesLedger15m.valueSerde().serializer());
    alerts = driver.createOutputTopic(topics.budgetAlerts.name(), topics.budgetAlerts.keySerde().deserializer(),
        topics.budgetAlerts.valueSerde().deserializer());
    forecasts = driver.createOutputTopic(topics.forecastAlerts.name(), topics.forecastAlerts.keySerde().deserializer(),
        topics.forecastAlerts.valueSerde().deserializer());
    statuses = driver.createOutputTopic(topics.budgetStatus.name(), topics.budgetStatus.keySerde().deserializer(),
        topics.budgetStatus.valueSerde().deserializer());
    setBudget(budget("support-monthly", "support", 100 * USD, "UTC"));
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void firesEachThresholdOnceAsRunningTotalsGrow() {
    bucket("support|triage|openai/gpt-4o", NOV, 30 * USD);
    bucket("support|triage|openai/gpt-4o", NOV, 55 * USD);        // the same bucket grows: 50% crossed
    bucket("support|triage|openai/gpt-4o", NOV, 55 * USD);        // a repeated figure: nothing new
    bucket("support|summarise|openai/gpt-4o", NOV, 20 * USD);     // 75%
    bucket("support|triage|openai/gpt-4o", NOV.plus(Duration.ofMinutes(15)), 6 * USD); // 81%: 80% crossed
    bucket("support|triage|openai/gpt-4o", NOV.plus(Duration.ofMinutes(30)), 1 * USD);  // 82%: nothing new

    List<BudgetAlert> raised = alerts.readValuesToList();
    assertEquals(List.of(50, 80), raised.stream().map(BudgetAlert::getThresholdPercent).toList());
    assertEquals(55 * USD, raised.get(0).getSpendNanoUsd());
    assertEquals(81 * USD, raised.get(1).getSpendNanoUsd());
    assertEquals("support-monthly/2026-11-01/80%", raised.get(1).getAlertId());
    assertEquals(BudgetMeasure.USD, raised.get(1).getMeasure());
    assertEquals(Instant.parse("2026-11-01T00:00:00Z"), raised.get(1).getPeriodStart());
    assertEquals(Instant.parse("2026-12-01T00:00:00Z"), raised.get(1).getPeriodEnd());
  }

  @Test
  void oneLargeEventJumpingFrom40To120PercentFiresEveryThresholdItPasses() {
    bucket("support|triage|openai/gpt-4o", NOV, 40 * USD);
    bucket("support|triage|openai/gpt-4o", NOV, 120 * USD);

    List<BudgetAlert> raised = alerts.readValuesToList();
    assertEquals(List.of(50, 80, 100), raised.stream().map(BudgetAlert::getThresholdPercent).toList());
    raised.forEach(a -> assertEquals(120 * USD, a.getSpendNanoUsd()));
  }

  @Test
  void aNewMonthStartsFromZeroAndFiresAgain() {
    bucket("support|triage|openai/gpt-4o", NOV, 60 * USD);
    bucket("support|triage|openai/gpt-4o", Instant.parse("2026-12-01T00:00:00Z"), 10 * USD);
    bucket("support|triage|openai/gpt-4o", Instant.parse("2026-12-01T00:15:00Z"), 45 * USD);

    List<BudgetAlert> raised = alerts.readValuesToList();
    assertEquals(List.of("support-monthly/2026-11-01/50%", "support-monthly/2026-12-01/50%"),
        raised.stream().map(BudgetAlert::getAlertId).toList());
    assertEquals(55 * USD, raised.get(1).getSpendNanoUsd());
  }

  @Test
  void alignsCalendarBoundariesInTheBudgetsTimeZone() {
    setBudget(budget("berlin", "research", 10 * USD, "Europe/Berlin"));
    // 22:45-23:00 UTC on Nov 30 is 23:45 in Berlin: still November.
    bucket("research|triage|openai/gpt-4o", Instant.parse("2026-11-30T22:45:00Z"), 4 * USD);
    // 23:00 UTC on Nov 30 is midnight in Berlin (UTC+1): December 1st. November's 4 USD do not count.
    bucket("research|triage|openai/gpt-4o", Instant.parse("2026-11-30T23:00:00Z"), 4 * USD);
    assertTrue(alerts.isEmpty(), "4 USD in November and 4 USD in December: neither reaches 50% of 10 USD");

    bucket("research|triage|openai/gpt-4o", Instant.parse("2026-11-30T23:15:00Z"), 1 * USD);
    BudgetAlert alert = alerts.readValue();
    assertEquals("berlin/2026-12-01/50%", alert.getAlertId());
    assertEquals(5 * USD, alert.getSpendNanoUsd());
    assertEquals(Instant.parse("2026-11-30T23:00:00Z"), alert.getPeriodStart());
    assertEquals(Instant.parse("2026-12-31T23:00:00Z"), alert.getPeriodEnd());
  }

  @Test
  void countsOnlyTheBudgetsTeamWorkflowAndModel() {
    setBudget(Budget.newBuilder(budget("triage-4o", "support", 10 * USD, "UTC")).setWorkflow("triage")
        .setModel("gpt-4o").build());
    bucket("growth|triage|openai/gpt-4o", NOV, 500 * USD);
    bucket("support|summarise|openai/gpt-4o", NOV, 30 * USD);   // support-monthly: 30%
    bucket("support|triage|anthropic/claude-sonnet-4", NOV, 4 * USD); // support-monthly: 34%
    assertTrue(alerts.isEmpty());

    bucket("support|triage|openai/gpt-4o", NOV, 5 * USD);        // triage-4o: 50%; support-monthly: 39%
    List<BudgetAlert> raised = alerts.readValuesToList();
    assertEquals(List.of("triage-4o/2026-11-01/50%"), raised.stream().map(BudgetAlert::getAlertId).toList());
    assertEquals("triage", raised.get(0).getWorkflow());
    assertEquals(5 * USD, raised.get(0).getSpendNanoUsd());
  }

  /** A budget written by another producer than the CLI, with a dated model name, still matches the usage. */
  @Test
  void aBudgetOnADatedModelSnapshotCountsTheNormalisedModelsUsage() {
    setBudget(Budget.newBuilder(budget("snapshot", "support", 10 * USD, "UTC")).setModel("GPT-4o-2024-08-06")
        .setThresholdsPercent(List.of(100, 50, 50)).build());
    bucket("support|triage|openai/gpt-4o", NOV, 6 * USD);

    List<BudgetAlert> raised = alerts.readValuesToList().stream().filter(a -> a.getBudgetId().equals("snapshot"))
        .toList();
    assertEquals(List.of("snapshot/2026-11-01/50%"), raised.stream().map(BudgetAlert::getAlertId).toList());
  }

  /** A budget alerting cannot evaluate is logged once, naming the problem, not re-logged every interval. */
  @Test
  void aBudgetWithoutALimitIsRefusedOnceWithTheReason() {
    try (LogCapture log = new LogCapture()) {
      setBudget(Budget.newBuilder(budget("no-limit", "support", 1, "UTC")).setLimitNanoUsd(null).build());
      driver.advanceWallClockTime(Duration.ofSeconds(5));
      assertEquals(1, log.find(org.apache.logging.log4j.Level.ERROR,
          "Budget no-limit of team support is not evaluated: give limit_nano_usd, limit_tokens or both").size(),
          log.lines().toString());
    }
  }

  @Test
  void aDeletedBudgetHasItsStatusRemovedAndAlertsNoMore() {
    bucket("support|triage|openai/gpt-4o", NOV, 30 * USD);
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertEquals(30 * USD, latestStatus("support-monthly").getSpendNanoUsd());

    budgets.pipeInput("support-monthly", null); // deleted, as 'tokenledger budgets delete' does
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    var last = statuses.readRecordsToList().stream().filter(r -> r.key().equals("support-monthly"))
        .reduce((a, b) -> b).orElseThrow();
    assertNull(last.value(), "a tombstone removes the status from the compacted topic");
    bucket("support|triage|openai/gpt-4o", NOV, 90 * USD);
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertTrue(alerts.readValuesToList().isEmpty(), "no alert for a deleted budget");
    assertTrue(statuses.readRecordsToList().stream().noneMatch(r -> r.key().equals("support-monthly")));
  }

  /** Weeks start on Monday in the budget's zone; usage of the Sunday before is last week's. */
  @Test
  void aWeeklyBudgetCountsFromMondayInItsZone() {
    setBudget(Budget.newBuilder(budget("weekly", "research", 10 * USD, "Europe/Berlin"))
        .setPeriod(BudgetPeriod.WEEK).build());
    // Sunday 2026-11-08 22:45 UTC is 23:45 in Berlin: the week before. Monday starts at 23:00 UTC.
    bucket("research|triage|openai/gpt-4o", Instant.parse("2026-11-08T22:45:00Z"), 4 * USD);
    bucket("research|triage|openai/gpt-4o", Instant.parse("2026-11-08T23:00:00Z"), 4 * USD);
    assertTrue(alerts.readValuesToList().isEmpty(), "4 USD in each week: neither reaches 50% of 10 USD");
    bucket("research|triage|openai/gpt-4o", Instant.parse("2026-11-10T08:00:00Z"), 2 * USD);
    List<BudgetAlert> raised = alerts.readValuesToList();
    assertEquals(List.of("weekly/2026-11-09/50%"), raised.stream().map(BudgetAlert::getAlertId).toList());
    assertEquals(6 * USD, raised.get(0).getSpendNanoUsd());
    assertEquals(Instant.parse("2026-11-08T23:00:00Z"), raised.get(0).getPeriodStart());
  }

  @Test
  void aTokenLimitFiresOnTokensAllBucketsSummed() {
    setBudget(Budget.newBuilder().setBudgetId("tokens").setTeam("search").setLimitTokens(1_000_000L)
        .setPeriod(BudgetPeriod.DAY).setTimezone("UTC").setUpdatedAt(NOV).build());
    ledger.pipeInput("search|rank|openai/gpt-4o", UsageAggregate.newBuilder(aggregate("search|rank|openai/gpt-4o", NOV, 0))
        .setUncachedInputTokens(300_000).setCacheReadTokens(100_000).setOutputTokens(90_000)
        .setReasoningTokens(10_000).build(), NOV.plusSeconds(1));

    BudgetAlert alert = alerts.readValue();
    assertEquals("tokens/2026-11-10/50%tokens", alert.getAlertId());
    assertEquals(BudgetMeasure.TOKENS, alert.getMeasure());
    assertEquals(500_000L, alert.getSpendTokens());
    assertNull(alert.getLimitNanoUsd());
  }

  @Test
  void aBudgetChangedMidPeriodIsEvaluatedAtOnceAgainstPeriodToDateSpend() {
    bucket("support|triage|openai/gpt-4o", NOV, 60 * USD);
    assertEquals(List.of(50), alerts.readValuesToList().stream().map(BudgetAlert::getThresholdPercent).toList());

    // The limit is lowered to 70 USD, with no new usage: 60/70 = 85.7% is past 80% at once.
    setBudget(Budget.newBuilder(budget("support-monthly", "support", 70 * USD, "UTC"))
        .setUpdatedAt(NOV.plusSeconds(5)).build());
    List<BudgetAlert> raised = alerts.readValuesToList();
    assertEquals(List.of("support-monthly/2026-11-01/80%"), raised.stream().map(BudgetAlert::getAlertId).toList());
    assertEquals(60 * USD, raised.get(0).getSpendNanoUsd());
    assertEquals(70 * USD, raised.get(0).getLimitNanoUsd());
  }

  @Test
  void lateSpendInAnEarlierBucketStillCounts() {
    bucket("support|triage|openai/gpt-4o", NOV.plus(Duration.ofHours(3)), 45 * USD);
    bucket("support|triage|openai/gpt-4o", NOV, 6 * USD); // a late event reached an earlier bucket of the ledger
    assertEquals(51 * USD, alerts.readValue().getSpendNanoUsd());
  }

  @Test
  void publishesTheBudgetStatus() {
    bucket("support|triage|openai/gpt-4o", NOV, 85 * USD);
    driver.advanceWallClockTime(Duration.ofSeconds(1));

    BudgetStatus status = latestStatus("support-monthly");
    assertEquals(85 * USD, status.getSpendNanoUsd());
    assertEquals(100 * USD, status.getLimitNanoUsd());
    assertEquals(8_500L, status.getUsedBasisPoints());
    assertEquals(BudgetState.WARNING, status.getState());
    assertEquals(BudgetEnforcement.SOFT, status.getEnforcement());
    assertNull(status.getProjectedSpendNanoUsd(), "no projection before 10 minutes of history");
  }

  @Test
  void forecastsTheBreachFromTheTrailingBurnRateAndResendsOnlyOnMaterialChange() {
    // 1 USD in each 15-minute bucket from 09:00 to 10:00: 5 USD over the trailing hour.
    for (int q = 0; q <= 4; q++) {
      Instant at = NOV.plus(Duration.ofMinutes(15L * q));
      ledger.pipeInput("support|agent|openai/gpt-4o", aggregate("support|agent|openai/gpt-4o", at, USD), at);
    }
    driver.advanceWallClockTime(Duration.ofSeconds(1));

    ForecastAlert forecast = forecasts.readValue();
    assertEquals(ForecastState.PROJECTED_TO_EXCEED, forecast.getState());
    assertEquals(5 * USD, forecast.getSpend());
    assertEquals(5 * USD, forecast.getBurnRatePerHour());
    // Nov 10 10:00 to Dec 1 00:00 is 494 hours: 5 + 5 x 494 = 2,475 USD.
    assertEquals(2_475 * USD, forecast.getProjectedEndOfPeriod());
    // 95 USD to go at 5 USD per hour: 19 hours after 10:00.
    assertEquals(Instant.parse("2026-11-11T05:00:00Z"), forecast.getProjectedBreachAt());
    assertEquals("support-monthly/2026-11-01/forecast-usd/1", forecast.getAlertId());
    assertEquals(BudgetState.PROJECTED_TO_EXCEED, latestStatus("support-monthly").getState());

    // The same rate 15 minutes later moves the breach by 3 minutes: not re-sent.
    Instant next = NOV.plus(Duration.ofMinutes(75));
    ledger.pipeInput("support|agent|openai/gpt-4o", aggregate("support|agent|openai/gpt-4o", next, USD), next);
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertTrue(forecasts.isEmpty());

    // Then spend stops; two hours later the trailing rate is zero and the projection clears.
    Instant later = NOV.plus(Duration.ofHours(3));
    ledger.pipeInput("support|agent|openai/gpt-4o", aggregate("support|agent|openai/gpt-4o", later, 0), later);
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    ForecastAlert cleared = forecasts.readValue();
    assertEquals(ForecastState.NO_LONGER_PROJECTED, cleared.getState());
    assertEquals("support-monthly/2026-11-01/forecast-usd/2", cleared.getAlertId());
    assertNull(cleared.getProjectedBreachAt());
  }

  private BudgetStatus latestStatus(String budgetId) {
    BudgetStatus latest = null;
    for (var record : statuses.readRecordsToList()) {
      if (record.key().equals(budgetId)) {
        latest = record.value();
      }
    }
    return latest;
  }

  /** Sets or changes a budget; alerting picks it up at its next status interval. */
  private void setBudget(Budget budget) {
    budgets.pipeInput(budget.getBudgetId(), budget);
    driver.advanceWallClockTime(Duration.ofSeconds(1));
  }

  private void bucket(String key, Instant start, long costNanoUsd) {
    ledger.pipeInput(key, aggregate(key, start, costNanoUsd), start.plusSeconds(59));
  }

  private static UsageAggregate aggregate(String key, Instant start, long costNanoUsd) {
    io.tokenledger.schemas.topics.SeriesKey series = io.tokenledger.schemas.topics.SeriesKey.parse(key);
    return UsageAggregate.newBuilder().setScope(key).setTeam(series.team()).setWorkflow(series.workflow())
        .setProvider(series.provider()).setModel(series.model())
        .setWindowStart(start).setWindowEnd(start.plus(Duration.ofMinutes(15))).setEventCount(1).setRequestCount(1)
        .setUncachedInputTokens(0).setCacheReadTokens(0).setCacheWriteTokens(0).setOutputTokens(0)
        .setReasoningTokens(0).setCostNanoUsd(costNanoUsd).build();
  }

  static Budget budget(String id, String team, long limitNanoUsd, String zone) {
    return Budget.newBuilder().setBudgetId(id).setTeam(team).setLimitNanoUsd(limitNanoUsd)
        .setPeriod(BudgetPeriod.MONTH).setTimezone(zone).setUpdatedAt(NOV).build();
  }
}
