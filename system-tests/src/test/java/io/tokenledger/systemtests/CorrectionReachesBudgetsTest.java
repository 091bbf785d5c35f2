package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.aggregation.AggregationSettings;
import io.tokenledger.pricing.Cost;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.pricing.Rerating;
import io.tokenledger.alerting.AlertingApp;
import io.tokenledger.alerting.AlertingSettings;
import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.BudgetPeriod;
import io.tokenledger.schemas.BudgetStatus;
import io.tokenledger.schemas.PriceCorrection;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * A price correction reaches the budgets: the aggregation's ledger, before and after the
 * corrections of the middle of three days, fed to alerting; the budget status moves by the
 * team's difference exactly.
 */
class CorrectionReachesBudgetsTest {
  private static final Instant DAY1 = Instant.parse("2026-11-02T00:00:00Z");
  private static final Instant DAY2 = DAY1.plus(Duration.ofDays(1));
  private static final Instant DAY3 = DAY2.plus(Duration.ofDays(1));

  @Test
  void theBudgetStatusMovesByTheTeamsDifference() {
    Topics topics = Topics.from(Map.of("tokenledger.topic.usage.partitions", "1",
        "tokenledger.topic.ledger.team-workflow-model.15m.partitions", "1"));
    String state = System.getProperty("java.io.tmpdir") + "/correction-budgets-" + System.nanoTime();
    try (TopologyTestDriver aggregation = new TopologyTestDriver(AggregationApp.buildTopology(topics,
            AggregationSettings.from(Map.of("tokenledger.aggregation.grace", "30s"))),
            AggregationApp.config(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
                StreamsConfig.STATE_DIR_CONFIG, state + "/aggregation")), DAY1);
         TopologyTestDriver alerting = new TopologyTestDriver(AlertingApp.buildTopology(topics,
            AlertingSettings.defaults()), AlertingApp.config(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
                "unused:9092", StreamsConfig.STATE_DIR_CONFIG, state + "/alerting")), DAY3.plus(Duration.ofDays(1)))) {
      PriceVersion wrong = price(25_000_000, 100_000_000);
      PriceVersion right = price(2_500_000, 10_000_000);
      aggregation.createInputTopic(topics.prices.name(), topics.prices.keySerde().serializer(),
          topics.prices.valueSerde().serializer()).pipeInput(PriceBook.catalogKey(wrong), wrong);
      alerting.createInputTopic(topics.budgets.name(), topics.budgets.keySerde().serializer(),
          topics.budgets.valueSerde().serializer()).pipeInput("support-monthly", Budget.newBuilder()
              .setBudgetId("support-monthly").setTeam("support").setLimitNanoUsd(100_000_000_000L)
              .setPeriod(BudgetPeriod.MONTH).setTimezone("UTC").setUpdatedAt(DAY1).build());
      TestInputTopic<String, UsageEvent> usage = aggregation.createInputTopic(topics.usage.name(),
          topics.usage.keySerde().serializer(), topics.usage.valueSerde().serializer());
      TestOutputTopic<String, UsageAggregate> ledgerOut = aggregation.createOutputTopic(topics.seriesLedger15m.name(),
          topics.seriesLedger15m.keySerde().deserializer(), topics.seriesLedger15m.valueSerde().deserializer());
      TestInputTopic<String, UsageAggregate> ledgerIn = alerting.createInputTopic(topics.seriesLedger15m.name(),
          topics.seriesLedger15m.keySerde().serializer(), topics.seriesLedger15m.valueSerde().serializer());
      TestOutputTopic<String, BudgetStatus> statuses = alerting.createOutputTopic(topics.budgetStatus.name(),
          topics.budgetStatus.keySerde().deserializer(), topics.budgetStatus.valueSerde().deserializer());

      List<UsageEvent> sent = new ArrayList<>();
      int n = 0;
      for (Instant day : List.of(DAY1, DAY2, DAY3)) {
        for (int i = 0; i < 4; i++) {
          for (String team : List.of("support", "finance")) {
            UsageEvent e = UsageEvent.newBuilder().setEventId("b" + (++n)).setEventTime(day.plus(Duration.ofMinutes(20 + 50L * i)))
                .setTeam(team).setWorkflow("triage").setService("s").setProvider("openai").setModel("gpt-4o")
                .setUncachedInputTokens(1_000L * (i + 1)).setCacheReadTokens(0).setCacheWriteTokens(0)
                .setOutputTokens(300).setReasoningTokens(0).setRequestCount(1).build();
            usage.pipeInput(team, e, e.getEventTime());
            sent.add(e);
          }
        }
      }
      aggregation.advanceWallClockTime(Duration.ofSeconds(10)); // the detail interval: the per-series ledger is up to date
      Map<String, UsageAggregate> buckets = new HashMap<>();
      forward(ledgerOut.readRecordsToList(), ledgerIn, buckets);
      alerting.advanceWallClockTime(Duration.ofSeconds(2));
      long before = latest(statuses).getSpendNanoUsd();
      assertEquals(sent.stream().filter(e -> e.getTeam().equals("support")).mapToLong(e -> Cost.nanoUsd(e, wrong)).sum(),
          before);

      List<PriceCorrection> corrections = Rerating.corrections(buckets.values(),
          new Rerating.Spec(right, DAY2, DAY3, "entered x10", "finops"), DAY3.plus(Duration.ofDays(1)));
      TestInputTopic<String, PriceCorrection> correctionsIn = aggregation.createInputTopic(
          topics.priceCorrections.name(), topics.priceCorrections.keySerde().serializer(),
          topics.priceCorrections.valueSerde().serializer());
      corrections.forEach(c -> correctionsIn.pipeInput(c.getTeam(), c));
      forward(ledgerOut.readRecordsToList(), ledgerIn, buckets);
      alerting.advanceWallClockTime(Duration.ofSeconds(2));
      long supportDifference = corrections.stream().filter(c -> c.getTeam().equals("support"))
          .mapToLong(PriceCorrection::getDifferenceNanoUsd).sum();
      long after = latest(statuses).getSpendNanoUsd();
      assertEquals(before + supportDifference, after);
      assertEquals(sent.stream().filter(e -> e.getTeam().equals("support"))
          .mapToLong(e -> Cost.nanoUsd(e, e.getEventTime().isBefore(DAY2) || !e.getEventTime().isBefore(DAY3)
              ? wrong : right)).sum(), after, "as if the right price had been in force on day 2 from the start");
    }
  }

  private static void forward(List<TestRecord<String, UsageAggregate>> records, TestInputTopic<String, UsageAggregate> to,
      Map<String, UsageAggregate> latest) {
    for (TestRecord<String, UsageAggregate> r : records) {
      to.pipeInput(r.key(), r.value(), r.timestamp());
      latest.put(r.key() + "@" + r.value().getWindowStart(), r.value());
    }
  }

  private static BudgetStatus latest(TestOutputTopic<String, BudgetStatus> statuses) {
    BudgetStatus last = null;
    for (var r : statuses.readRecordsToList()) {
      if (r.key().equals("support-monthly") && r.value() != null) {
        last = r.value();
      }
    }
    return last;
  }

  private static PriceVersion price(long input, long output) {
    return PriceVersion.newBuilder().setProvider("openai").setModel("gpt-4o")
        .setEffectiveFrom(Instant.parse("2026-01-01T00:00:00Z")).setUncachedInputMicroUsdPerMtok(input)
        .setCacheReadMicroUsdPerMtok(input).setCacheWriteMicroUsdPerMtok(input).setOutputMicroUsdPerMtok(output)
        .setReasoningMicroUsdPerMtok(output).build();
  }
}
