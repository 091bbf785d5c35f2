package io.tokenledger.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.BudgetAlert;
import io.tokenledger.schemas.BudgetPeriod;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.topics.Topics;
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

class AlertingTopologyTest {
  private static final long USD = 1_000_000_000L;
  private static final Instant NOV = Instant.parse("2026-11-10T09:00:00Z");

  private final Topics topics = Topics.defaults();
  private TopologyTestDriver driver;
  private TestInputTopic<String, Budget> budgets;
  private TestInputTopic<String, UsageAggregate> aggregates;
  private TestOutputTopic<String, BudgetAlert> alerts;

  @BeforeEach
  void start() {
    driver = new TopologyTestDriver(AlertingApp.buildTopology(topics), AlertingApp.config(Map.of(
        StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
        StreamsConfig.STATE_DIR_CONFIG, "target/alerting-test-state")));
    budgets = driver.createInputTopic(topics.budgets.name(), topics.budgets.keySerde().serializer(),
        topics.budgets.valueSerde().serializer());
    aggregates = driver.createInputTopic(topics.teamAggregates1m.name(),
        topics.teamAggregates1m.keySerde().serializer(), topics.teamAggregates1m.valueSerde().serializer());
    alerts = driver.createOutputTopic(topics.budgetAlerts.name(), topics.budgetAlerts.keySerde().deserializer(),
        topics.budgetAlerts.valueSerde().deserializer());
    budgets.pipeInput("support-monthly", budget("support-monthly", "support", 100 * USD, "UTC"));
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void firesEachThresholdOnceAsRunningTotalsGrow() {
    window("support", NOV, 30 * USD);
    window("support", NOV, 55 * USD);        // same window grows: 50% crossed
    window("support", NOV, 55 * USD);        // repeated figure: nothing new
    window("support", NOV.plusSeconds(60), 20 * USD); // 75%
    window("support", NOV.plusSeconds(120), 6 * USD); // 81%: 80% crossed
    window("support", NOV.plusSeconds(180), 1 * USD); // 82%: nothing new

    List<BudgetAlert> raised = alerts.readValuesToList();
    assertEquals(List.of(50, 80), raised.stream().map(BudgetAlert::getThresholdPercent).toList());
    assertEquals(55 * USD, raised.get(0).getSpendNanoUsd());
    assertEquals(81 * USD, raised.get(1).getSpendNanoUsd());
    assertEquals("support-monthly/2026-11-01/80%", raised.get(1).getAlertId());
    assertEquals(Instant.parse("2026-11-01T00:00:00Z"), raised.get(1).getPeriodStart());
    assertEquals(Instant.parse("2026-12-01T00:00:00Z"), raised.get(1).getPeriodEnd());
  }

  @Test
  void oneLargeJumpFiresEveryThresholdItPasses() {
    window("support", NOV, 40 * USD);
    window("support", NOV.plusSeconds(60), 80 * USD); // 40% -> 120%

    List<BudgetAlert> raised = alerts.readValuesToList();
    assertEquals(List.of(50, 80, 100), raised.stream().map(BudgetAlert::getThresholdPercent).toList());
    raised.forEach(a -> assertEquals(120 * USD, a.getSpendNanoUsd()));
  }

  @Test
  void aNewMonthStartsFromZeroAndFiresAgain() {
    window("support", NOV, 60 * USD);
    window("support", Instant.parse("2026-12-01T00:00:00Z"), 10 * USD);
    window("support", Instant.parse("2026-12-01T00:01:00Z"), 45 * USD);

    List<BudgetAlert> raised = alerts.readValuesToList();
    assertEquals(List.of("support-monthly/2026-11-01/50%", "support-monthly/2026-12-01/50%"),
        raised.stream().map(BudgetAlert::getAlertId).toList());
    assertEquals(55 * USD, raised.get(1).getSpendNanoUsd());
  }

  @Test
  void alignsPeriodsInTheBudgetsTimeZone() {
    budgets.pipeInput("berlin", budget("berlin", "research", 10 * USD, "Europe/Berlin"));
    // 23:30 UTC on Nov 30 is already December 1st in Berlin (UTC+1).
    window("research", Instant.parse("2026-11-30T23:30:00Z"), 6 * USD);

    BudgetAlert alert = alerts.readValue();
    assertEquals("berlin/2026-12-01/50%", alert.getAlertId());
    assertEquals(Instant.parse("2026-11-30T23:00:00Z"), alert.getPeriodStart());
  }

  @Test
  void countsOnlyTheBudgetsTeam() {
    window("growth", NOV, 500 * USD);
    assertEquals(true, alerts.isEmpty());
  }

  private void window(String team, Instant start, long costNanoUsd) {
    aggregates.pipeInput(team, UsageAggregate.newBuilder().setScope(team).setTeam(team)
        .setWindowStart(start).setWindowEnd(start.plusSeconds(60)).setEventCount(1).setRequestCount(1)
        .setUncachedInputTokens(0).setCacheReadTokens(0).setCacheWriteTokens(0).setOutputTokens(0)
        .setReasoningTokens(0).setCostNanoUsd(costNanoUsd).build(), start.plusSeconds(59));
  }

  static Budget budget(String id, String team, long limitNanoUsd, String zone) {
    return Budget.newBuilder().setBudgetId(id).setTeam(team).setLimitNanoUsd(limitNanoUsd)
        .setPeriod(BudgetPeriod.MONTH).setTimezone(zone).setUpdatedAt(NOV).build();
  }
}
