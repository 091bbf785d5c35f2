package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.aggregation.AggregationSettings;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.economics.EconomicsApp;
import io.tokenledger.economics.EconomicsSettings;
import io.tokenledger.economics.figures.EconomicsKey;
import io.tokenledger.schemas.EconomicsPeriod;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.PricedUsageEvent;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.WorkflowEconomics;
import io.tokenledger.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The economics' AI spend per workflow and calendar period equals the aggregation's spend for
 * the same workflow and period, to the nano-dollar: random usage (items or none, duplicates,
 * an unpriced model, prices changing mid-run) across a UTC day and month boundary and the New
 * York one, through the aggregation topology, its ledger fed to the economics topology.
 */
class EconomicsSpendAgreementTest {
  private static final Instant T0 = Instant.parse("2026-11-30T20:00:00Z");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final String[] TEAMS = {"support", "finance", "growth"};
  private static final String[] WORKFLOWS = {"triage", "summarise", "agent-loop"};
  private static final String[] MODELS = {"gpt-4o", "gpt-4o-mini", "o4-mini", "not-in-catalog"};
  private static final String MARKER = "zz-marker";

  @ParameterizedTest
  @ValueSource(longs = {7, 11, 2026})
  void economicsSpendIsTheAggregatesSpendPerWorkflowAndPeriod(long seed) {
    Random random = new Random(seed);
    Map<String, Object> config = Map.of("tokenledger.topic.usage.partitions", "1",
        EconomicsSettings.PREFIX + "zone", NEW_YORK.getId());
    Topics topics = Topics.from(config);
    String state = System.getProperty("java.io.tmpdir") + "/economics-agreement-" + System.nanoTime();
    try (TopologyTestDriver aggregation = new TopologyTestDriver(
            AggregationApp.buildTopology(topics, AggregationSettings.from(Map.of("tokenledger.aggregation.grace", "2m"))),
            AggregationApp.config(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
                StreamsConfig.STATE_DIR_CONFIG, state + "/aggregation")), T0);
         TopologyTestDriver economics = new TopologyTestDriver(
            EconomicsApp.buildTopology(topics, EconomicsSettings.from(config)),
            EconomicsApp.config(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
                StreamsConfig.STATE_DIR_CONFIG, state + "/economics")), T0)) {
      TestInputTopic<String, PriceVersion> prices = aggregation.createInputTopic(topics.prices.name(),
          topics.prices.keySerde().serializer(), topics.prices.valueSerde().serializer());
      for (int m = 0; m < MODELS.length - 1; m++) {
        for (int v = 0; v < 2; v++) { // a second version mid-run
          PriceVersion price = PriceVersion.newBuilder().setProvider("openai").setModel(MODELS[m])
              .setEffectiveFrom(v == 0 ? T0.minus(Duration.ofDays(30)) : T0.plusSeconds(random.nextInt(36_000)))
              .setUncachedInputMicroUsdPerMtok(random.nextInt(20_000_000))
              .setCacheReadMicroUsdPerMtok(random.nextInt(5_000_000)).setCacheWriteMicroUsdPerMtok(0)
              .setOutputMicroUsdPerMtok(random.nextInt(80_000_000)).setReasoningMicroUsdPerMtok(random.nextInt(80_000_000))
              .build();
          prices.pipeInput(PriceBook.catalogKey(price), price);
        }
      }
      TestInputTopic<String, UsageEvent> usageIn = aggregation.createInputTopic(topics.usage.name(),
          topics.usage.keySerde().serializer(), topics.usage.valueSerde().serializer());
      // The economics reads what the aggregation accepted and priced, as it does in production.
      var pricedOut = aggregation.createOutputTopic(topics.pricedUsage.name(),
          topics.pricedUsage.keySerde().deserializer(), topics.pricedUsage.valueSerde().deserializer());
      TestInputTopic<String, PricedUsageEvent> pricedIn = economics.createInputTopic(topics.pricedUsage.name(),
          topics.pricedUsage.keySerde().serializer(), topics.pricedUsage.valueSerde().serializer());
      var ledgerOut = aggregation.createOutputTopic(topics.seriesLedger15m.name(),
          topics.seriesLedger15m.keySerde().deserializer(), topics.seriesLedger15m.valueSerde().deserializer());
      TestInputTopic<String, UsageAggregate> ledgerIn = economics.createInputTopic(topics.seriesLedger15m.name(),
          topics.seriesLedger15m.keySerde().serializer(), topics.seriesLedger15m.valueSerde().serializer());

      Instant clock = T0;
      List<UsageEvent> sent = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        clock = clock.plusMillis(random.nextInt(36_000)); // ten hours, over midnight UTC and New York
        boolean again = !sent.isEmpty() && random.nextInt(20) == 0;
        UsageEvent event = again ? sent.get(random.nextInt(sent.size())) : event(random, i, clock);
        sent.add(event);
        Instant at = again ? event.getEventTime() : clock;
        usageIn.pipeInput(event.getTeam(), event, at);
        if (i % 150 == 0) { // live ledger updates now and then: the economics takes each by its difference
          aggregation.advanceWallClockTime(Duration.ofSeconds(2));
          forward(pricedOut.readRecordsToList(), pricedIn);
          forward(ledgerOut.readRecordsToList(), ledgerIn);
        }
      }
      UsageEvent marker = UsageEvent.newBuilder(event(random, -1, clock.plus(Duration.ofDays(3)))).setWorkflow(MARKER).build();
      usageIn.pipeInput(marker.getTeam(), marker, marker.getEventTime()); // closes every window
      aggregation.advanceWallClockTime(Duration.ofSeconds(2));
      forward(pricedOut.readRecordsToList(), pricedIn);
      forward(ledgerOut.readRecordsToList(), ledgerIn);

      Map<String, Long> expected = new TreeMap<>();
      var hourly = aggregation.createOutputTopic(topics.workflowAggregates1h.name(),
          topics.workflowAggregates1h.keySerde().deserializer(), topics.workflowAggregates1h.valueSerde().deserializer());
      Map<String, UsageAggregate> latestHour = new HashMap<>();
      hourly.readValuesToList().forEach(a -> latestHour.put(a.getScope() + "@" + a.getWindowStart(), a));
      for (UsageAggregate hour : latestHour.values()) {
        if (hour.getScope().equals(MARKER)) {
          continue;
        }
        for (ZoneId zone : List.of(EconomicsSettings.UTC, NEW_YORK)) {
          LocalDate day = hour.getWindowStart().atZone(zone).toLocalDate();
          expected.merge(new EconomicsKey(EconomicsPeriod.DAY, zone, day, hour.getScope(), null).toString(),
              hour.getCostNanoUsd(), Long::sum);
          expected.merge(new EconomicsKey(EconomicsPeriod.MONTH, zone, day.withDayOfMonth(1), hour.getScope(), null)
              .toString(), hour.getCostNanoUsd(), Long::sum);
        }
      }
      var daily = aggregation.createOutputTopic(topics.workflowAggregates1d.name(),
          topics.workflowAggregates1d.keySerde().deserializer(), topics.workflowAggregates1d.valueSerde().deserializer());
      Map<String, Long> utcDays = new TreeMap<>();
      daily.readValuesToList().stream().filter(a -> !a.getScope().equals(MARKER)).forEach(a -> utcDays.put(
          new EconomicsKey(EconomicsPeriod.DAY, EconomicsSettings.UTC,
              a.getWindowStart().atZone(EconomicsSettings.UTC).toLocalDate(), a.getScope(), null).toString(),
          a.getCostNanoUsd()));

      economics.advanceWallClockTime(Duration.ofSeconds(1)); // publishes the changed figures
      var figures = economics.createOutputTopic(topics.economics.name(), topics.economics.keySerde().deserializer(),
          topics.economics.valueSerde().deserializer());
      Map<String, Long> actual = new TreeMap<>();
      for (var kv : figures.readKeyValuesToList()) {
        WorkflowEconomics f = kv.value;
        if (f.getTeam() == null && !f.getWorkflow().equals(MARKER)) {
          actual.put(kv.key, f.getAiSpendNanoUsd());
        }
      }
      actual.values().removeIf(spend -> spend == 0); // a period with items but no priced call
      expected.values().removeIf(spend -> spend == 0);
      assertTrue(expected.size() >= 3 * 2 * 4, "three workflows on two days and two months in two zones: " + expected);
      assertEquals(expected, actual);
      utcDays.forEach((key, cost) -> assertEquals(cost, actual.getOrDefault(key, 0L), key));
    }
  }

  private static <V> void forward(List<TestRecord<String, V>> records, TestInputTopic<String, V> to) {
    for (TestRecord<String, V> r : records) {
      to.pipeInput(r.key(), r.value(), r.timestamp());
    }
  }

  private static UsageEvent event(Random random, int i, Instant at) {
    String team = TEAMS[random.nextInt(TEAMS.length)];
    return UsageEvent.newBuilder().setEventId("ev-" + i + "-" + random.nextInt(1_000_000)).setEventTime(at)
        .setTeam(team).setWorkflow(WORKFLOWS[random.nextInt(WORKFLOWS.length)]).setService("svc")
        .setProvider("openai").setModel(MODELS[random.nextInt(MODELS.length)])
        .setUncachedInputTokens(random.nextInt(50_000)).setCacheReadTokens(random.nextInt(20_000))
        .setCacheWriteTokens(0).setOutputTokens(random.nextInt(4_000)).setReasoningTokens(random.nextInt(2_000))
        .setRequestCount(1).setWorkItemId(random.nextBoolean() ? team + "-item-" + random.nextInt(300) : null)
        .build();
  }
}
